import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { formatMessage, isMessageKey, message, englishText, withoutControls, type MessageKey } from "../i18n/messages";
import { asReadFailure } from "../database/driver-errors";
import { UnavailableError, type TimeoutError } from "../errors";
import type { Language } from "../domain/states";

/** The codes a client may see (the contract's, and Apollo's for rejected documents). Anything else is masked. */
const publicCodes = new Set([
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "BAD_USER_INPUT",
  "NOT_FOUND",
  "CONFLICT",
  "GRAPHQL_VALIDATION_FAILED",
  "GRAPHQL_PARSE_FAILED",
  "QUERY_TOO_COMPLEX",
  "RATE_LIMITED",
  "TIMEOUT",
  "UNAVAILABLE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "PERSISTED_QUERY_ONLY",
  "OPERATION_RESOLUTION_FAILURE",
  "BAD_REQUEST",
]);

export const maskedMessage = englishText(message("http.internal"));

/** Names the input field of a variable that failed coercion: `Variable "$input" got invalid value ... at "input.person.ssin"`. */
function fieldOfCoercionError(message: string): string | undefined {
  const match = /^Variable "\$([A-Za-z_]\w*)" got invalid value[\s\S]*?(?:at "([A-Za-z_][\w.[\]]*)")?;/.exec(message);
  if (!match) return undefined;
  return match[2] ?? match[1];
}

/**
 * The UNAVAILABLE or TIMEOUT error behind `error`: thrown as one, or a driver's failure that means the database cannot
 * be used now (refused, lost, node not ready) or did not answer within its bound (src/database/driver-errors.ts,
 * `asReadFailure`), wherever it was met (a read, the front door, a write).
 */
export function databaseFailureBehind(error: unknown): UnavailableError | TimeoutError | null {
  const original = unwrapResolverError(error);
  const code = original instanceof GraphQLError ? original.extensions?.code : undefined;
  if (original instanceof GraphQLError && code !== "UNAVAILABLE" && code !== "TIMEOUT") return null;
  return asReadFailure(original);
}

/** The UNAVAILABLE error behind `error`, as `databaseFailureBehind` finds it: what is logged once per burst. */
export function unavailableBehind(error: unknown): UnavailableError | null {
  const failure = databaseFailureBehind(error);
  return failure instanceof UnavailableError ? failure : null;
}

/** Keeps typed errors, masks everything else as INTERNAL_SERVER_ERROR (no SQL, stack or path ever leaves). */
export function isPublicError(error: unknown): boolean {
  const original = unwrapResolverError(error);
  const code = original instanceof GraphQLError ? original.extensions?.code : undefined;
  return (typeof code === "string" && publicCodes.has(code)) || databaseFailureBehind(error) !== null;
}

/** Apollo's own refusals of a malformed request that carry no code (a persisted-query hash that does not match its query). */
function isUncodedRefusal(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.originalError || error.extensions?.code !== undefined) return false;
  const status = (error.extensions?.http as { status?: number } | undefined)?.status;
  return typeof status === "number" && status >= 400 && status < 500;
}

/**
 * graphql-js quotes the offending value in its messages: a 90 kB string would come back whole, a bidi override in it
 * would reorder the text on screen. Its messages are not ours to interpolate, so they are cut and cleaned whole.
 */
const maxMessageLength = 1000;
const bounded = (text: string) => {
  const message = withoutControls(text);
  return message.length > maxMessageLength ? `${message.slice(0, maxMessageLength)}…` : message;
};

/** Apollo's own refusals that a browser app may meet, by the start of their English text. */
const apolloRefusals: readonly [RegExp, MessageKey][] = [
  [/^This operation has been blocked as a potential Cross-Site Request Forgery/, "http.csrf"],
  [/^GET requests only support query operations/, "http.changeOverGet"],
];

/**
 * The error worded in `language`: `message` for people, and in `extensions` the stable `messageKey`, the `params`
 * it interpolates (codes, not names) and the `englishMessage`, so that a front-end can word it itself. An error
 * without a key of the catalogue (graphql-js's parse and validation errors, Apollo's protocol refusals: texts about
 * the document, for its developer) keeps its English text.
 */
export function inLanguage<E extends { message: string; extensions?: Readonly<Record<string, unknown>> }>(error: E, language: Language): E {
  const extensions = error.extensions ?? {};
  const key = isMessageKey(extensions.messageKey)
    ? extensions.messageKey
    : apolloRefusals.find(([pattern]) => pattern.test(error.message))?.[1];
  if (!key) return error;
  const params = typeof extensions.params === "object" && extensions.params !== null ? (extensions.params as Record<string, unknown>) : {};
  return {
    ...error,
    message: formatMessage({ key, params }, language),
    extensions: { ...extensions, messageKey: key, params, englishMessage: formatMessage({ key, params }, "EN") },
  };
}

/** The answer for an error no client may read: the message in `language`, and the id of the request it is logged under. */
export function maskedError(
  { path, requestId }: { path?: GraphQLFormattedError["path"]; requestId?: string },
  language: Language,
): GraphQLFormattedError {
  return inLanguage(
    {
      message: maskedMessage,
      path,
      extensions: { code: "INTERNAL_SERVER_ERROR", ...(requestId ? { requestId } : {}), messageKey: "http.internal" },
    },
    language,
  );
}

/**
 * Apollo's formatError. Apollo does not say which request an error belongs to, so this shapes it as no request's:
 * masked, or kept with its field named and its message bounded, in English. `forRequest` then gives it the request's
 * language and, masked, the request's id: the operation's plugin does that to every answer of a pipeline
 * (src/http/operation-language.ts), src/http/apollo-handler.ts to the answers Apollo gives without one.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (isUncodedRefusal(error)) return { message: formatted.message, extensions: { code: "BAD_REQUEST" } };
  if (!isPublicError(error)) return maskedError({ path: formatted.path }, "EN");
  const failure = databaseFailureBehind(error);
  if (failure && formatted.extensions?.code !== failure.extensions.code) {
    const { http: _http, ...extensions } = failure.extensions;
    return inLanguage({ message: failure.message, path: formatted.path, extensions }, "EN");
  }
  const { stacktrace: _stack, http: _http, ...extensions } = formatted.extensions ?? {};
  if (extensions.code === "BAD_USER_INPUT" && extensions.field === undefined) {
    const field = fieldOfCoercionError(formatted.message);
    if (field) extensions.field = field;
  }
  return inLanguage({ ...formatted, message: bounded(formatted.message), extensions }, "EN");
}

/** A formatted error as the request's answer: in its language, and a masked one with its id. Applying it twice changes nothing. */
export function forRequest(
  error: GraphQLFormattedError,
  { requestId, language }: { requestId: string; language: Language },
): GraphQLFormattedError {
  if (error.extensions?.code === "INTERNAL_SERVER_ERROR") return maskedError({ path: error.path, requestId }, language);
  return inLanguage(error, language);
}
