import { Redis } from "ioredis";
import { sha256Hex } from "../src/http/trusted-documents";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { send, type HttpAnswer } from "./support/http";
import { ssin } from "./support/identities";
import { describeWithRedis, testRedisUrl, uniqueRedisPrefix } from "./support/redis";

const persistedQuery = (document: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256Hex(document) } });

/** A valid document of about `bytes` bytes, different for each `n`. */
const padded = (n: number, bytes: number) => `# ${n} ${"x".repeat(Math.max(0, bytes - 40))}\nquery Padded${n} { __typename }`;

describeWithRedis("automatic persisted queries", () => {
  describeEachDatabase("registration", (dialect) => {
    let gw: TestGateway;
    let redis: Redis;
    let prefix: string;
    let token: string;
    // 1 MB over documents of at most 64 kB: Redis holds at most 16 registrations.
    const maxDocumentBytes = 65_536;
    const maxEntries = 16;

    beforeAll(async () => {
      prefix = uniqueRedisPrefix();
      gw = await startTestGateway(dialect, {
        REDIS_URL: testRedisUrl,
        REDIS_PREFIX: prefix,
        APQ_CACHE_MB: "1",
        APQ_MAX_DOCUMENT_BYTES: String(maxDocumentBytes),
      });
      redis = new Redis(testRedisUrl);
      token = await gw.token(ssin());
    });
    afterAll(async () => {
      const keys = await redis?.keys(`${prefix}*`);
      if (keys?.length) await redis.del(...keys);
      await redis?.quit();
      await gw?.stop();
    });

    const post = (body: unknown, bearer?: string): Promise<HttpAnswer> =>
      send(gw.url, { body, headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
    const storedDocuments = async () => (await redis.keys(`${prefix}apq:*`)).filter((key) => !key.endsWith("~index"));

    it("refuses an anonymous registration with UNAUTHENTICATED and stores nothing, but runs the same text without a hash", async () => {
      const query = "query Anonymous { __typename }";
      const refused = await post({ query, extensions: persistedQuery(query) });
      expect(refused.status).toBe(401);
      expect(refused.json).toEqual({
        errors: [
          {
            message: expect.stringMatching(/bearer token/),
            extensions: {
              code: "UNAUTHENTICATED",
              reason: "TOKEN_MISSING",
              messageKey: "auth.registrationNeedsToken",
              params: {},
              englishMessage: expect.stringMatching(/bearer token/),
            },
          },
        ],
      });
      expect(await redis.exists(`${prefix}apq:${sha256Hex(query)}`)).toBe(0);
      expect(await post({ query })).toMatchObject({ status: 200, json: { data: { __typename: "Query" } } });
      expect(await post({ extensions: persistedQuery(query) }, token)).toMatchObject({
        json: { errors: [{ extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }] },
      });
    });

    it("refuses a registration with an invalid token with UNAUTHENTICATED and stores nothing", async () => {
      const query = "query Forged { __typename }";
      const refused = await post({ query, extensions: persistedQuery(query) }, `${token.slice(0, -4)}AAAA`);
      expect(refused.status).toBe(401);
      expect(refused.json?.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
      expect(await redis.exists(`${prefix}apq:${sha256Hex(query)}`)).toBe(0);
    });

    it("registers a signed-in caller's document for APQ_TTL (one hour by default), then runs it by hash", async () => {
      const query = "query Registered { __typename }";
      expect(await post({ query, extensions: persistedQuery(query) }, token)).toMatchObject({
        status: 200,
        json: { data: { __typename: "Query" } },
      });
      const ttl = await redis.ttl(`${prefix}apq:${sha256Hex(query)}`);
      expect(ttl).toBeGreaterThan(3_500);
      expect(ttl).toBeLessThanOrEqual(3_600);
      expect(await post({ extensions: persistedQuery(query) }, token)).toMatchObject({
        status: 200,
        json: { data: { __typename: "Query" } },
      });
    });

    it("refuses a document over APQ_MAX_DOCUMENT_BYTES with BAD_USER_INPUT and stores nothing", async () => {
      const query = padded(1, maxDocumentBytes + 100);
      const refused = await post({ query, extensions: persistedQuery(query) }, token);
      expect(refused.status).toBe(400);
      expect(refused.json).toEqual({
        errors: [
          {
            message: expect.stringMatching(/at most 65536 bytes/),
            extensions: {
              code: "BAD_USER_INPUT",
              field: "query",
              messageKey: "input.persistedQueryTooLarge",
              params: { max: 65536 },
              englishMessage: expect.stringMatching(/at most 65536 bytes/),
            },
          },
        ],
      });
      expect(await redis.exists(`${prefix}apq:${sha256Hex(query)}`)).toBe(0);
    });

    it("keeps at most APQ_CACHE_MB / APQ_MAX_DOCUMENT_BYTES registrations in Redis, the oldest going first", async () => {
      const documents = Array.from({ length: maxEntries + 10 }, (_, i) => padded(100 + i, 60_000));
      for (const query of documents) expect(await post({ query, extensions: persistedQuery(query) }, token)).toMatchObject({ status: 200 });
      const stored = await storedDocuments();
      expect(stored.length).toBe(maxEntries);
      expect(await redis.zcard(`${prefix}apq:~index`)).toBe(maxEntries);
      // The documents alone, under 1 MB; the index adds a few kB.
      const bytes = (await Promise.all(stored.map((key) => redis.strlen(key)))).reduce((a, b) => a + b, 0);
      expect(bytes).toBeLessThanOrEqual(1024 * 1024);
      expect(await redis.exists(`${prefix}apq:${sha256Hex(documents[0])}`)).toBe(0);
      expect(await post({ extensions: persistedQuery(documents.at(-1)!) }, token)).toMatchObject({
        status: 200,
        json: { data: { __typename: "Query" } },
      });
    });
  });
});
