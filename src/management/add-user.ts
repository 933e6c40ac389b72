import { assignmentSummary, personSummary } from "./audit-summaries";
import { grantRole } from "./role-grants";
import { upsertPerson } from "./upsert-person";
import { validPerson, validServices, validValidUntil, type PersonInput } from "./valid-input";
import type { RoleAssignment } from "../domain/entities";
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
    const assignment = await grantRole(scope, {
      person,
      enterprise,
      role: "USER",
      capacityCode: act.capacity.code,
      onlineServices: services,
      validUntil,
    });
    await act.audit(enterprise, {
      before: null,
      after: { ...assignmentSummary(assignment, services), person: personSummary(person) },
    });
    return assignment;
  },
});
