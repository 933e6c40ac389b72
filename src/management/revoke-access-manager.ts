import type { ActionScope } from "./action";
import { mutationAction, type Act } from "./mutation-action";
import { ofAssignment, type Place } from "./target";
import { assignmentSummary } from "./audit-summaries";
import { currentAssignment, endAssignments, ensureMainAccessManagerProfiles } from "./role-grants";
import { ConflictError } from "../errors";
import type { RoleAssignment } from "../domain/entities";
import { message } from "../i18n/messages";

/**
 * Ends an access manager's assignment. The main access manager's automatic profile stays while they are main access
 * manager: the function makes them access manager of every active capacity. A profile the main access manager was
 * appointed separately may end; their automatic one takes its place in the same transaction.
 */
export const revokeAccessManager = mutationAction({
  mutation: "revokeAccessManager",
  task: "APPOINT_ACCESS_MANAGER",
  target: ofAssignment({ role: "ACCESS_MANAGER", notFound: () => message("notFound.accessManager") }),
  run,
});

async function run(
  scope: ActionScope,
  _input: { assignment: string },
  act: Act<Place & { assignment: RoleAssignment }, undefined>,
): Promise<RoleAssignment> {
  const { assignment, enterprise } = await act.locate();
  if (assignment.endedAt) throw new ConflictError("ALREADY_ENDED", message("conflict.accessManagerEnded"));
  const main = await currentAssignment(scope, { enterpriseId: enterprise.id, role: "MAIN_ACCESS_MANAGER" });
  const heldByMain = main?.personId === assignment.personId;
  if (assignment.automatic && heldByMain) {
    throw new ConflictError("MAIN_ACCESS_MANAGER_PROFILE", message("conflict.mainAccessManagerProfile"));
  }
  const before = assignmentSummary(assignment);
  await endAssignments(scope, [assignment]);
  const replacedBy = heldByMain ? await ensureMainAccessManagerProfiles(scope, enterprise) : [];
  await act.audit(enterprise, {
    before,
    after: {
      ...assignmentSummary(assignment),
      ...(replacedBy.length > 0 ? { replacedBy: replacedBy.map((p) => assignmentSummary(p)) } : {}),
    },
  });
  return assignment;
}
