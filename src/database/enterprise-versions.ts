import type { DataSource, QueryRunner } from "typeorm";
import type { Dialect } from "./data-source";

// Not data-source.ts's dialectOf: that module loads the migrations, and a migration loads this one.
const dialectOf = (dataSource: DataSource): Dialect => (dataSource.options.type === "better-sqlite3" ? "sqlite" : "mysql");

/**
 * Enterprise versions: the guarantee a cache of enterprise read models is built on (issue 11, point 5).
 *
 * **Every committed change of data shown as part of an enterprise moves `enterprise.version` up, in the same
 * transaction, whoever writes it**: the management actions, the expiry write-down and the sweep, the register import
 * (its own process), migrations, an operator's SQL. So a read model cached under (enterprise id, version) is current
 * for as long as that enterprise's row still holds that version, and one indexed read of the row tells. Database
 * triggers do it (migration 1764300000009), not application code, because not every writer is this application.
 *
 * What the guarantee does not cover:
 * - The enterprise's own row (number, name, status): it holds the version, is read fresh with it, and has no trigger
 *   (MySQL forbids a trigger from updating its own table).
 * - Time. A right with a `validUntil` reads as ended from that instant on (src/access/validity.ts) although nothing is
 *   written then; the version moves only when the expiry is written down (the next action of the enterprise, or the
 *   sweep). So the cache (src/model/enterprise-cache.ts) keeps every row not ended and each request keeps those
 *   current at its own instant.
 * - Ordering of reads. A label is only as good as the read behind it: the cache reads the versions and the rows in one
 *   consistent snapshot (src/model/row-reader.ts, readSnapshot). Read in separate statements, a commit in between
 *   could put older rows under a newer version.
 *
 * Each row write moves the version of every enterprise the row is shown in: on MySQL and SQLite triggers fire per
 * row, and an UPDATE moves both the old and the new row's enterprises (a key can change). The version only grows,
 * never by a fixed step: one action may move it many times. On MySQL the column is INT UNSIGNED (4,294,967,295
 * changes per enterprise, read as a JavaScript number by mysql2, where a BIGINT is read as a string) and the triggers
 * are created in strict SQL mode, which they then always run in: at the limit the write fails instead of the version
 * stopping. SQLite's INTEGER has 64 bits.
 *
 * Not fired, so not covered: MySQL's TRUNCATE and foreign-key cascades (the schema has none), SQLite's REPLACE
 * deleting a conflicting row (no delete trigger runs while `recursive_triggers` is off). And a schema change can lose
 * the triggers: on SQLite, TypeORM's addColumn, changeColumn, dropColumn (and others) rebuild the table, which drops its
 * triggers silently, and rebuilding `enterprise` fails while triggers name it; a migration doing either calls
 * `dropVersionTriggers` first and `createVersionTriggers` after. test/enterprise-versions.test.ts checks that every
 * versioned table has its triggers once all migrations have run.
 */

/** Where a row finds an enterprise it is shown in: its own column, or a column of the rows of another table that name it. */
export type EnterpriseOfRow =
  /** The row's `column` holds the enterprise's id. */
  | { column: string }
  /** The enterprises are the `through.enterprise` of the rows of `through.table` whose `through.match` equals the row's `column`. */
  | { column: string; through: { table: string; match: string; enterprise: string } };

export type RowEvent = "INSERT" | "UPDATE" | "DELETE";

export interface VersionedTable {
  table: string;
  enterprises: readonly EnterpriseOfRow[];
  events: readonly RowEvent[];
}

const everyWrite: readonly RowEvent[] = ["INSERT", "UPDATE", "DELETE"];

/** The tables whose rows are shown as part of an enterprise, and how each row finds its enterprises. */
export const versionedTables = [
  { table: "role_assignment", enterprises: [{ column: "enterprise_id" }], events: everyWrite },
  {
    table: "role_assignment_online_service",
    enterprises: [{ column: "assignment_id", through: { table: "role_assignment", match: "id", enterprise: "enterprise_id" } }],
    events: everyWrite,
  },
  { table: "enterprise_capacity", enterprises: [{ column: "enterprise_id" }], events: everyWrite },
  { table: "ebox", enterprises: [{ column: "enterprise_id" }], events: everyWrite },
  // A mandate is shown to both sides: the client's serviceProviders, the provider's clients.
  { table: "service_provider_mandate", enterprises: [{ column: "client_id" }, { column: "provider_id" }], events: everyWrite },
  { table: "structured_messaging_config", enterprises: [{ column: "enterprise_id" }], events: everyWrite },
  // A person is shown in every enterprise where they hold or held a role (ended assignments too: `asOf` lists them),
  // which covers every `grantedBy`, `activatedBy` and `configuredBy` (only role holders do those tasks), and as the
  // `appointedBy` of the mandates they appointed, which the provider is shown without that person holding a role
  // there. A new person is part of no enterprise until one of those rows names them, and that row's insert moves it:
  // no insert trigger.
  {
    table: "person",
    enterprises: [
      { column: "id", through: { table: "role_assignment", match: "person_id", enterprise: "enterprise_id" } },
      { column: "id", through: { table: "service_provider_mandate", match: "appointed_by_id", enterprise: "client_id" } },
      { column: "id", through: { table: "service_provider_mandate", match: "appointed_by_id", enterprise: "provider_id" } },
    ],
    events: ["UPDATE", "DELETE"],
  },
] as const satisfies readonly VersionedTable[];

export type VersionedTableName = (typeof versionedTables)[number]["table"];

/**
 * The tables that name an enterprise (or an assignment) but are not part of an enterprise's read model, and why: a
 * table added to the entities with such a key must be placed in one list or the other (test/enterprise-versions.test.ts).
 */
export const unversionedTables: Readonly<Record<string, string>> = {
  audit_event: "the audit trail: appended, never changed, read page by page by its own cursor, not cached",
  ebox_message: "the e-Box's messages: a page of their own read per request under USE_EBOX, not part of the read model",
  enterprise_status_history: "history for asOf answers: written beside the versioned change it records, never changed after",
  enterprise_capacity_history: "history for asOf answers: written beside the versioned change it records, never changed after",
  ebox_history: "history for asOf answers: written beside the versioned change it records, never changed after",
  role_assignment_online_service_history: "history for asOf answers: written beside the versioned change it records, never changed after",
};

/** The trigger's name: `tr_role_assignment_version_insert` (at most 64 characters, MySQL's limit). */
export function versionTriggerName(table: string, event: RowEvent): string {
  return `tr_${table}_version_${event.toLowerCase()}`;
}

/** The trigger's statements: one UPDATE of `enterprise` per kind of key, each moving an enterprise once. */
function bumpStatements(dialect: Dialect, { enterprises }: VersionedTable, event: RowEvent): string[] {
  const rows = event === "INSERT" ? ["NEW"] : event === "DELETE" ? ["OLD"] : ["OLD", "NEW"];
  const keys = (column: string) => rows.map((row) => `${row}.${column}`).join(", ");
  const own = enterprises.filter((e) => !("through" in e));
  const statements: string[] = [];
  if (own.length > 0) {
    statements.push(`UPDATE enterprise SET version = version + 1 WHERE id IN (${own.map((e) => keys(e.column)).join(", ")})`);
  }
  for (const e of enterprises) {
    if (!("through" in e)) continue;
    const { table, match, enterprise } = e.through;
    // MariaDB before 11.1 runs an IN (SELECT ...) of a single-table UPDATE once per row of `enterprise` (a scan that
    // locks every row); the multi-table form looks the enterprises up by key, and still updates each one once.
    statements.push(
      dialect === "mysql"
        ? `UPDATE enterprise e JOIN ${table} t ON t.${enterprise} = e.id SET e.version = e.version + 1 WHERE t.${match} IN (${keys(e.column)})`
        : `UPDATE enterprise SET version = version + 1 WHERE id IN (SELECT ${enterprise} FROM ${table} WHERE ${match} IN (${keys(e.column)}))`,
    );
  }
  return statements;
}

/** The CREATE TRIGGER statement of one table and event, in the dialect's syntax. */
export function versionTriggerSql(dialect: Dialect, table: VersionedTable, event: RowEvent): string {
  const statements = bumpStatements(dialect, table, event);
  const head = `CREATE TRIGGER ${versionTriggerName(table.table, event)} AFTER ${event} ON ${table.table} FOR EACH ROW`;
  if (dialect === "mysql" && statements.length === 1) return `${head} ${statements[0]}`;
  return `${head} BEGIN ${statements.map((s) => `${s};`).join(" ")} END`;
}

const definitionsOf = (names: readonly VersionedTableName[]): readonly VersionedTable[] =>
  names.map((name) => versionedTables.find((t) => t.table === name)!);

/**
 * Creates the triggers of these versioned tables (all by default). A migration names the tables it versions, so that
 * replaying it later does not meet a table that a newer migration creates.
 */
export async function createVersionTriggers(queryRunner: QueryRunner, tables: readonly VersionedTableName[] = versionedTables.map((t) => t.table)): Promise<void> {
  const dialect = dialectOf(queryRunner.connection);
  const restore = dialect === "mysql" ? await strictSqlMode(queryRunner) : async () => {};
  try {
    for (const table of definitionsOf(tables)) {
      for (const event of table.events) await queryRunner.query(versionTriggerSql(dialect, table, event));
    }
  } finally {
    await restore();
  }
}

/** Drops the triggers of these versioned tables (all by default), whether or not they exist. */
export async function dropVersionTriggers(queryRunner: QueryRunner, tables: readonly VersionedTableName[] = versionedTables.map((t) => t.table)): Promise<void> {
  for (const table of definitionsOf(tables)) {
    for (const event of table.events) await queryRunner.query(`DROP TRIGGER IF EXISTS ${versionTriggerName(table.table, event)}`);
  }
}

/** The names of the version triggers this database lacks (none when the guarantee holds): for tests and start-up checks. */
export async function missingVersionTriggers(dataSource: DataSource): Promise<string[]> {
  const rows: { name: string }[] =
    dialectOf(dataSource) === "mysql"
      ? await dataSource.query("SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()")
      : await dataSource.query("SELECT name FROM sqlite_master WHERE type = 'trigger'");
  const present = new Set(rows.map((r) => r.name));
  return versionedTables.flatMap((t) => t.events.map((event) => versionTriggerName(t.table, event))).filter((name) => !present.has(name));
}

/**
 * MySQL and MariaDB run a trigger in the SQL mode of the session that created it. Strict, an UPDATE past the
 * column's largest value fails; otherwise it would be clamped there, and the version would stop moving unseen.
 * Returns what restores the session's mode.
 */
async function strictSqlMode(queryRunner: QueryRunner): Promise<() => Promise<void>> {
  const [{ mode }] = (await queryRunner.query("SELECT @@SESSION.sql_mode AS mode")) as { mode: string }[];
  await queryRunner.query("SET SESSION sql_mode = ?", [[mode, "STRICT_ALL_TABLES"].filter(Boolean).join(",")]);
  return async () => {
    await queryRunner.query("SET SESSION sql_mode = ?", [mode]);
  };
}
