import type { ActionScope } from "./action";
import { assignmentSummary, validServices } from "./common";
import { lockedUserAssignment } from "./user-assignment";
import { RoleAssignmentOnlineService, type RoleAssignment } from "../model/entities";

/** Replaces the online services of a USER with services of their capacity. */
export async function setUserOnlineServices(scope: ActionScope, input: { assignment: string; onlineServices: readonly string[] }): Promise<RoleAssignment> {
  const { assignment, enterprise } = await lockedUserAssignment(scope, input.assignment, "input.assignment");
  const services = validServices(scope, assignment.capacityCode!, input.onlineServices, "input.onlineServices");
  const previous = (await scope.em.findBy(RoleAssignmentOnlineService, { assignmentId: assignment.id })).map((s) => s.onlineServiceCode);
  await scope.em.delete(RoleAssignmentOnlineService, { assignmentId: assignment.id });
  if (services.length > 0) {
    await scope.em.insert(
      RoleAssignmentOnlineService,
      services.map((code) => ({ assignmentId: assignment.id, onlineServiceCode: code })),
    );
  }
  scope.changed({ kind: "ASSIGNMENT", enterpriseId: enterprise.id, assignment: { personId: assignment.personId, role: assignment.role, capacityCode: assignment.capacityCode } });
  await scope.audit("MANAGE_USERS", enterprise, {
    mutation: "setUserOnlineServices",
    before: assignmentSummary(assignment, previous),
    after: assignmentSummary(assignment, services),
  });
  return assignment;
}
