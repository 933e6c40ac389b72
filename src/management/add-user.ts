import { assignmentSummary, personSummary } from "./audit-summaries";
import { grantRole } from "./role-grants";
import { upsertPerson } from "./upsert-person";
import { validPerson, validServices, validValidUntil, type PersonInput } from "./valid-input";
import type { Enterprise, Person, RoleAssignment } from "../domain/entities";
import type { ActionScope } from "./action";
import { mutationAction } from "./mutation-action";
import { inEnterprise } from "./target";

/**
 * Adds a USER in one active capacity with online services of that capacity, until `validUntil` if
 * given. A user's expiry changes through setUserOnlineServices, never by adding them again (CONFLICT ALREADY_ASSIGNED).
 */
export const addUser = mutationAction({
  mutation: "addUser",
  task: "MANAGE_USERS",
  target: inEnterprise({ of: "input", capacity: true }),
  async run(
    scope,
    input: { enterprise: string; capacity: string; person: PersonInput; onlineServices: readonly string[]; validUntil?: Date | null },
    act,
  ): Promise<RoleAssignment> {
    const services = validServices(scope, act.capacity.code, input.onlineServices, "input.onlineServices");
    const personInput = validPerson(input.person, "input.person");
    const validUntil = validValidUntil(scope, input.validUntil);
    const { enterprise } = await act.locate();
    const person = await upsertPerson(scope, personInput);
    const { assignment, details } = await grantUser(scope, { person, enterprise, capacityCode: act.capacity.code, services, validUntil });
    await act.audit(enterprise, details);
    return assignment;
  },
});

/**
 * Makes a person a USER of a capacity, as addUser does once its input is checked and its task decided under the
 * enterprise's lock, and gives the audit event's details: approveAccessRequest adds its user through this too, so that
 * both follow the same rules (CONFLICT ALREADY_ASSIGNED) and leave the same record.
 */
export async function grantUser(
  scope: ActionScope,
  {
    person,
    enterprise,
    capacityCode,
    services,
    validUntil,
  }: { person: Person; enterprise: Enterprise; capacityCode: string; services: string[]; validUntil: Date | null },
): Promise<{ assignment: RoleAssignment; details: { before: null; after: Record<string, unknown> } }> {
  const assignment = await grantRole(scope, { person, enterprise, role: "USER", capacityCode, onlineServices: services, validUntil });
  return { assignment, details: { before: null, after: { ...assignmentSummary(assignment, services), person: personSummary(person) } } };
}
