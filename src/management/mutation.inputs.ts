import { Field, ID, InputType } from "type-graphql";
import type { Channel, Language } from "../domain/entities";
import { AccessReviewDecisionEnum, AccessReviewerKindEnum, AccessReviewRecurrenceEnum, ChannelEnum, LanguageEnum } from "../domain/enums";
import type { AccessReviewDecision, AccessReviewerKind, AccessReviewRecurrence } from "../domain/states";
import { DateTimeScalar, EnterpriseNumberScalar, SsinScalar } from "../domain/scalars";
import type { PersonInput as ValidatedPerson } from "./valid-input";

/**
 * The inputs of the management mutations, one class per GraphQL input type. They carry no validation of their own:
 * the actions check their input and answer BAD_USER_INPUT naming the field, before any work, so type-graphql's
 * validation is off and adds no error shape of its own.
 */

const enterpriseDescription = "The enterprise to act in, by its enterprise number.";
const capacityDescription = "The capacity code, e.g. EMPLOYER_NSSO.";
const validUntilDescription = (what: string) =>
  `When ${what} expires: after now and at most 5 years ahead. From that instant on it counts as ended everywhere, with no one having to act. Omit it (or null) for no expiry.`;

@InputType({ description: "A person named in an appointment. A known person keeps their own data; only names still empty are filled." })
export class PersonInput implements ValidatedPerson {
  @Field(() => SsinScalar, { description: "The person's national number; the person is created when unknown." })
  ssin: string;

  @Field(() => String, { description: "The given name, 1 to 100 characters." })
  givenName: string;

  @Field(() => String, { description: "The family name, 1 to 100 characters." })
  familyName: string;

  @Field(() => String, {
    nullable: true,
    description: "An e-mail address for a person not yet known; a known person's address is never changed by someone else.",
  })
  email?: string | null;
}

@InputType({ description: "Who becomes the enterprise's main access manager." })
export class AppointMainAccessManagerInput {
  @Field(() => EnterpriseNumberScalar, { description: enterpriseDescription })
  enterprise: string;

  @Field(() => PersonInput, { description: "The person to appoint; a legal representative may appoint themself." })
  person: PersonInput;
}

@InputType({ description: "Which enterprise becomes a service provider of the client, in which capacity." })
export class AppointServiceProviderInput {
  @Field(() => EnterpriseNumberScalar, { description: "The client enterprise, by its enterprise number." })
  enterprise: string;

  @Field(() => EnterpriseNumberScalar, {
    description:
      "The provider's enterprise number: another registered enterprise with an active SOCIAL_SERVICE_PROVIDER or APPROVED_SOCIAL_SECRETARIAT capacity.",
  })
  provider: string;

  @Field(() => String, {
    description: "The client's capacity (active at the client) in which the provider acts; a new mandate ends the previous one for it.",
  })
  capacity: string;

  @Field(() => DateTimeScalar, { nullable: true, description: validUntilDescription("the mandate") })
  validUntil?: Date | null;
}

@InputType({ description: "The activation of an enterprise's e-Box." })
export class ActivateEBoxInput {
  @Field(() => EnterpriseNumberScalar, { description: enterpriseDescription })
  enterprise: string;

  @Field(() => String, { description: "Where new messages are announced: a valid e-mail address of at most 254 characters." })
  notificationEmail: string;
}

@InputType({
  description:
    "The deletion of an enterprise's access: every role but the legal representatives', every mandate, the e-Box and configurations end.",
})
export class DeleteEnterpriseAccessInput {
  @Field(() => EnterpriseNumberScalar, { description: enterpriseDescription })
  enterprise: string;

  @Field(() => String, { description: "Why the access is deleted; kept in the audit trail." })
  reason: string;
}

@InputType({ description: "Who becomes access manager of a capacity." })
export class AppointAccessManagerInput {
  @Field(() => EnterpriseNumberScalar, { description: enterpriseDescription })
  enterprise: string;

  @Field(() => String, { description: `${capacityDescription} It must be active for the enterprise.` })
  capacity: string;

  @Field(() => PersonInput, { description: "The person to appoint." })
  person: PersonInput;

  @Field(() => DateTimeScalar, { nullable: true, description: validUntilDescription("the appointment") })
  validUntil?: Date | null;
}

@InputType({ description: "A user to add to a capacity, with the online services granted." })
export class AddUserInput {
  @Field(() => EnterpriseNumberScalar, { description: enterpriseDescription })
  enterprise: string;

  @Field(() => String, { description: `${capacityDescription} It must be active for the enterprise.` })
  capacity: string;

  @Field(() => PersonInput, { description: "The person to add." })
  person: PersonInput;

  @Field(() => [String], { description: "The online service codes granted; each must belong to the capacity." })
  onlineServices: string[];

  @Field(() => DateTimeScalar, { nullable: true, description: validUntilDescription("the user's role") })
  validUntil?: Date | null;
}

@InputType({ description: "The online services of a user, replacing those granted." })
export class SetUserOnlineServicesInput {
  @Field(() => ID, { description: "The USER role assignment's id." })
  assignment: string;

  @Field(() => [String], { description: "The online service codes granted from now on; each must belong to the assignment's capacity." })
  onlineServices: string[];

  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      "A new expiry of the user's role, replacing the one set (extending or shortening it): after now and at most 5 years ahead. Omit it (or null) to leave the expiry as it is.",
  })
  validUntil?: Date | null;
}

@InputType({ description: "The structured-messaging configuration of one capacity of an enterprise." })
export class ConfigureStructuredMessagingInput {
  @Field(() => EnterpriseNumberScalar, { description: enterpriseDescription })
  enterprise: string;

  @Field(() => String, { description: capacityDescription })
  capacity: string;

  @Field(() => ChannelEnum, { description: "The channel the messages go through." })
  channel: Channel;

  @Field(() => String, { description: "Who to write to about technical problems: a valid e-mail address of at most 254 characters." })
  technicalContactEmail: string;
}

@InputType({ description: "Changes to the caller's own account; a field left out stays as it is." })
export class UpdateMyAccountInput {
  @Field(() => String, {
    nullable: true,
    description: "The new e-mail address; an empty string clears it, null or absent leaves it as it is.",
  })
  email?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The new phone number; an empty string clears it, null or absent leaves it as it is.",
  })
  phone?: string | null;

  @Field(() => LanguageEnum, { nullable: true, description: "The new language of the portal." })
  language?: Language | null;
}

const bulkUsersDescription = "From 1 to 1,000; the same person or user at most once (a repeat is refused, naming the first).";

@InputType({ description: "One person of addUsers: the same as addUser's person, online services and expiry." })
export class AddUsersItemInput {
  @Field(() => PersonInput, { description: "The person to add." })
  person: PersonInput;

  @Field(() => [String], { description: "The online service codes granted; each must belong to the capacity." })
  onlineServices: string[];

  @Field(() => DateTimeScalar, { nullable: true, description: validUntilDescription("the user's role") })
  validUntil?: Date | null;
}

@InputType({ description: "Users to add to one capacity of one enterprise, each with the online services granted." })
export class AddUsersInput {
  @Field(() => EnterpriseNumberScalar, { description: enterpriseDescription })
  enterprise: string;

  @Field(() => String, { description: `${capacityDescription} It must be active for the enterprise.` })
  capacity: string;

  @Field(() => [AddUsersItemInput], { description: `The people to add. ${bulkUsersDescription}` })
  users: AddUsersItemInput[];
}

@InputType({ description: "One user of setUsersOnlineServices: the same as setUserOnlineServices's input." })
export class SetUsersOnlineServicesItemInput {
  @Field(() => ID, { description: "The USER role assignment's id, of the capacity named by the input." })
  assignment: string;

  @Field(() => [String], { description: "The online service codes granted from now on; each must belong to the capacity." })
  onlineServices: string[];

  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      "A new expiry of the user's role, replacing the one set: after now and at most 5 years ahead. Omit it (or null) to leave the expiry as it is.",
  })
  validUntil?: Date | null;
}

@InputType({ description: "New online services for users of one capacity of one enterprise." })
export class SetUsersOnlineServicesInput {
  @Field(() => EnterpriseNumberScalar, { description: enterpriseDescription })
  enterprise: string;

  @Field(() => String, { description: `${capacityDescription} The users' capacity.` })
  capacity: string;

  @Field(() => [SetUsersOnlineServicesItemInput], { description: `The users and their services. ${bulkUsersDescription}` })
  users: SetUsersOnlineServicesItemInput[];
}

@InputType({ description: "Users of one capacity of one enterprise to remove." })
export class RemoveUsersInput {
  @Field(() => EnterpriseNumberScalar, { description: enterpriseDescription })
  enterprise: string;

  @Field(() => String, { description: `${capacityDescription} The users' capacity.` })
  capacity: string;

  @Field(() => [ID], {
    description: `The USER role assignments' ids; an id that is not a user of this capacity is answered as unknown. ${bulkUsersDescription}`,
  })
  assignments: string[];
}

@InputType({
  description:
    "A request for online services of one capacity of an enterprise, sent to those who manage the capacity's users. The answer is the request whether or not the enterprise exists.",
})
export class RequestAccessInput {
  @Field(() => EnterpriseNumberScalar, { description: enterpriseDescription })
  enterprise: string;

  @Field(() => String, { description: `${capacityDescription} The capacity in which the requester asks to be a user.` })
  capacity: string;

  @Field(() => [String], { description: "The online service codes asked for; each must belong to the capacity." })
  onlineServices: string[];

  @Field(() => String, {
    nullable: true,
    description: "A message to the deciders: plain text, at most 500 characters, no control characters. Omit it (or blank) for none.",
  })
  message?: string | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "Until when the access is asked for: after now and at most 5 years ahead. The decider may set another.",
  })
  validUntil?: Date | null;
}

@InputType({ description: "An access review to start: where, of which capacities, until when, and what applies to items nobody decides." })
export class StartAccessReviewInput {
  @Field(() => EnterpriseNumberScalar, { description: enterpriseDescription })
  enterprise: string;

  @Field(() => [String], {
    nullable: true,
    description: "The capacity codes whose users and access managers are reviewed; omit it (or null) for every capacity.",
  })
  capacities?: string[] | null;

  @Field(() => DateTimeScalar, {
    description:
      "When the default decision applies to every item still pending and the review completes: after now and at most 5 years ahead.",
  })
  dueAt: Date;

  @Field(() => AccessReviewDecisionEnum, { description: "What applies at the due date to items nobody decided." })
  defaultDecision: AccessReviewDecision;

  @Field(() => AccessReviewerKindEnum, {
    nullable: true,
    description: "Who reviews the users (default CAPACITY_MANAGERS); access managers are always reviewed by the main access manager.",
  })
  reviewers?: AccessReviewerKind | null;

  @Field(() => AccessReviewRecurrenceEnum, {
    nullable: true,
    description: "Repeat the review: when it completes, the next starts, due one quarter or one year after this one's due date.",
  })
  recurrence?: AccessReviewRecurrence | null;
}
