import { assignmentSummary } from "./audit-summaries";
import { boundedItems, BulkItems, refuseDuplicates, type BulkOutcome } from "./bulk-items";
import { endAssignments } from "./role-grants";
import { usersOfCapacity } from "./user-assignment";
import { validId } from "./valid-input";
import { BadUserInputError } from "../errors";
import type { RoleAssignment } from "../domain/entities";
import { message } from "../i18n/messages";
import { mutationAction } from "./mutation-action";
import { inEnterprise } from "./target";

/**
 * removeUser for up to 1,000 USER assignments of one capacity of one enterprise: MANAGE_USERS decided once in that
 * capacity under the enterprise's lock, the assignments ended in one statement, one audit event per user removed.
 * An id that is not a user of that capacity is answered as unknown (NOT_FOUND), whatever it is. Atomic by default,
 * as addUsers.
 */
export const removeUsers = mutationAction({
  mutation: "removeUsers",
  task: "MANAGE_USERS",
  target: inEnterprise({ of: "input", capacity: true }),
  async run(
    scope,
    input: { enterprise: string; capacity: string; assignments: readonly string[]; atomic?: boolean | null },
    act,
  ): Promise<BulkOutcome<RoleAssignment>> {
    const atomic = input.atomic ?? true;
    const ids = boundedItems(input.assignments, "input.assignments");
    const field = (index: number) => `input.assignments[${index}]`;
    const items = new BulkItems<{ id: number }>(ids.length, field);
    items.check(ids, (id, index) => ({ id: validId(id, field(index)) }));
    refuseDuplicates(
      items,
      (value) => String(value.id),
      (first, index) => new BadUserInputError(field(index), message("input.duplicateAssignment", { first })),
    );
    items.settle(atomic);
    const { enterprise } = await act.locate();
    const found = await usersOfCapacity(scope, items, { enterpriseId: enterprise.id, capacityCode: act.capacity.code });
    items.settle(atomic);
    const accepted = items.accepted().map((item) => ({ index: item.index, assignment: found.get(item.value.id)! }));
    const before = accepted.map(({ assignment }) => assignmentSummary(assignment));
    await endAssignments(
      scope,
      accepted.map((item) => item.assignment),
      { together: true },
    );
    await act.auditEach(
      enterprise,
      accepted.map(({ assignment }, k) => ({ before: before[k], after: assignmentSummary(assignment) })),
    );
    return items.outcome(atomic, new Map(accepted.map((item) => [item.index, item.assignment])));
  },
});
