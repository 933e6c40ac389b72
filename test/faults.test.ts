import { createConnection, type Connection, type RowDataPacket } from "mysql2/promise";
import { AuditEvent, Enterprise } from "../src/domain/entities";
import { describeMysql, serverOptions } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { graphql, leaksIn, maskedError } from "./support/http";
import { ssin } from "./support/identities";
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

  it("reports not ready while the database is unreachable, answers a masked error meanwhile, and recovers by itself", async () => {
    const token = await gw.token(ssin());
    expect(await readiness()).toBe(200);

    proxy.refuse();
    expect(await readiness()).toBe(503);
    const meanwhile = await graphql(gw.url, "{ me { ssin } }", { token });
    expect(meanwhile.status).toBe(500);
    // The viewer could not be looked up: no language of theirs, so Accept-Language (none), so English.
    expect(meanwhile.json?.errors).toEqual([maskedError({ requestId: meanwhile.headers.get("x-request-id") })]);
    expect(leaksIn(meanwhile.text)).toEqual([]);
    expect(logs.lines()).toContainEqual(expect.objectContaining({ level: "error", requestId: meanwhile.headers.get("x-request-id") }));

    proxy.accept();
    expect(await eventually(readiness, 200)).toBe(200);
    const after = await graphql(gw.url, "{ me { ssin } }", { token });
    expect(after.json).toMatchObject({ data: { me: { ssin: expect.any(String) } } });
  });

  it("rolls back a mutation whose connection is killed before it commits, answers a masked error, and takes the same mutation afterwards", async () => {
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
      expect(answer.json?.data).toBeNull();
      expect(answer.json?.errors).toEqual([
        maskedError({ requestId: answer.headers.get("x-request-id"), path: ["appointMainAccessManager"], language: "NL" }),
      ]);
      expect(leaksIn(answer.text)).toEqual([]);
    } finally {
      await admin.query("UNLOCK TABLES");
    }

    expect(await snapshot(gw.dataSource)).toEqual(before);
    expect(await readiness()).toBe(200);

    const retried = await graphql(gw.url, appoint, { token, variables: { input } });
    expect(retried.json).toEqual({
      data: { appointMainAccessManager: { role: "MAIN_ACCESS_MANAGER", enterprise: { status: "PENDING_ACTIVATION" } } },
    });
    const stored = await gw.dataSource.getRepository(Enterprise).findOneByOrFail({ number: enterprise.number });
    expect(await gw.dataSource.getRepository(AuditEvent).countBy({ enterpriseId: stored.id })).toBe(1);
  });
});
