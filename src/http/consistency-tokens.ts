/**
 * Consistency tokens on the transports (src/database/consistency-token.ts): read from a request (the
 * `Consistency-Token` header over HTTP; `consistencyToken` in a subscription's `extensions` or the WebSocket's
 * connection params), and given in the answer of every request whose writes committed (`extensions.consistencyToken`
 * and the `Consistency-Token` header).
 */
import type { ApolloServerPlugin } from "@apollo/server";
import type { Context } from "../context";
import { formatConsistencyToken, parseConsistencyToken, type ConsistencyToken } from "../database/consistency-token";
import { BadUserInputError } from "../errors";
import { message } from "../i18n/messages";

export const consistencyTokenHeader = "Consistency-Token";

/**
 * The token a request sent back, null when it sent none. A value that is not a token this gateway gives is refused
 * with BAD_USER_INPUT naming `field`, rather than ignored: a client that sends a damaged token expects to read its own
 * writes, and would silently not. `httpStatus` where the refusal is the whole answer (an HTTP header).
 */
export function requestedConsistency(value: unknown, field: string, { httpStatus }: { httpStatus?: number } = {}): ConsistencyToken | null {
  if (value === undefined || value === null) return null;
  const token = typeof value === "string" ? parseConsistencyToken(value.trim()) : null;
  if (!token) throw new BadUserInputError(field, message("input.consistencyToken"), { httpStatus });
  return token;
}

/**
 * Adds the token of what the request committed (context.committedState) to each answer: `extensions.consistencyToken`
 * and the `Consistency-Token` header (a batch's answers share one head: the last one written holds every commit,
 * since each operation's commits precede its own answer). An answer that committed nothing (a query, a refused or
 * previewed mutation) carries none: the client keeps the one it has.
 */
export function consistencyTokens(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (!contextValue.committedState) return;
          const token = formatConsistencyToken(contextValue.committedState);
          response.http.headers.set(consistencyTokenHeader.toLowerCase(), token);
          if (response.body.kind !== "single") return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, consistencyToken: token };
        },
      };
    },
  };
}
