import { Field, Int, ObjectType } from "type-graphql";
import type { ConflictReason, ErrorCode } from "../../errors";
import { RoleAssignment } from "../../domain/entities";
import { ConflictReasonEnum, ErrorCodeEnum } from "../../domain/enums";

/**
 * What the bulk mutations (addUsers, setUsersOnlineServices, removeUsers) answer: one item per item of their input,
 * in its order. Plain objects built by the mutation resolver from the action's outcome (src/management/bulk-items.ts).
 */

@ObjectType({
  description:
    "Why one item of a bulk mutation was refused: the error that the single mutation would answer for it, with the same code, reason and message.",
  simpleResolvers: true,
})
export class BulkItemError {
  @Field(() => ErrorCodeEnum, { description: "The stable code: BAD_USER_INPUT, NOT_FOUND or CONFLICT." })
  code: ErrorCode;

  @Field(() => ConflictReasonEnum, { nullable: true, description: "For CONFLICT, why (ALREADY_ASSIGNED, ALREADY_ENDED)." })
  reason: ConflictReason | null;

  @Field(() => String, {
    description:
      "The argument path of the input refused (input.users[3].person.givenName) or, for NOT_FOUND and CONFLICT, of the item (input.assignments[3]).",
  })
  field: string;

  @Field(() => String, { description: "The message's stable key, to word it yourself." })
  messageKey: string;

  @Field(() => String, {
    description: "The refusal in a sentence, in the request's language. Branch on `code` and `reason`, not on this text.",
  })
  message: string;
}

@ObjectType({ description: "One item of a bulk mutation: its result, or why it was refused.", simpleResolvers: true })
export class BulkUserResult {
  @Field(() => Int, { description: "The item's position in the input list, from 0." })
  index: number;

  @Field(() => RoleAssignment, {
    nullable: true,
    description: "The USER assignment added, changed or ended (as the single mutation answers it); null when the item was refused.",
  })
  assignment: RoleAssignment | null;

  @Field(() => BulkItemError, { nullable: true, description: "Why the item was refused; null when it was done." })
  error: BulkItemError | null;
}

@ObjectType({
  description:
    "The answer of a bulk mutation on users. Atomic, it has only done items (a refused item refuses the whole call); with `atomic: false`, each refused item carries its error and the others are committed.",
  simpleResolvers: true,
})
export class BulkUsersResult {
  @Field(() => Boolean, { description: "Whether the call was all or nothing." })
  atomic: boolean;

  @Field(() => Int, { description: "How many items were done (committed, or in a dry run, would be)." })
  done: number;

  @Field(() => Int, { description: "How many items were refused (always 0 when atomic)." })
  refused: number;

  @Field(() => [BulkUserResult], { description: "One result per item of the input, in its order." })
  items: BulkUserResult[];
}
