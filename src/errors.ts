import { GraphQLError } from "graphql";
import type { DecisionReason } from "./domain/decision-reasons";
import { englishText, message, type Message } from "./i18n/messages";

/**
 * Every code a client may meet in `extensions.code`, with what it means and the extensions it adds beside `code`,
 * `messageKey`, `params` and `englishMessage`: the one list. The GraphQL enum ErrorCode and `Query.errorCatalog`
 * (src/domain/enums.ts, src/graphql/types/error-catalog.type.ts) are built from it, and src/http/format-error.ts
 * passes exactly these codes to clients and masks any other as INTERNAL_SERVER_ERROR.
 */
export const errorCodes = {
  UNAUTHENTICATED: {
    description:
      "No valid bearer token where one is needed (HTTP 401): `reason` (UnauthenticatedReason) says whether to sign in, refresh the token or get a new one.",
    details: ["reason"],
  },
  FORBIDDEN: {
    description:
      "The role-task table or the enterprise's state refuses the task (the same decision as Query.can): `reason` (ForbiddenReason) says why.",
    details: ["reason"],
  },
  BAD_USER_INPUT: {
    description:
      "A value of the request is refused: `field` is its argument path as the schema names it (input.person.ssin, first), `variable` its path in the variables when it came from one (i.person.ssin); an item of a bulk mutation adds its `index`. Nothing changed.",
    details: ["field", "variable", "index"],
  },
  NOT_FOUND: {
    description:
      "No such enterprise, role assignment, mandate or e-Box message, or one in an enterprise the caller does not see; an item of a bulk mutation adds its `index` and its argument path in `field`.",
    details: ["field", "index"],
  },
  CONFLICT: {
    description:
      "The action is not needed or not possible in the current state: `reason` (ConflictReason) says which; an item of a bulk mutation adds its `index` and its argument path in `field`. Nothing changed.",
    details: ["reason", "field", "index"],
  },
  QUERY_TOO_COMPLEX: {
    description: "The document is over one of the limits (`limit`, its `max`, the document's `actual`); nothing ran.",
    details: ["limit", "max", "actual"],
  },
  RATE_LIMITED: {
    description: "Too many requests from this viewer or client (`scope`) in the window: send again after `retryAfter` seconds (HTTP 429).",
    details: ["scope", "retryAfter"],
  },
  PERSISTED_QUERY_ONLY: {
    description: "The gateway runs trusted documents only (TRUSTED_DOCUMENTS=only) and the request carried document text: send the hash.",
    details: [],
  },
  PERSISTED_QUERY_NOT_FOUND: {
    description:
      "The hash names no document the gateway knows: send the text with its hash to register it, or use a manifest document. The message is `PersistedQueryNotFound`, as Apollo clients expect.",
    details: [],
  },
  TIMEOUT: {
    description:
      "The request or one of its statements ran out of time (`reason`, TimeoutReason); nothing was committed, the same request may be sent again.",
    details: ["reason", "requestId"],
  },
  UNAVAILABLE: {
    description:
      "The database cannot be used right now (`reason`, UnavailableReason); nothing was committed: send the same request again after `retryAfter` seconds.",
    details: ["reason", "retryAfter"],
  },
  SYNC_TOKEN_EXPIRED: {
    description:
      "The delta token or page token sent to accessDelta cannot be resumed: older than DELTA_RETENTION_DAYS, past what the change log still holds, malformed, altered, another caller's or another gateway's. Start over: call accessDelta without a token (a full sync) and replace what you hold.",
    details: [],
  },
  GRAPHQL_PARSE_FAILED: { description: "The document does not parse; `message` is the parser's text, for the developer.", details: [] },
  GRAPHQL_VALIDATION_FAILED: {
    description:
      "The document does not validate against the schema; `message` is the validator's text, for the developer. A bad literal names its argument path in `field`.",
    details: ["field"],
  },
  OPERATION_RESOLUTION_FAILURE: {
    description: "`operationName` names no operation of the document, or the document holds several and none is named.",
    details: [],
  },
  BAD_REQUEST: {
    description:
      "The HTTP request is not one the gateway can serve as sent: malformed body or parameters, a hash that does not match its text, a cross-site request without a preflight, a mutation over GET, an unanswerable Accept header.",
    details: [],
  },
  PAYLOAD_TOO_LARGE: { description: "The request body is larger than the gateway reads (BODY_LIMIT, HTTP 413).", details: [] },
  INTERNAL_SERVER_ERROR: {
    description: "Anything unexpected: masked, and logged in full under `requestId`.",
    details: ["requestId"],
  },
} as const satisfies Record<string, { description: string; details: readonly string[] }>;

export type ErrorCode = keyof typeof errorCodes;

/** What a reason means to a client, by reason: the one list of each code's reasons. */
type Reasons<R extends string> = Readonly<Record<R, string>>;

/** Why a request is not authenticated, so that a client knows what to do. */
export const unauthenticatedReasons = {
  TOKEN_MISSING: "No bearer token was sent where one is needed: sign in and send one.",
  TOKEN_EXPIRED: "The bearer token has expired: refresh it, or sign in again.",
  TOKEN_INVALID:
    "The bearer token or the Authorization header is not valid (forged, malformed, for another gateway, or without an expiry): get a new token.",
  SUBJECT_INVALID: "The identity provider's subject is not a valid national number: nothing the client can fix.",
} as const satisfies Reasons<string>;
export type UnauthenticatedReason = keyof typeof unauthenticatedReasons;

/** Why an action is not needed or not possible in the current state. */
export const conflictReasons = {
  ALREADY_ACTIVE: "The enterprise's account, the capacity or the e-Box is already active.",
  ALREADY_ASSIGNED:
    "The person already holds this role (main access manager, or access manager or user of the capacity), or the provider already holds this mandate.",
  ALREADY_ENDED: "The assignment or mandate has already ended.",
  REQUEST_CLOSED:
    "The access request is no longer open: it was approved, denied, withdrawn, or expired. Read it again; its requester may ask anew.",
  PROVIDER_NOT_QUALIFIED: "The enterprise appointed as service provider does not have the provider capacity the mandate needs.",
  CONCURRENT_UPDATE: "Another request made the same change at the same moment and was committed first: read again, then decide again.",
  NOT_PENDING_ACTIVATION:
    "The account can be activated only while it waits for activation (a main access manager appointed, access not deleted).",
  MAIN_ACCESS_MANAGER_PROFILE: "This access-manager profile belongs to the main access manager's function: it ends with the function.",
  ALREADY_DECIDED: "This item of the access review has already been decided (by a reviewer, or by the review's default).",
  REVIEW_COMPLETED: "The access review has completed: its items take no more decisions, and it cannot be completed again.",
  IDEMPOTENCY_KEY_REUSED:
    "The Idempotency-Key was sent before by the same viewer with another request (another document, operation name or variables) within IDEMPOTENCY_TTL_HOURS (HTTP 422): use a new key for a new request.",
} as const satisfies Reasons<string>;
export type ConflictReason = keyof typeof conflictReasons;

/** Which clock ran out. */
export const timeoutReasons = {
  REQUEST_TIMEOUT: "The request ran past REQUEST_TIMEOUT_MS; `requestId` names it in the logs.",
  LOCK_WAIT_TIMEOUT: "The enterprise stayed locked by another change past the retries.",
  STATEMENT_TIMEOUT: "A statement ran past its bound.",
} as const satisfies Reasons<string>;
export type TimeoutReason = keyof typeof timeoutReasons;

/** Why the database cannot be used right now. */
export const unavailableReasons = {
  DATABASE_UNREACHABLE: "The database refuses connections, or a connection was lost or reset before the work committed.",
  NODE_NOT_READY: "The database node is not ready: a Galera node joining, or outside the primary component.",
  DATABASE_FAULT:
    "The database server kept failing with a fault of its own that the gateway could not clear (e.g. a trigger it could not read back).",
  OUTCOME_UNKNOWN:
    "The connection to the database was lost while the change was being committed: it may or may not have been made. Read the state again before you decide to send it again.",
} as const satisfies Reasons<string>;
export type UnavailableReason = keyof typeof unavailableReasons;

/**
 * An error a client sees: its message is a key of the catalogue (src/i18n/messages.ts) with parameters, never free
 * text, so that src/http/format-error.ts can give it in the request's language. The GraphQL message is the English
 * text (what the logs show); `extensions.messageKey` and `extensions.params` travel with it.
 */
export abstract class LocalizedError extends GraphQLError {
  constructor(
    readonly localized: Message,
    extensions: { code: ErrorCode } & Record<string, unknown>,
    /** The text of a developer-facing error that clients match word for word; people-facing ones are the catalogue's. */
    text: string = englishText(localized),
  ) {
    super(text, { extensions: { ...extensions, messageKey: localized.key, params: localized.params } });
  }
}

const unauthenticatedMessages = {
  TOKEN_MISSING: message("auth.tokenMissing"),
  TOKEN_EXPIRED: message("auth.tokenExpired"),
  TOKEN_INVALID: message("auth.tokenInvalid"),
  SUBJECT_INVALID: message("auth.subjectInvalid"),
} satisfies Record<UnauthenticatedReason, Message>;

/** HTTP 401; the response carries WWW-Authenticate (RFC 6750), set by src/http/response-headers.ts. */
export class UnauthenticatedError extends LocalizedError {
  constructor(
    readonly reason: UnauthenticatedReason = "TOKEN_MISSING",
    localized: Message = unauthenticatedMessages[reason],
  ) {
    super(localized, { code: "UNAUTHENTICATED", reason, http: { status: 401 } });
  }
}

export class ForbiddenError extends LocalizedError {
  constructor(
    readonly reason: DecisionReason,
    localized: Message,
  ) {
    super(localized, { code: "FORBIDDEN", reason });
  }
}

export class BadUserInputError extends LocalizedError {
  /** `httpStatus` for an input refused before any operation runs (a request header): the whole answer's status. */
  constructor(
    readonly field: string,
    localized: Message,
    { httpStatus }: { httpStatus?: number } = {},
  ) {
    super(localized, { code: "BAD_USER_INPUT", field, ...(httpStatus ? { http: { status: httpStatus } } : {}) });
  }
}

export class NotFoundError extends LocalizedError {
  constructor(localized: Message) {
    super(localized, { code: "NOT_FOUND" });
  }
}

/** accessDelta: a token that cannot be resumed (expired, pruned, forged, foreign); the client starts over with a full sync. */
export class SyncTokenExpiredError extends LocalizedError {
  constructor(localized: Message) {
    super(localized, { code: "SYNC_TOKEN_EXPIRED" });
  }
}

export class ConflictError extends LocalizedError {
  /** `httpStatus` for a conflict that refuses the whole request before it runs (an Idempotency-Key reused: 422). */
  constructor(
    readonly reason: ConflictReason,
    localized: Message,
    { httpStatus }: { httpStatus?: number } = {},
  ) {
    super(localized, { code: "CONFLICT", reason, ...(httpStatus ? { http: { status: httpStatus } } : {}) });
  }
}

/**
 * The refusal of one item of a bulk mutation (addUsers, setUsersOnlineServices, removeUsers): the item's own error, with
 * its `index` in the list and, where that error names no input (NOT_FOUND, CONFLICT), the item's argument path as `field`
 * (`input.assignments[3]`). A refusal of its input keeps the field it named (`input.users[3].person.givenName`).
 */
export class ItemError extends LocalizedError {
  constructor(
    readonly refusal: LocalizedError,
    readonly index: number,
    itemField: string,
  ) {
    const { messageKey: _key, params: _params, ...extensions } = refusal.extensions as { code: ErrorCode } & Record<string, unknown>;
    super(refusal.localized, { ...extensions, field: extensions.field ?? itemField, index });
  }

  get code(): ErrorCode {
    return this.refusal.extensions.code as ErrorCode;
  }
}

/** TRUSTED_DOCUMENTS=only: the request carried document text instead of the hash of a trusted document. */
export class PersistedQueryOnlyError extends LocalizedError {
  constructor() {
    super(message("limits.persistedQueryOnly"), { code: "PERSISTED_QUERY_ONLY" });
  }
}

/**
 * A hash that names no document the gateway knows, over the WebSocket (over HTTP, Apollo answers it the same way). Its
 * message is Apollo's word for word: Apollo's clients match `PersistedQueryNotFound` to send the document's text.
 */
export class PersistedQueryNotFoundError extends LocalizedError {
  constructor() {
    super(message("request.persistedQueryNotFound"), { code: "PERSISTED_QUERY_NOT_FOUND" }, "PersistedQueryNotFound");
  }
}

/** A request the gateway cannot serve as sent (a subscription over HTTP, a query over the WebSocket): what to do instead. */
export class BadRequestError extends LocalizedError {
  constructor(localized: Message, httpStatus?: number) {
    super(localized, { code: "BAD_REQUEST", ...(httpStatus ? { http: { status: httpStatus } } : {}) });
  }
}

export type DocumentLimit = "depth" | "cost" | "aliases" | "rootFields" | "fields" | "tokens" | "responseBytes";

/** A document over one of the limits (src/http/document-limits.ts): which limit, its maximum, and the document's measure. */
export class QueryTooComplexError extends LocalizedError {
  constructor(
    limit: DocumentLimit,
    max: number,
    actual: number,
    /** The wording, when it says more than the limit's own (a v1 list refused by its length names its connection). */
    localized: Message = message(`limits.${limit}`, { max: Number.isFinite(max) ? max : "?" }),
  ) {
    super(localized, {
      code: "QUERY_TOO_COMPLEX",
      limit,
      max,
      actual: Number.isFinite(actual) ? actual : null,
      http: { status: 400 },
    });
  }
}

/**
 * Too many requests from one viewer or client in the window, or a request that costs more than the viewer's budget
 * has left (`scope: "cost"`); retry after `retryAfter` seconds (HTTP 429).
 */
export class RateLimitedError extends LocalizedError {
  constructor(
    readonly scope: "viewer" | "client" | "cost",
    readonly retryAfter: number,
    localized: Message = message("limits.rateLimited", { retryAfter }),
  ) {
    super(localized, { code: "RATE_LIMITED", scope, retryAfter, http: { status: 429 } });
  }
}

/**
 * The request, or a statement of it, ran out of time (README, "Deadlines"): nothing it did was committed, and the
 * same request may be sent again (HTTP 503 when it is the whole answer).
 */
export class TimeoutError extends LocalizedError {
  constructor(
    readonly reason: TimeoutReason,
    localized: Message,
  ) {
    super(localized, { code: "TIMEOUT", reason, http: { status: 503 } });
  }
}

/** The seconds an UNAVAILABLE answer asks a client to wait before it sends the request again (`Retry-After`). */
export const unavailableRetryAfterSeconds = 2;

/**
 * The database could not be used: it refuses connections or a connection was lost before the work committed
 * (DATABASE_UNREACHABLE), the node answers that it is not ready, a Galera node joining or outside the primary
 * component (NODE_NOT_READY, error 1047), or the server kept failing with a fault of its own that the gateway could not
 * clear (DATABASE_FAULT: MariaDB's cached trigger that no longer parses, src/database/trigger-cache.ts). Nothing was
 * committed; the same request may be sent again after `retryAfter` seconds (HTTP 503 with `Retry-After`).
 * The one exception is OUTCOME_UNKNOWN: the connection was lost while the COMMIT was on its way (a node killed under
 * it), so the change may have been made. The client reads the state again before it decides to send it again.
 * `underlying` is the driver's error, for the logs only.
 */
export class UnavailableError extends LocalizedError {
  constructor(
    readonly reason: UnavailableReason,
    readonly underlying?: unknown,
    readonly retryAfter: number = unavailableRetryAfterSeconds,
  ) {
    super(reason === "OUTCOME_UNKNOWN" ? message("unavailable.outcomeUnknown") : message("unavailable.database", { retryAfter }), {
      code: "UNAVAILABLE",
      reason,
      retryAfter,
      http: { status: 503, headers: new Map([["retry-after", String(retryAfter)]]) },
    });
  }
}

/** A domain error: thrown by the management functions, passed to clients unchanged. */
export type DomainError = UnauthenticatedError | ForbiddenError | BadUserInputError | NotFoundError | ConflictError;

export function isDomainError(error: unknown): error is DomainError {
  return (
    error instanceof UnauthenticatedError ||
    error instanceof ForbiddenError ||
    error instanceof BadUserInputError ||
    error instanceof NotFoundError ||
    error instanceof ConflictError
  );
}
