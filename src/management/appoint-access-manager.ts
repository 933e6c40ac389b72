import { activeCapacities, requireActiveCapacity } from "./capacities";
import { assignmentSummary, personSummary } from "./audit-summaries";
import { grantRole } from "./role-grants";
import { upsertPerson } from "./upsert-person";
import { validPerson, validValidUntil, type PersonInput } from "./valid-input";
import type { RoleAssignment } from "../domain/entities";
import { mutationAction } from "./mutation-action";
import { inEnterprise } from "./target";

/**
 * Appoints an access manager for one active capacity, until `validUntil` if given. Appointing
 * someone who holds the role already is CONFLICT ALREADY_ASSIGNED, with or without an expiry: nothing is extended.
 */
export const appointAccessManager = mutationAction({
  mutation: "appointAccessManager",
  task: "APPOINT_ACCESS_MANAGER",
  target: inEnterprise({ of: "input", capacity: true }),
  async run(
    scope,
    input: { enterprise: string; capacity: string; person: PersonInput; validUntil?: Date | null },
    act,
  ): Promise<RoleAssignment> {
    const capacity = act.capacity;
    const personInput = validPerson(input.person, "input.person");
    const validUntil = validValidUntil(scope, input.validUntil);
    const { enterprise } = await act.locate();
    requireActiveCapacity(await activeCapacities(scope, enterprise), capacity.code);
    const person = await upsertPerson(scope, personInput);
    const assignment = await grantRole(scope, { person, enterprise, role: "ACCESS_MANAGER", capacityCode: capacity.code, validUntil });
    await act.audit(enterprise, {
      before: null,
      after: { ...assignmentSummary(assignment), person: personSummary(person) },
    });
    return assignment;
  },
});
