import { assignmentSummary } from "./audit-summaries";
import { endAssignments } from "./role-grants";
import { ofUserAssignment, requireCurrentUser } from "./user-assignment";
import type { RoleAssignment } from "../domain/entities";
import { mutationAction } from "./mutation-action";

/** Ends a USER assignment; its history stays in the audit trail. */
export const removeUser = mutationAction({
  mutation: "removeUser",
  task: "MANAGE_USERS",
  target: ofUserAssignment(),
  async run(scope, _input: { assignment: string }, act): Promise<RoleAssignment> {
    const { assignment, enterprise } = await act.locate();
    requireCurrentUser(assignment);
    const before = assignmentSummary(assignment);
    await endAssignments(scope, [assignment]);
    await act.audit(enterprise, { before, after: assignmentSummary(assignment) });
    return assignment;
  },
});
