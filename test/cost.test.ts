import { join } from "node:path";
import { ConfigError, loadConfig } from "../src/config";
import { EBoxMessage } from "../src/domain/entities";
import { formatMessage } from "../src/i18n/messages";
import { describeEachDatabase } from "./support/databases";
import { appointServiceProvider } from "../src/management/appoint-service-provider";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { graphql, send, type HttpAnswer } from "./support/http";
import { ssin } from "./support/identities";
import { describeWithRedis, testRedisUrl, uniqueRedisPrefix } from "./support/redis";
import { scratchDirectory } from "./support/scratch";
import type { SeededEnterprise } from "./support/seed";

type Cost = { requested: number; actual: number; limit: number | null; remaining: number | null; resetAt: string | null };
const costOf = (answer: HttpAnswer): Cost | undefined => answer.cost;

const noBudget = { limit: null, remaining: null, resetAt: null };

describeEachDatabase("cost you can see", (dialect) => {
  let gw: TestGateway;
  let e: SeededEnterprise;
  let token: string;
  beforeAll(async () => {
    gw = await startTestGateway(dialect, { RATE_LIMIT: "on", RATE_LIMIT_PER_VIEWER: "100000", RATE_LIMIT_PER_CLIENT: "100000" });
    e = await gw.seed
      .enterprise()
      .withMainAccessManager()
      .active()
      .withUser("EMPLOYER_NSSO", ["DIMONA"])
      .withUser("EMPLOYER_NSSO", ["DMFA"])
      .withEBox()
      .build();
    token = await gw.token(e.mainAccessManager!);
  });
  afterAll(() => gw?.stop());

  const ask = (query: string, variables: Record<string, unknown> = {}) =>
    graphql(gw.url, query, { token, variables: { e: e.number, ...variables } });

  it("counts a connection at first or last before it runs, and at the items it returned after", async () => {
    const count = (await ask(`query ($e: EnterpriseNumber!) { enterprise(number: $e) { roleAssignments { totalCount } } }`)).json?.data as {
      enterprise: { roleAssignments: { totalCount: number } };
    };
    const total = count.enterprise.roleAssignments.totalCount;
    expect(total).toBeGreaterThan(3);
    // enterprise 1 + roleAssignments 1 + (first or last) x nodes 1; actual: the nodes returned.
    const page = (args: string) => `query ($e: EnterpriseNumber!) { enterprise(number: $e) { roleAssignments(${args}) { nodes { id } } } }`;
    expect(costOf(await ask(page("first: 50")))).toMatchObject({ requested: 52, actual: 2 + total });
    expect(costOf(await ask(page("last: 3")))).toMatchObject({ requested: 5, actual: 5 });
    // With pageInfo, counted per item as its estimate does: 1 + 50 x (nodes 1 + pageInfo 1) + 1.
    const withInfo = `query ($e: EnterpriseNumber!) { enterprise(number: $e) { roleAssignments { nodes { id } pageInfo { hasNextPage } } } }`;
    expect(costOf(await ask(withInfo))).toMatchObject({ requested: 102, actual: 2 + 2 * total });
    // myTasks counts a decision per task, whatever it answers; a leaf costs nothing.
    const tasks = costOf(await ask(`query ($e: EnterpriseNumber!) { enterprise(number: $e) { name myTasks } }`))!;
    expect(tasks.actual).toBe(tasks.requested);
    expect(tasks.requested).toBeGreaterThan(10);
  });

  it("counts the mandate connections and a searched or ordered roleAssignments as every connection, and the old lists at their real length", async () => {
    const providers = [];
    for (let i = 0; i < 12; i++)
      providers.push(await gw.seed.enterprise({ defaultCapacity: "SOCIAL_SERVICE_PROVIDER" }).withMainAccessManager().active().build());
    for (const provider of providers)
      await gw.seed.as(e.legalRepresentative, (s) =>
        appointServiceProvider(s, { enterprise: e.number, provider: provider.number, capacity: "EMPLOYER_NSSO" }),
      );
    const asOwner = (query: string) => graphql(gw.url, query, { token: ownerToken, variables: { e: e.number } });
    const ownerToken = await gw.token(e.legalRepresentative);
    // enterprise 1 + connection (1 + first x nodes 1); actual: the 12 mandates, or the 3 asked.
    const connection = (args: string) =>
      `query ($e: EnterpriseNumber!) { enterprise(number: $e) { serviceProvidersConnection(${args}) { nodes { id } } } }`;
    expect(costOf(await asOwner(connection("first: 50")))).toMatchObject({ requested: 52, actual: 2 + 12 });
    expect(costOf(await asOwner(connection("last: 3, status: ENDED")))).toMatchObject({ requested: 5, actual: 5 });
    const clients = `query ($e: EnterpriseNumber!) { enterprise(number: $e) { clientsConnection(first: 20, search: "a") { totalCount } } }`;
    expect(costOf(await asOwner(clients))).toMatchObject({ requested: 2, actual: 2 });
    const searched = `query ($e: EnterpriseNumber!) { enterprise(number: $e) {
      roleAssignments(first: 7, search: "number", orderBy: { field: FAMILY_NAME, direction: DESC }) { nodes { id } } } }`;
    expect(costOf(await asOwner(searched))).toMatchObject({ requested: 1 + 1 + 7, actual: 2 + 2 });
    // The unpaginated list is estimated at 10 items before it runs, and counted at its 12 after.
    const list = `query ($e: EnterpriseNumber!) { enterprise(number: $e) { serviceProviders { provider { number } } } }`;
    expect(costOf(await asOwner(list))).toMatchObject({ requested: 1 + 1 + 10, actual: 1 + 1 + 12 });
  });

  it("counts what a fragment on an interface returned, for the type it returned", async () => {
    const { enterprise } = (await ask(`query ($e: EnterpriseNumber!) { enterprise(number: $e) { nodeId } }`)).json?.data as {
      enterprise: { nodeId: string };
    };
    const query = `query ($id: ID!) { node(id: $id) {
      ... on Enterprise { roleAssignments(first: 10) { nodes { person { givenName } } } }
      ... on Person { roles { enterprise { name } } } } }`;
    const answer = await ask(query, { id: enterprise.nodeId });
    const total = (answer.json?.data as { node: { roleAssignments: { nodes: unknown[] } } }).node.roleAssignments.nodes.length;
    // node 1 + roleAssignments 1 + each node (1 + person 1); the Person branch (1 + 10 x 2 = 21) is not what returned.
    expect(costOf(answer)).toMatchObject({ requested: 1 + 1 + 10 * 2, actual: 2 + 2 * total });
  });

  it("counts the e-Box's messages and the audit trail the same way, whichever way they are paged", async () => {
    await gw.dataSource
      .getRepository(EBoxMessage)
      .insert({ enterpriseId: e.id, subject: "Hello", body: "Body", sentAt: new Date(), readAt: null });
    const query = `query ($e: EnterpriseNumber!) { enterprise(number: $e) {
      eBox { messages(last: 10) { edges { node { subject } } } } auditTrail(first: 1) { nodes { action } } } }`;
    // enterprise 1 + eBox 1 + messages (1 + 10 x edges (1 + node 1)) + auditTrail (1 + 1 x nodes 1); actual: 2 messages.
    expect(costOf(await ask(query))).toMatchObject({ requested: 1 + 1 + 21 + 2, actual: 1 + 1 + (1 + 2 * 2) + 2 });
  });

  it("counts the access reviews and their items as every connection, an item list within each review", async () => {
    await ask(
      `mutation ($e: EnterpriseNumber!, $d: DateTime!) { startAccessReview(input: { enterprise: $e, dueAt: $d, defaultDecision: KEEP }) { id } }`,
      {
        d: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      },
    );
    const query = `query ($e: EnterpriseNumber!) { enterprise(number: $e) { accessReviews(first: 2) { nodes { items(first: 10) { nodes { role } } } } } }`;
    // enterprise 1 + accessReviews (1 + 2 x nodes (1 + items (1 + 10 x nodes 1))); actual: 1 review of the 2 users.
    expect(costOf(await ask(query))).toMatchObject({ requested: 1 + (1 + 2 * (1 + (1 + 10))), actual: 1 + (1 + (1 + (1 + 2))) });
  });

  it("puts the cost on every answer, with the budget to a viewer and without it to an anonymous caller", async () => {
    const mine = costOf(await ask(`{ me { givenName } }`))!;
    expect(mine).toEqual({ requested: 1, actual: 1, limit: 100_000, remaining: expect.any(Number), resetAt: expect.any(String) });
    expect(Date.parse(mine.resetAt!)).toBeGreaterThan(Date.now());
    expect(Date.parse(mine.resetAt!)).toBeLessThanOrEqual(Date.now() + 61_000);
    // Refused (UNAUTHENTICATED): a list of objects with leaves only, 1 requested, nothing returned.
    expect(costOf(await graphql(gw.url, "{ capacities { code } }"))).toEqual({ requested: 1, actual: 0, ...noBudget });
    // Refused before it runs: nothing was spent, the document's cost is said.
    const refused = await ask(
      `{ me { roles { enterprise { roleAssignments(first: 100) { nodes { person { roles { enterprise { auditTrail(first: 100) { totalCount } } } } } } } } } }`,
    );
    expect(refused.status).toBe(400);
    expect(costOf(refused)).toMatchObject({ requested: refused.json?.errors?.[0].extensions?.actual, actual: 0, limit: 100_000 });
    // Never costed: a document that does not parse or validate.
    for (const broken of ["{ me {", "{ me { nope } }"])
      expect(costOf(await ask(broken))).toMatchObject({ requested: 0, actual: 0, limit: 100_000 });
  });
});

/** Rate limits sit in front of the database and never touch it: the budget's suites run on SQLite only. */
describe("a budget of cost points per viewer", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway("sqlite", {
      RATE_LIMIT: "on",
      RATE_LIMIT_PER_VIEWER: "1000",
      RATE_LIMIT_PER_CLIENT: "1000",
      RATE_LIMIT_COST_POINTS: "30",
      RATE_LIMIT_COST_WINDOW_S: "60",
      MAX_COST: "30",
    });
  });
  afterAll(() => gw?.stop());

  // A person with no role: 1 + roles 1 + 10 x enterprise 1 requested, 2 actual (the list is empty).
  const estimatedHigh = "{ me { roles { enterprise { name } } } }";
  const cheap = "{ me { givenName } }";

  it("spends what answers really cost, refuses what the rest cannot cover with 429, and takes nothing for the refusal", async () => {
    const token = await gw.token(ssin());
    const remaining: (number | null)[] = [];
    for (let i = 0; i < 9; i++) {
      const answer = await graphql(gw.url, estimatedHigh, { token });
      expect(answer.status).toBe(200);
      expect(costOf(answer)).toMatchObject({ requested: 12, actual: 2, limit: 30 });
      remaining.push(costOf(answer)!.remaining);
    }
    expect(remaining).toEqual([28, 26, 24, 22, 20, 18, 16, 14, 12]);
    expect((await graphql(gw.url, estimatedHigh, { token })).status).toBe(200);

    const refused = await graphql(gw.url, estimatedHigh, { token, headers: { "accept-language": "fr" } });
    expect(refused.status).toBe(429);
    expect(refused.json?.data).toBeUndefined();
    const error = refused.json?.errors?.[0];
    expect(error?.extensions).toMatchObject({ code: "RATE_LIMITED", scope: "cost", retryAfter: expect.any(Number) });
    const retryAfter = error?.extensions?.retryAfter as number;
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(error?.message).toBe(
      formatMessage({ key: "limits.costBudget", params: { requested: 12, remaining: 10, limit: 30, retryAfter } }, "FR"),
    );
    expect(costOf(refused)).toMatchObject({ requested: 12, actual: 0, limit: 30, remaining: 10 });
    expect({
      retryAfter: refused.headers.get("retry-after"),
      limit: refused.headers.get("ratelimit-limit"),
      remaining: refused.headers.get("ratelimit-remaining"),
      policy: refused.headers.get("ratelimit-policy"),
    }).toEqual({ retryAfter: String(retryAfter), limit: "30", remaining: "10", policy: '30;w=60;comment="cost points"' });

    // The refusal took nothing: a cheaper request still passes, and another viewer has a budget of their own.
    const after = await graphql(gw.url, cheap, { token });
    expect(after.status).toBe(200);
    expect(costOf(after)).toMatchObject({ requested: 1, actual: 1, remaining: 9 });
    expect(costOf(await graphql(gw.url, cheap, { token: await gw.token(ssin()) }))).toMatchObject({ remaining: 29 });
  });

  it("shows the caller's own budget in rateLimit, which costs nothing", async () => {
    const token = await gw.token(ssin());
    const alone = "{ rateLimit { cost limit remaining resetAt } }";
    const first = await graphql(gw.url, alone, { token });
    const second = await graphql(gw.url, alone, { token });
    for (const answer of [first, second]) expect(costOf(answer)).toMatchObject({ requested: 0, actual: 0, remaining: 30 });
    expect(second.json?.data).toEqual({
      rateLimit: { cost: 0, limit: 30, remaining: 30, resetAt: costOf(second)!.resetAt },
    });
    // With other fields: their requested cost is taken first, the actual one kept.
    const together = await graphql(gw.url, `{ rateLimit { cost remaining } ${estimatedHigh.slice(1, -1)} }`, { token });
    expect(together.json?.data?.rateLimit).toEqual({ cost: 12, remaining: 18 });
    expect(costOf(together)).toMatchObject({ requested: 12, actual: 2, remaining: 28 });
    // Nobody's budget but one's own: anonymous callers have none to ask for.
    const anonymous = await graphql(gw.url, alone);
    expect(anonymous.json?.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("announces the cost budget in the RateLimit headers only while it is the tightest quota", async () => {
    const token = await gw.token(ssin());
    const cheapAnswer = await graphql(gw.url, "{ rateLimit { cost } }", { token });
    // Nothing spent: 999 of 1,000 requests left is tighter than 30 of 30 points.
    expect(cheapAnswer.headers.get("ratelimit-policy")).toBe("1000;w=60");
    const spent = await graphql(gw.url, estimatedHigh, { token });
    expect([spent.headers.get("ratelimit-policy"), spent.headers.get("ratelimit-remaining")]).toEqual([
      '30;w=60;comment="cost points"',
      "28",
    ]);
  });

  it("answers rateLimit null while rate limits are off", async () => {
    const off = await startTestGateway("sqlite", { RATE_LIMIT: "off" });
    try {
      const answer = await graphql(off.url, "{ rateLimit { cost } }", { token: await off.token(ssin()) });
      expect(answer.json?.data).toEqual({ rateLimit: null });
      expect(costOf(answer)).toEqual({ requested: 0, actual: 0, ...noBudget });
    } finally {
      await off.stop();
    }
  });

  it("counts each operation of a batch against the one budget, each answer with its own cost", async () => {
    const batched = await startTestGateway("sqlite", {
      RATE_LIMIT: "on",
      BATCHED_REQUESTS: "on",
      RATE_LIMIT_COST_POINTS: "30",
      MAX_COST: "30",
    });
    try {
      const token = await batched.token(ssin());
      const answer = await send(batched.url, {
        body: [{ query: estimatedHigh }, { query: cheap }],
        headers: { authorization: `Bearer ${token}` },
      });
      const costs = (JSON.parse(answer.text) as { extensions: { cost: Cost } }[]).map((a) => a.extensions.cost);
      expect(costs.map(({ requested, actual }) => ({ requested, actual }))).toEqual([
        { requested: 12, actual: 2 },
        { requested: 1, actual: 1 },
      ]);
      expect(costOf(await graphql(batched.url, cheap, { token }))).toMatchObject({ remaining: 30 - 2 - 1 - 1 });
    } finally {
      await batched.stop();
    }
  });

  it("reads RATE_LIMIT_COST_POINTS and RATE_LIMIT_COST_WINDOW_S, and refuses a budget smaller than MAX_COST", () => {
    expect(loadConfig({}).rateLimitQuota).toMatchObject({ costPoints: 100_000, costWindowSeconds: 60 });
    expect(loadConfig({ RATE_LIMIT_COST_POINTS: "50000", RATE_LIMIT_COST_WINDOW_S: "3600" }).rateLimitQuota).toMatchObject({
      costPoints: 50_000,
      costWindowSeconds: 3_600,
    });
    expect(() => loadConfig({ RATE_LIMIT_COST_POINTS: "19999" })).toThrow(ConfigError);
    expect(() => loadConfig({ RATE_LIMIT_COST_POINTS: "19999" })).toThrow(
      "RATE_LIMIT_COST_POINTS (19999) must be at least MAX_COST (20000)",
    );
    expect(loadConfig({ RATE_LIMIT_COST_POINTS: "19999", RATE_LIMIT: "off" }).rateLimitQuota.costPoints).toBe(19_999);
    expect(() => loadConfig({ RATE_LIMIT_COST_WINDOW_S: "0" })).toThrow(/RATE_LIMIT_COST_WINDOW_S/);
  });
});

describeWithRedis("a budget of cost points shared through Redis", () => {
  it("spends one viewer's budget on two gateways together", async () => {
    const env = {
      RATE_LIMIT: "on",
      RATE_LIMIT_COST_POINTS: "30",
      MAX_COST: "30",
      REDIS_URL: testRedisUrl,
      REDIS_PREFIX: uniqueRedisPrefix(),
      // One signing key, as the processes of one deployment share their identity provider.
      DEV_KEY_FILE: join(scratchDirectory("gateway-keys-"), "dev-signing-key.json"),
    };
    const [one, two] = await Promise.all([startTestGateway("sqlite", env), startTestGateway("sqlite", env)]);
    try {
      const token = await one.token(ssin());
      const query = "{ me { roles { enterprise { name } } } }";
      const remaining = [];
      for (const gw of [one, two, one, two]) remaining.push(costOf(await graphql(gw.url, query, { token }))?.remaining);
      expect(remaining).toEqual([28, 26, 24, 22]);
      const rate = await graphql(two.url, "{ rateLimit { remaining } }", { token });
      expect(rate.json?.data).toEqual({ rateLimit: { remaining: 22 } });
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  });
});
