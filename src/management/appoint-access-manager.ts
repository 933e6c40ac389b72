import type { ActionScope } from "./action";
import { activeCapacities, requireActiveCapacity } from "./capacities";
import { assignmentSummary, personSummary } from "./audit-summaries";
import { grantRole } from "./role-grants";
import { lockedEnterprise } from "./locked-enterprise";
import { upsertPerson } from "./upsert-person";
import { validPerson, validValidUntil, type PersonInput } from "./valid-input";
import type { RoleAssignment } from "../model/entities";

/**
 * Appoints an access manager for one active capacity (SPEC rules 5 and 6), until `validUntil` if given. Appointing
 * someone who holds the role already is CONFLICT ALREADY_ASSIGNED, with or without an expiry: nothing is extended.
 */
export async function appointAccessManager(
  scope: ActionScope,
  input: { enterprise: string; capacity: string; person: PersonInput; validUntil?: Date | null },
): Promise<RoleAssignment> {
  const capacity = scope.catalog.capacity(input.capacity, "input.capacity");
  const personInput = validPerson(input.person, "input.person");
  const validUntil = validValidUntil(scope, input.validUntil);
  const enterprise = await lockedEnterprise(scope, input.enterprise);
  await scope.access.require(enterprise, "APPOINT_ACCESS_MANAGER");
  requireActiveCapacity(await activeCapacities(scope, enterprise), capacity.code);
  const person = await upsertPerson(scope, personInput);
  const assignment = await grantRole(scope, { person, enterprise, role: "ACCESS_MANAGER", capacityCode: capacity.code, validUntil });
  await scope.audit("APPOINT_ACCESS_MANAGER", enterprise, {
    mutation: "appointAccessManager",
    before: null,
    after: { ...assignmentSummary(assignment), person: personSummary(person) },
  });
  return assignment;
}
