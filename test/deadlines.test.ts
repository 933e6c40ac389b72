import { AuditEvent, Person } from "../src/domain/entities";
import { describeEachDatabase, describeMysql, serverOptions } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { holdWrites } from "./support/hold-writes";
import { graphql, leaksIn } from "./support/http";
import { ssin } from "./support/identities";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy";

const addUser = `mutation ($input: AddUserInput!) { addUser(input: $input) { id person { ssin } } }`;
const userInput = (enterprise: string, personSsin: string) => ({
  enterprise,
  capacity: "EMPLOYER_NSSO",
  onlineServices: ["DIMONA"],
  person: { ssin: personSsin, givenName: "Partitioned", familyName: "Person" },
});

describeEachDatabase("the request deadline", (dialect) => {
  const requestTimeoutMs = 1_500;
  let gw: TestGateway;
  beforeAll(async () => {
    // The lock wait (MySQL) is longer than the request's deadline, so the deadline is what ends the wait.
    gw = await startTestGateway(dialect, {
      REQUEST_TIMEOUT_MS: String(requestTimeoutMs),
      DATABASE_LOCK_WAIT_TIMEOUT_S: "20",
      DATABASE_STATEMENT_TIMEOUT_MS: "30000",
    });
  });
  afterAll(() => gw?.stop());

  it("answers TIMEOUT to a mutation still waiting for the database when the deadline passes, commits nothing, and serves the next one", async () => {
    const enterprise = await gw.seed.enterprise().withMainAccessManager().active().build();
    const token = await gw.token(enterprise.mainAccessManager!);
    const lateSsin = ssin();
    const held = await holdWrites(gw, dialect, enterprise.id);
    let answer;
    try {
      answer = await graphql(gw.url, addUser, { token, variables: { input: userInput(enterprise.number, lateSsin) } });
    } finally {
      await held.release();
    }
    expect(answer.status).toBe(503);
    expect(answer.json?.errors).toEqual([
      // In the viewer's language (NL until they choose another), the English beside it.
      {
        message: "De aanvraag was niet klaar binnen 1500 ms; er is niets gewijzigd",
        extensions: {
          code: "TIMEOUT",
          reason: "REQUEST_TIMEOUT",
          requestId: answer.headers.get("x-request-id"),
          messageKey: "timeout.request",
          params: { timeoutMs: 1500 },
          englishMessage: expect.stringMatching(/did not finish within 1500 ms/),
        },
      },
    ]);
    // Whatever the abandoned transaction had done is gone, now that nothing holds it any more.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await gw.dataSource.getRepository(Person).countBy({ ssin: lateSsin })).toBe(0);
    expect(await gw.dataSource.getRepository(AuditEvent).countBy({ requestId: answer.headers.get("x-request-id")! })).toBe(0);

    const next = await graphql(gw.url, addUser, { token, variables: { input: userInput(enterprise.number, lateSsin) } });
    expect(next.json).toEqual({
      data: { addUser: { id: expect.any(String), person: { ssin: expect.any(String) } } },
      extensions: { consistencyToken: expect.any(String) },
    });
  });
});

describeMysql("the bounds of a gateway's database sessions [mysql]", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway("mysql", {
      DATABASE_STATEMENT_TIMEOUT_MS: "2500",
      DATABASE_LOCK_WAIT_TIMEOUT_S: "4",
      DATABASE_IDLE_TRANSACTION_TIMEOUT_S: "6",
    });
  });
  afterAll(() => gw?.stop());

  it("sets the statement timeout, the lock wait and the idle-in-transaction bound on every session", async () => {
    const sessions = await Promise.all(
      [1, 2, 3].map(() =>
        gw.dataSource.query(
          "SELECT @@SESSION.max_statement_time AS statement, @@SESSION.innodb_lock_wait_timeout AS lockWait, @@SESSION.idle_transaction_timeout AS idle, SLEEP(0.2) AS pause",
        ),
      ),
    );
    for (const [row] of sessions as { statement: string | number; lockWait: string | number; idle: string | number }[][]) {
      expect({ statement: Number(row.statement), lockWait: Number(row.lockWait), idle: Number(row.idle) }).toEqual({
        statement: 2.5,
        lockWait: 4,
        idle: 6,
      });
    }
  });

  it("has the server end a statement that runs over the statement timeout", async () => {
    // MariaDB's sequence engine: a join of ten billion row pairs, which no statement of the gateway comes near.
    await expect(
      gw.dataSource.query("SELECT COUNT(*) AS pairs FROM seq_1_to_100000 a JOIN seq_1_to_100000 b ON a.seq + b.seq = 7"),
    ).rejects.toMatchObject({ driverError: { errno: 1969 } });
  });
});

/**
 * Two gateways on one MariaDB database; gateway A reaches it through a TCP proxy that the test partitions in the middle
 * of A's transaction, right after A has locked the enterprise (the packet of its audit event is the first one lost).
 */
describeMysql("a gateway partitioned from the database in the middle of a transaction [mysql]", () => {
  const requestTimeoutMs = 4_000;
  let proxy: TcpProxy;
  let a: TestGateway;
  let b: TestGateway;

  beforeAll(async () => {
    const server = serverOptions();
    proxy = await startTcpProxy({ host: server.host, port: server.port });
    a = await startTestGateway("mysql", { REQUEST_TIMEOUT_MS: String(requestTimeoutMs) }, { databaseUrl: (url) => proxy.via(url) });
    b = await startTestGateway("mysql", {}, { database: a.database });
  });
  afterAll(async () => {
    proxy?.accept();
    await b?.stop();
    await a?.stop();
    await proxy?.close();
  });

  it("lets the other gateway change the enterprise within the bounds, and answers TIMEOUT on the partitioned one with nothing committed", async () => {
    const enterprise = await a.seed.enterprise().withMainAccessManager().active().build();
    const manager = enterprise.mainAccessManager!;
    const lostSsin = ssin();
    const servedSsin = ssin();

    proxy.blackhole({ when: /INSERT INTO `audit_event`/ });
    const startedA = Date.now();
    const pendingA = graphql(a.url, addUser, {
      token: await a.token(manager),
      variables: { input: userInput(enterprise.number, lostSsin) },
    }).then((answer) => ({
      answer,
      ms: Date.now() - startedA,
    }));
    for (let i = 0; i < 100 && !proxy.blackholed(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(proxy.blackholed()).toBe(true);

    // A holds the enterprise's row lock on the server, and will never say anything more about it.
    const startedB = Date.now();
    const answerB = await graphql(b.url, addUser, {
      token: await b.token(manager),
      variables: { input: userInput(enterprise.number, servedSsin) },
    });
    const msB = Date.now() - startedB;
    expect(answerB.json).toEqual({
      data: { addUser: { id: expect.any(String), person: { ssin: expect.any(String) } } },
      extensions: { consistencyToken: expect.any(String) },
    });
    // Defaults: the server ends A's idle transaction after 5 s, B's lock waits of 3 s are retried; far below 30 s.
    expect(msB).toBeLessThan(30_000);

    const { answer: answerA, ms: msA } = await pendingA;
    expect(answerA.status).toBe(503);
    expect(answerA.json?.errors).toEqual([
      {
        message: "De aanvraag was niet klaar binnen 4000 ms; er is niets gewijzigd",
        extensions: {
          code: "TIMEOUT",
          reason: "REQUEST_TIMEOUT",
          requestId: answerA.headers.get("x-request-id"),
          messageKey: "timeout.request",
          params: { timeoutMs: 4000 },
          englishMessage: expect.stringMatching(/did not finish within 4000 ms/),
        },
      },
    ]);
    expect(leaksIn(answerA.text)).toEqual([]);
    expect(msA).toBeLessThan(requestTimeoutMs + 5_000);

    proxy.accept();
    expect(await b.dataSource.getRepository(Person).countBy({ ssin: lostSsin })).toBe(0);
    expect(await b.dataSource.getRepository(AuditEvent).countBy({ requestId: answerA.headers.get("x-request-id")! })).toBe(0);
    expect(await b.dataSource.getRepository(AuditEvent).countBy({ requestId: answerB.headers.get("x-request-id")! })).toBe(1);

    // The partitioned gateway serves again once the network is back, on fresh connections.
    const again = await graphql(a.url, addUser, {
      token: await a.token(manager),
      variables: { input: userInput(enterprise.number, lostSsin) },
    });
    expect(again.json).toEqual({
      data: { addUser: { id: expect.any(String), person: { ssin: expect.any(String) } } },
      extensions: { consistencyToken: expect.any(String) },
    });
  });
});

/**
 * A gateway whose reads reach the database through a TCP proxy that loses them: with a short statement bound and a long
 * request deadline, the client's own guard (the statement bound and 2 s) is what ends the wait.
 */
describeMysql("a read whose answer never comes [mysql]", () => {
  let proxy: TcpProxy;
  let gw: TestGateway;

  beforeAll(async () => {
    const server = serverOptions();
    proxy = await startTcpProxy({ host: server.host, port: server.port });
    gw = await startTestGateway(
      "mysql",
      { DATABASE_STATEMENT_TIMEOUT_MS: "500", REQUEST_TIMEOUT_MS: "30000" },
      { databaseUrl: (url) => proxy.via(url) },
    );
  });
  afterAll(async () => {
    proxy?.accept();
    await gw?.stop();
    await proxy?.close();
  });

  it("answers 503 TIMEOUT (STATEMENT_TIMEOUT), not a masked 500, whether the front door or a resolver was reading", async () => {
    const enterprise = await gw.seed.enterprise().withMainAccessManager().active().build();
    const other = await gw.seed.enterprise().build();
    const token = await gw.token(enterprise.mainAccessManager!);
    const read = async (query: string, variables?: Record<string, unknown>) => {
      const started = Date.now();
      const answer = await graphql(gw.url, query, { token, variables });
      proxy.accept();
      return { status: answer.status, errors: answer.json?.errors, leaks: leaksIn(answer.text), ms: Date.now() - started };
    };
    const timedOut = {
      status: 503,
      errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: "TIMEOUT", reason: "STATEMENT_TIMEOUT" }) })],
      leaks: [],
      ms: expect.any(Number),
    };

    // The viewer's lookup.
    proxy.blackhole({ when: /FROM `person` p LEFT JOIN/ });
    const frontDoor = await read("{ me { ssin } }");
    expect(frontDoor).toEqual(timedOut);
    // Another enterprise's row, read by a resolver's loader.
    proxy.blackhole({ when: /FROM `enterprise`/ });
    const resolver = await read("query ($n: EnterpriseNumber!) { enterprise(number: $n) { name } }", { n: other.number });
    expect(resolver).toEqual({
      ...timedOut,
      errors: [expect.objectContaining({ path: ["enterprise"], extensions: expect.objectContaining({ code: "TIMEOUT" }) })],
    });
    // Ended by the guard (500 ms and 2 s), far before the request's 30 s.
    expect(Math.max(frontDoor.ms, resolver.ms)).toBeLessThan(15_000);
  });
});
