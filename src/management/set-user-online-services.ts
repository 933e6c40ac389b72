import { assignmentSummary } from "./audit-summaries";
import { validServices, validValidUntil } from "./valid-input";
import { ofUserAssignment, requireCurrentUser } from "./user-assignment";
import { mutationAction } from "./mutation-action";
import { RoleAssignment, RoleAssignmentOnlineService } from "../domain/entities";
import { recordOnlineServices } from "../domain/history";

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
    const before = assignmentSummary(
      assignment,
      (await scope.em.findBy(RoleAssignmentOnlineService, { assignmentId: assignment.id })).map((s) => s.onlineServiceCode),
    );
    await scope.em.delete(RoleAssignmentOnlineService, { assignmentId: assignment.id });
    if (services.length > 0) {
      await scope.em.insert(
        RoleAssignmentOnlineService,
        services.map((code) => ({ assignmentId: assignment.id, onlineServiceCode: code })),
      );
    }
    if (validUntil) {
      await scope.em.update(RoleAssignment, { id: assignment.id }, { validUntil });
      assignment.validUntil = validUntil;
    }
    await recordOnlineServices(scope.em, { assignmentId: assignment.id, codes: services, at: scope.now });
    scope.changed({
      kind: "ASSIGNMENT",
      enterpriseId: enterprise.id,
      assignment: { personId: assignment.personId, role: assignment.role, capacityCode: assignment.capacityCode },
    });
    await act.audit(enterprise, {
      before,
      after: assignmentSummary(assignment, services),
    });
    return assignment;
  },
});
