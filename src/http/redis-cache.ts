import type { KeyValueCache, KeyValueCacheSetOptions } from "@apollo/utils.keyvaluecache";
import type { Redis } from "ioredis";

/**
 * Stores an entry and keeps at most `maxEntries`, in one step that every process sees whole. An index (a sorted set
 * of key -> expiry time) lists the entries: expired ones leave it, and past the bound the entries that expire
 * first (with one TTL for all, the oldest registrations) are deleted. The entry keys are built from the prefix
 * inside the script, so this runs on a single Redis (not a Redis Cluster).
 *   KEYS[1] index, KEYS[2] entry; ARGV: value, ttl (s), now (ms), key, maxEntries, prefix
 */
const boundedSet = `
local ttl = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
redis.call('SET', KEYS[2], ARGV[1], 'EX', ttl)
redis.call('ZADD', KEYS[1], now + ttl * 1000, ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[5])
if over > 0 then
  for _, key in ipairs(redis.call('ZRANGE', KEYS[1], 0, over - 1)) do redis.call('DEL', ARGV[6] .. key) end
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, over - 1)
end
local longest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if longest[2] then redis.call('PEXPIREAT', KEYS[1], longest[2]) end
`;

/**
 * Apollo's KeyValueCache on the Redis that the gateway's processes share, for the automatic-persisted-query cache:
 * a document one process registered is then found by every other. While Redis is unreachable every read is a miss
 * and every write is dropped (an APQ client then sends its full query again), so the cache never fails a request.
 * An entry without a TTL of its own expires after `defaultTtlSeconds`; with `maxEntries` the cache also holds at
 * most that many entries at once (the oldest go first), so neither time nor volume lets it grow without bound.
 *
 *   persistedQueries: { cache: new RedisCache({ client: redis, prefix: `${config.redisPrefix}apq:`, maxEntries: 1000 }) }
 */
export class RedisCache implements KeyValueCache<string> {
  private readonly client: Redis;
  private readonly prefix: string;
  private readonly defaultTtlSeconds: number;
  private readonly maxEntries: number | null;

  constructor({
    client,
    prefix,
    defaultTtlSeconds = 3_600,
    maxEntries = null,
  }: {
    client: Redis;
    prefix: string;
    defaultTtlSeconds?: number;
    maxEntries?: number | null;
  }) {
    this.client = client;
    this.prefix = prefix;
    this.defaultTtlSeconds = defaultTtlSeconds;
    this.maxEntries = maxEntries;
  }

  /** The sorted set of the entries (not a valid entry key: Apollo's keys are hex hashes). */
  get indexKey(): string {
    return `${this.prefix}~index`;
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
      if (this.maxEntries === null) await this.client.set(this.prefix + key, value, "EX", ttl);
      else
        await this.client.eval(boundedSet, 2, this.indexKey, this.prefix + key, value, ttl, Date.now(), key, this.maxEntries, this.prefix);
    } catch {
      // A cache write that fails is a later miss, not an error.
    }
  }

  async delete(key: string): Promise<boolean> {
    try {
      if (this.maxEntries !== null) await this.client.zrem(this.indexKey, key);
      return (await this.client.del(this.prefix + key)) > 0;
    } catch {
      return false;
    }
  }
}
