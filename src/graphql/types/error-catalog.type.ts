import { Field, ObjectType, type ClassType } from "type-graphql";
import {
  conflictReasons,
  errorCodes,
  timeoutReasons,
  unauthenticatedReasons,
  unavailableReasons,
  type ConflictReason,
  type ErrorCode,
  type TimeoutReason,
  type UnauthenticatedReason,
  type UnavailableReason,
} from "../../errors";
import { forbiddenReasons, type ForbiddenReason } from "../../domain/decision-reasons";
import {
  ConflictReasonEnum,
  decisionReasonDescriptions,
  ErrorCodeEnum,
  ForbiddenReasonEnum,
  TimeoutReasonEnum,
  UnauthenticatedReasonEnum,
  UnavailableReasonEnum,
} from "../../domain/enums";

@ObjectType({ description: "An error code of `extensions.code`: what it means, and what it adds to the error.", simpleResolvers: true })
export class ErrorCodeDescription {
  @Field(() => ErrorCodeEnum, { description: "The code." })
  code: ErrorCode;

  @Field(() => String, { description: "What the code means, and what a client does about it." })
  description: string;

  @Field(() => [String], {
    description:
      "The extensions an error of this code carries beside `code`, `messageKey`, `params` and `englishMessage` (every error has those four), e.g. `reason`, or `field` and `variable`.",
  })
  details: string[];
}

interface ReasonDescription<R extends string> {
  reason: R;
  description: string;
}

/** The description of one reason enum's values: a type per enum, so that each list names its own enum. */
function reasonDescriptionType<R extends string>(name: string, reasonEnum: object, code: ErrorCode): ClassType<ReasonDescription<R>> {
  @ObjectType(name, { description: `A reason of ${code} (\`extensions.reason\`) and what it means.`, simpleResolvers: true })
  class Described implements ReasonDescription<R> {
    @Field(() => reasonEnum, { description: "The reason." })
    reason: R;

    @Field(() => String, { description: "What the reason means, and what a client does about it." })
    description: string;
  }
  return Described;
}

const UnauthenticatedReasonDescription = reasonDescriptionType<UnauthenticatedReason>(
  "UnauthenticatedReasonDescription",
  UnauthenticatedReasonEnum,
  "UNAUTHENTICATED",
);
const ForbiddenReasonDescription = reasonDescriptionType<ForbiddenReason>("ForbiddenReasonDescription", ForbiddenReasonEnum, "FORBIDDEN");
const ConflictReasonDescription = reasonDescriptionType<ConflictReason>("ConflictReasonDescription", ConflictReasonEnum, "CONFLICT");
const TimeoutReasonDescription = reasonDescriptionType<TimeoutReason>("TimeoutReasonDescription", TimeoutReasonEnum, "TIMEOUT");
const UnavailableReasonDescription = reasonDescriptionType<UnavailableReason>(
  "UnavailableReasonDescription",
  UnavailableReasonEnum,
  "UNAVAILABLE",
);

@ObjectType({
  description:
    "Every error code and reason the gateway answers, with what each means: made from the very lists its errors are made of, so that a client can rely on it (and generated types can name them).",
  simpleResolvers: true,
})
export class ErrorCatalog {
  @Field(() => [ErrorCodeDescription], { description: "Every code of `extensions.code`." })
  codes: ErrorCodeDescription[];

  @Field(() => [UnauthenticatedReasonDescription], { description: "The reasons of UNAUTHENTICATED." })
  unauthenticatedReasons: ReasonDescription<UnauthenticatedReason>[];

  @Field(() => [ForbiddenReasonDescription], { description: "The reasons of FORBIDDEN." })
  forbiddenReasons: ReasonDescription<ForbiddenReason>[];

  @Field(() => [ConflictReasonDescription], { description: "The reasons of CONFLICT." })
  conflictReasons: ReasonDescription<ConflictReason>[];

  @Field(() => [TimeoutReasonDescription], { description: "The reasons of TIMEOUT." })
  timeoutReasons: ReasonDescription<TimeoutReason>[];

  @Field(() => [UnavailableReasonDescription], { description: "The reasons of UNAVAILABLE." })
  unavailableReasons: ReasonDescription<UnavailableReason>[];
}

const listed = <R extends string>(descriptions: Readonly<Record<R, string>>): ReasonDescription<R>[] =>
  (Object.entries(descriptions) as [R, string][]).map(([reason, description]) => ({ reason, description }));

/** The catalogue as `Query.errorCatalog` answers it: the same for every caller, built once. */
export const errorCatalog: ErrorCatalog = {
  codes: (Object.entries(errorCodes) as [ErrorCode, (typeof errorCodes)[ErrorCode]][]).map(([code, { description, details }]) => ({
    code,
    description,
    details: [...details],
  })),
  unauthenticatedReasons: listed(unauthenticatedReasons),
  forbiddenReasons: forbiddenReasons.map((reason) => ({ reason, description: decisionReasonDescriptions[reason].description })),
  conflictReasons: listed(conflictReasons),
  timeoutReasons: listed(timeoutReasons),
  unavailableReasons: listed(unavailableReasons),
};
