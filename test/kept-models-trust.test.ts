import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { gql } from "graphql-request";
import { createConnection, type RowDataPacket } from "mysql2/promise";
import { createVersionTriggers, dropVersionTriggers } from "../src/database/enterprise-versions";
import type { EnterpriseCache } from "../src/read/enterprise-cache";
import { describeEachDatabase, serverOptions, type DialectName } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { ssin } from "./support/identities";
import { captureLogs, type CapturedLogs } from "./support/logs";
import type { SeededEnterprise } from "./support/seed";

const users = gql`
  query Users($e: EnterpriseNumber!) {
    enterprise(number: $e) {
      roleAssignments(first: 100, role: USER) {
        nodes {
          person {
            givenName
            familyName
          }
        }
      }
    }
  }
`;
const addUser = gql`
  mutation ($input: AddUserInput!) {
    addUser(input: $input) {
      id
    }
  }
`;

const databaseOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));
const sqlitePath = (url: string) => url.slice("sqlite:".length);

/**
 * A copy of a database taken while gateways run, and its restore over the live one: what an operator's dump and
 * restore do. SQLite: the online backup API, both ways. MariaDB: the tables copied into a database of their own and
 * back; the enterprise rows last, as a dump whose triggers are created after its rows leaves them (the rows restored
 * before fire the live triggers, whose moves the enterprise rows then overwrite).
 */
interface DatabaseCopy {
  restore(): Promise<void>;
  drop(): Promise<void>;
}

async function copyOf(dialect: DialectName, url: string): Promise<DatabaseCopy> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "restore-"));
    const file = join(dir, "copy.sqlite");
    const live = new Database(sqlitePath(url));
    try {
      await live.backup(file);
    } finally {
      live.close();
    }
    return {
      async restore() {
        const copy = new Database(file);
        try {
          await copy.backup(sqlitePath(url));
        } finally {
          copy.close();
        }
      },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const live = databaseOf(url);
  const copy = `${live}_copy`;
  const admin = await createConnection(serverOptions());
  const [tables] = await admin.query<RowDataPacket[]>(
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'",
    [live],
  );
  const names = tables.map((t) => String(t.name)).sort((a, b) => Number(a === "enterprise") - Number(b === "enterprise"));
  try {
    await admin.query(`CREATE DATABASE \`${copy}\``);
    for (const name of names) {
      await admin.query(`CREATE TABLE \`${copy}\`.\`${name}\` LIKE \`${live}\`.\`${name}\``);
      await admin.query(`INSERT INTO \`${copy}\`.\`${name}\` SELECT * FROM \`${live}\`.\`${name}\``);
    }
  } finally {
    await admin.end();
  }
  return {
    async restore() {
      const c = await createConnection(serverOptions());
      try {
        await c.query("SET FOREIGN_KEY_CHECKS = 0");
        for (const name of names) {
          await c.query(`DELETE FROM \`${live}\`.\`${name}\``);
          await c.query(`INSERT INTO \`${live}\`.\`${name}\` SELECT * FROM \`${copy}\`.\`${name}\``);
        }
      } finally {
        await c.end();
      }
    },
    async drop() {
      const c = await createConnection(serverOptions());
      await c.query(`DROP DATABASE IF EXISTS \`${copy}\``);
      await c.end();
    },
  };
}

describeEachDatabase("kept read models and the state they were read from", (dialect) => {
  let a: TestGateway;
  let b: TestGateway;
  let logsOfA: CapturedLogs;
  const cacheOf = (gw: TestGateway): EnterpriseCache => gw.gateway.enterpriseCache!;

  beforeAll(async () => {
    logsOfA = captureLogs();
    a = await startTestGateway(dialect, {}, { logger: logsOfA.logger });
    b = await startTestGateway(dialect, {}, { database: a.database });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  const version = async (e: SeededEnterprise): Promise<number> =>
    Number((await a.dataSource.query("SELECT version FROM enterprise WHERE id = ?", [e.id]))[0].version);
  const userNames = async (gw: TestGateway, e: SeededEnterprise): Promise<string[]> => {
    const answer = await (
      await gw.client(e.mainAccessManager!)
    ).request<{ enterprise: { roleAssignments: { nodes: { person: { familyName: string } }[] } } }>(users, { e: e.number });
    return answer.enterprise.roleAssignments.nodes.map((n) => n.person.familyName).sort();
  };
  const readiness = async (gw: TestGateway) => {
    const response = await fetch(new URL("/readyz", gw.url));
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it("serves no kept model after a restore, however far the enterprise is changed afterwards", async () => {
    const e = await a.seed.enterprise().withMainAccessManager().active().withUser("EMPLOYER_NSSO", ["DIMONA"]).build();
    const [assignment] = await a.dataSource.query("SELECT id FROM role_assignment WHERE enterprise_id = ? AND role = 'USER'", [e.id]);
    const copy = await copyOf(dialect, a.database.url);
    try {
      await (
        await a.client(e.mainAccessManager!)
      ).request(addUser, {
        input: {
          enterprise: e.number,
          capacity: "EMPLOYER_NSSO",
          onlineServices: ["DIMONA"],
          person: { ssin: ssin(), givenName: "Gone", familyName: "After Restore" },
        },
      });
      expect(await userNames(b, e)).toContain("After Restore");
      const hits = cacheOf(b).stats.hits;
      expect(await userNames(b, e)).toContain("After Restore");
      expect(cacheOf(b).stats.hits).toBeGreaterThan(hits);
      const kept = await version(e);

      await copy.restore();
      expect(await version(e)).toBeLessThan(kept);
      // An operator's writes until the version is back where B's model was kept (with a counter: exactly there).
      for (let i = 0; i < 10_000 && (await version(e)) < kept; i++) {
        await a.dataSource.query("UPDATE role_assignment SET granted_at = granted_at WHERE id = ?", [assignment.id]);
      }
      expect(await userNames(b, e)).not.toContain("After Restore");
      expect(await userNames(a, e)).not.toContain("After Restore");
      expect(await version(e)).not.toBe(kept);
    } finally {
      await copy.drop();
    }
  });

  it("notices triggers lost while gateways run at the next action: its own write shows, and no gateway serves a kept model from then on", async () => {
    const e = await a.seed.enterprise().withMainAccessManager().active().withUser("EMPLOYER_NSSO", ["DIMONA"]).build();
    for (const gw of [a, b]) for (let i = 0; i < 2; i++) await userNames(gw, e);
    expect(await readiness(b)).toEqual({ status: 200, body: { status: "ready" } });

    const runner = a.dataSource.createQueryRunner();
    try {
      await dropVersionTriggers(runner);
      await (
        await a.client(e.mainAccessManager!)
      ).request(addUser, {
        input: {
          enterprise: e.number,
          capacity: "EMPLOYER_NSSO",
          onlineServices: ["DIMONA"],
          person: { ssin: ssin(), givenName: "Seen", familyName: "Without Triggers" },
        },
      });
      const hits = [cacheOf(a).stats.hits, cacheOf(b).stats.hits];
      expect(await userNames(a, e)).toContain("Without Triggers");
      expect(await userNames(b, e)).toContain("Without Triggers");
      // A change made now, beside every gateway, shows at once too: nothing is answered from a kept model.
      await a.dataSource.query(
        "UPDATE person SET family_name = 'Renamed Meanwhile' WHERE id = (SELECT person_id FROM role_assignment WHERE enterprise_id = ? AND role = 'USER' ORDER BY id LIMIT 1)",
        [e.id],
      );
      expect(await userNames(b, e)).toContain("Renamed Meanwhile");
      expect(await userNames(a, e)).toContain("Renamed Meanwhile");
      expect([cacheOf(a).stats.hits, cacheOf(b).stats.hits]).toEqual(hits);

      for (const gw of [a, b]) {
        const ready = await readiness(gw);
        expect(ready.status).toBe(200);
        expect(ready.body).toMatchObject({ status: "ready", degraded: { enterpriseReadModels: expect.stringMatching(/version/i) } });
      }
      expect(logsOfA.lines().filter((l) => l.level === "error" && /enterprise version/i.test(String(l.msg)))).toHaveLength(1);
    } finally {
      await createVersionTriggers(runner);
      await runner.release();
    }

    // Triggers back, a gateway's start clears the state: every version relabelled, so no model kept before serves again.
    const c = await startTestGateway(dialect, {}, { database: a.database });
    try {
      await a.dataSource.query("UPDATE person SET family_name = 'Renamed Again' WHERE family_name = 'Renamed Meanwhile'");
      for (const gw of [a, b, c]) {
        expect(await readiness(gw)).toEqual({ status: 200, body: { status: "ready" } });
        expect(await userNames(gw, e)).toContain("Renamed Again");
      }
      const hits = cacheOf(b).stats.hits;
      expect(await userNames(b, e)).toEqual(await userNames(c, e));
      expect(cacheOf(b).stats.hits).toBeGreaterThan(hits);
    } finally {
      await c.stop();
    }
  });
});
