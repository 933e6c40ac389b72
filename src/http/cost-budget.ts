import type { ApolloServerPlugin, GraphQLRequest } from "@apollo/server";
import type { BudgetState, Context } from "../context";
import { answerCost } from "./answer-cost";
import type { OnCost } from "./document-limits";

/**
 * What an operation was charged: its requested cost, whether it may run (within the limits and the budget), the points
 * reserved for it (none without a budget), the budget then.
 */
interface Charge {
  requested: number;
  runs: boolean;
  reserved: number;
  state: BudgetState | null;
}

/** `extensions.cost` of an answer (docs/clients.md, "Cost and budget"). */
export interface AnswerCost {
  requested: number;
  actual: number;
  limit: number | null;
  remaining: number | null;
  resetAt: string | null;
}

/**
 * The viewer's budget of cost points, spent by what operations really cost, and shown on every answer:
 * - before an operation runs, its requested cost (src/http/document-limits.ts) is reserved; when the budget has fewer
 *   points left, nothing is taken and the operation is refused with RATE_LIMITED (scope "cost", HTTP 429,
 *   Retry-After, the budget in the RateLimit headers);
 * - once it has run, its actual cost (src/http/answer-cost.ts) is what it spends: the rest of the reservation is given
 *   back (or, where a list ran longer than its estimate, the difference taken);
 * - every answer carries `extensions.cost { requested actual limit remaining resetAt }`: `requested` 0 for a document
 *   never costed (it did not parse or validate), `actual` 0 for one that did not run, and the budget's fields null
 *   without a budget (an anonymous caller, RATE_LIMIT=off) or when its store failed.
 * `onCost` is given to the document limits, which know the cost first; `plugin` settles and reports.
 */
export function costBudget(): { onCost: OnCost<Context>; plugin: ApolloServerPlugin<Context> } {
  const charges = new WeakMap<GraphQLRequest, Charge>();
  return {
    async onCost({ request, contextValue, operation }, cost, withinLimits) {
      const charge: Charge = { requested: cost, runs: false, reserved: 0, state: null };
      charges.set(request, charge);
      const budget = contextValue.costBudget;
      if (!withinLimits) return;
      if (budget) {
        const { state, refusal } = await budget.reserve(cost);
        charge.state = state;
        if (refusal) throw refusal;
        charge.reserved = cost;
        budget.reserved.set(operation, { cost, state });
      }
      charge.runs = true;
    },
    plugin: {
      async requestDidStart() {
        return {
          async willSendResponse({ request, response, contextValue, schema, document, operation }) {
            if (response.body.kind !== "single") return;
            const charge = charges.get(request);
            const { data, errors } = response.body.singleResult;
            // An answer stopped at MAX_RESPONSE_BYTES returns nothing of what it built: it is charged as requested.
            const stopped = errors?.some((e) => e.extensions?.code === "QUERY_TOO_COMPLEX" && e.extensions.limit === "responseBytes");
            const ran = charge?.runs && document && operation;
            const actual = !ran ? 0 : stopped ? charge.requested : answerCost(schema, document, operation, data);
            const budget = contextValue.costBudget;
            let state = charge?.state ?? null;
            if (budget && charge && charge.reserved !== actual && (charge.reserved > 0 || actual > 0))
              state = await budget.settle(charge.reserved, actual);
            else if (budget && !charge?.state) state = await budget.peek();
            const cost: AnswerCost = {
              requested: charge?.requested ?? 0,
              actual,
              limit: state?.limit ?? null,
              remaining: state?.remaining ?? null,
              resetAt: state?.resetAt.toISOString() ?? null,
            };
            // Read again after the awaits: the answer is the one being sent, whatever replaced it meanwhile.
            if (response.body.kind !== "single") return;
            const result = response.body.singleResult;
            result.extensions = { ...result.extensions, cost };
          },
        };
      },
    },
  };
}
