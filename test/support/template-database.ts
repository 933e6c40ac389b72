import { createConnection, type Connection, type RowDataPacket } from "mysql2/promise";
import { openDatabase } from "../../src/database/data-source";
import { runDatabasePrefix, runId } from "./test-run";

/**
 * The run's migrated MySQL database, made once by the global setup, of which every gateway's database is a copy:
 * migrating a MariaDB database runs about 280 statements, most of them DDL (seconds each time on a busy machine);
 * a copy is its 20 tables, 20 triggers and the 5 tables that hold rows (the catalog, the migrations, the versions'
 * state), about a third of the time. What the copy leaves out, the gateway's start would find and migrate: the
 * migrations themselves are run here, by the suites that migrate databases of their own (catalog-migrations,
 * enterprise-versions, charset, server-requirements, cli), and by every start on SQLite.
 */
export const templateDatabase = (run: string = runId): string => `${runDatabasePrefix(run)}template`;

const mysqlOptions = () => {
  const url = new URL(process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306");
  return {
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || "root"),
    password: decodeURIComponent(url.password),
    // The connection the migrations ran on had this charset: the triggers record it, the copies' must match.
    charset: "utf8mb4_unicode_ci",
  };
};

const mysqlUrl = (database: string) => {
  const { host, port, user, password } = mysqlOptions();
  return `mysql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${database}`;
};

/** Makes the run's template (the global setup); false when there is no MySQL server to make it on. */
export async function createTemplateDatabase(run: string): Promise<boolean> {
  let admin: Connection;
  try {
    admin = await createConnection({ ...mysqlOptions(), connectTimeout: 3000 });
  } catch {
    return false;
  }
  try {
    await admin.query(`CREATE DATABASE \`${templateDatabase(run)}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  await (await openDatabase({ url: mysqlUrl(templateDatabase(run)) })).destroy();
  return true;
}

export async function dropTemplateDatabase(run: string): Promise<void> {
  const admin = await createConnection(mysqlOptions()).catch(() => null);
  if (!admin) return;
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${templateDatabase(run)}\``);
  } finally {
    await admin.end();
  }
}

interface TemplateSchema {
  /** CREATE TABLE statements, as SHOW CREATE TABLE gives them (foreign keys, indexes, AUTO_INCREMENT included). */
  tables: string[];
  /** The tables that hold rows, copied whole. */
  withRows: string[];
  /** CREATE TRIGGER statements, each with the sql_mode it was created under. */
  triggers: { statement: string; sqlMode: string }[];
}

let schema: Promise<TemplateSchema | null> | undefined;

/** The template's schema, read once per process; null when the run has no template (no global setup, no MySQL). */
function templateSchema(admin: Connection): Promise<TemplateSchema | null> {
  schema ??= (async () => {
    const template = templateDatabase();
    const [tableRows] = await admin.query<RowDataPacket[]>(
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
      [template],
    );
    if (tableRows.length === 0) return null;
    const tables: string[] = [];
    const withRows: string[] = [];
    for (const { name } of tableRows) {
      const [[created]] = await admin.query<RowDataPacket[]>(`SHOW CREATE TABLE \`${template}\`.\`${name}\``);
      tables.push(created["Create Table"] as string);
      const [[count]] = await admin.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${template}\`.\`${name}\``);
      if (Number(count.n) > 0) withRows.push(name as string);
    }
    const [triggerRows] = await admin.query<RowDataPacket[]>(`SHOW TRIGGERS FROM \`${template}\``);
    const triggers: TemplateSchema["triggers"] = [];
    for (const { Trigger: trigger } of triggerRows) {
      const [[created]] = await admin.query<RowDataPacket[]>(`SHOW CREATE TRIGGER \`${template}\`.\`${trigger}\``);
      triggers.push({
        statement: (created["SQL Original Statement"] as string).replace(/^CREATE\s+DEFINER=\S+\s+TRIGGER/i, "CREATE TRIGGER"),
        sqlMode: created.sql_mode as string,
      });
    }
    return { tables, withRows, triggers };
  })();
  // A failed read is tried again by the next copy, not remembered.
  schema.catch(() => (schema = undefined));
  return schema;
}

/**
 * Fills the empty database `name` with a copy of the run's template; false (and nothing done) when the run has none,
 * so that the gateway's start migrates it.
 */
export async function copyTemplateDatabase(name: string): Promise<boolean> {
  const admin = await createConnection(mysqlOptions());
  try {
    const template = await templateSchema(admin);
    if (!template) return false;
    await admin.query(`USE \`${name}\``);
    await admin.query("SET FOREIGN_KEY_CHECKS = 0");
    for (const statement of template.tables) await admin.query(statement);
    for (const table of template.withRows)
      await admin.query(`INSERT INTO \`${table}\` SELECT * FROM \`${templateDatabase()}\`.\`${table}\``);
    await admin.query("SET FOREIGN_KEY_CHECKS = 1");
    for (const { statement, sqlMode } of template.triggers) {
      await admin.query("SET SESSION sql_mode = ?", [sqlMode]);
      await admin.query(statement);
    }
    return true;
  } finally {
    await admin.end();
  }
}
