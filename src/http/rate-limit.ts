import { createHash } from "node:crypto";
import { isIPv4 } from "node:net";
import type { Request, RequestHandler, Response } from "express";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { RateLimitedError } from "../errors";
import { requestIdOf } from "./request-id";
import { inLanguage } from "./format-error";
import { headerLanguage } from "../i18n/language";
import { operationsIn } from "./batch-limit";

export interface RateLimitQuota {
  perViewer: number;
  perClient: number;
  windowSeconds: number;
}

export interface RateLimits {
  /** Express middleware for /graphql, before the body is read: one request of the client IP's quota. */
  perClient: RequestHandler;
  /**
   * Express middleware for /graphql once the body is read: the other operations of a batch, each one more request of
   * the client IP's quota (the first was counted by `perClient`).
   */
  perBatch: RequestHandler;
  /**
   * Once the token is verified: one request of the viewer's quota per operation (a batch counts its length); throws
   * RateLimitedError (HTTP 429) when it is spent.
   */
  perViewer(subject: string, res: Response, operations?: number): Promise<void>;
  /**
   * One request of a quota outside HTTP requests (a WebSocket connection of a client address, a subscription of a
   * viewer's national number): the refusal to report, or null when allowed.
   */
  take(scope: "client" | "viewer", key: string | undefined): Promise<RateLimitedError | null>;
}

const unlimited: RateLimits = {
  perClient: (_req, _res, next) => next(),
  perBatch: (_req, _res, next) => next(),
  perViewer: async () => undefined,
  take: async () => null,
};

/**
 * The key of a client: its IP address (Express's `req.ip`, which follows TRUST_PROXY), an IPv6 address by its /64
 * network, since one host commonly holds a whole /64.
 */
export function clientKey(address: string | undefined): string {
  if (!address) return "unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (isIPv4(address) || !address.includes(":")) return address;
  const [head, tail = ""] = address.split("%")[0].split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = address.includes("::") ? (tail ? tail.split(":") : []) : [];
  const groups = [...headGroups, ...Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill("0"), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

/** Viewers are counted under a hash of their national number, which never reaches Redis. */
const viewerKey = (subject: string) => createHash("sha256").update(subject).digest("base64url").slice(0, 22);

/** A fixed-window limiter; with Redis, shared by every process, and counting in memory while Redis is unreachable. */
function limiter(name: string, points: number, windowSeconds: number, redis: Redis | null, prefix: string): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ keyPrefix: name, points, duration: windowSeconds });
  if (!redis) return memory;
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}rate:${name}`,
    points,
    duration: windowSeconds,
    insuranceLimiter: memory,
    rejectIfRedisNotReady: true,
  });
}

/** Null when the limiter itself failed: the request then goes through (a broken limiter must not take the API down). */
async function takePoints(
  from: RateLimiterAbstract,
  key: string,
  logger: Logger,
  requestId?: string,
  points = 1,
): Promise<{ allowed: boolean; state: RateLimiterRes } | null> {
  try {
    return { allowed: true, state: await from.consume(key, points) };
  } catch (outcome) {
    if (outcome instanceof RateLimiterRes) return { allowed: false, state: outcome };
    logger.warn({ requestId, err: outcome }, "rate limiter failed; request let through");
    return null;
  }
}

function announce(res: Response, limit: number, windowSeconds: number, state: RateLimiterRes): void {
  res.setHeader("RateLimit-Limit", String(limit));
  res.setHeader("RateLimit-Remaining", String(Math.max(0, state.remainingPoints)));
  res.setHeader("RateLimit-Reset", String(Math.ceil(state.msBeforeNext / 1000)));
  res.setHeader("RateLimit-Policy", `${limit};w=${windowSeconds}`);
}

function refusal(res: Response, scope: "client" | "viewer", state: RateLimiterRes): RateLimitedError {
  const error = new RateLimitedError(scope, Math.max(1, Math.ceil(state.msBeforeNext / 1000)));
  res.setHeader("Retry-After", String(error.retryAfter));
  return error;
}

/** HTTP 429 with the RATE_LIMITED error, in the request's language: the client's quota is spent before GraphQL runs. */
function answerClientRefused(req: Request, res: Response, error: RateLimitedError): void {
  res.setHeader("x-request-id", requestIdOf(req));
  const { messageKey, params } = error.extensions;
  const answer = {
    message: error.message,
    extensions: { code: "RATE_LIMITED", scope: error.scope, retryAfter: error.retryAfter, messageKey, params },
  };
  res.status(429).json({ errors: [inLanguage(answer, headerLanguage(req.headers))] });
}

/**
 * Rate limits per client IP and per viewer (token subject), in fixed windows. In memory by default; with Redis, every
 * process of the deployment counts against the same quota, and while Redis is unreachable each process counts on its
 * own (the insurance limiter) rather than refusing or waiting. Each answer carries the tighter of the two quotas in
 * RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset (seconds), and RateLimit-Policy; a refusal is HTTP 429 with
 * Retry-After and a RATE_LIMITED error.
 */
export function createRateLimits({
  enabled,
  quota,
  redis = null,
  prefix = "gateway:",
  logger,
}: {
  enabled: boolean;
  quota: RateLimitQuota;
  redis?: Redis | null;
  prefix?: string;
  logger: Logger;
}): RateLimits {
  if (!enabled) return unlimited;
  const clients = limiter("client", quota.perClient, quota.windowSeconds, redis, prefix);
  const viewers = limiter("viewer", quota.perViewer, quota.windowSeconds, redis, prefix);
  const remainingOfClient = new WeakMap<Response, number>();

  /** Takes `points` of the client's quota: on, or answered 429 RATE_LIMITED. */
  const chargeClient = async (req: Request, res: Response, next: () => void, points: number) => {
    const outcome = await takePoints(clients, clientKey(req.ip ?? req.socket.remoteAddress), logger, requestIdOf(req), points);
    if (!outcome) return next();
    announce(res, quota.perClient, quota.windowSeconds, outcome.state);
    remainingOfClient.set(res, outcome.state.remainingPoints);
    if (outcome.allowed) return next();
    answerClientRefused(req, res, refusal(res, "client", outcome.state));
  };

  return {
    perClient: (req, res, next) => chargeClient(req, res, next, 1),
    perBatch: (req, res, next) => {
      const operations = operationsIn(req.body as unknown);
      return operations > 1 ? chargeClient(req, res, next, operations - 1) : next();
    },
    async perViewer(subject, res, operations = 1) {
      const outcome = await takePoints(viewers, viewerKey(subject), logger, requestIdOf(res.req), operations);
      if (!outcome) return;
      if (outcome.state.remainingPoints < (remainingOfClient.get(res) ?? Number.POSITIVE_INFINITY) || !outcome.allowed)
        announce(res, quota.perViewer, quota.windowSeconds, outcome.state);
      if (!outcome.allowed) throw refusal(res, "viewer", outcome.state);
    },
    async take(scope, key) {
      const outcome =
        scope === "client" ? await takePoints(clients, clientKey(key), logger) : await takePoints(viewers, viewerKey(key ?? ""), logger);
      return outcome && !outcome.allowed ? new RateLimitedError(scope, Math.max(1, Math.ceil(outcome.state.msBeforeNext / 1000))) : null;
    },
  };
}
