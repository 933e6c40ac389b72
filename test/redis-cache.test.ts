import { Redis } from "ioredis";
import { createHash } from "node:crypto";
import { RedisCache } from "../src/http/redis-cache";
import { startTestGateway } from "./support/gateway";
import { describeWithRedis, testRedisUrl, uniqueRedisPrefix } from "./support/redis";

describeWithRedis("the Redis cache for persisted queries", () => {
  let one: Redis;
  let two: Redis;
  beforeAll(() => {
    one = new Redis(testRedisUrl);
    two = new Redis(testRedisUrl);
  });
  afterAll(async () => {
    await one?.quit();
    await two?.quit();
  });

  it("finds through one process's connection what another process stored, until it is deleted", async () => {
    const prefix = uniqueRedisPrefix();
    const writer = new RedisCache({ client: one, prefix });
    const reader = new RedisCache({ client: two, prefix });
    await writer.set("hash-1", "{ __typename }", { ttl: 300 });
    expect(await reader.get("hash-1")).toBe("{ __typename }");
    expect(await reader.get("hash-2")).toBeUndefined();
    expect(await reader.delete("hash-1")).toBe(true);
    expect(await writer.get("hash-1")).toBeUndefined();
  });

  it("gives every entry an expiry: its own TTL, else the default", async () => {
    const prefix = uniqueRedisPrefix();
    const cache = new RedisCache({ client: one, prefix, defaultTtlSeconds: 600 });
    await cache.set("with-ttl", "a", { ttl: 30 });
    await cache.set("without-ttl", "b");
    await cache.set("null-ttl", "c", { ttl: null });
    expect(await one.ttl(`${prefix}with-ttl`)).toBeLessThanOrEqual(30);
    expect(await one.ttl(`${prefix}without-ttl`)).toBeGreaterThan(30);
    expect(await one.ttl(`${prefix}null-ttl`)).toBeGreaterThan(30);
  });

  it("turns an unreachable Redis into misses instead of errors", async () => {
    const down = new Redis("redis://127.0.0.1:9", { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    const cache = new RedisCache({ client: down, prefix: uniqueRedisPrefix() });
    await expect(cache.set("k", "v")).resolves.toBeUndefined();
    await expect(cache.get("k")).resolves.toBeUndefined();
    await expect(cache.delete("k")).resolves.toBe(false);
    down.disconnect();
  });

  it("lets a document registered through one gateway run by its hash alone on another (APQ shared through REDIS_URL)", async () => {
    const env = { REDIS_URL: testRedisUrl, REDIS_PREFIX: uniqueRedisPrefix() };
    const [first, second] = [await startTestGateway("sqlite", env), await startTestGateway("sqlite", env)];
    try {
      const query = "query SharedApq { capacities { code } }";
      const persistedQuery = { version: 1, sha256Hash: createHash("sha256").update(query).digest("hex") };
      const post = async (gateway: typeof first, body: object) =>
        (
          await fetch(gateway.url, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${await gateway.token("85073003328")}` },
            body: JSON.stringify(body),
          })
        ).json();
      expect(await post(second, { extensions: { persistedQuery } })).toMatchObject({
        errors: [{ extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }],
      });
      expect(await post(first, { query, extensions: { persistedQuery } })).toMatchObject({ data: { capacities: expect.any(Array) } });
      expect(await post(second, { extensions: { persistedQuery } })).toMatchObject({ data: { capacities: expect.any(Array) } });
    } finally {
      await first.stop();
      await second.stop();
    }
  });
});
