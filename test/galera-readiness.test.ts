import { existsSync } from "node:fs";
import type { Connection } from "mysql2/promise";
import { describeMysql } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { graphql } from "./support/http";
import { ssin } from "./support/identities";
import { captureLogs } from "./support/logs";
import { startOwnMariadb, type OwnMariadb } from "./support/mariadb-server";
import { testPort } from "./support/test-run";

const galera = "/usr/lib/galera/libgalera_smm.so";
const appoint = `mutation ($input: AppointMainAccessManagerInput!) { appointMainAccessManager(input: $input) { role } }`;

/** Asks `probe` again (every 100 ms, up to 10 s) until it gives `wanted`; returns the last answer. */
async function eventually<T>(probe: () => Promise<T>, wanted: T): Promise<T> {
  let last = await probe();
  for (let i = 1; i < 100 && last !== wanted; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await probe();
  }
  return last;
}

/**
 * One Galera node of the test's own (galera-4, a cluster of one, bootstrapped with `gcomm://`), on ports 121-124 above
 * TEST_PORT_BASE (33221-33224 by default).
 * `SET GLOBAL wsrep_cluster_address = ''` takes it out of its cluster at once (wsrep_ready OFF, every statement on a
 * table refused with 1047, as a node joining or outside the primary component), `'gcomm://'` bootstraps it again.
 */
describeMysql("a Galera node that is not ready [mysql, galera]", () => {
  let server: OwnMariadb;
  let admin: Connection;
  let gw: TestGateway;
  const readyz = async () => {
    const response = await fetch(new URL("/readyz", gw.url));
    return { status: response.status, body: (await response.json()) as { status: string; reason?: string } };
  };
  const readiness = async () => (await readyz()).status;

  beforeAll(async () => {
    if (!existsSync(galera)) throw new Error(`galera-4 is not installed (${galera}): apt-get install galera-4`);
    server = await startOwnMariadb(testPort(121), [
      "--binlog-format=ROW",
      "--innodb-autoinc-lock-mode=2",
      "--wsrep-on=ON",
      `--wsrep-provider=${galera}`,
      "--wsrep-cluster-address=gcomm://",
      "--wsrep-node-address=127.0.0.1",
      `--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:${testPort(122)};ist.recv_addr=127.0.0.1:${testPort(123)}`,
      `--wsrep-sst-receive-address=127.0.0.1:${testPort(124)}`,
    ]);
    admin = await server.admin();
    await admin.query("CREATE DATABASE access");
    gw = await startTestGateway(
      "mysql",
      {},
      { database: { url: server.url("access"), drop: async () => {} }, logger: captureLogs().logger },
    );
  }, 90_000);
  afterAll(async () => {
    await gw?.stop();
    await admin?.end();
    await server?.stop();
  }, 30_000);

  it("reads with causality on a Galera node: every session it opens waits for what the cluster certified (wsrep_sync_wait=1)", async () => {
    // The node's own default is 0: the gateway sets it on its sessions.
    const [[global]] = (await admin.query("SELECT @@GLOBAL.wsrep_sync_wait AS n")) as unknown as [{ n: number }[]];
    expect(Number(global.n)).toBe(0);
    const [session] = (await gw.dataSource.query("SELECT @@SESSION.wsrep_sync_wait AS n")) as { n: string }[];
    expect(Number(session.n)).toBe(1);
  });

  it("answers 503 UNAVAILABLE NODE_NOT_READY (1047, or 1205 from a causal read) and /readyz 503 while the node is out of its cluster, and recovers by itself", async () => {
    const enterprise = await gw.seed.enterprise().build();
    const token = await gw.token(enterprise.legalRepresentative);
    expect(await readyz()).toEqual({ status: 200, body: { status: "ready" } });

    await admin.query("SET GLOBAL wsrep_cluster_address = ''");
    expect(await eventually(readiness, 503)).toBe(503);
    expect((await readyz()).body).toEqual({
      status: "unavailable",
      reason: expect.stringMatching(/^galera node not ready \(wsrep_ready=OFF, wsrep_local_state_comment=\w+/),
    });
    const query = await graphql(gw.url, "{ me { ssin } }", { token });
    expect(query.status).toBe(503);
    expect(query.headers.get("retry-after")).toBe("2");
    expect(query.json?.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: "UNAVAILABLE", reason: "NODE_NOT_READY" }) }),
    ]);
    const input = { enterprise: enterprise.number, person: { ssin: ssin(), givenName: "Not", familyName: "Ready" } };
    const mutation = await graphql(gw.url, appoint, { token, variables: { input } });
    expect(mutation.status).toBe(503);
    expect(mutation.json?.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: "UNAVAILABLE" }) })]);

    await admin.query("SET GLOBAL wsrep_cluster_address = 'gcomm://'");
    expect(await eventually(readiness, 200)).toBe(200);
    const applied = await graphql(gw.url, appoint, { token, variables: { input } });
    expect(applied.json).toEqual({
      data: { appointMainAccessManager: { role: "MAIN_ACCESS_MANAGER" } },
      extensions: { consistencyToken: expect.any(String) },
    });
  });

  it("reports not ready while the node is not Synced (desynced), and ready again once it is", async () => {
    await admin.query("SET GLOBAL wsrep_desync = ON");
    try {
      expect(await eventually(readiness, 503)).toBe(503);
      expect((await readyz()).body.reason).toMatch(/wsrep_local_state_comment=Donor\/Desynced/);
    } finally {
      await admin.query("SET GLOBAL wsrep_desync = OFF");
    }
    expect(await eventually(readiness, 200)).toBe(200);
  });
});
