import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { formatMessage, isMessageKey, message, englishText, withoutControls, type MessageKey } from "../i18n/messages";
import { asUnavailable } from "../database/driver-errors";
import { errorCodes, type ErrorCode, type UnavailableError } from "../errors";
import type { Language } from "../domain/states";

/**
 * The codes a client may see: the catalogue's (src/errors.ts), which lists graphql-js's and Apollo's codes for
 * refused requests too. INTERNAL_SERVER_ERROR is not passed on as it came: Apollo gives that code to failures whose
 * message may hold internals (a context function that threw), so such an error is masked like any other.
 */
const publicCodes = new Set<string>(Object.keys(errorCodes).filter((code) => code !== "INTERNAL_SERVER_ERROR"));

export const maskedMessage = englishText(message("http.internal"));

/**
 * The path in the variables of a value that graphql-js refused while coercing the variables, read from its message (its
 * only record of it): `Variable "$i" got invalid value … at "i.person.ssin"; <why>`, or `Variable "$e" of required type
 * "…" was not provided.` A field that an input object lacks or does not define ends the path (`i.person` lacking
 * `ssin` is `i.person.ssin`). The path must start with the variable's own name: a quoted value cannot pass for it.
 */
function variableOfCoercionError(text: string): string | undefined {
  const variable = /^Variable "\$([A-Za-z_]\w*)" /.exec(text)?.[1];
  if (!variable) return undefined;
  const at = new RegExp(` at "(${variable}(?:\\.[A-Za-z_]\\w*|\\[\\d+\\])*)"; (.*)$`, "s").exec(text);
  if (!at) return variable;
  const field = /^Field "([A-Za-z_]\w*)" (?:of required type "[^"]*" was not provided|is not defined by type)/.exec(at[2])?.[1];
  return field ? `${at[1]}.${field}` : at[1];
}

/**
 * The UNAVAILABLE error behind `error`: thrown as one, or a driver's failure that means the database cannot be used now
 * (refused, lost, node not ready: src/database/driver-errors.ts), wherever it was met (a read, the front door, a write).
 */
export function unavailableBehind(error: unknown): UnavailableError | null {
  const original = unwrapResolverError(error);
  if (original instanceof GraphQLError && original.extensions?.code !== "UNAVAILABLE") return null;
  return asUnavailable(original);
}

/** Keeps typed errors, masks everything else as INTERNAL_SERVER_ERROR (no SQL, stack or path ever leaves). */
export function isPublicError(error: unknown): boolean {
  const original = unwrapResolverError(error);
  const code = original instanceof GraphQLError ? original.extensions?.code : undefined;
  return (typeof code === "string" && publicCodes.has(code)) || unavailableBehind(error) !== null;
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

/** Apollo's own refusals, by the start of their English text: those a browser app may meet are worded for people. */
const apolloRefusals: readonly [RegExp, MessageKey][] = [
  [/^This operation has been blocked as a potential Cross-Site Request Forgery/, "http.csrf"],
  [/^GET requests only support query operations/, "http.changeOverGet"],
  [/^provided sha does not match query/, "request.persistedQueryHashMismatch"],
  [/^An 'accept' header was provided for this request which does not accept/, "request.notAcceptable"],
  [/^Apollo Server supports only GET\/POST requests/, "request.methodNotAllowed"],
];

/** graphql-js's and Apollo's errors about the request as sent, which carry no key of ours: a key by their code. */
const requestKeys: Partial<Record<ErrorCode, MessageKey>> = {
  GRAPHQL_PARSE_FAILED: "request.parseFailed",
  GRAPHQL_VALIDATION_FAILED: "request.validationFailed",
  OPERATION_RESOLUTION_FAILURE: "request.operationUnknown",
  BAD_USER_INPUT: "request.variableInvalid",
  PERSISTED_QUERY_NOT_FOUND: "request.persistedQueryNotFound",
  BAD_REQUEST: "request.malformed",
};

function messageKeyOf({
  message: text,
  extensions,
}: {
  message: string;
  extensions: Readonly<Record<string, unknown>>;
}): MessageKey | undefined {
  if (isMessageKey(extensions.messageKey)) return extensions.messageKey;
  return apolloRefusals.find(([pattern]) => pattern.test(text))?.[1] ?? requestKeys[extensions.code as ErrorCode];
}

/**
 * Errors about the request as sent, for its developer (`request.*`): their `message` stays graphql-js's or Apollo's
 * English text, the detail a developer needs (a location, "Did you mean"), or the very word Apollo's clients match
 * (`PersistedQueryNotFound`).
 */
const keepsItsText = (key: MessageKey) => key.startsWith("request.");

/**
 * The error in the one shape every error has, worded in `language`: `extensions.code`, the stable `messageKey`, the
 * `params` it interpolates (codes, not names) and the `englishMessage` (the key's English text), so that a front-end
 * can word it itself; `message` in `language` for people, or kept in English for the request's developer
 * (`keepsItsText`).
 */
export function inLanguage<E extends { message: string; extensions?: Readonly<Record<string, unknown>> }>(error: E, language: Language): E {
  const extensions = error.extensions ?? {};
  const key = messageKeyOf({ message: error.message, extensions });
  if (!key) return error;
  const params = typeof extensions.params === "object" && extensions.params !== null ? (extensions.params as Record<string, unknown>) : {};
  const { code, reason, field, fields, variable, ...details } = extensions;
  return {
    ...error,
    message: keepsItsText(key) ? error.message : formatMessage({ key, params }, language),
    // In the order a reader looks for them: what happened, why, to which input, then the rest and the words.
    extensions: withoutUndefined({
      code,
      reason,
      field,
      fields,
      variable,
      ...details,
      messageKey: key,
      params,
      englishMessage: formatMessage({ key, params }, "EN"),
    }),
  };
}

const withoutUndefined = (record: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));

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
  const unavailable = unavailableBehind(error);
  if (unavailable && formatted.extensions?.code !== "UNAVAILABLE") {
    const { http: _http, ...extensions } = unavailable.extensions;
    return inLanguage({ message: unavailable.message, path: formatted.path, extensions }, "EN");
  }
  const { stacktrace: _stack, http: _http, ...extensions } = formatted.extensions ?? {};
  // graphql-js's refusal of a variable names only the variable: src/http/input-paths.ts finds the argument it fills.
  if (extensions.code === "BAD_USER_INPUT" && extensions.field === undefined && extensions.variable === undefined) {
    const variable = variableOfCoercionError(formatted.message);
    if (variable) extensions.variable = variable;
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
