import type { ApolloServerPlugin } from "@apollo/server";
import type { Logger } from "pino";
import { driverCode, driverErrno } from "../database/driver-errors";
import { unavailableRetryAfterSeconds, type UnavailableError } from "../errors";

/**
 * An answer with an UNAVAILABLE error (the database refused, lost or not ready, met by a read in a resolver) is a 503
 * with `Retry-After`, as the errors thrown as UnavailableError already are (their `extensions.http`): a client or a
 * balancer retries it, and nothing was committed. So is one with a TIMEOUT (a read's statement past its bound), as a
 * thrown TimeoutError is.
 */
export function unavailableAnswers<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== "single") return;
          const errors = response.body.singleResult.errors ?? [];
          const unavailable = errors.find((error) => error.extensions?.code === "UNAVAILABLE");
          if (!unavailable) {
            if (errors.some((error) => error.extensions?.code === "TIMEOUT")) response.http.status = 503;
            return;
          }
          response.http.status = 503;
          response.http.headers.set("retry-after", String(unavailable.extensions?.retryAfter ?? unavailableRetryAfterSeconds));
        },
      };
    },
  };
}

/** How long a burst of refusals is summed up between two lines of the log, in ms (and the quiet that ends a burst). */
export const unavailabilityLogWindowMs = 10_000;

interface Burst {
  /** When the last line was written. */
  loggedAt: number;
  /** When the last refusal was seen. */
  seenAt: number;
  /** Refusals since the last line. */
  unlogged: number;
  lastRequestId: string;
  flush?: NodeJS.Timeout;
}

const bursts = new WeakMap<Logger, { burst: Burst | null }>();

/**
 * Logs the refusals for an unavailable database once per burst, not once per request (a balancer may send hundreds a
 * second to a gateway whose database is down): the first refusal of a burst at once, with its request id and the
 * driver's code; then, while refusals go on, one line per `unavailabilityLogWindowMs` with their count and the last
 * request id. A burst ends after a window without refusals; the next refusal starts another. A COMMIT of unknown
 * outcome (OUTCOME_UNKNOWN) is not a refusal: each is logged at error level with its request id.
 */
export function logUnavailable(logger: Logger, error: UnavailableError, requestId: string, now = Date.now()): void {
  const cause = error.underlying;
  if (error.reason === "OUTCOME_UNKNOWN") {
    // Not a refusal: a change that may have been made. Each one is an error line of its own, with its request id (the
    // audit event of the change carries the same id when it was committed) and the driver's failure.
    logger.error(
      { requestId, reason: error.reason, driverCode: driverCode(cause) || undefined, errno: driverErrno(cause), err: cause },
      "the COMMIT's answer was lost: the change may or may not have been committed (answering 503 UNAVAILABLE OUTCOME_UNKNOWN)",
    );
    return;
  }
  const state = bursts.get(logger) ?? { burst: null };
  bursts.set(logger, state);
  const burst = state.burst;
  if (!burst || now - burst.seenAt > unavailabilityLogWindowMs) {
    if (burst?.flush) clearTimeout(burst.flush);
    state.burst = { loggedAt: now, seenAt: now, unlogged: 0, lastRequestId: requestId };
    logger.warn(
      { requestId, reason: error.reason, driverCode: driverCode(cause) || undefined, errno: driverErrno(cause) },
      "database unavailable: answering 503 UNAVAILABLE",
    );
    return;
  }
  burst.seenAt = now;
  burst.unlogged++;
  burst.lastRequestId = requestId;
  const write = () => {
    burst.flush = undefined;
    if (burst.unlogged === 0) return;
    logger.warn(
      { requestId: burst.lastRequestId, refusals: burst.unlogged, windowMs: unavailabilityLogWindowMs },
      "database still unavailable: answered 503 UNAVAILABLE",
    );
    burst.unlogged = 0;
    burst.loggedAt = Date.now();
  };
  if (now - burst.loggedAt >= unavailabilityLogWindowMs) write();
  else burst.flush ??= setTimeout(write, burst.loggedAt + unavailabilityLogWindowMs - now).unref();
}
