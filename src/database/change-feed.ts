/**
 * src/live: what changed, told to whoever subscribed. A management action records its changes as
 * it writes them (ActionScope.changed) and src/management/action.ts publishes them once its transaction has committed;
 * the register import publishes each committed batch. A feed carries them to every process: in process by default,
 * through Redis pub/sub when REDIS_URL is set (several workers, several gateways), where the index of live
 * subscribers (subscribers.ts) listens. Who may learn of a change is decided per subscriber and per change by the
 * access layer (src/access/access.ts), never here.
 */
import { Redis } from "ioredis";
import type { Logger } from "pino";

export const accessChangeKinds = [
  "ASSIGNMENT",
  "MANDATE",
  "CAPACITY",
  "STATUS",
  "EBOX",
  "REGISTER",
  "ACCESS_REQUEST",
  "ACCESS_REVIEW",
] as const;
export type AccessChangeKind = (typeof accessChangeKinds)[number];

/**
 * One change, as published: what the subscription shows (enterprise, kind, at) and what the visibility rules need to
 * decide who may learn of it (the assignment, the mandate, the people whose own rights it changed). Internal ids only:
 * it travels between the gateway's processes, never to a client.
 */
export interface AccessChange {
  enterpriseId: number;
  kind: AccessChangeKind;
  /** ISO-8601: when the action that made the change ran. */
  at: string;
  /** ASSIGNMENT: the assignment granted, changed or ended. */
  assignment?: { personId: number; role: string; capacityCode: string | null };
  /** MANDATE: the mandate appointed or ended (published for the client and for the provider). */
  mandate?: { clientId: number; providerId: number };
  /**
   * ACCESS_REQUEST: the capacity of the request made, decided, withdrawn or expired (its requester is in `personIds`),
   * and the enterprise number the requester gave: for the expiry of a request for an enterprise that does not exist,
   * `enterpriseId` is 0 and only the requester is told, under that number.
   */
  accessRequest?: { capacityCode: string; enterpriseNumber?: string };
  /** ACCESS_REVIEW: who reviews the review that started, and its capacities (`,CODE,` each, null for all), as stored. */
  accessReview?: { reviewers: string; capacities: string | null };
  /** People whose own roles the change granted or ended in bulk (an enterprise's access deleted, the register's legal representatives). */
  personIds?: number[];
}

/** What an action records: the time is the action's. */
export type RecordedChange = Omit<AccessChange, "at">;

export type ChangeListener = (changes: readonly AccessChange[]) => void;

export interface ChangeFeed {
  /**
   * Publishes committed changes to every process; never throws (a change lost to a Redis outage is logged, with the id
   * of the request that made the changes when one did).
   */
  publish(changes: readonly AccessChange[], requestId?: string | null): void;
  /** Calls the listener with each published batch, in this process; returns the unsubscribe. */
  subscribe(listener: ChangeListener): () => void;
  /** Listeners in this process: the index of live subscribers, while it has subscriptions. */
  subscribers(): number;
  /** Where the changes travel: "process" or "redis". */
  readonly transport: "process" | "redis";
  /** Where a subscription that fails to judge a change reports it. */
  readonly logger: Logger;
  close(): Promise<void>;
}

/** Bounds a published batch: an enterprise whose access is deleted names every person who held a role in it. */
const maxPersonIdsPerChange = 10_000;

function bounded(changes: readonly AccessChange[]): AccessChange[] {
  return changes.map((c) =>
    c.personIds && c.personIds.length > maxPersonIdsPerChange ? { ...c, personIds: c.personIds.slice(0, maxPersonIdsPerChange) } : c,
  );
}

class Listeners {
  private readonly listeners = new Set<ChangeListener>();
  constructor(private readonly logger: Logger) {}

  get size(): number {
    return this.listeners.size;
  }

  add(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  deliver(changes: readonly AccessChange[], requestId?: string | null): void {
    for (const listener of this.listeners) {
      try {
        listener(changes);
      } catch (error) {
        this.logger.error({ requestId: requestId ?? undefined, err: error }, "access change listener failed");
      }
    }
  }
}

/** The feed of one process: a publish reaches this process's subscriptions only. */
export function inProcessFeed(logger: Logger): ChangeFeed {
  const listeners = new Listeners(logger);
  return {
    transport: "process",
    logger,
    publish(changes, requestId) {
      if (changes.length === 0) return;
      const copy = bounded(changes);
      // After the caller's answer: a slow subscriber never delays the mutation that caused the change.
      setImmediate(() => listeners.deliver(copy, requestId));
    },
    subscribe: (listener) => listeners.add(listener),
    subscribers: () => listeners.size,
    async close() {},
  };
}

function parseBatch(message: string): AccessChange[] | null {
  try {
    const value = JSON.parse(message) as unknown;
    if (!Array.isArray(value)) return null;
    return value.filter(
      (c): c is AccessChange =>
        typeof c === "object" &&
        c !== null &&
        Number.isInteger((c as AccessChange).enterpriseId) &&
        accessChangeKinds.includes((c as AccessChange).kind) &&
        typeof (c as AccessChange).at === "string",
    );
  } catch {
    return null;
  }
}

/**
 * The feed shared through Redis pub/sub: `publisher` is the process's command connection (src/redis.ts), and a second
 * connection subscribes (a subscribing connection can send nothing else). A publish reaches every process, this one
 * included, through Redis. While Redis is unreachable a publish is delivered in this process only, and logged.
 */
export async function redisFeed({
  url,
  publisher,
  prefix,
  logger,
}: {
  url: string;
  publisher: Redis;
  prefix: string;
  logger: Logger;
}): Promise<ChangeFeed> {
  const channel = `${prefix}access-changes`;
  const listeners = new Listeners(logger);
  // The offline queue stays on here: the SUBSCRIBE waits for the connection, and ioredis subscribes again after a reconnection.
  const subscriber = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null, connectTimeout: 2000 });
  subscriber.on("error", () => undefined);
  subscriber.on("message", (from: string, message: string) => {
    if (from !== channel) return;
    const changes = parseBatch(message);
    if (changes && changes.length > 0) listeners.deliver(changes);
  });
  subscriber.connect().catch(() => undefined);
  const subscribed = subscriber
    .subscribe(channel)
    .catch((error: unknown) => logger.warn({ err: error }, "could not subscribe to the access-change channel"));
  // Listening before the first request, when Redis is up; when it is not (the command connection found it down), the
  // subscription follows as soon as it returns, without delaying the start again.
  if (publisher.status === "ready") await Promise.race([subscribed, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
  return {
    transport: "redis",
    logger,
    publish(changes, requestId) {
      if (changes.length === 0) return;
      const batch = bounded(changes);
      publisher.publish(channel, JSON.stringify(batch)).catch((error: unknown) => {
        logger.warn(
          { requestId: requestId ?? undefined, err: error, changes: batch.length },
          "redis unreachable: access changes delivered in this process only",
        );
        listeners.deliver(batch, requestId);
      });
    },
    subscribe: (listener) => listeners.add(listener),
    subscribers: () => listeners.size,
    async close() {
      subscriber.disconnect();
    },
  };
}
