import type { RoleAssignment } from "../domain/entities";
import { Person } from "../domain/entities";
import {
  accessRequestSummary,
  closeAccessRequest,
  requestChanged,
  ofAccessRequest,
  requestedServices,
  requireOpen,
} from "./access-requests";
import { grantUser } from "./add-user";
import { mutationAction } from "./mutation-action";
import { validServices, validValidUntil } from "./valid-input";

/**
 * Approves an open access request: its requester becomes a USER of the capacity through addUser's own rules and record
 * (`grantUser`), with the online services and expiry asked for unless the decider gives others, and the audit event
 * names the request. Answers the new assignment.
 */
export const approveAccessRequest = mutationAction({
  mutation: "approveAccessRequest",
  task: "MANAGE_USERS",
  target: ofAccessRequest(),
  async run(
    scope,
    input: { id: string; onlineServices?: readonly string[] | null; validUntil?: Date | null },
    act,
  ): Promise<RoleAssignment> {
    const { enterprise, request } = await act.locate();
    requireOpen(scope, request);
    const services = validServices(scope, request.capacity, input.onlineServices ?? requestedServices(request), "onlineServices");
    const asked = request.validUntil && request.validUntil.getTime() > scope.now.getTime() ? request.validUntil : null;
    const validUntil = validValidUntil(
      scope,
      input.validUntil === undefined || input.validUntil === null ? asked : input.validUntil,
      "validUntil",
    );
    const person = await scope.em.findOneByOrFail(Person, { id: request.personId });
    const { assignment, details } = await grantUser(scope, { person, enterprise, capacityCode: request.capacity, services, validUntil });
    await closeAccessRequest(scope, request, { status: "APPROVED", assignmentId: assignment.id });
    await requestChanged(scope, request, { enterpriseId: enterprise.id, decided: true });
    await act.audit(enterprise, { ...details, accessRequest: accessRequestSummary(request) });
    return assignment;
  },
});
