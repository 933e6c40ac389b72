import { GraphQLError } from "graphql";
import type { DecisionReason } from "./domain/decision-reasons";
import { englishText, message, type Message } from "./i18n/messages";

/**
 * The error codes of the contract. Every error a client sees is one of these classes; anything else is masked as
 * INTERNAL_SERVER_ERROR by the server's formatError.
 */
export type ErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "BAD_USER_INPUT"
  | "NOT_FOUND"
  | "CONFLICT"
  | "QUERY_TOO_COMPLEX"
  | "RATE_LIMITED"
  | "PERSISTED_QUERY_ONLY"
  | "TIMEOUT"
  | "UNAVAILABLE"
  | "INTERNAL_SERVER_ERROR";

/**
 * Why a request is not authenticated, so that a client knows what to do: TOKEN_MISSING (send one), TOKEN_EXPIRED
 * (refresh it), TOKEN_INVALID (get a new one: forged, malformed, not for this gateway, no expiry), SUBJECT_INVALID
 * (the identity provider's subject is no national number: nothing the client can fix).
 */
export type UnauthenticatedReason = "TOKEN_MISSING" | "TOKEN_EXPIRED" | "TOKEN_INVALID" | "SUBJECT_INVALID";

/**
 * An error a client sees: its message is a key of the catalogue (src/i18n/messages.ts) with parameters, never free
 * text, so that src/http/format-error.ts can give it in the request's language. The GraphQL message is the English
 * text (what the logs show); `extensions.messageKey` and `extensions.params` travel with it.
 */
export abstract class LocalizedError extends GraphQLError {
  constructor(
    readonly localized: Message,
    extensions: Record<string, unknown>,
  ) {
    super(englishText(localized), { extensions: { ...extensions, messageKey: localized.key, params: localized.params } });
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

export type ConflictReason =
  | "ALREADY_ACTIVE"
  | "ALREADY_ASSIGNED"
  | "ALREADY_ENDED"
  | "PROVIDER_NOT_QUALIFIED"
  | "CONCURRENT_UPDATE"
  | "NOT_PENDING_ACTIVATION"
  | "MAIN_ACCESS_MANAGER_PROFILE";

export class ConflictError extends LocalizedError {
  constructor(
    readonly reason: ConflictReason,
    localized: Message,
  ) {
    super(localized, { code: "CONFLICT", reason });
  }
}

/** TRUSTED_DOCUMENTS=only: the request carried document text instead of the hash of a trusted document. */
export class PersistedQueryOnlyError extends LocalizedError {
  constructor() {
    super(message("limits.persistedQueryOnly"), { code: "PERSISTED_QUERY_ONLY" });
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
  constructor(limit: DocumentLimit, max: number, actual: number) {
    super(message(`limits.${limit}`, { max: Number.isFinite(max) ? max : "?" }), {
      code: "QUERY_TOO_COMPLEX",
      limit,
      max,
      actual: Number.isFinite(actual) ? actual : null,
      http: { status: 400 },
    });
  }
}

/** Too many requests from one viewer or client in the window; retry after `retryAfter` seconds (HTTP 429). */
export class RateLimitedError extends LocalizedError {
  constructor(
    readonly scope: "viewer" | "client",
    readonly retryAfter: number,
  ) {
    super(message("limits.rateLimited", { retryAfter }), { code: "RATE_LIMITED", scope, retryAfter, http: { status: 429 } });
  }
}

export type TimeoutReason = "REQUEST_TIMEOUT" | "LOCK_WAIT_TIMEOUT" | "STATEMENT_TIMEOUT";

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

export type UnavailableReason = "DATABASE_UNREACHABLE" | "NODE_NOT_READY";

/** The seconds an UNAVAILABLE answer asks a client to wait before it sends the request again (`Retry-After`). */
export const unavailableRetryAfterSeconds = 2;

/**
 * The database could not be used: it refuses connections or a connection was lost before the work committed
 * (DATABASE_UNREACHABLE), or the node answers that it is not ready, a Galera node joining or outside the primary
 * component (NODE_NOT_READY, error 1047). Nothing was committed; the same request may be sent again after `retryAfter`
 * seconds (HTTP 503 with `Retry-After`). `underlying` is the driver's error, for the logs only.
 */
export class UnavailableError extends LocalizedError {
  constructor(
    readonly reason: UnavailableReason,
    readonly underlying?: unknown,
    readonly retryAfter: number = unavailableRetryAfterSeconds,
  ) {
    super(message("unavailable.database", { retryAfter }), {
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
