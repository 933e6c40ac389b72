import { Field, ID, ObjectType } from "type-graphql";
import type { Decision as AccessDecision, DecisionReason } from "../../access/decision";
import type { Task } from "../../access/role-tasks";
import type { Message } from "../../i18n/messages";
import { RoleAssignment } from "../../domain/entities";
import { AccessRequestStatusEnum, DecisionReasonEnum, TaskEnum } from "../../domain/enums";
import type { AccessRequestStatus } from "../../domain/states";

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

  /** What `can` or `canUseOnlineService` was asked, for `accessRequest`; absent elsewhere (myTasks, asOf). */
  asked?: { enterprise: string; capacity: string | null; service: string | null };
}

/**
 * What the caller can do next about a task they may not perform: ask for it. Never who decides: the managers' names
 * are not the caller's to know.
 */
@ObjectType({
  description: "Whether the caller may ask for the access they lack, and where their last request for it stands.",
  simpleResolvers: true,
})
export class DecisionAccessRequest {
  @Field(() => Boolean, {
    description:
      "Whether requestAccess can be asked for this: the task is not allowed, it is USE_ONLINE_SERVICES (a capacity given to `can`, or an online service), and no request of the caller for it is open. The same whether or not the enterprise exists.",
  })
  possible: boolean;

  @Field(() => ID, { nullable: true, description: "The caller's latest request for it (withdrawAccessRequest takes it); null when none." })
  id: string | null;

  @Field(() => AccessRequestStatusEnum, { nullable: true, description: "Where that request stands now; null when none." })
  status: AccessRequestStatus | null;
}
