import type { ActionScope } from "./action";
import { assignmentSummary } from "./audit-summaries";
import { currentAssignment, endAssignments, ensureMainAccessManagerProfiles } from "./role-grants";
import { validId } from "./valid-input";
import { ConflictError, NotFoundError } from "../errors";
import { Enterprise, RoleAssignment } from "../model/entities";
import { message } from "../i18n/messages";

/**
 * Ends an access manager's assignment. The main access manager's automatic profile stays while they are main access
 * manager (SPEC rule 2). A profile the main access manager was appointed separately may end; their automatic one
 * takes its place in the same transaction, since the function makes them access manager of every active capacity.
 */
export async function revokeAccessManager(scope: ActionScope, input: { assignment: string }): Promise<RoleAssignment> {
  const id = validId(input.assignment, "assignment");
  const found = await scope.em.findOneBy(RoleAssignment, { id });
  if (!found || found.role !== "ACCESS_MANAGER" || !(await scope.access.knowsOfAssignment(found))) throw new NotFoundError(message("notFound.accessManager"));
  const enterprise = await scope.em.findOneByOrFail(Enterprise, { id: found.enterpriseId });
  await scope.lock(enterprise);
  await scope.access.require(enterprise, "APPOINT_ACCESS_MANAGER");
  const assignment = await scope.em.findOneByOrFail(RoleAssignment, { id });
  if (assignment.endedAt) throw new ConflictError("ALREADY_ENDED", message("conflict.accessManagerEnded"));
  const main = await currentAssignment(scope, { enterpriseId: enterprise.id, role: "MAIN_ACCESS_MANAGER" });
  const heldByMain = main?.personId === assignment.personId;
  if (assignment.automatic && heldByMain) {
    throw new ConflictError("MAIN_ACCESS_MANAGER_PROFILE", message("conflict.mainAccessManagerProfile"));
  }
  const before = assignmentSummary(assignment);
  await endAssignments(scope, [assignment]);
  const replacedBy = heldByMain ? await ensureMainAccessManagerProfiles(scope, enterprise) : [];
  await scope.audit("APPOINT_ACCESS_MANAGER", enterprise, {
    mutation: "revokeAccessManager",
    before,
    after: { ...assignmentSummary(assignment), ...(replacedBy.length > 0 ? { replacedBy: replacedBy.map((p) => assignmentSummary(p)) } : {}) },
  });
  return assignment;
}
