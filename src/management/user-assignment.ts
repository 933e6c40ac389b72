import type { ActionScope } from "./action";
import { validId } from "./valid-input";
import { ConflictError, NotFoundError } from "../errors";
import { Enterprise, RoleAssignment } from "../model/entities";
import { message } from "../i18n/messages";

/** Finds a current USER assignment by id, locks its enterprise and checks MANAGE_USERS in its capacity. */
export async function lockedUserAssignment(scope: ActionScope, assignmentId: string, field: string): Promise<{ assignment: RoleAssignment; enterprise: Enterprise }> {
  const id = validId(assignmentId, field);
  const found = await scope.em.findOneBy(RoleAssignment, { id });
  if (!found || found.role !== "USER" || !(await scope.access.knowsOfAssignment(found))) throw new NotFoundError(message("notFound.user"));
  const enterprise = await scope.em.findOneByOrFail(Enterprise, { id: found.enterpriseId });
  await scope.lock(enterprise);
  await scope.access.require(enterprise, "MANAGE_USERS", found.capacityCode);
  const assignment = await scope.em.findOneByOrFail(RoleAssignment, { id });
  if (assignment.endedAt) throw new ConflictError("ALREADY_ENDED", message("conflict.userEnded"));
  return { assignment, enterprise };
}
