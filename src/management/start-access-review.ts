import { BadUserInputError } from "../errors";
import { message } from "../i18n/messages";
import type { AccessReview } from "../domain/entities";
import type { AccessReviewDecision, AccessReviewerKind, AccessReviewRecurrence } from "../domain/states";
import { mutationAction } from "./mutation-action";
import { inEnterprise } from "./target";
import { validValidUntil } from "./valid-input";
import { openReview, reviewSummary } from "./access-reviews";

/**
 * Starts an access review of the enterprise. Decided with APPOINT_ACCESS_MANAGER, the task that the main access manager
 * alone holds for the whole enterprise: the review reaches every role below that function. A legal representative
 * starts one by appointing themself main access manager (APPOINT_MAIN_ACCESS_MANAGER), as for every other task of
 * that function.
 */
export const startAccessReview = mutationAction({
  mutation: "startAccessReview",
  task: "APPOINT_ACCESS_MANAGER",
  target: inEnterprise({ of: "input" }),
  async run(
    scope,
    input: {
      enterprise: string;
      capacities?: readonly string[] | null;
      dueAt: Date;
      defaultDecision: AccessReviewDecision;
      reviewers?: AccessReviewerKind | null;
      recurrence?: AccessReviewRecurrence | null;
    },
    act,
  ): Promise<AccessReview> {
    const dueAt = validValidUntil(scope, input.dueAt, "input.dueAt")!;
    const capacities = input.capacities ? [...new Set(input.capacities.map((code) => code.trim()))] : null;
    for (const code of capacities ?? [])
      if (!scope.catalog.capacities.has(code))
        throw new BadUserInputError("input.capacities", message("input.unknownCapacity", { value: code }));
    if (capacities?.length === 0) throw new BadUserInputError("input.capacities", message("input.noCapacities"));
    const { enterprise } = await act.locate();
    const { review, items } = await openReview(scope, enterprise, {
      dueAt,
      defaultDecision: input.defaultDecision,
      reviewers: input.reviewers ?? "CAPACITY_MANAGERS",
      recurrence: input.recurrence ?? null,
      capacities: capacities ? `,${capacities.sort().join(",")},` : null,
      previousReviewId: null,
    });
    await act.audit(enterprise, { before: null, after: { ...reviewSummary(review), items } });
    return review;
  },
});
