import { Field, Int, ObjectType } from "type-graphql";
import { DateTimeScalar } from "../../domain/scalars";

@ObjectType("RateLimit", {
  description:
    "The caller's own budget of cost points in the current window (RATE_LIMIT_COST_POINTS per RATE_LIMIT_COST_WINDOW_S), as this request leaves it. Asking for it costs nothing.",
  simpleResolvers: true,
})
export class RateLimit {
  @Field(() => Int, {
    description:
      "The requested cost of this operation, taken from the budget before it ran; the answer's `extensions.cost.actual` says what it finally cost, and the budget keeps only that.",
  })
  cost: number;

  @Field(() => Int, { description: "The points of a whole window." })
  limit: number;

  @Field(() => Int, { description: "The points left once this operation's requested cost was taken." })
  remaining: number;

  @Field(() => DateTimeScalar, { description: "When the window ends and the whole budget is back." })
  resetAt: Date;
}
