import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { runRedisPrefix } from "./test-run";

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

/** The prefixes this test file made: their keys are deleted after its tests (below). */
const prefixesMade = new Set<string>();

/**
 * A key prefix of its own for each test, under the run's (test/support/test-run.ts), so that runs and suites sharing
 * the server never count each other's requests; every key under it is deleted once the file's tests are done.
 */
export function uniqueRedisPrefix(): string {
  const prefix = `${runRedisPrefix()}${randomBytes(4).toString("hex")}:`;
  prefixesMade.add(prefix);
  return prefix;
}

/** Deletes every key under `prefix` (rate-limit counters, APQ entries and their index), not waiting for their TTLs. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const client = new Redis(testRedisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null });
  try {
    await client.connect();
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== "0");
  } catch (error) {
    // A file that never reached Redis (skipped, or testing an unreachable one) has nothing there to delete.
    if (redisRequired) throw error;
  } finally {
    client.disconnect();
  }
}

// Registered in the root block of every test file that imports this module: it runs after all of its tests.
afterAll(async () => {
  for (const prefix of prefixesMade) await deleteRedisKeys(prefix);
  prefixesMade.clear();
});
