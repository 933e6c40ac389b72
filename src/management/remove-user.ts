import type { ActionScope } from "./action";
import { assignmentSummary } from "./audit-summaries";
import { endAssignments } from "./role-grants";
import { lockedUserAssignment } from "./user-assignment";
import type { RoleAssignment } from "../model/entities";

/** Ends a USER assignment; its history stays in the audit trail. */
export async function removeUser(scope: ActionScope, input: { assignment: string }): Promise<RoleAssignment> {
  const { assignment, enterprise } = await lockedUserAssignment(scope, input.assignment, "assignment");
  const before = assignmentSummary(assignment);
  await endAssignments(scope, [assignment]);
  await scope.audit("MANAGE_USERS", enterprise, { mutation: "removeUser", before, after: assignmentSummary(assignment) });
  return assignment;
}
