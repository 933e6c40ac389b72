import { request } from "node:http";
import { join } from "node:path";
import { loadOrCreateDevKeys } from "../src/identity/dev-keys";
import { signDevToken } from "../src/identity/tokens";
import { scratchDirectory } from "./support/scratch";
import { createTestDatabase, describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { spawnGateway } from "./support/gateway-process";
import { graphql, send } from "./support/http";
import { ssin } from "./support/identities";
import { listening, quiet, subscribe, type Subscriber } from "./support/live";
import { freePort } from "./support/processes";

/** One scrape: every sample by its series (`name{label="value",...}` as Prometheus writes it). */
type Scrape = Map<string, number>;

async function scrape(url: string): Promise<{ samples: Scrape; text: string }> {
  const answer = await fetch(url);
  expect(answer.status).toBe(200);
  expect(answer.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await answer.text();
  const samples: Scrape = new Map();
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{.*\})?) (\S+)$/.exec(line);
    if (match) samples.set(match[1], Number(match[2]));
  }
  return { samples, text };
}

const series = (name: string, labels: Record<string, string> = {}) =>
  Object.keys(labels).length === 0
    ? name
    : `${name}{${Object.entries(labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(",")}}`;

/** How much every series moved between two scrapes (a series absent before counts from 0). */
const moved = (before: Scrape, after: Scrape, key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);

/** The label values of every gateway series: none may be a person, a document or anything a caller makes up. */
function labelValues(text: string): { name: string; label: string; value: string }[] {
  const found: { name: string; label: string; value: string }[] = [];
  for (const line of text.split("\n")) {
    const match = /^(gateway_[a-z_]+)\{(.*)\} /.exec(line);
    if (!match) continue;
    for (const pair of match[2].matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)) found.push({ name: match[1], label: pair[1], value: pair[2] });
  }
  return found;
}

const activateCapacity = `mutation ActivateCapacity($e: EnterpriseNumber!, $c: String!) { activateCapacity(enterprise: $e, capacity: $c) { status } }`;
const roleTasks = "query RoleTasks { roleTasks { role } }";

describeEachDatabase("metrics at /metrics (METRICS=on)", (dialect) => {
  let gw: TestGateway;
  const open: Subscriber[] = [];

  beforeAll(async () => {
    gw = await startTestGateway(dialect, {
      METRICS: "on",
      METRICS_PORT: "0",
      RATE_LIMIT: "on",
      RATE_LIMIT_PER_VIEWER: "5",
      RATE_LIMIT_PER_CLIENT: "10000",
    });
  });
  afterAll(async () => {
    for (const s of open) await s.dispose();
    await gw?.stop();
  });

  it("count a query, a mutation, a refusal, a rate-limit refusal and a subscription by exactly what was sent, with bounded labels", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const f = await gw.seed.enterprise().withMainAccessManager().active().build();
    const metricsUrl = gw.gateway.metricsUrl!;
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const before = (await scrape(metricsUrl)).samples;

    // A subscription of E's legal representative, who hears the mutation below.
    const listener = subscribe(gw, await gw.token(e.legalRepresentative), e.number);
    open.push(listener);
    await listening(gw, 1);

    // A query under a trusted document's name, one under a name of the caller's own (counted anonymous).
    const viewer = await gw.token(ssin());
    expect((await graphql(gw.url, roleTasks, { token: viewer })).status).toBe(200);
    const madeUp = `Leak${e.legalRepresentative}`;
    expect((await graphql(gw.url, `query ${madeUp} { roleTasks { role } }`, { token: viewer })).status).toBe(200);

    // A mutation by E's main access manager, and the same refused to F's (FORBIDDEN: no role in E).
    const done = await graphql(gw.url, activateCapacity, {
      token: await gw.token(e.mainAccessManager!),
      variables: { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF" },
    });
    expect(done.json?.errors).toBeUndefined();
    const refused = await graphql(gw.url, activateCapacity, {
      token: await gw.token(f.mainAccessManager!),
      variables: { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF" },
    });
    expect(refused.json?.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    // Six requests of one viewer against a quota of five: the sixth is refused.
    const busy = await gw.token(ssin());
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await graphql(gw.url, roleTasks, { token: busy })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);

    await listener.next();
    await quiet();
    const { samples: after, text } = await scrape(metricsUrl);
    const requests = (operation: string, type: string, outcome: string, transport = "http") =>
      moved(before, after, series("gateway_requests_total", { operation, type, outcome, transport }));

    expect(requests("RoleTasks", "query", "OK")).toBe(6);
    expect(requests("anonymous", "query", "OK")).toBe(1);
    expect(requests("ActivateCapacity", "mutation", "OK")).toBe(1);
    expect(requests("ActivateCapacity", "mutation", "FORBIDDEN")).toBe(1);
    expect(requests("anonymous", "unknown", "RATE_LIMITED")).toBe(1);
    expect(requests("anonymous", "subscription", "OK", "websocket")).toBe(1);
    expect(
      moved(before, after, series("gateway_request_duration_seconds_count", { operation: "RoleTasks", type: "query", transport: "http" })),
    ).toBe(6);
    expect(moved(before, after, series("gateway_rate_limit_refusals_total", { scope: "viewer" }))).toBe(1);
    expect(moved(before, after, "gateway_audit_events_total")).toBe(1);
    // The mutation's, and the first sign-in of the two viewers seen for the first time (each creates its person).
    expect(moved(before, after, series("gateway_transactions_total", { outcome: "committed" }))).toBe(3);
    expect(moved(before, after, "gateway_subscriptions_open")).toBe(1);
    // Every event pushed reached the subscriber (the mutation's change may be told in more than one event).
    expect(listener.events.length).toBeGreaterThanOrEqual(1);
    expect(moved(before, after, "gateway_subscription_events_total")).toBe(listener.events.length);
    expect(
      moved(before, after, series("gateway_authorization_decisions_total", { task: "ACTIVATE_CAPACITY", reason: "NO_ROLE_IN_ENTERPRISE" })),
    ).toBe(1);
    expect(
      moved(before, after, series("gateway_authorization_decisions_total", { task: "ACTIVATE_CAPACITY", reason: "GRANTED_BY_ROLE" })),
    ).toBeGreaterThanOrEqual(1);
    if (dialect === "mysql") expect(after.has("gateway_database_pool_connections_idle")).toBe(true);
    expect(after.get("gateway_read_model_hits_total")! + after.get("gateway_read_model_misses_total")!).toBeGreaterThan(0);

    // No label names a person, a document, or a name the caller made up.
    const values = labelValues(text);
    expect(values.length).toBeGreaterThan(0);
    for (const { label, value } of values) {
      expect(value).not.toMatch(/\d{11}/);
      expect(value).toMatch(/^[A-Za-z0-9_.+]+$/);
      if (label === "operation") expect(["RoleTasks", "ActivateCapacity", "anonymous"]).toContain(value);
    }
    expect(text).not.toContain(madeUp);
    expect(text).not.toContain(e.number);

    await listener.dispose();
    open.length = 0;
    // The subscription's end is seen by the server after the socket closes.
    for (
      let i = 0;
      i < 50 && (await scrape(metricsUrl)).samples.get("gateway_subscriptions_open") !== before.get("gateway_subscriptions_open");
      i++
    )
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await scrape(metricsUrl)).samples.get("gateway_subscriptions_open")).toBe(before.get("gateway_subscriptions_open") ?? 0);
  });

  it("answer nothing but GET /metrics on the metrics listener", async () => {
    const base = gw.gateway.metricsUrl!.replace(/\/metrics$/, "");
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/graphql`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: "POST" })).status).toBe(404);
  });
});

describe("metrics turned off, or on the gateway's port", () => {
  it("are not served at all without METRICS=on", async () => {
    const gw = await startTestGateway("sqlite");
    try {
      expect(gw.gateway.metricsUrl).toBeNull();
      expect((await send(gw.url.replace(/\/graphql$/, "/metrics"), { method: "GET" })).status).toBe(404);
    } finally {
      await gw.stop();
    }
  });

  it("answer at the gateway's /metrics with METRICS_PORT=main", async () => {
    const gw = await startTestGateway("sqlite", { METRICS: "on", METRICS_PORT: "main" });
    try {
      expect(gw.gateway.metricsUrl).toBe(gw.url.replace(/\/graphql$/, "/metrics"));
      await graphql(gw.url, roleTasks);
      const { samples } = await scrape(gw.gateway.metricsUrl!);
      expect(
        samples.get(series("gateway_requests_total", { operation: "RoleTasks", type: "query", outcome: "OK", transport: "http" })),
      ).toBeGreaterThan(0);
    } finally {
      await gw.stop();
    }
  });
});

/** A request on a connection of its own, so that the cluster's round robin hands each to the next worker. */
function onNewConnection(url: string, body: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = { "content-type": "application/json", connection: "close", authorization: `Bearer ${token}` };
    const req = request(url, { method: "POST", agent: false, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describeEachDatabase("metrics of WORKERS=2 (real processes)", (dialect) => {
  it("one scrape of the primary's listener counts the requests of both workers", async () => {
    const database = await createTestDatabase(dialect, { fromTemplate: true });
    const metricsPort = await freePort();
    const keys = scratchDirectory("metrics-keys-");
    const keyFile = join(keys, "dev-signing-key.json");
    const token = await signDevToken(await loadOrCreateDevKeys(keyFile), { ssin: ssin() });
    const gateway = await spawnGateway({
      DATABASE_URL: database.url,
      DEV_KEY_FILE: keyFile,
      WORKERS: "2",
      METRICS: "on",
      METRICS_PORT: String(metricsPort),
    });
    try {
      const sent = 10;
      for (let i = 0; i < sent; i++) expect(await onNewConnection(gateway.url, JSON.stringify({ query: roleTasks }), token)).toBe(200);
      const { samples } = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(
        samples.get(series("gateway_requests_total", { operation: "RoleTasks", type: "query", outcome: "OK", transport: "http" })),
      ).toBe(sent);
    } finally {
      await gateway.stop();
      await database.drop();
    }
  });
});
