import { assignmentSummary } from "./audit-summaries";
import { validServices, validValidUntil } from "./valid-input";
import { ofUserAssignment, replaceOnlineServices, requireCurrentUser } from "./user-assignment";
import { mutationAction } from "./mutation-action";
import type { RoleAssignment } from "../domain/entities";

/**
 * Replaces the online services of a USER with services of their capacity; with `validUntil`, the assignment expires
 * then instead (the one way to extend or shorten a user's right: adding them again is CONFLICT ALREADY_ASSIGNED).
 */
export const setUserOnlineServices = mutationAction({
  mutation: "setUserOnlineServices",
  task: "MANAGE_USERS",
  target: ofUserAssignment("input"),
  async run(
    scope,
    input: { assignment: string; onlineServices: readonly string[]; validUntil?: Date | null },
    act,
  ): Promise<RoleAssignment> {
    const validUntil = validValidUntil(scope, input.validUntil);
    const { assignment, enterprise } = await act.locate();
    requireCurrentUser(assignment);
    const services = validServices(scope, assignment.capacityCode!, input.onlineServices, "input.onlineServices");
    const [before] = await replaceOnlineServices(scope, [{ assignment, services, validUntil }]);
    await act.audit(enterprise, {
      before,
      after: assignmentSummary(assignment, services),
    });
    return assignment;
  },
});
