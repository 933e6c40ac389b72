import { mayDecideReviewItem } from "../access/access-reviews";
import type { AccessReviewItem } from "../domain/entities";
import { parseName } from "../domain/identifiers";
import type { AccessReviewDecision } from "../domain/states";
import { ForbiddenError } from "../errors";
import { message } from "../i18n/messages";
import { applyDecision, ofAccessReviewItem } from "./access-reviews";
import { mutationAction } from "./mutation-action";
import { valid, validValidUntil } from "./valid-input";

/**
 * A reviewer's decision on one item. The shield decides MANAGE_USERS in the item's capacity; under the lock the item's
 * own rule decides too: an access manager's item needs APPOINT_ACCESS_MANAGER, a review for the main access manager
 * alone needs that function, and no one decides their own assignment. The audit event names the item's task.
 */
export const decideAccessReviewItem = mutationAction({
  mutation: "decideAccessReviewItem",
  task: "MANAGE_USERS",
  target: ofAccessReviewItem(),
  async run(
    scope,
    input: { id: string; decision: AccessReviewDecision; validUntil?: Date | null; note?: string | null },
    act,
  ): Promise<AccessReviewItem> {
    const validUntil = validValidUntil(scope, input.validUntil, "validUntil");
    const note =
      input.note === undefined || input.note === null || input.note.trim() === ""
        ? null
        : valid(parseName(input.note, { max: 500 }), "note");
    const { enterprise, review, item } = await act.locate();
    // MANAGE_USERS in the item's capacity is decided already (locate); the item's own rule adds only what it needs beyond.
    if (!(await mayDecideReviewItem(scope.access, enterprise, review, item, { manageUsersAllowed: true })))
      throw new ForbiddenError("ROLE_LACKS_TASK", message("forbidden.accessReviewItem"));
    await applyDecision(scope, enterprise, review, item, {
      decision: input.decision,
      validUntil: input.decision === "KEEP" ? validUntil : null,
      note,
      byDefault: false,
    });
    return item;
  },
});
