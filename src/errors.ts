import { GraphQLError } from "graphql";
import type { DecisionReason } from "./access/decision";

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
  | "INTERNAL_SERVER_ERROR";

/**
 * Why a request is not authenticated, so that a client knows what to do: TOKEN_MISSING (send one), TOKEN_EXPIRED
 * (refresh it), TOKEN_INVALID (get a new one: forged, malformed, not for this gateway, no expiry), SUBJECT_INVALID
 * (the identity provider's subject is no national number: nothing the client can fix).
 */
export type UnauthenticatedReason = "TOKEN_MISSING" | "TOKEN_EXPIRED" | "TOKEN_INVALID" | "SUBJECT_INVALID";

/** HTTP 401; the response carries WWW-Authenticate (RFC 6750), set by src/http/response-headers.ts. */
export class UnauthenticatedError extends GraphQLError {
  constructor(
    message = "A valid bearer token is required",
    readonly reason: UnauthenticatedReason = "TOKEN_MISSING",
  ) {
    super(message, { extensions: { code: "UNAUTHENTICATED", reason, http: { status: 401 } } });
  }
}

export class ForbiddenError extends GraphQLError {
  constructor(
    readonly reason: DecisionReason,
    message: string,
  ) {
    super(message, { extensions: { code: "FORBIDDEN", reason } });
  }
}

export class BadUserInputError extends GraphQLError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message, { extensions: { code: "BAD_USER_INPUT", field } });
  }
}

export class NotFoundError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: "NOT_FOUND" } });
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

export class ConflictError extends GraphQLError {
  constructor(
    readonly reason: ConflictReason,
    message: string,
  ) {
    super(message, { extensions: { code: "CONFLICT", reason } });
  }
}

/** TRUSTED_DOCUMENTS=only: the request carried document text instead of the hash of a trusted document. */
export class PersistedQueryOnlyError extends GraphQLError {
  constructor() {
    super("This gateway runs only trusted documents: send extensions.persistedQuery.sha256Hash of a document of its manifest, without query text", {
      extensions: { code: "PERSISTED_QUERY_ONLY" },
    });
  }
}

/** A document over one of the limits (src/http/document-limits.ts): which limit, its maximum, and the document's measure. */
export class QueryTooComplexError extends GraphQLError {
  constructor(limit: "depth" | "cost" | "aliases" | "rootFields" | "fields" | "tokens" | "responseBytes", max: number, actual: number) {
    super(`The document exceeds the ${limit} limit of ${max}`, {
      extensions: { code: "QUERY_TOO_COMPLEX", limit, max, actual: Number.isFinite(actual) ? actual : null, http: { status: 400 } },
    });
  }
}

/** Too many requests from one viewer or client in the window; retry after `retryAfter` seconds (HTTP 429). */
export class RateLimitedError extends GraphQLError {
  constructor(
    readonly scope: "viewer" | "client",
    readonly retryAfter: number,
  ) {
    super(`Too many requests; retry in ${retryAfter} s`, { extensions: { code: "RATE_LIMITED", scope, retryAfter, http: { status: 429 } } });
  }
}

export type TimeoutReason = "REQUEST_TIMEOUT" | "LOCK_WAIT_TIMEOUT" | "STATEMENT_TIMEOUT";

/**
 * The request, or a statement of it, ran out of time (README, "Deadlines"): nothing it did was committed, and the
 * same request may be sent again (HTTP 503 when it is the whole answer).
 */
export class TimeoutError extends GraphQLError {
  constructor(
    readonly reason: TimeoutReason,
    message: string,
  ) {
    super(message, { extensions: { code: "TIMEOUT", reason, http: { status: 503 } } });
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
