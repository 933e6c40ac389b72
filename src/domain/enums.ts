import { registerEnumType } from "type-graphql";
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
} from "../errors";
import { decisionReasons, forbiddenReasons, type DecisionReason, type ForbiddenReason } from "./decision-reasons";
import { roleDescriptions, roles, tasks, type Role, type Task } from "./roles";
import {
  accessRequestStatuses,
  accessReviewDecisions,
  accessReviewerKinds,
  accessReviewItemStatuses,
  accessReviewRecurrences,
  accessReviewStatuses,
  type AccessReviewDecision,
  type AccessReviewerKind,
  type AccessReviewItemStatus,
  type AccessReviewRecurrence,
  type AccessReviewStatus,
  capacityStatuses,
  channels,
  eBoxStatuses,
  enterpriseStatuses,
  languages,
  mandateStatuses,
  type AccessRequestStatus,
  type CapacityStatus,
  type Channel,
  type EBoxStatus,
  type EnterpriseStatus,
  type Language,
  type MandateStatus,
} from "./states";

/**
 * The GraphQL enums, each built from the constant that is its source (roles.ts for Role and Task, decision-reasons.ts,
 * states.ts for the rest). A value added to a constant without a description here does not compile. They are registered
 * here, beside their sources, and not in src/graphql, because the entities name them in their fields: what exists
 * must not import the GraphQL surface to say what type a column has.
 */
type Described<V extends string> = Record<V, { description: string }>;

/** The enum object type-graphql wants: each name maps to itself, as the values are the names everywhere else too. */
function enumOf<V extends string>(values: readonly V[]): { [K in V]: K } {
  return Object.fromEntries(values.map((value) => [value, value])) as { [K in V]: K };
}

export const RoleEnum = enumOf(roles);
registerEnumType(RoleEnum, {
  name: "Role",
  description:
    "A role a person holds in an enterprise. Legal representatives and the main access manager hold it for the whole enterprise, access managers and users for one capacity.",
  valuesConfig: Object.fromEntries(roles.map((role) => [role, { description: roleDescriptions[role] }])) as Described<Role>,
});

const taskDescriptions: Described<Task> = {
  APPOINT_MAIN_ACCESS_MANAGER: { description: "Appoint or replace the enterprise's main access manager (appointMainAccessManager)." },
  APPOINT_SERVICE_PROVIDER: {
    description: "Appoint a service provider for a capacity, or end its mandate (appointServiceProvider, endServiceProviderMandate).",
  },
  ACTIVATE_EBOX: { description: "Activate the enterprise's e-Box with a notification address (activateEBox)." },
  DELETE_ENTERPRISE_ACCESS: {
    description: "End every role, mandate and configuration of the enterprise, keeping its history (deleteEnterpriseAccess).",
  },
  ACTIVATE_ENTERPRISE_ACCOUNT: { description: "Activate the enterprise's account and its default capacity (activateEnterpriseAccount)." },
  ACTIVATE_CAPACITY: { description: "Activate a capacity of the catalog for the enterprise (activateCapacity)." },
  MANAGE_USERS: {
    description:
      "Add users to a capacity, change their online services, remove them (addUser, setUserOnlineServices, removeUser, and in bulk addUsers, setUsersOnlineServices, removeUsers); decide the access requests of the capacity (approveAccessRequest, denyAccessRequest).",
  },
  APPOINT_ACCESS_MANAGER: { description: "Appoint or revoke an access manager of a capacity (appointAccessManager, revokeAccessManager)." },
  USE_ONLINE_SERVICES: {
    description: "Use the online services granted in the capacity, for the enterprise or its clients (canUseOnlineService).",
  },
  USE_EBOX: { description: "Read the enterprise's e-Box messages and mark them read (EBox.messages, markEBoxMessageRead)." },
  CONFIGURE_STRUCTURED_MESSAGES: {
    description: "Configure the channel and technical contact of a capacity's structured messages (configureStructuredMessaging).",
  },
};
export const TaskEnum = enumOf(tasks);
registerEnumType(TaskEnum, {
  name: "Task",
  description:
    "The tasks of the role-task table. Each management mutation names the task it needs; Query.can tells whether the caller may perform one.",
  valuesConfig: taskDescriptions,
});

const languageDescriptions: Described<Language> = {
  NL: { description: "Dutch." },
  FR: { description: "French." },
  DE: { description: "German." },
  EN: { description: "English." },
};
export const LanguageEnum = enumOf(languages);
registerEnumType(LanguageEnum, {
  name: "Language",
  description:
    "A language of the portal: names of capacities and online services and every message are given in each, and a person chooses one for their account.",
  valuesConfig: languageDescriptions,
});

const enterpriseStatusDescriptions: Described<EnterpriseStatus> = {
  REGISTERED: { description: "Known from the enterprise register; no main access manager yet." },
  PENDING_ACTIVATION: { description: "A main access manager is appointed; the account is not yet activated." },
  ACTIVE: { description: "The account is active: every task of the role-task table can be performed." },
  ACCESS_DELETED: { description: "The legal representative deleted the enterprise's access: read-only, every role and grant ended." },
};
export const EnterpriseStatusEnum = enumOf(enterpriseStatuses);
registerEnumType(EnterpriseStatusEnum, {
  name: "EnterpriseStatus",
  description:
    "Where an enterprise stands in its life in the portal; every task but appointing the main access manager and activating the account needs ACTIVE.",
  valuesConfig: enterpriseStatusDescriptions,
});

const capacityStatusDescriptions: Described<CapacityStatus> = {
  ACTIVE: { description: "Activated for the enterprise: access managers and users can be appointed in it." },
  INACTIVE: { description: "Not activated for the enterprise (yet): no one holds a role in it." },
};
export const CapacityStatusEnum = enumOf(capacityStatuses);
registerEnumType(CapacityStatusEnum, {
  name: "CapacityStatus",
  description: "Whether a capacity of the catalog is active for an enterprise.",
  valuesConfig: capacityStatusDescriptions,
});

const mandateStatusDescriptions: Described<MandateStatus> = {
  ACTIVE: { description: "The provider's staff act for the client in the mandate's capacity." },
  ENDED: { description: "Ended by the client or replaced by a newer mandate for the same capacity; kept for the record." },
};
export const MandateStatusEnum = enumOf(mandateStatuses);
registerEnumType(MandateStatusEnum, {
  name: "MandateStatus",
  description: "Whether a service-provider mandate is in force.",
  valuesConfig: mandateStatusDescriptions,
});

const accessRequestStatusDescriptions: Described<AccessRequestStatus> = {
  PENDING: {
    description: "Open: waiting for a decision of someone who manages the users of the capacity, or for its requester to withdraw it.",
  },
  APPROVED: { description: "Approved: the requester was added as a user of the capacity (see `assignment`)." },
  DENIED: { description: "Denied by someone who manages the users of the capacity, with their reason if they gave one." },
  WITHDRAWN: { description: "Withdrawn by its requester before a decision." },
  EXPIRED: { description: "Unanswered for ACCESS_REQUEST_TTL_DAYS days: closed; the requester may ask again." },
};
export const AccessRequestStatusEnum = enumOf(accessRequestStatuses);
registerEnumType(AccessRequestStatusEnum, {
  name: "AccessRequestStatus",
  description: "Where an access request stands. Only a PENDING request can be decided or withdrawn.",
  valuesConfig: accessRequestStatusDescriptions,
});

const eBoxStatusDescriptions: Described<EBoxStatus> = {
  NOT_ACTIVATED: {
    description: "Not activated (or deactivated when the enterprise's access was deleted): a legal representative can activate it.",
  },
  ACTIVE: { description: "Active: messages arrive and are readable with USE_EBOX." },
};
export const EBoxStatusEnum = enumOf(eBoxStatuses);
registerEnumType(EBoxStatusEnum, {
  name: "EBoxStatus",
  description: "Whether an enterprise's e-Box is activated.",
  valuesConfig: eBoxStatusDescriptions,
});

const channelDescriptions: Described<Channel> = {
  SFTP: { description: "Files exchanged over SFTP." },
  FTP: { description: "Files exchanged over FTP." },
  SOAP: { description: "Messages exchanged through the SOAP web services." },
  REST: { description: "Messages exchanged through the REST API." },
};
export const ChannelEnum = enumOf(channels);
registerEnumType(ChannelEnum, {
  name: "Channel",
  description: "How an enterprise exchanges structured messages in a capacity.",
  valuesConfig: channelDescriptions,
});

export const AccessReviewDecisionEnum = enumOf(accessReviewDecisions);
registerEnumType(AccessReviewDecisionEnum, {
  name: "AccessReviewDecision",
  description: "A reviewer's answer for one assignment of an access review, or the review's default for those nobody answered.",
  valuesConfig: {
    KEEP: { description: "The person still needs the role: it stays (with a new expiry where one is given)." },
    REMOVE: { description: "The person no longer needs the role: it ends at once, as removeUser or revokeAccessManager would end it." },
  } satisfies Described<AccessReviewDecision>,
});

export const AccessReviewerKindEnum = enumOf(accessReviewerKinds);
registerEnumType(AccessReviewerKindEnum, {
  name: "AccessReviewers",
  description: "Who reviews the users of each capacity. Access managers are always reviewed by the main access manager.",
  valuesConfig: {
    CAPACITY_MANAGERS: {
      description: "Whoever may manage the capacity's users (MANAGE_USERS there): its access managers and the main access manager.",
    },
    MAIN_ACCESS_MANAGER: { description: "The main access manager alone." },
  } satisfies Described<AccessReviewerKind>,
});

export const AccessReviewRecurrenceEnum = enumOf(accessReviewRecurrences);
registerEnumType(AccessReviewRecurrenceEnum, {
  name: "AccessReviewRecurrence",
  description: "How often a review repeats: when it completes, the next one starts, due one period after its due date.",
  valuesConfig: {
    QUARTERLY: { description: "Every three months." },
    YEARLY: { description: "Every year." },
  } satisfies Described<AccessReviewRecurrence>,
});

export const AccessReviewStatusEnum = enumOf(accessReviewStatuses);
registerEnumType(AccessReviewStatusEnum, {
  name: "AccessReviewStatus",
  description: "Whether an access review still takes decisions.",
  valuesConfig: {
    OPEN: { description: "Reviewers decide its items until its due date." },
    COMPLETED: { description: "Completed at its due date or earlier by completeAccessReview: every item is settled." },
  } satisfies Described<AccessReviewStatus>,
});

export const AccessReviewItemStatusEnum = enumOf(accessReviewItemStatuses);
registerEnumType(AccessReviewItemStatusEnum, {
  name: "AccessReviewItemStatus",
  description: "Where one assignment of an access review stands.",
  valuesConfig: {
    PENDING: { description: "Not decided yet." },
    KEPT: { description: "Kept, by a reviewer or by the review's default." },
    REMOVED: { description: "Removed, by a reviewer or by the review's default: the assignment ended then." },
    ALREADY_ENDED: {
      description:
        "The assignment ended outside the review (removed, revoked, expired, access deleted) before anyone decided: nothing to apply.",
    },
  } satisfies Described<AccessReviewItemStatus>,
});

export const decisionReasonDescriptions: Described<DecisionReason> = {
  GRANTED_BY_ROLE: { description: "Allowed: a role of the caller in the enterprise includes the task." },
  GRANTED_BY_MANDATE: { description: "Allowed through a service-provider mandate: the caller's role at the provider includes the task." },
  NOT_AUTHENTICATED: { description: "Denied: no valid bearer token was presented." },
  NO_ROLE_IN_ENTERPRISE: {
    description: "Denied: the caller holds no role in the enterprise (also answered for an enterprise that does not exist).",
  },
  ROLE_LACKS_TASK: { description: "Denied: none of the caller's roles in the enterprise includes the task." },
  CAPACITY_NOT_ACTIVE: { description: "Denied: the capacity is not active for the enterprise." },
  ENTERPRISE_NOT_ACTIVE: { description: "Denied: the enterprise's account is not active yet." },
  ENTERPRISE_ACCESS_DELETED: { description: "Denied: the enterprise's access has been deleted." },
  EBOX_NOT_ACTIVATED: { description: "Denied: the enterprise's e-Box is not activated." },
  ONLINE_SERVICE_NOT_GRANTED: { description: "Denied: the online service is not granted to the caller for the enterprise." },
  NOT_HISTORY_READER: {
    description:
      "Refused (FORBIDDEN, never in a Decision): only the enterprise's current legal representatives and main access manager may ask with `asOf` what was true at a past instant.",
  },
};
export const DecisionReasonEnum = enumOf(decisionReasons);
registerEnumType(DecisionReasonEnum, {
  name: "DecisionReason",
  description: "Why a task is allowed or denied: a stable code to branch on (Decision.message words it for people).",
  valuesConfig: decisionReasonDescriptions,
});

/** An enum's values and their descriptions, from a list of the kernel that maps each value to its description. */
function describedBy<V extends string>(descriptions: Readonly<Record<V, string | { description: string }>>): Described<V> {
  return Object.fromEntries(
    Object.entries<string | { description: string }>(descriptions).map(([value, entry]) => [
      value,
      { description: typeof entry === "string" ? entry : entry.description },
    ]),
  ) as Described<V>;
}

// The error codes and reasons, from the lists the errors are made of (src/errors.ts, decision-reasons.ts): one list each.
export const ErrorCodeEnum = enumOf(Object.keys(errorCodes) as ErrorCode[]);
registerEnumType(ErrorCodeEnum, {
  name: "ErrorCode",
  description:
    "The code of an error, in `extensions.code` of every error the gateway answers: stable, to branch on (the message may change, the code does not).",
  valuesConfig: describedBy<ErrorCode>(errorCodes),
});

export const UnauthenticatedReasonEnum = enumOf(Object.keys(unauthenticatedReasons) as UnauthenticatedReason[]);
registerEnumType(UnauthenticatedReasonEnum, {
  name: "UnauthenticatedReason",
  description: "Why a request is not authenticated (`extensions.reason` of UNAUTHENTICATED): what the client should do.",
  valuesConfig: describedBy<UnauthenticatedReason>(unauthenticatedReasons),
});

export const ForbiddenReasonEnum = enumOf(forbiddenReasons);
registerEnumType(ForbiddenReasonEnum, {
  name: "ForbiddenReason",
  description:
    "Why a task is refused (`extensions.reason` of FORBIDDEN): the denials of the decision, with the same codes as DecisionReason.",
  valuesConfig: Object.fromEntries(
    forbiddenReasons.map((reason) => [reason, decisionReasonDescriptions[reason]]),
  ) as Described<ForbiddenReason>,
});

export const ConflictReasonEnum = enumOf(Object.keys(conflictReasons) as ConflictReason[]);
registerEnumType(ConflictReasonEnum, {
  name: "ConflictReason",
  description: "Why an action is not needed or not possible in the current state (`extensions.reason` of CONFLICT).",
  valuesConfig: describedBy<ConflictReason>(conflictReasons),
});

export const TimeoutReasonEnum = enumOf(Object.keys(timeoutReasons) as TimeoutReason[]);
registerEnumType(TimeoutReasonEnum, {
  name: "TimeoutReason",
  description: "Which bound a request ran past (`extensions.reason` of TIMEOUT); nothing was committed.",
  valuesConfig: describedBy<TimeoutReason>(timeoutReasons),
});

export const UnavailableReasonEnum = enumOf(Object.keys(unavailableReasons) as UnavailableReason[]);
registerEnumType(UnavailableReasonEnum, {
  name: "UnavailableReason",
  description: "Why the database cannot be used right now (`extensions.reason` of UNAVAILABLE); nothing was committed.",
  valuesConfig: describedBy<UnavailableReason>(unavailableReasons),
});
