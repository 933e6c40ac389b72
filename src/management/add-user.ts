import type { ActionScope } from "./action";
import { assignmentSummary, personSummary } from "./audit-summaries";
import { grantRole } from "./role-grants";
import { lockedEnterprise } from "./locked-enterprise";
import { upsertPerson } from "./upsert-person";
import { validPerson, validServices, validValidUntil, type PersonInput } from "./valid-input";
import type { RoleAssignment } from "../model/entities";

/**
 * Adds a USER in one capacity with online services of that capacity (SPEC rules 5 and 6), until `validUntil` if
 * given. A user's expiry changes through setUserOnlineServices, never by adding them again (CONFLICT ALREADY_ASSIGNED).
 */
export async function addUser(
  scope: ActionScope,
  input: { enterprise: string; capacity: string; person: PersonInput; onlineServices: readonly string[]; validUntil?: Date | null },
): Promise<RoleAssignment> {
  const capacity = scope.catalog.capacity(input.capacity, "input.capacity");
  const services = validServices(scope, capacity.code, input.onlineServices, "input.onlineServices");
  const personInput = validPerson(input.person, "input.person");
  const validUntil = validValidUntil(scope, input.validUntil);
  const enterprise = await lockedEnterprise(scope, input.enterprise);
  await scope.access.require(enterprise, "MANAGE_USERS", capacity.code);
  const person = await upsertPerson(scope, personInput);
  const assignment = await grantRole(scope, { person, enterprise, role: "USER", capacityCode: capacity.code, onlineServices: services, validUntil });
  await scope.audit("MANAGE_USERS", enterprise, {
    mutation: "addUser",
    before: null,
    after: { ...assignmentSummary(assignment, services), person: personSummary(person) },
  });
  return assignment;
}
