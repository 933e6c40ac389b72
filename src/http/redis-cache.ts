import type { KeyValueCache, KeyValueCacheSetOptions } from "@apollo/utils.keyvaluecache";
import type { Redis } from "ioredis";

/**
 * Apollo's KeyValueCache on the Redis that the gateway's processes share, for the automatic-persisted-query cache:
 * a document one process registered is then found by every other. While Redis is unreachable every read is a miss
 * and every write is dropped (an APQ client then sends its full query again), so the cache never fails a request.
 * An entry without a TTL of its own expires after `defaultTtlSeconds`, so the cache cannot grow without bound.
 *
 *   persistedQueries: { cache: new RedisCache({ client: redis, prefix: `${config.redisPrefix}apq:` }) }
 */
export class RedisCache implements KeyValueCache<string> {
  private readonly client: Redis;
  private readonly prefix: string;
  private readonly defaultTtlSeconds: number;

  constructor({ client, prefix, defaultTtlSeconds = 86_400 }: { client: Redis; prefix: string; defaultTtlSeconds?: number }) {
    this.client = client;
    this.prefix = prefix;
    this.defaultTtlSeconds = defaultTtlSeconds;
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return (await this.client.get(this.prefix + key)) ?? undefined;
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    const ttl = options?.ttl && options.ttl > 0 ? Math.ceil(options.ttl) : this.defaultTtlSeconds;
    try {
      await this.client.set(this.prefix + key, value, "EX", ttl);
    } catch {
      // A cache write that fails is a later miss, not an error.
    }
  }

  async delete(key: string): Promise<boolean> {
    try {
      return (await this.client.del(this.prefix + key)) > 0;
    } catch {
      return false;
    }
  }
}
