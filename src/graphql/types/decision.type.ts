import { Field, ObjectType } from "type-graphql";
import type { Decision as AccessDecision, DecisionReason } from "../../access/decision";
import type { Task } from "../../access/role-tasks";
import type { Message } from "../../i18n/messages";
import { RoleAssignment } from "../../domain/entities";
import { DecisionReasonEnum, TaskEnum } from "../../domain/enums";

/**
 * The access layer's decision as the API shows it: every field but `message` is a plain property of what
 * access.decide returns; `message` words the explanation in the caller's language (decision.resolver.ts).
 */
@ObjectType({
  description: "Why a task is allowed or denied, derived from the same rules that guard the mutations.",
  simpleResolvers: true,
})
export class Decision implements AccessDecision<RoleAssignment> {
  @Field(() => Boolean, {
    description: "Whether the caller may perform the task; when false, the mutation would answer FORBIDDEN with `reason`.",
  })
  allowed: boolean;

  @Field(() => TaskEnum, { description: "The task asked about." })
  task: Task;

  @Field(() => DecisionReasonEnum, { description: "Why: a stable code to branch on." })
  reason: DecisionReason;

  @Field(() => [RoleAssignment], {
    description: "The assignments (and, through a mandate, the provider's assignments) that grant the task; empty when denied.",
  })
  via: RoleAssignment[];

  explanation: Message;
}
