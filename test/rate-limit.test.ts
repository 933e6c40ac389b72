import { join } from "node:path";
import { clientKey } from "../src/http/rate-limit";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { graphql, send, type HttpAnswer } from "./support/http";
import { loadConfig } from "../src/config";
import { formatMessage } from "../src/i18n/messages";
import { ssin } from "./support/identities";
import { describeWithRedis, testRedisUrl, uniqueRedisPrefix } from "./support/redis";
import { scratchDirectory } from "./support/scratch";

// Rate limits sit in front of the database and never touch it: these suites run their gateways on SQLite only.

const query = "{ roleTasks { role } }";
const batchOf = (operations: number) => Array.from({ length: operations }, () => ({ query }));

async function withGateway(env: Record<string, string>, body: (gw: TestGateway) => Promise<void>): Promise<void> {
  const gw = await startTestGateway("sqlite", { RATE_LIMIT: "on", RATE_LIMIT_WINDOW: "60", ...env });
  try {
    await body(gw);
  } finally {
    await gw.stop();
  }
}

const quotaOf = (answer: HttpAnswer) => ({
  status: answer.status,
  limit: answer.headers.get("ratelimit-limit"),
  remaining: answer.headers.get("ratelimit-remaining"),
});

function expectRefused(answer: HttpAnswer, scope: "viewer" | "client") {
  expect(answer.status).toBe(429);
  expect(answer.json?.data).toBeUndefined();
  const error = answer.json?.errors?.[0];
  expect(error?.extensions).toMatchObject({ code: "RATE_LIMITED", scope, retryAfter: expect.any(Number) });
  const retryAfter = error?.extensions?.retryAfter as number;
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(answer.headers.get("retry-after")).toBe(String(retryAfter));
  expect(answer.headers.get("ratelimit-remaining")).toBe("0");
}

describe("rate limits in one process (memory)", () => {
  it("count a viewer's requests in the RateLimit headers and refuse the one over the quota with 429 RATE_LIMITED", () =>
    withGateway({ RATE_LIMIT_PER_VIEWER: "3", RATE_LIMIT_PER_CLIENT: "100" }, async (gw) => {
      const token = await gw.token(ssin());
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(quotaOf(await graphql(gw.url, query, { token })));
      expect(answers).toEqual([
        { status: 200, limit: "3", remaining: "2" },
        { status: 200, limit: "3", remaining: "1" },
        { status: 200, limit: "3", remaining: "0" },
      ]);
      expect((await graphql(gw.url, query, { token })).headers.get("ratelimit-policy")).toBe("3;w=60");
      expectRefused(await graphql(gw.url, query, { token }), "viewer");
      expect((await graphql(gw.url, query, { token: await gw.token(ssin()) })).status).toBe(200);
    }));

  it("refuse every caller of a client address once the client's quota is spent, anonymous or not", () =>
    withGateway({ RATE_LIMIT_PER_VIEWER: "100", RATE_LIMIT_PER_CLIENT: "3" }, async (gw) => {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await graphql(gw.url, query, { token: await gw.token(ssin()) })).status);
      expect(statuses).toEqual([200, 200, 200]);
      expectRefused(await graphql(gw.url, query, { token: await gw.token(ssin()) }), "client");
      expectRefused(await graphql(gw.url, "{ __typename }"), "client");
    }));

  it("refuse a viewer over the quota before anything else runs: even a forged token is counted against its client", () =>
    withGateway({ RATE_LIMIT_PER_VIEWER: "100", RATE_LIMIT_PER_CLIENT: "2" }, async (gw) => {
      expect((await graphql(gw.url, query, { token: "forged" })).status).toBe(401);
      expect((await graphql(gw.url, query, { token: "forged" })).status).toBe(401);
      expectRefused(await graphql(gw.url, query, { token: "forged" }), "client");
    }));

  it("ignore X-Forwarded-For unless TRUST_PROXY says which proxy may set it", async () => {
    await withGateway({ RATE_LIMIT_PER_CLIENT: "2" }, async (gw) => {
      const statuses = [];
      for (const address of ["203.0.113.1", "203.0.113.2", "203.0.113.3"])
        statuses.push((await graphql(gw.url, "{ __typename }", { headers: { "x-forwarded-for": address } })).status);
      expect(statuses).toEqual([200, 200, 429]);
    });
    await withGateway({ RATE_LIMIT_PER_CLIENT: "2", TRUST_PROXY: "loopback" }, async (gw) => {
      const statuses = [];
      for (const address of ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.3", "203.0.113.3"]) {
        statuses.push((await graphql(gw.url, "{ __typename }", { headers: { "x-forwarded-for": address } })).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 429]);
    });
  });

  it("let everything through with RATE_LIMIT=off", () =>
    withGateway({ RATE_LIMIT: "off", RATE_LIMIT_PER_CLIENT: "1" }, async (gw) => {
      const first = await graphql(gw.url, "{ __typename }");
      const second = await graphql(gw.url, "{ __typename }");
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.headers.get("ratelimit-limit")).toBeNull();
    }));

  it("count a preview (dryRun) as one request of the viewer's quota, as the action itself", () =>
    withGateway({ RATE_LIMIT_PER_VIEWER: "2", RATE_LIMIT_PER_CLIENT: "100" }, async (gw) => {
      const token = await gw.token(ssin());
      const preview = "mutation { updateMyAccount(input: { language: FR }, dryRun: true) { language } }";
      const answers = [];
      for (let i = 0; i < 2; i++) answers.push(quotaOf(await graphql(gw.url, preview, { token })));
      expect(answers).toEqual([
        { status: 200, limit: "2", remaining: "1" },
        { status: 200, limit: "2", remaining: "0" },
      ]);
      expectRefused(await graphql(gw.url, preview, { token }), "viewer");
    }));

  it("count each operation of a batch against the viewer's and the client's quotas", async () => {
    await withGateway({ BATCHED_REQUESTS: "on", RATE_LIMIT_PER_VIEWER: "5", RATE_LIMIT_PER_CLIENT: "100" }, async (gw) => {
      const token = await gw.token(ssin());
      const first = await send(gw.url, { body: batchOf(4), headers: { authorization: `Bearer ${token}` } });
      expect(quotaOf(first)).toEqual({ status: 200, limit: "5", remaining: "1" });
      expectRefused(await send(gw.url, { body: batchOf(2), headers: { authorization: `Bearer ${token}` } }), "viewer");
    });
    await withGateway({ BATCHED_REQUESTS: "on", RATE_LIMIT_PER_VIEWER: "100", RATE_LIMIT_PER_CLIENT: "5" }, async (gw) => {
      const anyone = async () => ({ authorization: `Bearer ${await gw.token(ssin())}` });
      expect(quotaOf(await send(gw.url, { body: batchOf(4), headers: await anyone() }))).toEqual({
        status: 200,
        limit: "5",
        remaining: "1",
      });
      expectRefused(await send(gw.url, { body: batchOf(2), headers: await anyone() }), "client");
    });
  });

  it("refuse a batch longer than BATCH_MAX_OPERATIONS with 400 BAD_REQUEST before any operation runs", () =>
    withGateway(
      { BATCHED_REQUESTS: "on", BATCH_MAX_OPERATIONS: "3", RATE_LIMIT_PER_VIEWER: "100", RATE_LIMIT_PER_CLIENT: "100" },
      async (gw) => {
        const viewer = ssin();
        const token = await gw.token(viewer);
        await graphql(gw.url, "{ me { language } }", { token });
        const change = { query: "mutation { updateMyAccount(input: { language: FR }) { language } }" };
        const answer = await send(gw.url, {
          body: [change, change, change, change],
          headers: { authorization: `Bearer ${token}`, "accept-language": "nl" },
        });
        expect(answer.status).toBe(400);
        expect(answer.json?.errors).toEqual([
          {
            message: formatMessage({ key: "http.batchTooLong", params: { max: 3 } }, "NL"),
            extensions: {
              code: "BAD_REQUEST",
              messageKey: "http.batchTooLong",
              params: { max: 3 },
              englishMessage: formatMessage({ key: "http.batchTooLong", params: { max: 3 } }, "EN"),
            },
          },
        ]);
        expect(answer.headers.get("x-request-id")).toEqual(expect.any(String));
        expect((await graphql(gw.url, "{ me { language } }", { token })).json?.data).toEqual({ me: { language: "NL" } });
        const allowed = await send(gw.url, { body: [change, change, change], headers: { authorization: `Bearer ${token}` } });
        expect((JSON.parse(allowed.text) as unknown[]).length).toBe(3);
      },
    ));

  it("allow ten operations in a batch unless BATCH_MAX_OPERATIONS says otherwise", () => {
    expect(loadConfig({}).batchMaxOperations).toBe(10);
    expect(loadConfig({ BATCH_MAX_OPERATIONS: "50" }).batchMaxOperations).toBe(50);
    expect(() => loadConfig({ BATCH_MAX_OPERATIONS: "0" })).toThrow(/BATCH_MAX_OPERATIONS/);
  });

  it("count an IPv6 client by its /64 network and an IPv4-mapped address as IPv4", () => {
    expect(clientKey("2001:db8:0:1:aaaa::1")).toBe("2001:db8:0:1::/64");
    expect(clientKey("2001:db8:0:1:bbbb:cccc:dddd:eeee")).toBe("2001:db8:0:1::/64");
    expect(clientKey("::1")).toBe("0:0:0:0::/64");
    expect(clientKey("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(clientKey("192.0.2.7")).toBe("192.0.2.7");
  });
});

describeWithRedis("rate limits shared by several processes through Redis", () => {
  it("count one viewer's requests on two gateways against one quota", async () => {
    const env = {
      RATE_LIMIT: "on",
      RATE_LIMIT_PER_VIEWER: "4",
      RATE_LIMIT_PER_CLIENT: "100",
      RATE_LIMIT_WINDOW: "60",
      REDIS_URL: testRedisUrl,
      REDIS_PREFIX: uniqueRedisPrefix(),
      // One signing key, as the processes of one deployment share their identity provider.
      DEV_KEY_FILE: join(scratchDirectory("gateway-keys-"), "dev-signing-key.json"),
    };
    const [one, two] = await Promise.all([startTestGateway("sqlite", env), startTestGateway("sqlite", env)]);
    try {
      const token = await one.token(ssin());
      const answers = [];
      for (const gw of [one, two, one, two]) answers.push(quotaOf(await graphql(gw.url, query, { token })));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
      expect(answers.map((a) => a.remaining)).toEqual(["3", "2", "1", "0"]);
      expectRefused(await graphql(two.url, query, { token }), "viewer");
      expectRefused(await graphql(one.url, query, { token }), "viewer");
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  });

  it("fall back to each process's own quota while Redis cannot be reached, instead of failing requests", () =>
    withGateway({ RATE_LIMIT_PER_VIEWER: "2", RATE_LIMIT_PER_CLIENT: "100", REDIS_URL: "redis://127.0.0.1:9" }, async (gw) => {
      const token = await gw.token(ssin());
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await graphql(gw.url, query, { token })).status);
      expect(statuses).toEqual([200, 200, 429]);
    }));
});
