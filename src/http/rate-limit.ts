import { createHash } from "node:crypto";
import { isIPv4 } from "node:net";
import type { Request, RequestHandler, Response } from "express";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { BudgetState, CostBudget } from "../context";
import { RateLimitedError } from "../errors";
import { message } from "../i18n/messages";
import { requestIdOf } from "./request-id";
import { inLanguage } from "./format-error";
import { headerLanguage } from "../i18n/language";
import { operationsIn } from "./batch-limit";
import { countRateLimitRefusal } from "../observe/metrics";

export interface RateLimitQuota {
  perViewer: number;
  perClient: number;
  windowSeconds: number;
  /** The viewer's budget of cost points per `costWindowSeconds` (src/http/cost-budget.ts spends it). */
  costPoints: number;
  costWindowSeconds: number;
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
  /** The viewer's budget of cost points, for one HTTP request (its answer carries the headers); null when limits are off. */
  costBudget(subject: string, res: Response): CostBudget | null;
}

const unlimited: RateLimits = {
  perClient: (_req, _res, next) => next(),
  perBatch: (_req, _res, next) => next(),
  perViewer: async () => undefined,
  take: async () => null,
  costBudget: () => null,
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

/** The quota announced in an answer's RateLimit headers, and the share of it left then. */
const announced = new WeakMap<Response, { quota: Quota; share: number }>();

interface Quota {
  limit: number;
  windowSeconds: number;
  /** The cost budget, named so in RateLimit-Policy (`comment="cost points"`). */
  cost?: boolean;
}

/**
 * Announces a quota in the answer's RateLimit headers when it is the tightest met so far (the smallest share left),
 * when it refuses the request, or anew when it is the one announced (the cost budget, settled after the answer ran):
 * the headers always name the quota that will refuse the caller first.
 */
function announce(res: Response, quota: Quota, state: RateLimiterRes, refused = false): void {
  const remaining = Math.max(0, state.remainingPoints);
  const share = remaining / quota.limit;
  const before = announced.get(res);
  if (!refused && before && before.quota !== quota && share >= before.share) return;
  if (before?.share === Number.NEGATIVE_INFINITY) return;
  announced.set(res, { quota, share: refused ? Number.NEGATIVE_INFINITY : share });
  res.setHeader("RateLimit-Limit", String(quota.limit));
  res.setHeader("RateLimit-Remaining", String(remaining));
  res.setHeader("RateLimit-Reset", String(Math.ceil(state.msBeforeNext / 1000)));
  res.setHeader("RateLimit-Policy", `${quota.limit};w=${quota.windowSeconds}${quota.cost ? ';comment="cost points"' : ""}`);
}

const secondsLeft = (state: RateLimiterRes) => Math.max(1, Math.ceil(state.msBeforeNext / 1000));

function refusal(res: Response, scope: "client" | "viewer", state: RateLimiterRes): RateLimitedError {
  countRateLimitRefusal(scope);
  const error = new RateLimitedError(scope, secondsLeft(state));
  res.setHeader("Retry-After", String(error.retryAfter));
  return error;
}

/** The budget as a client is shown it: the end of its window to the second, so that answers of one window agree. */
function budgetState(limit: number, state: RateLimiterRes | null, windowSeconds: number): BudgetState {
  const msLeft = state ? state.msBeforeNext : windowSeconds * 1000;
  return {
    limit,
    remaining: state ? Math.max(0, state.remainingPoints) : limit,
    resetAt: new Date(Math.ceil((Date.now() + msLeft) / 1000) * 1000),
  };
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
 * Rate limits per client IP and per viewer (token subject), in fixed windows, and each viewer's budget of cost points
 * (RATE_LIMIT_COST_POINTS per RATE_LIMIT_COST_WINDOW_S). In memory by default; with Redis, every process of the
 * deployment counts against the same quotas, and while Redis is unreachable each process counts on its own (the
 * insurance limiter) rather than refusing or waiting. Each answer carries the tightest quota (the smallest share left)
 * in RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset (seconds), and RateLimit-Policy; a refusal is HTTP 429
 * with Retry-After and a RATE_LIMITED error, and carries the quota that refused.
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
  const costs = limiter("cost", quota.costPoints, quota.costWindowSeconds, redis, prefix);
  const clientQuota: Quota = { limit: quota.perClient, windowSeconds: quota.windowSeconds };
  const viewerQuota: Quota = { limit: quota.perViewer, windowSeconds: quota.windowSeconds };
  const costQuota: Quota = { limit: quota.costPoints, windowSeconds: quota.costWindowSeconds, cost: true };

  /** Takes `points` of the client's quota: on, or answered 429 RATE_LIMITED. */
  const chargeClient = async (req: Request, res: Response, next: () => void, points: number) => {
    const outcome = await takePoints(clients, clientKey(req.ip ?? req.socket.remoteAddress), logger, requestIdOf(req), points);
    if (!outcome) return next();
    announce(res, clientQuota, outcome.state, !outcome.allowed);
    if (outcome.allowed) return next();
    answerClientRefused(req, res, refusal(res, "client", outcome.state));
  };

  /**
   * The viewer's budget for one request. A refused reservation is given back at once, so that a cheaper request may
   * still pass. The budget's store failing lets the request through with an unknown state (null), as the quotas do.
   */
  const costBudget = (subject: string, res: Response): CostBudget => {
    const key = viewerKey(subject);
    const failed = (err: unknown): null => {
      logger.warn({ requestId: requestIdOf(res.req), err }, "cost budget failed; request let through");
      return null;
    };
    const shown = (state: RateLimiterRes | null) => budgetState(quota.costPoints, state, quota.costWindowSeconds);
    return {
      reserved: new Map(),
      async reserve(points) {
        let state: RateLimiterRes;
        try {
          state = await costs.consume(key, points);
        } catch (outcome) {
          if (!(outcome instanceof RateLimiterRes)) return { state: failed(outcome), refusal: null };
          const back = await costs.reward(key, points).catch(() => outcome);
          announce(res, costQuota, back, true);
          const retryAfter = secondsLeft(back);
          res.setHeader("Retry-After", String(retryAfter));
          const remaining = Math.max(0, back.remainingPoints);
          countRateLimitRefusal("cost");
          const refusal = new RateLimitedError(
            "cost",
            retryAfter,
            message("limits.costBudget", { requested: points, remaining, limit: quota.costPoints, retryAfter }),
          );
          return { state: shown(back), refusal };
        }
        announce(res, costQuota, state);
        return { state: shown(state), refusal: null };
      },
      async peek() {
        try {
          return shown(await costs.get(key));
        } catch (err) {
          return failed(err);
        }
      },
      async settle(reserved, actual) {
        try {
          const difference = reserved - actual;
          const state =
            difference > 0
              ? await costs.reward(key, difference)
              : difference < 0
                ? await costs.penalty(key, -difference)
                : await costs.get(key);
          if (state) announce(res, costQuota, state);
          return shown(state);
        } catch (err) {
          return failed(err);
        }
      },
    };
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
      announce(res, viewerQuota, outcome.state, !outcome.allowed);
      if (!outcome.allowed) throw refusal(res, "viewer", outcome.state);
    },
    async take(scope, key) {
      const outcome =
        scope === "client" ? await takePoints(clients, clientKey(key), logger) : await takePoints(viewers, viewerKey(key ?? ""), logger);
      if (!outcome || outcome.allowed) return null;
      countRateLimitRefusal(scope);
      return new RateLimitedError(scope, secondsLeft(outcome.state));
    },
    costBudget,
  };
}
