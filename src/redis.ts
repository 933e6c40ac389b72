import { once } from "node:events";
import { Redis } from "ioredis";
import type { Logger } from "pino";

/**
 * The process's connection to the Redis that the gateway's processes share (rate limits; the persisted-query cache
 * can use it through src/http/redis-cache.ts). Commands fail at once while it is down instead of queueing, so each
 * user falls back (rate limits to the process's memory) and no request waits on Redis. It reconnects by itself.
 */
export async function connectRedis({
  url,
  logger,
  readyTimeoutMs = 3000,
}: {
  url: string;
  logger: Logger;
  readyTimeoutMs?: number;
}): Promise<Redis> {
  const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: true });
  let up = false;
  client.on("ready", () => {
    up = true;
    logger.info("redis connected");
  });
  // ioredis reports every failed reconnection attempt; one line per outage is enough.
  client.on("error", (error: Error) => {
    if (!up) return;
    up = false;
    logger.warn({ err: error }, "redis unreachable: falling back to per-process state until it returns");
  });
  client.connect().catch(() => undefined);
  const timeout = AbortSignal.timeout(readyTimeoutMs);
  try {
    await once(client, "ready", { signal: timeout });
  } catch {
    logger.warn({ readyTimeoutMs }, "redis not ready at start-up: falling back to per-process state until it connects");
  }
  return client;
}

/** Closes the connection: politely when it is up, at once when it is not (QUIT cannot be sent then). */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === "ready") {
    await client.quit().catch(() => client.disconnect());
  } else {
    client.disconnect();
  }
}
