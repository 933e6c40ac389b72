import { createConnection } from "mysql2/promise";
import { createSdk } from "../src/client";
import { AuditEvent } from "../src/domain/entities";
import { sweepExpiredRights } from "../src/management/sweep-expired-rights";
import { TestClock } from "./support/clock";
import { createTestDatabase, describeEachDatabase, describeMysql, serverOptions } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { holdWrites } from "./support/hold-writes";
import { leaksIn, send, type HttpAnswer } from "./support/http";
import { ssin } from "./support/identities";
import { snapshot } from "./support/snapshot";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy";

const addUser = `mutation Add($input: AddUserInput!, $dryRun: Boolean) {
  addUser(input: $input, dryRun: $dryRun) { id role onlineServices { code } person { ssin givenName } }
}`;
const setServices = `mutation ($input: SetUserOnlineServicesInput!) { setUserOnlineServices(input: $input) { id onlineServices { code } } }`;

let keys = 0;
/** A key no other test of the run uses. */
const newKey = () => `key-${process.pid}-${Date.now()}-${++keys}`;

interface Sent {
  query: string;
  variables?: Record<string, unknown>;
  token: string;
  key?: string;
}

function mutate(gw: TestGateway, { query, variables, token, key }: Sent): Promise<HttpAnswer> {
  return send(gw.url, {
    body: { query, variables },
    headers: { authorization: `Bearer ${token}`, ...(key === undefined ? {} : { "idempotency-key": key }) },
  });
}

async function auditEvents(gw: TestGateway): Promise<number> {
  return gw.dataSource.getRepository(AuditEvent).count();
}

async function storedKeys(gw: TestGateway): Promise<number> {
  const rows = (await gw.dataSource.query("SELECT COUNT(*) AS n FROM idempotent_request")) as { n: number | string }[];
  return Number(rows[0].n);
}

/** An enterprise with an active capacity whose main access manager adds users. */
async function employer(gw: TestGateway) {
  const enterprise = await gw.seed.enterprise().withMainAccessManager().active().withUser("EMPLOYER_NSSO", ["DIMONA"]).build();
  const token = await gw.token(enterprise.mainAccessManager!);
  const input = (personSsin = ssin()) => ({
    enterprise: enterprise.number,
    capacity: "EMPLOYER_NSSO",
    person: { ssin: personSsin, givenName: "Retried", familyName: "Once" },
    onlineServices: ["DIMONA"],
  });
  return { enterprise, token, input };
}

const refusal = (answer: HttpAnswer) => answer.json?.errors?.[0]?.extensions;

describeEachDatabase("safe retries with an Idempotency-Key", (dialect) => {
  let gw: TestGateway;
  const clock = new TestClock();

  beforeAll(async () => {
    gw = await startTestGateway(dialect, { BATCHED_REQUESTS: "on" }, { clock });
  });
  afterAll(() => gw?.stop());

  it("runs a mutation once: the same request again answers the stored answer, marked as replayed, with its consistency token, and runs nothing", async () => {
    const { token, input } = await employer(gw);
    const key = newKey();
    const variables = { input: input() };
    const first = await mutate(gw, { query: addUser, variables, token, key });
    expect(first.status).toBe(200);
    expect(first.json?.errors).toBeUndefined();
    expect(first.json?.extensions).toEqual({ consistencyToken: expect.any(String) });
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const events = await auditEvents(gw);
    const before = await snapshot(gw.dataSource);

    const again = await mutate(gw, { query: addUser, variables, token, key });
    expect(again.status).toBe(200);
    expect(again.json).toEqual({
      data: first.json?.data,
      extensions: { idempotentReplay: true, consistencyToken: first.json?.extensions?.consistencyToken },
    });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.headers.get("consistency-token")).toBe(first.headers.get("consistency-token"));
    expect(await auditEvents(gw)).toBe(events);
    expect(await snapshot(gw.dataSource)).toEqual(before);

    // The same body written in another order of its variables' keys is the same request.
    const { person, ...rest } = variables.input;
    const reordered = { input: { person: { familyName: person.familyName, givenName: person.givenName, ssin: person.ssin }, ...rest } };
    const third = await mutate(gw, { query: addUser, variables: reordered, token, key });
    expect(third.json?.data).toEqual(first.json?.data);
    expect(third.json?.extensions?.idempotentReplay).toBe(true);
    expect(await auditEvents(gw)).toBe(events);
  });

  it("stores the answer whole, the refusal of a nested field included, and replays it once", async () => {
    const enterprise = await gw.seed.enterprise().withMainAccessManager().active().withAccessManager("EMPLOYER_NSSO").build();
    const manager = Object.values(enterprise.accessManagers)[0];
    const token = await gw.token(manager);
    const query = `mutation ($input: AddUserInput!) { addUser(input: $input) { role enterprise { auditTrail { totalCount } } } }`;
    const input = {
      enterprise: enterprise.number,
      capacity: "EMPLOYER_NSSO",
      person: { ssin: ssin(), givenName: "A", familyName: "B" },
      onlineServices: ["DIMONA"],
    };
    const key = newKey();
    const first = await mutate(gw, { query, variables: { input }, token, key });
    expect(first.json?.data).toEqual({ addUser: { role: "USER", enterprise: { auditTrail: { totalCount: 0 } } } });
    expect(first.json?.errors).toEqual([
      expect.objectContaining({
        path: ["addUser", "enterprise", "auditTrail"],
        extensions: expect.objectContaining({ code: "FORBIDDEN" }),
      }),
    ]);
    const again = await mutate(gw, { query, variables: { input }, token, key });
    expect(again.json).toEqual({ ...first.json, extensions: { ...first.json?.extensions, idempotentReplay: true } });
  });

  it("refuses the same key with another body (422 CONFLICT IDEMPOTENCY_KEY_REUSED) and changes nothing", async () => {
    const { token, input } = await employer(gw);
    const key = newKey();
    expect((await mutate(gw, { query: addUser, variables: { input: input() }, token, key })).status).toBe(200);
    const before = await snapshot(gw.dataSource);
    const other = await send(gw.url, {
      body: { query: addUser, variables: { input: input() } },
      headers: { authorization: `Bearer ${token}`, "idempotency-key": key, "accept-language": "en" },
    });
    expect(other.status).toBe(422);
    expect(other.json?.data).toBeUndefined();
    expect(other.json?.errors).toMatchObject([
      expect.objectContaining({
        message: expect.stringMatching(/another request/),
        extensions: expect.objectContaining({ code: "CONFLICT", reason: "IDEMPOTENCY_KEY_REUSED" }),
      }),
    ]);
    expect(await snapshot(gw.dataSource)).toEqual(before);
    // In the viewer's language (the seed's people read Dutch), as every message.
    const dutch = await mutate(gw, { query: addUser, variables: { input: input() }, token, key });
    expect(dutch.json?.errors?.[0]?.message).toMatch(/andere aanvraag/);
  });

  it("keeps a key per viewer: another viewer's request with the same key runs on its own", async () => {
    const a = await employer(gw);
    const b = await employer(gw);
    const key = newKey();
    const first = await mutate(gw, { query: addUser, variables: { input: a.input() }, token: a.token, key });
    const events = await auditEvents(gw);
    const second = await mutate(gw, { query: addUser, variables: { input: b.input() }, token: b.token, key });
    expect(second.status).toBe(200);
    expect(second.json?.extensions?.idempotentReplay).toBeUndefined();
    expect(second.json?.data).not.toEqual(first.json?.data);
    expect(await auditEvents(gw)).toBe(events + 1);
  });

  it("stores no refusal: a refused change committed nothing, and the same request sent again runs again", async () => {
    const { token, input, enterprise } = await employer(gw);
    const key = newKey();
    const stored = await storedKeys(gw);
    // The user the enterprise already has: ALREADY_ASSIGNED.
    const variables = { input: { ...input(enterprise.users[0].ssin) } };
    const refused = await mutate(gw, { query: addUser, variables, token, key });
    expect(refusal(refused)).toMatchObject({ code: "CONFLICT", reason: "ALREADY_ASSIGNED" });
    expect(await storedKeys(gw)).toBe(stored);
    const again = await mutate(gw, { query: addUser, variables, token, key });
    expect(refusal(again)).toMatchObject({ code: "CONFLICT", reason: "ALREADY_ASSIGNED" });
    expect(again.json?.extensions?.idempotentReplay).toBeUndefined();
  });

  it("forgets a key after IDEMPOTENCY_TTL_HOURS: the request runs again, and the sweep deletes what expired", async () => {
    const { token, enterprise } = await employer(gw);
    const key = newKey();
    const variables = { input: { assignment: String(enterprise.users[0].assignmentId), onlineServices: ["DIMONA"] } };
    const ids = (answer: HttpAnswer) => (answer.json?.data?.setUserOnlineServices as { id: string } | undefined)?.id;
    const first = await mutate(gw, { query: setServices, variables, token, key });
    expect(ids(first)).toEqual(expect.any(String));
    const events = await auditEvents(gw);
    clock.advance({ hours: 23 });
    expect((await mutate(gw, { query: setServices, variables, token, key })).json?.extensions?.idempotentReplay).toBe(true);
    expect(await auditEvents(gw)).toBe(events);

    clock.advance({ hours: 2 });
    const later = await mutate(gw, { query: setServices, variables, token, key });
    expect(later.json?.errors).toBeUndefined();
    expect(later.json?.extensions?.idempotentReplay).toBeUndefined();
    expect(await auditEvents(gw)).toBe(events + 1);
    expect(await storedKeys(gw)).toBeGreaterThan(0);

    clock.advance({ hours: 25 });
    await sweepExpiredRights({ dataSource: gw.dataSource, clock });
    expect(await storedKeys(gw)).toBe(0);
  });

  it("ignores the key of a query and of a dry run: they commit nothing, and nothing is stored", async () => {
    const { token, input } = await employer(gw);
    const key = newKey();
    const stored = await storedKeys(gw);
    for (let i = 0; i < 2; i++) {
      const query = await mutate(gw, { query: "{ me { ssin } }", token, key });
      expect(query.json?.errors).toBeUndefined();
      expect(query.json?.extensions).toBeUndefined();
    }
    const variables = { input: input(), dryRun: true };
    const preview = await mutate(gw, { query: addUser, variables, token, key });
    expect(preview.json?.extensions?.dryRun).toMatchObject({ rolledBack: true });
    const previewAgain = await mutate(gw, { query: addUser, variables, token, key });
    expect(previewAgain.json?.extensions?.dryRun).toMatchObject({ rolledBack: true });
    expect(previewAgain.json?.extensions?.idempotentReplay).toBeUndefined();
    expect(await storedKeys(gw)).toBe(stored);
    // The real change with the same key then runs, and is what the key stores.
    const real = await mutate(gw, { query: addUser, variables: { ...variables, dryRun: false }, token, key });
    expect(real.json?.errors).toBeUndefined();
    expect(await storedKeys(gw)).toBe(stored + 1);
  });

  it.each([
    ["longer than 255 characters", "k".repeat(256)],
    ["not ASCII", "clé"],
    ["a control character", "a\tb"],
  ])("refuses a key %s with 400 BAD_USER_INPUT naming the header, before anything runs", async (_, key) => {
    const { token, input } = await employer(gw);
    const before = await snapshot(gw.dataSource);
    const answer = await mutate(gw, { query: addUser, variables: { input: input() }, token, key });
    expect(answer.status).toBe(400);
    expect(answer.json?.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: "BAD_USER_INPUT", field: "Idempotency-Key" }) }),
    ]);
    expect(leaksIn(answer.text)).toEqual([]);
    expect(await snapshot(gw.dataSource)).toEqual(before);
  });

  it("accepts a key of 255 printable characters, spaces and quotes included", async () => {
    const { token, input } = await employer(gw);
    const key = `"${newKey()} ${"x".repeat(200)}`.slice(0, 254) + "~";
    const answer = await mutate(gw, { query: addUser, variables: { input: input() }, token, key });
    expect(answer.json?.errors).toBeUndefined();
    const again = await mutate(gw, { query: addUser, variables: { input: input() }, token, key });
    expect(again.status).toBe(422);
  });

  it("refuses a key on a batch (it names one request) and on an operation of several changes, before anything runs", async () => {
    const { token, input } = await employer(gw);
    const key = newKey();
    const before = await snapshot(gw.dataSource);
    const batch = await send(gw.url, {
      body: [
        { query: addUser, variables: { input: input() } },
        { query: addUser, variables: { input: input() } },
      ],
      headers: { authorization: `Bearer ${token}`, "idempotency-key": key },
    });
    expect(batch.status).toBe(400);
    expect(batch.text).toMatch(/"field":"Idempotency-Key"/);
    const two = `mutation ($a: AddUserInput!, $b: AddUserInput!) { a: addUser(input: $a) { id } b: addUser(input: $b) { id } }`;
    const several = await send(gw.url, {
      body: { query: two, variables: { a: input(), b: input() } },
      headers: { authorization: `Bearer ${token}`, "idempotency-key": key, accept: "application/graphql-response+json" },
    });
    expect(several.status).toBe(400);
    expect(several.json?.data).toBeUndefined();
    expect(refusal(several)).toMatchObject({ code: "BAD_USER_INPUT", field: "Idempotency-Key" });
    expect(await snapshot(gw.dataSource)).toEqual(before);

    // Without a key, the batch runs as before: each operation on its own.
    const plain = await send(gw.url, {
      body: [
        { query: addUser, variables: { input: input() } },
        { query: addUser, variables: { input: input() } },
      ],
      headers: { authorization: `Bearer ${token}` },
    });
    expect(plain.status).toBe(200);
    expect((JSON.parse(plain.text) as { data: unknown }[]).map((answer) => answer.data)).toEqual([
      { addUser: expect.objectContaining({ role: "USER" }) },
      { addUser: expect.objectContaining({ role: "USER" }) },
    ]);
  });

  it("runs two requests with the same key at once only once: the second waits for the first and replays its answer", async () => {
    const { token, input, enterprise } = await employer(gw);
    const key = newKey();
    const variables = { input: input() };
    const events = await auditEvents(gw);
    const held = await holdWrites(gw, dialect, enterprise.id);
    const first = mutate(gw, { query: addUser, variables, token, key });
    await held.waiter();
    const second = mutate(gw, { query: addUser, variables, token, key });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await held.release();
    const answers = await Promise.all([first, second]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers[1].json?.data).toEqual(answers[0].json?.data);
    expect(answers.map((a) => a.json?.extensions?.idempotentReplay ?? false).sort()).toEqual([false, true]);
    expect(await auditEvents(gw)).toBe(events + 1);
  });
});

/** The typed SDK's safe retries (src/client/retries.ts), against the real server, as test/sdk.test.ts drives the SDK. */
describeEachDatabase("the SDK's Idempotency-Key per mutation", (dialect) => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.stop());

  /** A fetch whose first answer to a mutation is lost after the gateway answered it, and which records the keys sent. */
  function losingFirstAnswer() {
    const keys: (string | null)[] = [];
    let lost = false;
    const lossy: typeof fetch = async (input, init) => {
      const key = new Headers(init?.headers).get("idempotency-key");
      keys.push(key);
      const response = await fetch(input, init);
      if (!lost && typeof init?.body === "string" && init.body.includes("mutation")) {
        lost = true;
        await response.text();
        throw new TypeError("fetch failed");
      }
      return response;
    };
    return { keys, lossy };
  }

  it("sends a new key with each mutation and, when the answer is lost, the same request with the same key: the change runs once", async () => {
    const { token, input } = await employer(gw);
    const { keys, lossy } = losingFirstAnswer();
    const sdk = createSdk(gw.url, { headers: { authorization: `Bearer ${token}` }, fetch: lossy, idempotencyKeys: true, retries: 2 });
    const events = await auditEvents(gw);
    const sent = input();
    const { addUser } = await sdk.AddUser({ input: sent });
    expect(addUser).toMatchObject({ role: "USER", person: { ssin: sent.person.ssin } });
    expect(keys).toEqual([expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/), keys[0]]);
    expect(await auditEvents(gw)).toBe(events + 1);

    // Another mutation has a key of its own; a query has none.
    await sdk.AddUser({ input: input() });
    await sdk.MyEnterprises();
    expect(keys).toHaveLength(4);
    expect(keys[2]).not.toBe(keys[0]);
    expect(keys[3]).toBeNull();
    expect(await auditEvents(gw)).toBe(events + 2);
  });

  it("never sends a mutation again without a key: its lost answer is the caller's to judge", async () => {
    const { token, input } = await employer(gw);
    const { keys, lossy } = losingFirstAnswer();
    const sdk = createSdk(gw.url, { headers: { authorization: `Bearer ${token}` }, fetch: lossy, retries: 2 });
    const events = await auditEvents(gw);
    await expect(sdk.AddUser({ input: input() })).rejects.toThrow(/fetch failed/);
    expect(keys).toEqual([null]);
    expect(await auditEvents(gw)).toBe(events + 1);
  });
});

describeMysql("same key at once through two gateways on one database [mysql]", () => {
  let one: TestGateway;
  let two: TestGateway;

  beforeAll(async () => {
    const database = await createTestDatabase("mysql", { fromTemplate: true });
    one = await startTestGateway("mysql", {}, { database });
    two = await startTestGateway("mysql", { DEV_KEY_FILE: one.config.devKeyFile }, { database });
  });
  afterAll(async () => {
    await two?.stop();
    await one?.stop();
    await one?.database.drop();
  });

  it("runs the change once: the request on the second gateway waits for the first one's claim, then replays its answer", async () => {
    const { token, input, enterprise } = await employer(one);
    const key = newKey();
    const variables = { input: input() };
    const events = await auditEvents(one);
    const held = await holdWrites(one, "mysql", enterprise.id);
    const admin = await createConnection({ ...serverOptions(), database: decodeURIComponent(new URL(one.database.url).pathname.slice(1)) });
    try {
      const first = mutate(one, { query: addUser, variables, token, key });
      await held.waiter();
      const second = mutate(two, { query: addUser, variables, token, key });
      // The second request waits for the row the first one claimed, as the first waits for the enterprise.
      for (let waited = 0; ; waited += 150) {
        const [rows] = await admin.query(
          "SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id WHERE t.trx_state = 'LOCK WAIT' AND p.DB = DATABASE()",
        );
        if (Number((rows as { n: number | string }[])[0].n) >= 2) break;
        if (waited > 20_000) throw new Error("the second request never waited");
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      await held.release();
      const answers = await Promise.all([first, second]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      expect(answers[0].json?.extensions?.idempotentReplay).toBeUndefined();
      expect(answers[1].json).toEqual({
        data: answers[0].json?.data,
        extensions: { idempotentReplay: true, consistencyToken: answers[0].json?.extensions?.consistencyToken },
      });
      expect(await auditEvents(one)).toBe(events + 1);
    } finally {
      await admin.end();
    }
  });
});

describeMysql("a retry after the database lost an answer [mysql]", () => {
  let proxy: TcpProxy;
  let gw: TestGateway;

  beforeAll(async () => {
    const server = serverOptions();
    proxy = await startTcpProxy({ host: server.host, port: server.port });
    gw = await startTestGateway("mysql", {}, { databaseUrl: (url) => proxy.via(url) });
  });
  afterAll(async () => {
    proxy?.accept();
    await gw?.stop();
    await proxy?.close();
  });

  it.each([
    ["reached the server and committed: the retry replays the answer the client never got", false, true],
    ["was lost on its way and rolled back: the retry runs the change", true, false],
  ])("a COMMIT whose answer is lost answers 503 OUTCOME_UNKNOWN; it %s", async (_, drop, replayed) => {
    const { token, input } = await employer(gw);
    const key = newKey();
    const variables = { input: input() };
    const events = await auditEvents(gw);
    const lost = proxy.loseAnswer({ after: /INSERT INTO `audit_event`/, to: /COMMIT/, drop });
    const answer = await mutate(gw, { query: addUser, variables, token, key });
    await lost;
    expect(answer.status).toBe(503);
    expect(refusal(answer)).toMatchObject({ code: "UNAVAILABLE", reason: "OUTCOME_UNKNOWN" });
    expect(leaksIn(answer.text)).toEqual([]);
    expect(await auditEvents(gw)).toBe(events + (replayed ? 1 : 0));

    const retry = await mutate(gw, { query: addUser, variables, token, key });
    expect(retry.status).toBe(200);
    expect(retry.json?.data).toMatchObject({ addUser: { role: "USER", person: { ssin: variables.input.person.ssin } } });
    expect(retry.json?.extensions?.idempotentReplay ?? false).toBe(replayed);
    // The commit's token could not be read with the answer lost: the replay's is `latest`, which reads the primary.
    if (replayed) expect(retry.json?.extensions?.consistencyToken).toBe("latest");
    expect(await auditEvents(gw)).toBe(events + 1);
  });

  it("stores no UNAVAILABLE answer: a connection lost while the answer was being stored committed nothing, and the retry runs the change", async () => {
    const { token, input } = await employer(gw);
    const key = newKey();
    const variables = { input: input() };
    const events = await auditEvents(gw);
    const lost = proxy.loseAnswer({ after: /INSERT INTO `audit_event`/, to: /UPDATE idempotent_request/, drop: true });
    const refused = await mutate(gw, { query: addUser, variables, token, key });
    await lost;
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("2");
    expect(refusal(refused)).toMatchObject({ code: "UNAVAILABLE", reason: "DATABASE_UNREACHABLE" });
    expect(leaksIn(refused.text)).toEqual([]);
    expect(await auditEvents(gw)).toBe(events);
    const retry = await mutate(gw, { query: addUser, variables, token, key });
    expect(retry.status).toBe(200);
    expect(retry.json?.extensions?.idempotentReplay).toBeUndefined();
    expect(await auditEvents(gw)).toBe(events + 1);
  });
});
