import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";
import { copyTemplateDatabase } from "./template-database";
import { runDatabasePrefix } from "./test-run";

/**
 * The databases every suite runs on: an embedded SQLite file, and a scratch MariaDB/MySQL database on the server
 * named by TEST_MYSQL_URL (default mysql://root@127.0.0.1:3306). With REQUIRE_MYSQL=1 (CI) a server that cannot be
 * reached fails the suite; without it the MySQL cases are reported as skipped, never as passed.
 */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export type DialectName = "sqlite" | "mysql";

const mysqlServer = process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
/** `npm run test:quick` (TEST_DATABASES=sqlite): the edit-run loop on the embedded database alone; it outranks REQUIRE_MYSQL. */
const sqliteOnly = process.env.TEST_DATABASES === "sqlite";
export const mysqlRequired = process.env.REQUIRE_MYSQL === "1" && !sqliteOnly;

export function serverOptions() {
  const url = new URL(mysqlServer);
  return {
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || "root"),
    password: decodeURIComponent(url.password),
  };
}

let reachable: Promise<boolean> | undefined;

export function mysqlReachable(): Promise<boolean> {
  reachable ??= createConnection({ ...serverOptions(), connectTimeout: 3000 }).then(
    async (c) => {
      await c.end();
      return true;
    },
    (error: Error) => {
      if (mysqlRequired) throw new Error(`REQUIRE_MYSQL=1 but the MySQL server at ${mysqlServer} cannot be reached: ${error.message}`);
      return false;
    },
  );
  return reachable;
}

/**
 * A scratch database; `characterSet` (MySQL) is its default, utf8mb4 unless a test wants an older deployment's. Its
 * name starts with the run's prefix (TEST_DB_PREFIX and the run's id: test/support/test-run.ts); `drop` removes it.
 * Empty, unless `fromTemplate` (a gateway's own database): on MySQL it is then a copy of the run's migrated template
 * (test/support/template-database.ts), when the run has one.
 */
export async function createTestDatabase(
  dialect: DialectName,
  { characterSet = "utf8mb4 COLLATE utf8mb4_unicode_ci", fromTemplate = false }: { characterSet?: string; fromTemplate?: boolean } = {},
): Promise<TestDatabase> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "gateway-test-"));
    return { url: `sqlite:${join(dir, "access.sqlite")}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `${runDatabasePrefix()}${randomBytes(4).toString("hex")}`;
  const admin = await createConnection(serverOptions());
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET ${characterSet}`);
  await admin.end();
  const { host, port, user, password } = serverOptions();
  const drop = async () => {
    const c = await createConnection(serverOptions());
    await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await c.end();
  };
  try {
    if (fromTemplate) await copyTemplateDatabase(name);
  } catch (error) {
    await drop();
    throw error;
  }
  return { url: `mysql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${name}`, drop };
}

/**
 * `describe` once per dialect. The MySQL block checks the server first: it fails under REQUIRE_MYSQL=1, and is
 * skipped (visibly) otherwise.
 */
export function describeEachDatabase(title: string, body: (dialect: DialectName) => void): void {
  describe(`${title} [sqlite]`, () => body("sqlite"));
  describeMysql(`${title} [mysql]`, () => body("mysql"));
}

/**
 * A suite that needs the MySQL server: it fails when the server cannot be reached, unless SKIP_MYSQL=1 says to skip it
 * (or TEST_DATABASES=sqlite, `npm run test:quick`).
 */
export function describeMysql(title: string, body: () => void): void {
  const mysqlDescribe = (process.env.SKIP_MYSQL === "1" && !mysqlRequired) || sqliteOnly ? describe.skip : describe;
  mysqlDescribe(title, () => {
    beforeAll(async () => {
      if (!(await mysqlReachable())) {
        throw new Error(
          `The MySQL server at ${mysqlServer} cannot be reached; set SKIP_MYSQL=1 to skip the MySQL suites on a machine without one`,
        );
      }
    });
    body();
  });
}
