import { assignmentSummary } from "./audit-summaries";
import { boundedItems, BulkItems, refuseDuplicates, type BulkOutcome } from "./bulk-items";
import { replaceOnlineServices, usersOfCapacity } from "./user-assignment";
import { validId, validServices, validUntilAt, validValidUntil } from "./valid-input";
import { BadUserInputError } from "../errors";
import type { RoleAssignment } from "../domain/entities";
import { message } from "../i18n/messages";
import { mutationAction } from "./mutation-action";
import { inEnterprise } from "./target";

/** One user of setUsersOnlineServices, as setUserOnlineServices takes them. */
export interface SetUsersOnlineServicesItem {
  assignment: string;
  onlineServices: readonly string[];
  validUntil?: Date | null;
}

/**
 * setUserOnlineServices for up to 1,000 USER assignments of one capacity of one enterprise: each item checked as the
 * single mutation checks it, MANAGE_USERS decided once in that capacity under the enterprise's lock, the services
 * replaced in multi-row statements, one audit event per user changed. Unknown ids as removeUsers; atomic by default,
 * as addUsers.
 */
export const setUsersOnlineServices = mutationAction({
  mutation: "setUsersOnlineServices",
  task: "MANAGE_USERS",
  target: inEnterprise({ of: "input", capacity: true }),
  async run(
    scope,
    input: { enterprise: string; capacity: string; users: readonly SetUsersOnlineServicesItem[]; atomic?: boolean | null },
    act,
  ): Promise<BulkOutcome<RoleAssignment>> {
    const atomic = input.atomic ?? true;
    const users = boundedItems(input.users, "input.users");
    const capacityCode = act.capacity.code;
    const field = (index: number) => `input.users[${index}]`;
    const items = new BulkItems<{ id: number; services: string[]; validUntil: Date | null }>(users.length, field);
    const atOnce = { atInstant: (rule: (now: Date) => void) => rule(scope.now) };
    items.check(users, (user, index) => ({
      id: validId(user.assignment, `${field(index)}.assignment`),
      services: validServices(scope, capacityCode, user.onlineServices, `${field(index)}.onlineServices`),
      validUntil: validValidUntil(atOnce, user.validUntil, `${field(index)}.validUntil`),
    }));
    refuseDuplicates(
      items,
      (value) => String(value.id),
      (first, index) => new BadUserInputError(`${field(index)}.assignment`, message("input.duplicateAssignment", { first })),
    );
    items.settle(atomic);
    const { enterprise } = await act.locate();
    items.check(users, (_, index, value) => ({
      ...value!,
      validUntil: validUntilAt(value!.validUntil, scope.now, `${field(index)}.validUntil`),
    }));
    const found = await usersOfCapacity(scope, items, { enterpriseId: enterprise.id, capacityCode });
    items.settle(atomic);
    const accepted = items.accepted().map(({ index, value }) => ({ index, assignment: found.get(value.id)!, ...value }));
    const before = await replaceOnlineServices(scope, accepted);
    await act.auditEach(
      enterprise,
      accepted.map(({ assignment, services }, k) => ({ before: before[k], after: assignmentSummary(assignment, services) })),
    );
    return items.outcome(atomic, new Map(accepted.map((item) => [item.index, item.assignment])));
  },
});
