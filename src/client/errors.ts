import type {
  ConflictReason,
  ErrorCode,
  ForbiddenReason,
  TimeoutReason,
  UnauthenticatedReason,
  UnavailableReason,
} from "./generated/operations";

/** What every error of the gateway carries in `extensions`, whichever transport or layer refused (see the docs' error codes). */
export interface GatewayErrorExtensions {
  /** Stable: branch on it. */
  code: ErrorCode;
  /** The key of the message in the gateway's catalogue: stable too, to word the error in the app's own words. */
  messageKey: string;
  /** The values the message interpolates, as codes. */
  params: Record<string, unknown>;
  /** The message in English, whatever language `message` is in. */
  englishMessage: string;
  /** UNAUTHENTICATED, FORBIDDEN, CONFLICT, TIMEOUT, UNAVAILABLE: why, as the code's reason enum names it. */
  reason?: string;
  /** BAD_USER_INPUT (and a bad literal's GRAPHQL_VALIDATION_FAILED): the argument path as the schema names it, `input.person.ssin`. */
  field?: string;
  /** Every argument path a refused variable fills, when it fills more than one (`field` is the first). */
  fields?: string[];
  /** BAD_USER_INPUT of a value that came from a variable: its path in the variables, `i.person.ssin`. */
  variable?: string;
  /** INTERNAL_SERVER_ERROR, and TIMEOUT of the request: the id the gateway logged it under. */
  requestId?: string;
  /** RATE_LIMITED and UNAVAILABLE: the seconds to wait before sending the request again. */
  retryAfter?: number;
  [extension: string]: unknown;
}

/** An error as the gateway answers it: `message` in the request's language (English for errors about the request as sent). */
export interface GatewayError {
  message: string;
  path?: readonly (string | number)[];
  extensions: GatewayErrorExtensions;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

function isGatewayError(value: unknown): value is GatewayError {
  return isRecord(value) && typeof value.message === "string" && isRecord(value.extensions) && typeof value.extensions.code === "string";
}

/**
 * The gateway's errors inside what a client library throws or returns: graphql-request's ClientError
 * (`response.errors`), Apollo Client's CombinedGraphQLErrors (`errors`), urql's CombinedError (`graphQLErrors`), this
 * package's LiveChangesError, an answer's body, a graphql-ws error payload, an error itself, or a list of them.
 */
export function gatewayErrors(error: unknown): GatewayError[] {
  if (Array.isArray(error)) return error.flatMap(gatewayErrors);
  if (isGatewayError(error)) return [error];
  if (!isRecord(error)) return [];
  for (const key of ["graphQLErrors", "errors"] as const) if (Array.isArray(error[key])) return gatewayErrors(error[key]);
  return isRecord(error.response) ? gatewayErrors(error.response) : [];
}

/** The code of the first error in `error`, or undefined when it holds none of the gateway's (a network failure). */
export function errorCode(error: unknown): ErrorCode | undefined {
  return gatewayErrors(error)[0]?.extensions.code;
}

/** Does `error` hold an error of this code (and reason, when given)? */
export function hasError(error: unknown, code: ErrorCode, reason?: string): boolean {
  return gatewayErrors(error).some(({ extensions }) => extensions.code === code && (reason === undefined || extensions.reason === reason));
}

/** UNAUTHENTICATED, of this reason when given: TOKEN_EXPIRED means refresh the token. */
export const isUnauthenticated = (error: unknown, reason?: UnauthenticatedReason): boolean => hasError(error, "UNAUTHENTICATED", reason);

/** FORBIDDEN, of this reason when given. */
export const isForbidden = (error: unknown, reason?: ForbiddenReason): boolean => hasError(error, "FORBIDDEN", reason);

/** CONFLICT, of this reason when given: `isConflict(error, "ALREADY_ACTIVE")`. */
export const isConflict = (error: unknown, reason?: ConflictReason): boolean => hasError(error, "CONFLICT", reason);

/** TIMEOUT, of this reason when given: nothing was committed, the same request may be sent again. */
export const isTimeout = (error: unknown, reason?: TimeoutReason): boolean => hasError(error, "TIMEOUT", reason);

/** UNAVAILABLE, of this reason when given: send the same request again after `retryAfter` seconds. */
export const isUnavailable = (error: unknown, reason?: UnavailableReason): boolean => hasError(error, "UNAVAILABLE", reason);

export const isNotFound = (error: unknown): boolean => hasError(error, "NOT_FOUND");

/** BAD_USER_INPUT, about this argument path when given (`input.person.ssin`). */
export function isBadUserInput(error: unknown, field?: string): boolean {
  return gatewayErrors(error).some(
    ({ extensions }) =>
      extensions.code === "BAD_USER_INPUT" && (field === undefined || extensions.field === field || !!extensions.fields?.includes(field)),
  );
}

/**
 * The refused inputs of an answer, by argument path as the schema names it: what a form shows beside each of its
 * fields (`{ "input.person.ssin": "A national number has 11 digits" }`, in the request's language).
 */
export function inputErrors(error: unknown): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const { message, extensions } of gatewayErrors(error)) {
    if (extensions.code !== "BAD_USER_INPUT") continue;
    for (const field of extensions.fields ?? (extensions.field === undefined ? [] : [extensions.field])) byField[field] ??= message;
  }
  return byField;
}
