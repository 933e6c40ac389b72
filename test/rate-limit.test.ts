import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clientKey } from "../src/http/rate-limit";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { graphql, type HttpAnswer } from "./support/http";
import { ssin } from "./support/identities";
import { describeWithRedis, testRedisUrl, uniqueRedisPrefix } from "./support/redis";

// Rate limits sit in front of the database and never touch it: these suites run their gateways on SQLite only.

const query = "{ roleTasks { role } }";

async function withGateway(env: Record<string, string>, body: (gw: TestGateway) => Promise<void>): Promise<void> {
  const gw = await startTestGateway("sqlite", { RATE_LIMIT: "on", RATE_LIMIT_WINDOW: "60", ...env });
  try {
    await body(gw);
  } finally {
    await gw.stop();
  }
}

const quotaOf = (answer: HttpAnswer) => ({ status: answer.status, limit: answer.headers.get("ratelimit-limit"), remaining: answer.headers.get("ratelimit-remaining") });

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
      for (const address of ["203.0.113.1", "203.0.113.2", "203.0.113.3"]) statuses.push((await graphql(gw.url, "{ __typename }", { headers: { "x-forwarded-for": address } })).status);
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
      DEV_KEY_FILE: join(mkdtempSync(join(tmpdir(), "gateway-keys-")), "dev-signing-key.json"),
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
