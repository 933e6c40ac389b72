/**
 * Three gateways, one per node of a real 3-node MariaDB Galera cluster (test/support/galera.ts), racing the same
 * actions through different nodes. Galera answers a certification conflict with 1213 from COMMIT itself: the
 * transaction runner must take it as a rollback and retry it, never answer a masked 500. Run by
 * `npm run test:cluster` (jest.cluster.config.js), never by `npm test`.
 */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { gql } from "graphql-request";
import { startTestGateway, type TestGateway } from "../support/gateway";
import { startGaleraCluster, type GaleraCluster } from "../support/galera";
import { outcomes } from "../support/graphql";
import { captureLogs, type CapturedLogs } from "../support/logs";
import { ssin } from "../support/identities";
import { runScript } from "../support/processes";
import { scratchDirectory } from "../support/scratch";
import type { SeededEnterprise } from "../support/seed";
import { runTransaction } from "../../src/database/transaction";
import { policies } from "../../src/database/retry-policies";

const rounds = Number(process.env.CLUSTER_ROUNDS ?? 50);
/** MariaDB 10.11 with Galera: a trigger body cached broken after racing writes, until FLUSH TABLES (test/support/galera.ts). */
const triggerCacheFault = /Trigger '[^']*' has an error in its body|Unknown trigger has an error in its body/;
const database = "gateway";

const m = {
  appointMain: gql`
    mutation ($input: AppointMainAccessManagerInput!) {
      appointMainAccessManager(input: $input) {
        id
      }
    }
  `,
  appointProvider: gql`
    mutation ($input: AppointServiceProviderInput!) {
      appointServiceProvider(input: $input) {
        id
      }
    }
  `,
  addUser: gql`
    mutation ($input: AddUserInput!) {
      addUser(input: $input) {
        id
      }
    }
  `,
  endMandate: gql`
    mutation ($id: ID!) {
      endServiceProviderMandate(mandate: $id) {
        status
      }
    }
  `,
  deleteAccess: gql`
    mutation ($input: DeleteEnterpriseAccessInput!) {
      deleteEnterpriseAccess(input: $input) {
        status
      }
    }
  `,
};

const person = (s: string) => ({ ssin: s, givenName: "Race", familyName: `Runner ${s.slice(-4)}` });
const newUser = (enterprise: SeededEnterprise, s: string) => ({
  enterprise: enterprise.number,
  capacity: "EMPLOYER_NSSO",
  onlineServices: ["DIMONA"],
  person: person(s),
});

/** One racing request: which gateway sends it, the mutation's name (as the audit trail records it), and the request. */
interface Shot {
  via: number;
  mutation: string;
  send(gw: TestGateway): Promise<unknown>;
}

/** The outcomes of every experiment, by outcome: the race table the issue's note keeps. */
const table: Record<string, Record<string, number>> = {};
/** What the gateways logged for the failures they masked, by experiment: the causes of any 500. */
const causes: Record<string, Set<string>> = {};

describe("three gateways on a 3-node Galera cluster racing the same actions [galera]", () => {
  let cluster: GaleraCluster;
  const gws: TestGateway[] = [];
  const logs: CapturedLogs[] = [0, 1, 2].map(() => captureLogs("error"));

  beforeAll(async () => {
    cluster = await startGaleraCluster();
    const admin = await cluster.nodes[0].connect();
    await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    const env = { DEV_KEY_FILE: join(scratchDirectory("gateway-keys-"), "dev-signing-key.json") };
    const on = (i: number) => ({ database: { url: cluster.nodes[i].url(database), drop: async () => undefined }, logger: logs[i].logger });
    // The first gateway migrates the database through node 1; the others start on the migrated schema.
    gws.push(await startTestGateway("mysql", env, on(0)));
    gws.push(...(await Promise.all([1, 2].map((i) => startTestGateway("mysql", env, on(i))))));
    process.stdout.write(`Galera: 3 nodes Synced in ${cluster.startMs} ms, mariadbd RSS ${Math.round(cluster.memoryMb())} MB\n`);
  }, 240_000);

  // MariaDB 10.11 once kept a broken trigger body in one node's table cache after racing writes ("ER 1064 Unknown
  // trigger has an error in its body: 'Query was empty'") until FLUSH TABLES: each experiment starts on fresh ones.
  beforeEach(() => cluster.flushTables(database));

  afterAll(async () => {
    await Promise.all(gws.map((gw) => gw.stop().catch(() => undefined)));
    if (cluster) process.stdout.write(`Galera: mariadbd RSS at the end ${Math.round(cluster.memoryMb())} MB\n`);
    const conflicts = cluster
      ? `, certification failures ${await cluster.statusSum("wsrep_local_cert_failures")}, brute-force aborts ${await cluster.statusSum("wsrep_local_bf_aborts")}`
      : "";
    await cluster?.stop();
    const lines = Object.entries(table).map(
      ([name, counts]) =>
        `| ${name} | ${Object.entries(counts)
          .map(([o, n]) => `${o} ${n}`)
          .join(", ")} |${causes[name]?.size ? ` causes: ${[...causes[name]].join("; ")}` : ""}`,
    );
    const report = `Race table (${rounds} rounds each${conflicts}):\n${lines.join("\n")}\n`;
    process.stdout.write(report);
    if (process.env.RACE_TABLE) appendFileSync(process.env.RACE_TABLE, report);
  }, 60_000);

  /** Audit events written by `mutation` in these enterprises. */
  const audited = async (mutation: string, enterpriseIds: number[]): Promise<number> => {
    const [row] = await gws[0].dataSource.query(
      `SELECT COUNT(*) AS n FROM audit_event WHERE enterprise_id IN (${enterpriseIds.map(() => "?").join(", ")})
         AND JSON_UNQUOTE(JSON_EXTRACT(details, '$.mutation')) = ?`,
      [...enterpriseIds, mutation],
    );
    return Number(row.n);
  };

  /**
   * Runs `rounds` rounds of an experiment: `setup` seeds fresh enterprises through node 1 and returns the shots, which
   * are fired at once through their gateways; each success must leave exactly one audit event of its mutation.
   */
  async function race(name: string, setup: () => Promise<{ enterprises: SeededEnterprise[]; shots: Shot[] }>): Promise<string[][]> {
    const all: string[][] = [];
    const counts = (table[name] = {} as Record<string, number>);
    for (let round = 0; round < rounds; round++) {
      const { enterprises, shots } = await setup();
      const ids = enterprises.map((e) => e.id);
      const mutations = [...new Set(shots.map((s) => s.mutation))];
      const before = await Promise.all(mutations.map((mutation) => audited(mutation, ids)));
      const logged = logs.map((log) => log.lines().length);
      const results = await outcomes(shots.map((shot) => shot.send(gws[shot.via])));
      const masked = results.filter((r) => r === "INTERNAL_SERVER_ERROR").length;
      if (masked > 0) {
        const errors = logs.flatMap((log, i) => log.lines().slice(logged[i]));
        const messages = errors.map((line) => String((line.err as { message?: string } | undefined)?.message ?? line.msg));
        for (const text of messages) (causes[name] ??= new Set()).add(text.slice(0, 200));
        // MariaDB 10.11's trigger-cache fault (a server bug, not the gateway's: see flushTables): reported apart in the
        // race table, and cleared, when it explains every masked answer of the round.
        if (messages.length >= masked && messages.every((text) => triggerCacheFault.test(text))) {
          results.forEach((r, i) => r === "INTERNAL_SERVER_ERROR" && (results[i] = "INTERNAL_SERVER_ERROR:server-trigger-cache-fault"));
          await cluster.flushTables(database);
        }
      }
      for (const result of results) counts[result] = (counts[result] ?? 0) + 1;
      const after = await Promise.all(mutations.map((mutation) => audited(mutation, ids)));
      mutations.forEach((mutation, i) => {
        const successes = shots.filter((shot, j) => shot.mutation === mutation && results[j] === "ok").length;
        expect({ mutation, events: after[i] - before[i] }).toEqual({ mutation, events: successes });
      });
      all.push(results);
    }
    // No masked answer but the server's own trigger-cache fault, none without an answer.
    expect(all.flat().filter((r) => r === "INTERNAL_SERVER_ERROR" || r.startsWith("transport:"))).toEqual([]);
    return all;
  }

  const as = async (gwIndex: number, ssinOf: string) => gws[gwIndex].client(ssinOf);
  const seed = () => gws[0].seed;

  it("appoints a main access manager twice at once through two nodes", async () => {
    const all = await race("two appointMainAccessManager at once", async () => {
      const e = await seed().enterprise().build();
      const shot = (via: number): Shot => ({
        via,
        mutation: "appointMainAccessManager",
        send: async () =>
          (await as(via, e.legalRepresentative)).request(m.appointMain, { input: { enterprise: e.number, person: person(ssin()) } }),
      });
      return { enterprises: [e], shots: [shot(0), shot(1)] };
    });
    for (const results of all) expect(results).toContain("ok");
  });

  it("appoints the same provider twice at once", async () => {
    await race("the same provider appointed twice", async () => {
      const provider = await seed().enterprise().withMainAccessManager().active().withCapacity("SOCIAL_SERVICE_PROVIDER").build();
      const client = await seed().enterprise().withMainAccessManager().active().build();
      const shot = (via: number): Shot => ({
        via,
        mutation: "appointServiceProvider",
        send: async () =>
          (await as(via, client.legalRepresentative)).request(m.appointProvider, {
            input: { enterprise: client.number, provider: provider.number, capacity: "EMPLOYER_NSSO" },
          }),
      });
      return { enterprises: [client, provider], shots: [shot(1), shot(2)] };
    });
  });

  it("adds the same user twice at once", async () => {
    const all = await race("the same user added twice", async () => {
      const e = await seed().enterprise().withMainAccessManager().active().build();
      const user = ssin();
      const shot = (via: number): Shot => ({
        via,
        mutation: "addUser",
        send: async () => (await as(via, e.mainAccessManager!)).request(m.addUser, { input: newUser(e, user) }),
      });
      return { enterprises: [e], shots: [shot(0), shot(2)] };
    });
    for (const results of all) expect(results).toContain("ok");
  });

  it("ends a mandate twice at once", async () => {
    const all = await race("ending a mandate twice", async () => {
      const provider = await seed().enterprise().withMainAccessManager().active().withCapacity("SOCIAL_SERVICE_PROVIDER").build();
      const client = await seed().enterprise().withMainAccessManager().active().withServiceProvider(provider, "EMPLOYER_NSSO").build();
      const [mandate] = await gws[0].dataSource.query("SELECT id FROM service_provider_mandate WHERE client_id = ? AND status = 'ACTIVE'", [
        client.id,
      ]);
      const shot = (via: number): Shot => ({
        via,
        mutation: "endServiceProviderMandate",
        send: async () => (await as(via, client.legalRepresentative)).request(m.endMandate, { id: String(mandate.id) }),
      });
      return { enterprises: [client, provider], shots: [shot(0), shot(1)] };
    });
    for (const results of all) expect(results.filter((r) => r === "ok")).toHaveLength(1);
  });

  it("adds the same new person into two enterprises at once", async () => {
    const all = await race("the same new person into two enterprises", async () => {
      const [a, b] = await Promise.all([0, 1].map(() => seed().enterprise().withMainAccessManager().active().build()));
      const newcomer = ssin();
      const shot = (via: number, e: SeededEnterprise): Shot => ({
        via,
        mutation: "addUser",
        send: async () => (await as(via, e.mainAccessManager!)).request(m.addUser, { input: newUser(e, newcomer) }),
      });
      return { enterprises: [a, b], shots: [shot(1, a), shot(2, b)] };
    });
    for (const results of all) expect(results).toEqual(["ok", "ok"]);
  });

  it("deletes an enterprise's access while its main access manager adds a user", async () => {
    const all = await race("deleteEnterpriseAccess vs addUser", async () => {
      const e = await seed().enterprise().withMainAccessManager().active().build();
      return {
        enterprises: [e],
        shots: [
          {
            via: 0,
            mutation: "deleteEnterpriseAccess",
            send: async () =>
              (await as(0, e.legalRepresentative)).request(m.deleteAccess, { input: { enterprise: e.number, reason: "Race" } }),
          },
          {
            via: 2,
            mutation: "addUser",
            send: async () => (await as(2, e.mainAccessManager!)).request(m.addUser, { input: newUser(e, ssin()) }),
          },
        ],
      };
    });
    for (const results of all) expect(results[0]).toBe("ok");
  });

  it("retries a transaction whose COMMIT answers Galera's certification conflict (1213) instead of calling its outcome unknown", async () => {
    const [node1, node2] = [gws[0].dataSource, gws[1].dataSource];
    await node1.query("CREATE DATABASE IF NOT EXISTS probe");
    await node1.query("CREATE TABLE IF NOT EXISTS probe.counter (id INT PRIMARY KEY, n INT NOT NULL)");
    await node1.query("REPLACE INTO probe.counter VALUES (1, 0)");
    // wsrep_sync_wait=1 makes this read wait until node 2 has applied the row (an UPDATE alone would not wait for it).
    expect(await node2.query("SELECT n FROM probe.counter WHERE id = 1")).toEqual([{ n: 0 }]);
    const commitErrors: unknown[] = [];
    let attempts = 0;
    const result = await runTransaction({ dataSource: node1, policy: policies.action }, async (em) => {
      attempts++;
      await em.query("UPDATE probe.counter SET n = n + 1 WHERE id = 1");
      // The first attempt's write set loses: node 2 commits a change of the same row while it is still open on node 1,
      // so node 1 aborts it and answers its COMMIT with 1213.
      if (attempts === 1) expect(await node2.query("UPDATE probe.counter SET n = n + 100 WHERE id = 1")).toMatchObject({ affectedRows: 1 });
      return attempts;
    }).catch((error: unknown) => {
      commitErrors.push(error);
      return -1;
    });
    expect(commitErrors).toEqual([]);
    expect(result).toBe(2);
    const [row] = await node2.query("SELECT n FROM probe.counter WHERE id = 1");
    expect(row.n).toBe(101);
    await node1.query("DROP DATABASE probe");
  });

  it("leaves equal tables on every node and an audit trail that verifies against each", async () => {
    await cluster.flushTables(database);
    // The nodes apply what they certified asynchronously: their tables are equal once the last writes are applied.
    let sums = await cluster.checksums(database);
    for (
      let attempt = 0;
      attempt < 20 && (JSON.stringify(sums[1]) !== JSON.stringify(sums[0]) || JSON.stringify(sums[2]) !== JSON.stringify(sums[0]));
      attempt++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      sums = await cluster.checksums(database);
    }
    expect(Object.keys(sums[0]).length).toBeGreaterThan(5);
    expect(sums[1]).toEqual(sums[0]);
    expect(sums[2]).toEqual(sums[0]);
    for (const node of cluster.nodes) {
      const verified = await runScript("src/cli/audit-verify.ts", [], {
        DATABASE_URL: node.url(database),
        LOG_LEVEL: "silent",
        NODE_ENV: "test",
      });
      expect({ node: node.index, code: verified.code, out: verified.stdout.trim() }).toMatchObject({ node: node.index, code: 0 });
      expect(verified.stdout).toMatch(/^OK: \d+ events/m);
    }
  }, 120_000);
});
