import { Field, ObjectType, registerEnumType } from "type-graphql";
import { accessChangeKinds, type AccessChangeKind } from "../../database/change-feed";
import { DateTimeScalar, EnterpriseNumberScalar } from "../../domain/scalars";

export const AccessChangeKindEnum = Object.fromEntries(accessChangeKinds.map((kind) => [kind, kind])) as { [K in AccessChangeKind]: K };
registerEnumType(AccessChangeKindEnum, {
  name: "AccessChangeKind",
  description: "What changed in an enterprise: re-read what your screen shows of it (roleAssignments, mandates, capacities, myTasks).",
  valuesConfig: {
    ASSIGNMENT: { description: "A role assignment was granted, ended, or its online services changed." },
    MANDATE: { description: "A service-provider mandate was appointed or ended (told to the client and to the provider)." },
    CAPACITY: { description: "A capacity was activated." },
    STATUS: { description: "The enterprise's status changed (appointed main access manager, account activated, access deleted)." },
    EBOX: { description: "The enterprise's e-Box was activated." },
    REGISTER: { description: "The enterprise register import created or updated the enterprise or its legal representatives." },
    ACCESS_REQUEST: {
      description:
        "An access request was made, approved, denied, withdrawn or expired: told to its requester and to those who decide the requests of its capacity (re-read myAccessRequests or accessRequests).",
    },
    ACCESS_REVIEW: {
      description:
        "An access review started (by the main access manager, or as the next of a recurring one): told to those who see it, its reviewers among them (re-read accessReviews).",
    },
  } satisfies Record<AccessChangeKind, { description: string }>,
});

/** One change, as Subscription.accessChanged pushes it: where, what kind, when. Never who or what exactly: ask the queries, which apply the visibility rules. */
@ObjectType({
  description: "A change of access in an enterprise the subscriber may see, pushed once it is committed.",
  simpleResolvers: true,
})
export class AccessChangeEvent {
  @Field(() => EnterpriseNumberScalar, { description: "The enterprise where access changed, formatted as 0123.456.749." })
  enterprise: string;

  @Field(() => AccessChangeKindEnum, { description: "What kind of change it was." })
  kind: AccessChangeKind;

  @Field(() => DateTimeScalar, { description: "When the change was made (the time of the action that made it)." })
  at: Date;
}
