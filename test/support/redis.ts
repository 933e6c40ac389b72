import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

/**
 * The Redis the shared-state suites use: TEST_REDIS_URL (default redis://127.0.0.1:6379). Like the MySQL suites, they
 * fail when it cannot be reached; SKIP_REDIS=1 skips them visibly, except under REQUIRE_REDIS=1 (CI).
 */
export const testRedisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const redisRequired = process.env.REQUIRE_REDIS === "1";

async function redisReachable(): Promise<string | null> {
  const client = new Redis(testRedisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null });
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    client.disconnect();
  }
}

export function describeWithRedis(title: string, body: () => void): void {
  const redisDescribe = process.env.SKIP_REDIS === "1" && !redisRequired ? describe.skip : describe;
  redisDescribe(`${title} [redis]`, () => {
    beforeAll(async () => {
      const problem = await redisReachable();
      if (problem)
        throw new Error(
          `The Redis server at ${testRedisUrl} cannot be reached (${problem}); set SKIP_REDIS=1 to skip the Redis suites on a machine without one`,
        );
    });
    body();
  });
}

/** A key prefix of its own for each test, so that runs and suites sharing the server never count each other's requests. */
export function uniqueRedisPrefix(): string {
  return `gateway-test:${process.pid}:${randomBytes(4).toString("hex")}:`;
}
