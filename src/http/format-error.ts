import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { requestIdOfError } from "./request-id";

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
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "PERSISTED_QUERY_ONLY",
  "OPERATION_RESOLUTION_FAILURE",
  "BAD_REQUEST",
]);

export const maskedMessage = "Unexpected error; it has been logged with the request id";

/** Names the input field of a variable that failed coercion: `Variable "$input" got invalid value ... at "input.person.ssin"`. */
function fieldOfCoercionError(message: string): string | undefined {
  const match = /^Variable "\$([A-Za-z_]\w*)" got invalid value[\s\S]*?(?:at "([A-Za-z_][\w.[\]]*)")?;/.exec(message);
  if (!match) return undefined;
  return match[2] ?? match[1];
}

/** Keeps typed errors, masks everything else as INTERNAL_SERVER_ERROR (no SQL, stack or path ever leaves). */
export function isPublicError(error: unknown): boolean {
  const original = unwrapResolverError(error);
  const code = original instanceof GraphQLError ? original.extensions?.code : undefined;
  return typeof code === "string" && publicCodes.has(code);
}

/** Apollo's own refusals of a malformed request that carry no code (a persisted-query hash that does not match its query). */
function isUncodedRefusal(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.originalError || error.extensions?.code !== undefined) return false;
  const status = (error.extensions?.http as { status?: number } | undefined)?.status;
  return typeof status === "number" && status >= 400 && status < 500;
}

/** graphql-js quotes the offending value in its messages: a 90 kB string would come back whole. */
const maxMessageLength = 1000;
const bounded = (message: string) => (message.length > maxMessageLength ? `${message.slice(0, maxMessageLength)}…` : message);

export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (isUncodedRefusal(error)) return { message: formatted.message, extensions: { code: "BAD_REQUEST" } };
  if (!isPublicError(error)) {
    // Known here for a failure of context creation only; the other masked errors get it from the request's plugin
    // (withRequestIdOnMaskedErrors), which has the request at hand.
    const requestId = requestIdOfError(error);
    return { message: maskedMessage, path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR", ...(requestId ? { requestId } : {}) } };
  }
  const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
  if (extensions.code === "BAD_USER_INPUT" && extensions.field === undefined) {
    const field = fieldOfCoercionError(formatted.message);
    if (field) extensions.field = field;
  }
  return { ...formatted, message: bounded(formatted.message), extensions };
}

/** A masked error's extensions, with the request id under which its details were logged. */
export function withRequestIdOnMaskedErrors(errors: readonly GraphQLFormattedError[], requestId: string): GraphQLFormattedError[] {
  return errors.map((e) => (e.extensions?.code === "INTERNAL_SERVER_ERROR" && e.extensions.requestId === undefined ? { ...e, extensions: { ...e.extensions, requestId } } : e));
}
