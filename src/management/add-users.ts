import { assignmentSummary, personSummary } from "./audit-summaries";
import { boundedItems, BulkItems, refuseDuplicates, type BulkOutcome } from "./bulk-items";
import { alreadyAssigned, currentHolders, grantRoles } from "./role-grants";
import { peopleBySsin, upsertPeople } from "./upsert-person";
import { validPerson, validServices, validUntilAt, validValidUntil, type PersonInput } from "./valid-input";
import { BadUserInputError } from "../errors";
import type { RoleAssignment } from "../domain/entities";
import { message } from "../i18n/messages";
import { mutationAction } from "./mutation-action";
import { inEnterprise } from "./target";

/** One person of addUsers, as addUser takes them. */
export interface AddUsersItem {
  person: PersonInput;
  onlineServices: readonly string[];
  validUntil?: Date | null;
}

/**
 * addUser for up to 1,000 people into one active capacity: each item checked as addUser checks its input, MANAGE_USERS
 * decided once in that capacity under the enterprise's lock, then the people, assignments, online services and their
 * history written in multi-row statements, with one audit event per user added. Atomic (the default): the first
 * refused item refuses the call and nothing is written; otherwise each refused item is answered with its error and
 * the others are added. Input refusals come before state refusals (ALREADY_ASSIGNED), which need the lock.
 */
export const addUsers = mutationAction({
  mutation: "addUsers",
  task: "MANAGE_USERS",
  target: inEnterprise({ of: "input", capacity: true }),
  async run(
    scope,
    input: { enterprise: string; capacity: string; users: readonly AddUsersItem[]; atomic?: boolean | null },
    act,
  ): Promise<BulkOutcome<RoleAssignment>> {
    const atomic = input.atomic ?? true;
    const users = boundedItems(input.users, "input.users");
    const capacityCode = act.capacity.code;
    const field = (index: number) => `input.users[${index}]`;
    const items = new BulkItems<{ person: PersonInput; services: string[]; validUntil: Date | null }>(users.length, field);
    const atOnce = { atInstant: (rule: (now: Date) => void) => rule(scope.now) };
    items.check(users, (user, index) => ({
      person: validPerson(user.person, `${field(index)}.person`),
      services: validServices(scope, capacityCode, user.onlineServices, `${field(index)}.onlineServices`),
      validUntil: validValidUntil(atOnce, user.validUntil, `${field(index)}.validUntil`),
    }));
    refuseDuplicates(
      items,
      (value) => value.person.ssin,
      (first, index) => new BadUserInputError(`${field(index)}.person.ssin`, message("input.duplicatePerson", { first })),
    );
    items.settle(atomic);
    const { enterprise } = await act.locate();
    items.check(users, (_, index, value) => ({
      ...value!,
      validUntil: validUntilAt(value!.validUntil, scope.now, `${field(index)}.validUntil`),
    }));
    const known = await peopleBySsin(
      scope.em,
      items.accepted().map((item) => item.value.person.ssin),
    );
    const holders = await currentHolders(scope, {
      enterpriseId: enterprise.id,
      role: "USER",
      capacityCode,
      personIds: [...known.values()].map((person) => person.id),
    });
    for (const { index, value } of items.accepted())
      if (holders.has(known.get(value.person.ssin)?.id ?? -1)) items.refuse(index, alreadyAssigned("USER", capacityCode));
    items.settle(atomic);
    const accepted = items.accepted();
    const people = await upsertPeople(
      scope,
      accepted.map((item) => item.value.person),
      known,
    );
    const assignments = await grantRoles(scope, {
      enterprise,
      role: "USER",
      capacityCode,
      grants: accepted.map(({ value }, k) => ({ person: people[k], onlineServices: value.services, validUntil: value.validUntil })),
    });
    await act.auditEach(
      enterprise,
      assignments.map((assignment, k) => ({
        before: null,
        after: { ...assignmentSummary(assignment, accepted[k].value.services), person: personSummary(people[k]) },
      })),
    );
    return items.outcome(atomic, new Map(accepted.map((item, k) => [item.index, assignments[k]])));
  },
});
