import { createConnection, type Connection, type RowDataPacket } from "mysql2/promise";
import { AuditEvent, Enterprise } from "../src/domain/entities";
import { createTestDatabase, describeMysql, serverOptions } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { graphql, leaksIn } from "./support/http";
import { ssin } from "./support/identities";
import { subscribe } from "./support/live";
import { captureLogs, type CapturedLogs } from "./support/logs";
import { snapshot } from "./support/snapshot";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy";

const appoint = `mutation ($input: AppointMainAccessManagerInput!) { appointMainAccessManager(input: $input) { role enterprise { status } } }`;

/** Asks `probe` again (up to `attempts` times, `pauseMs` apart) until it gives `wanted`; returns the last answer. */
async function eventually<T>(probe: () => Promise<T>, wanted: T, { attempts = 100, pauseMs = 100 } = {}): Promise<T> {
  let last = await probe();
  for (let i = 1; i < attempts && last !== wanted; i++) {
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    last = await probe();
  }
  return last;
}

/** A 503 UNAVAILABLE answer (DATABASE_UNREACHABLE) with Retry-After. */
function unavailableAnswer(answer: { status: number; headers: Headers; json?: { errors?: unknown[] } | null }) {
  expect(answer.status).toBe(503);
  expect(answer.headers.get("retry-after")).toBe("2");
  expect(answer.json?.errors).toEqual([
    expect.objectContaining({
      extensions: expect.objectContaining({ code: "UNAVAILABLE", reason: "DATABASE_UNREACHABLE", retryAfter: 2 }),
    }),
  ]);
}

/**
 * The gateway reaches MariaDB through a TCP proxy that the test controls, and an admin connection of the test
 * kills the gateway's connections on the server: the database goes away and comes back under a running gateway.
 */
describeMysql("a database that fails under a running gateway [mysql]", () => {
  let proxy: TcpProxy;
  let gw: TestGateway;
  let admin: Connection;
  let logs: CapturedLogs;
  let database: string;
  const readiness = async () => (await fetch(new URL("/readyz", gw.url))).status;

  beforeAll(async () => {
    const server = serverOptions();
    proxy = await startTcpProxy({ host: server.host, port: server.port });
    logs = captureLogs();
    gw = await startTestGateway("mysql", {}, { databaseUrl: (url) => proxy.via(url), logger: logs.logger });
    database = decodeURIComponent(new URL(gw.config.databaseUrl).pathname.slice(1));
    admin = await createConnection({ ...server, database });
  });
  afterAll(async () => {
    await admin?.end();
    proxy?.accept();
    await gw?.stop();
    await proxy?.close();
  });

  const unavailable = unavailableAnswer;

  it("answers 503 UNAVAILABLE with Retry-After while the database refuses connections, reports not ready, logs the burst once, and recovers by itself", async () => {
    const enterprise = await gw.seed.enterprise().build();
    const token = await gw.token(enterprise.legalRepresentative);
    const input = { enterprise: enterprise.number, person: { ssin: ssin(), givenName: "Not", familyName: "Now" } };
    expect(await readiness()).toBe(200);
    const linesBefore = logs.lines().length;

    proxy.refuse();
    expect(await readiness()).toBe(503);
    const asked = Date.now();
    const meanwhile = await graphql(gw.url, "{ me { ssin } }", { token });
    const answeredInMs = Date.now() - asked;
    unavailable(meanwhile);
    // At once: a refused connection is not waited for (the trial saw masked 500s after ~11 s).
    expect(answeredInMs).toBeLessThan(1000);
    // The viewer could not be looked up: no language of theirs, so Accept-Language (none), so English.
    expect((meanwhile.json?.errors as { message: string }[])[0].message).toBe(
      "The database cannot be reached or is not ready; nothing was changed. Retry in 2 s",
    );
    expect(leaksIn(meanwhile.text)).toEqual([]);
    const mutation = await graphql(gw.url, appoint, { token, variables: { input } });
    unavailable(mutation);
    expect(leaksIn(mutation.text)).toEqual([]);
    for (let i = 0; i < 5; i++) unavailable(await graphql(gw.url, "{ me { ssin } }", { token }));

    // One line for the burst (the first refusal, with its request id), none per request, and nothing "unexpected".
    const lines = logs.lines().slice(linesBefore);
    const burst = lines.filter((line) => /database (still )?unavailable/.test(String(line.msg)));
    expect(burst).toEqual([expect.objectContaining({ level: "warn", requestId: meanwhile.headers.get("x-request-id") })]);
    expect(lines.filter((line) => line.level === "error")).toEqual([]);

    proxy.accept();
    expect(await eventually(readiness, 200)).toBe(200);
    const after = await graphql(gw.url, "{ me { ssin } }", { token });
    expect(after.json).toMatchObject({ data: { me: { ssin: expect.any(String) } } });
    const applied = await graphql(gw.url, appoint, { token, variables: { input } });
    expect(applied.json).toMatchObject({ data: { appointMainAccessManager: { role: "MAIN_ACCESS_MANAGER" } } });
  });

  it("closes a WebSocket whose viewer cannot be looked up while the database refuses with 1013 (try again later), not 4500", async () => {
    const token = await gw.token(ssin());
    proxy.refuse();
    try {
      const subscriber = subscribe(gw, token);
      expect(await subscriber.closed).toEqual({
        code: 1013,
        reason: "The database cannot be reached or is not ready; nothing was changed. Retry in 2 s",
      });
      await subscriber.dispose();
    } finally {
      proxy.accept();
    }
  });

  it("answers 503 UNAVAILABLE to a read whose connection is reset in flight, and the next read is served", async () => {
    const enterprise = await gw.seed.enterprise().build();
    const token = await gw.token(enterprise.legalRepresentative);
    const query = `query ($n: EnterpriseNumber!) { enterprise(number: $n) { number status } }`;
    await graphql(gw.url, "{ me { ssin } }", { token });
    const reset = proxy.resetOn((packet) => packet.includes(enterprise.number) || (/enterprise/i.test(packet) && !/person/i.test(packet)));
    const answer = await graphql(gw.url, query, { token, variables: { n: enterprise.number } });
    await reset;
    unavailable(answer);
    // Met by the field's read, not by the front door: the error names the field.
    expect(answer.json?.errors).toEqual([expect.objectContaining({ path: ["enterprise"] })]);
    expect(leaksIn(answer.text)).toEqual([]);
    const again = await graphql(gw.url, query, { token, variables: { n: enterprise.number } });
    expect(again.json).toMatchObject({ data: { enterprise: { status: expect.any(String) } } });
  });

  it("rolls back a mutation whose connection is killed before it commits, answers 503 UNAVAILABLE, and takes the same mutation afterwards", async () => {
    const enterprise = await gw.seed.enterprise().build();
    const token = await gw.token(enterprise.legalRepresentative);
    const input = { enterprise: enterprise.number, person: { ssin: ssin(), givenName: "Half", familyName: "Done" } };
    const before = await snapshot(gw.dataSource);

    // The mutation writes its assignment and the enterprise's new status, then waits to write its audit event.
    await admin.query("LOCK TABLES audit_event WRITE");
    let killed: number | null = null;
    try {
      const pending = graphql(gw.url, appoint, { token, variables: { input } });
      const waiting = async () => {
        const [rows] = await admin.query<RowDataPacket[]>(
          "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE 'INSERT INTO `audit_event`%'",
          [database],
        );
        killed = rows.length > 0 ? Number(rows[0].ID) : null;
        return killed !== null;
      };
      expect(await eventually(waiting, true)).toBe(true);
      await admin.query(`KILL ${killed}`);
      await admin.query("UNLOCK TABLES");
      const answer = await pending;
      // Killed before its COMMIT: nothing committed, the database was lost under it: UNAVAILABLE, to be sent again.
      expect(answer.json?.data).toBeNull();
      unavailable(answer);
      expect(answer.json?.errors).toEqual([expect.objectContaining({ path: ["appointMainAccessManager"] })]);
      expect(leaksIn(answer.text)).toEqual([]);
    } finally {
      await admin.query("UNLOCK TABLES");
    }

    expect(await snapshot(gw.dataSource)).toEqual(before);
    expect(await readiness()).toBe(200);

    const retried = await graphql(gw.url, appoint, { token, variables: { input } });
    expect(retried.json).toEqual({
      data: { appointMainAccessManager: { role: "MAIN_ACCESS_MANAGER", enterprise: { status: "PENDING_ACTIVATION" } } },
      extensions: { consistencyToken: expect.any(String) },
    });
    const stored = await gw.dataSource.getRepository(Enterprise).findOneByOrFail({ number: enterprise.number });
    expect(await gw.dataSource.getRepository(AuditEvent).countBy({ enterpriseId: stored.id })).toBe(1);
  });
  it.each([
    ["reached the server and was committed", false, 1],
    ["was lost on its way, so the server rolled back", true, 0],
  ])(
    "answers 503 UNAVAILABLE OUTCOME_UNKNOWN to a mutation whose COMMIT's answer is lost (it %s), logs it at error level with its request id, and never does it twice",
    async (_, drop, committed) => {
      const enterprise = await gw.seed.enterprise().build();
      const token = await gw.token(enterprise.legalRepresentative);
      const input = { enterprise: enterprise.number, person: { ssin: ssin(), givenName: "Maybe", familyName: "Done" } };
      const stored = await gw.dataSource.getRepository(Enterprise).findOneByOrFail({ number: enterprise.number });
      const events = () => gw.dataSource.getRepository(AuditEvent).countBy({ enterpriseId: stored.id });

      // The connection that wrote the action's audit event loses the answer to its COMMIT (or the COMMIT itself).
      const lost = proxy.loseAnswer({ after: /INSERT INTO `audit_event`/, to: /COMMIT/, drop });
      const answer = await graphql(gw.url, appoint, { token, variables: { input } });
      await lost;
      expect(answer.status).toBe(503);
      expect(answer.headers.get("retry-after")).toBe("2");
      expect(answer.json?.data).toBeNull();
      expect(answer.json?.errors).toEqual([
        expect.objectContaining({
          path: ["appointMainAccessManager"],
          extensions: expect.objectContaining({
            englishMessage: expect.stringMatching(/may or may not have been made/),
            code: "UNAVAILABLE",
            reason: "OUTCOME_UNKNOWN",
            retryAfter: 2,
            messageKey: "unavailable.outcomeUnknown",
          }),
        }),
      ]);
      expect(leaksIn(answer.text)).toEqual([]);
      const requestId = answer.headers.get("x-request-id");
      expect(requestId).toBeTruthy();

      // The operator's line: an error with the request id, which the audit event carries when the change was made.
      expect(logs.lines().filter((line) => line.requestId === requestId && line.level === "error")).toEqual([
        expect.objectContaining({ reason: "OUTCOME_UNKNOWN", msg: expect.stringMatching(/may or may not have been committed/) }),
      ]);
      const byRequest = await gw.dataSource.getRepository(AuditEvent).countBy({ requestId: requestId! });
      expect(byRequest).toBe(committed);
      expect(await events()).toBe(committed);

      // The client reads again, then decides: sent again, the action is done once (or refused as already done).
      const again = await graphql(gw.url, appoint, { token, variables: { input } });
      if (committed)
        expect(again.json?.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: "CONFLICT" }) })]);
      else expect(again.json?.data).toMatchObject({ appointMainAccessManager: { role: "MAIN_ACCESS_MANAGER" } });
      expect(await events()).toBe(1);
      expect(await readiness()).toBe(200);
    },
  );
});

/** The gateway reads from a replica (here the primary's own database, reached through a proxy the test controls). */
describeMysql("a read replica that fails under a running gateway [mysql]", () => {
  let proxy: TcpProxy;
  let gw: TestGateway;
  const readyz = async () => {
    const response = await fetch(new URL("/readyz", gw.url));
    return { status: response.status, body: (await response.json()) as { replicas?: { reachable: boolean }[] } };
  };

  beforeAll(async () => {
    const server = serverOptions();
    proxy = await startTcpProxy({ host: server.host, port: server.port });
    const database = await createTestDatabase("mysql");
    gw = await startTestGateway("mysql", { DATABASE_REPLICA_URLS: proxy.via(database.url) }, { database });
  });
  afterAll(async () => {
    proxy?.accept();
    await gw?.stop();
    await gw?.database.drop();
    await proxy?.close();
  });

  it("names the replica's state in /readyz, answers UNAVAILABLE while it refuses, and reads from it again once it is back", async () => {
    const token = await gw.token(ssin());
    const me = async () => (await graphql(gw.url, "{ me { ssin } }", { token })).status;
    expect(await readyz()).toEqual({
      status: 200,
      body: { status: "ready", replicas: [{ replica: `1 (127.0.0.1:${proxy.port})`, reachable: true, lagSeconds: null }] },
    });
    expect(await me()).toBe(200);

    proxy.refuse();
    // The primary answers: ready, with the replica named unreachable.
    const down = await readyz();
    expect(down.status).toBe(200);
    expect(down.body.replicas).toEqual([expect.objectContaining({ reachable: false })]);
    // More refusals than mysql2's pool cluster takes before leaving the replica out.
    for (let i = 0; i < 8; i++) {
      const answer = await graphql(gw.url, "{ me { ssin } }", { token });
      unavailableAnswer(answer);
    }

    proxy.accept();
    expect(await eventually(me, 200)).toBe(200);
    expect((await readyz()).body.replicas).toEqual([expect.objectContaining({ reachable: true })]);
  });
});
