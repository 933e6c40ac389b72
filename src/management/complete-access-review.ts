import type { AccessReview } from "../domain/entities";
import { completeReview, ofAccessReview } from "./access-reviews";
import { mutationAction } from "./mutation-action";

/**
 * Completes an open review before its due date, as the due date would: the default decision applies to every item still
 * pending (one audit event each, with the caller as actor), and a recurring review starts the next one.
 */
export const completeAccessReview = mutationAction({
  mutation: "completeAccessReview",
  task: "APPOINT_ACCESS_MANAGER",
  target: ofAccessReview(),
  async run(scope, _input: { id: string }, act): Promise<AccessReview> {
    const { enterprise, review } = await act.locate();
    await completeReview(scope, enterprise, review);
    return review;
  },
});
