import type { DataSource, EntityManager, QueryRunner } from "typeorm";
import { dialectOf, missingTriggers, type Dialect } from "./dialect";
import { databaseName, ServerRequirementError, triggerPrivilegeRemedy } from "./server-requirements";

/**
 * Enterprise versions: the guarantee a cache of enterprise read models is built on.
 *
 * **Every committed change of data shown as part of an enterprise moves `enterprise.version` to a value that no
 * state of that enterprise ever had before, in the same transaction, whoever writes it**: the management actions, the
 * expiry write-down and the sweep, the register import (its own process), migrations, an operator's SQL. So a read
 * model cached under (enterprise id, version) is current for as long as that enterprise's row still holds that
 * version, and one indexed read of the row tells. Database triggers do it (migrations 1764300000009 and
 * 1764300000010), not application code, because not every writer is this application.
 *
 * The label: each trigger sets `version = GREATEST(version + 1, <the database's clock in
 * microseconds since 1970>)`, a 64-bit value about 1.8e15 today (far below 2^53: JavaScript reads it exactly). Not a
 * per-enterprise counter: a restore, a point-in-time recovery or a failover to a replica that was behind moves a
 * counter back, and the next writes reach the same numbers again with other content, which a process keeping a model
 * under that number would serve. With the clock, the first write after any of those jumps past every label issued
 * before it (labels are never ahead of the clock that issued them, but for the `+ 1` of more than a million changes of
 * one enterprise in a second), and an operator resetting the column to 0 (or any older value) does the same. Within
 * one history the value still only grows, and every write gives a new one, so the cache's "two newest versions of an
 * enterprise" are the two latest states of it. What this assumes: the clock of the database that writes (MariaDB's
 * UTC_TIMESTAMP(6), to the microsecond; the SQLite process's clock, to the millisecond) has ticked between a label
 * being issued and the first write after a restore, and does not run back further than that time; and a restore is a consistent copy (a dump taken in one snapshot restores each
 * enterprise with the version its rows had, a label naming exactly that content). A random label would not need the
 * clock, but it would lose the order the cache keeps its two newest versions by, and a replica read behind asks for
 * the older one. Writing a chosen version into `enterprise.version` by hand is not covered: that forges a label.
 *
 * Lost triggers: a dump restored without its triggers (`--skip-triggers`), or a table rebuilt
 * without them, leaves versions still while data changes. Every management action checks, before its COMMIT, that
 * the versions of the enterprises it changed moved (src/management/versions-moved.ts); one that did not records it in
 * `enterprise_version_state`, in the same transaction, and every read of a version on the read side reads it as null
 * from then on (`trustedVersionSql`, in the same statement as the version): no process takes a kept model until a
 * start finds every trigger again, gives every enterprise a new version and clears the record (`trustVersionsAgain`).
 *
 * What the guarantee does not cover:
 * - The enterprise's own row (number, name, status): it holds the version, is read fresh with it, and has no trigger
 *   (MySQL forbids a trigger from updating its own table).
 * - Time. A right with a `validUntil` reads as ended from that instant on (src/domain/validity.ts) although nothing is
 *   written then; the version moves only when the expiry is written down (the next action of the enterprise, or the
 *   sweep). So the cache (src/read/enterprise-cache.ts) keeps every row not ended and each request keeps those
 *   current at its own instant.
 * - Ordering of reads. A label is only as good as the read behind it: the cache reads the versions and the rows in one
 *   consistent snapshot (src/read/row-reader.ts, readSnapshot). Read in separate statements, a commit in between
 *   could put older rows under a newer version.
 *
 * Each row write moves the version of every enterprise the row is shown in: on MySQL and SQLite triggers fire per
 * row, and an UPDATE moves both the old and the new row's enterprises (a key can change). On MySQL the column is
 * BIGINT UNSIGNED (mysql2 reads it as a string, which the read side and the entity turn into a number) and the
 * triggers are created in strict SQL mode, which they then always run in: at the limit the write fails instead of the
 * version stopping. SQLite's INTEGER has 64 bits.
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
  access_change:
    "the log of changes that accessDelta reads: appended by triggers beside the versioned change, never changed after, pruned past the retention",
  audit_event: "the audit trail: appended, never changed, read page by page by its own cursor, not cached",
  ebox_message: "the e-Box's messages: a page of their own read per request under USE_EBOX, not part of the read model",
  enterprise_status_history: "history for asOf answers: written beside the versioned change it records, never changed after",
  enterprise_capacity_history: "history for asOf answers: written beside the versioned change it records, never changed after",
  ebox_history: "history for asOf answers: written beside the versioned change it records, never changed after",
  role_assignment_online_service_history: "history for asOf answers: written beside the versioned change it records, never changed after",
  access_request:
    "access requests: named by enterprise number, since the enterprise may not exist; read per request by those who decide them, never as part of the read model, so that a stranger's request moves nothing they could observe",
  access_review:
    "access reviews: read page by page under the review's rules, not cached as part of an enterprise; a decision moves the version through role_assignment",
  access_review_item:
    "the items of an access review: read page by page under the review's rules; a decision moves the version through role_assignment",
  assignment_name_key:
    "the folded names of the assignments not ended, by enterprise, for search (src/database/name-keys.ts): derived by triggers from role_assignment and person, whose writes move the versions",
  idempotent_request:
    "the stored answers of mutations sent with an Idempotency-Key: a viewer's retries read them by key, never as part of an enterprise",
};

/** The trigger's name: `tr_role_assignment_version_insert` (at most 64 characters, MySQL's limit). */
export function versionTriggerName(table: string, event: RowEvent): string {
  return `tr_${table}_version_${event.toLowerCase()}`;
}

/** How a trigger moves a version: past the clock (today's), or by one (migration 1764300000009's, which its undo restores). */
export type VersionStep = "clock" | "counter";

/** The database's clock in microseconds since 1970, UTC whatever the session's time zone. */
function clockMicrosSql(dialect: Dialect): string {
  return dialect === "mysql"
    ? "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6))"
    : "CAST(unixepoch('subsec') * 1000000 AS INTEGER)";
}

/** The next version after `column`'s: see the comment at the top. */
export function nextVersionSql(dialect: Dialect, column: string, step: VersionStep = "clock"): string {
  if (step === "counter") return `${column} + 1`;
  return `${dialect === "mysql" ? "GREATEST" : "MAX"}(${column} + 1, ${clockMicrosSql(dialect)})`;
}

/** The trigger's statements: one UPDATE of `enterprise` per kind of key, each moving an enterprise once. */
function bumpStatements(dialect: Dialect, { enterprises }: VersionedTable, event: RowEvent, step: VersionStep): string[] {
  const rows = event === "INSERT" ? ["NEW"] : event === "DELETE" ? ["OLD"] : ["OLD", "NEW"];
  const keys = (column: string) => rows.map((row) => `${row}.${column}`).join(", ");
  const own = enterprises.filter((e) => !("through" in e));
  const statements: string[] = [];
  if (own.length > 0) {
    statements.push(
      `UPDATE enterprise SET version = ${nextVersionSql(dialect, "version", step)} WHERE id IN (${own.map((e) => keys(e.column)).join(", ")})`,
    );
  }
  for (const e of enterprises) {
    if (!("through" in e)) continue;
    const { table, match, enterprise } = e.through;
    // MariaDB before 11.1 runs an IN (SELECT ...) of a single-table UPDATE once per row of `enterprise` (a scan that
    // locks every row); the multi-table form looks the enterprises up by key, and still updates each one once.
    statements.push(
      dialect === "mysql"
        ? `UPDATE enterprise e JOIN ${table} t ON t.${enterprise} = e.id SET e.version = ${nextVersionSql(dialect, "e.version", step)} WHERE t.${match} IN (${keys(e.column)})`
        : `UPDATE enterprise SET version = ${nextVersionSql(dialect, "version", step)} WHERE id IN (SELECT ${enterprise} FROM ${table} WHERE ${match} IN (${keys(e.column)}))`,
    );
  }
  return statements;
}

/** The CREATE TRIGGER statement of one table and event, in the dialect's syntax. */
export function versionTriggerSql(dialect: Dialect, table: VersionedTable, event: RowEvent, step: VersionStep = "clock"): string {
  const statements = bumpStatements(dialect, table, event, step);
  const head = `CREATE TRIGGER ${versionTriggerName(table.table, event)} AFTER ${event} ON ${table.table} FOR EACH ROW`;
  if (dialect === "mysql" && statements.length === 1) return `${head} ${statements[0]}`;
  return `${head} BEGIN ${statements.map((s) => `${s};`).join(" ")} END`;
}

const definitionsOf = (names: readonly VersionedTableName[]): readonly VersionedTable[] =>
  names.map((name) => versionedTables.find((t) => t.table === name)!);

/**
 * Creates the triggers of these versioned tables (all by default). A migration names the tables it versions, so that
 * replaying it later does not meet a table that a newer migration creates. Their step follows the schema:
 * counters until migration 1764300000010 (which creates `enterprise_version_state` before its triggers), the clock
 * from then on; so migration 1764300000009 replayed makes what it always made, and its INT column holds it.
 */
export async function createVersionTriggers(
  queryRunner: QueryRunner,
  tables: readonly VersionedTableName[] = versionedTables.map((t) => t.table),
  { only }: { only?: ReadonlySet<string> } = {},
): Promise<void> {
  const step: VersionStep = (await queryRunner.hasTable(versionStateTable)) ? "clock" : "counter";
  const dialect = dialectOf(queryRunner.connection);
  const restore = dialect === "mysql" ? await strictSqlMode(queryRunner) : async () => {};
  try {
    for (const table of definitionsOf(tables)) {
      for (const event of table.events) {
        if (only && !only.has(versionTriggerName(table.table, event))) continue;
        await queryRunner.query(versionTriggerSql(dialect, table, event, step));
      }
    }
  } finally {
    await restore();
  }
}

/** Drops the triggers of these versioned tables (all by default), whether or not they exist. */
export async function dropVersionTriggers(
  queryRunner: QueryRunner,
  tables: readonly VersionedTableName[] = versionedTables.map((t) => t.table),
): Promise<void> {
  for (const table of definitionsOf(tables)) {
    for (const event of table.events) await queryRunner.query(`DROP TRIGGER IF EXISTS ${versionTriggerName(table.table, event)}`);
  }
}

/** The names of the version triggers this database lacks (none when the guarantee holds): for tests and start-up checks. */
export async function missingVersionTriggers(
  dataSource: DataSource,
  manager: Pick<EntityManager, "query"> = dataSource.manager,
): Promise<string[]> {
  return missingTriggers(
    dataSource,
    versionedTables.flatMap((t) => t.events.map((event) => versionTriggerName(t.table, event))),
    manager,
  );
}

/**
 * MySQL and MariaDB run a trigger in the SQL mode of the session that created it. Strict, an UPDATE past the
 * column's largest value fails; otherwise it would be clamped there, and the version would stop moving unseen.
 * Returns what restores the session's mode.
 */
export async function strictSqlMode(queryRunner: QueryRunner): Promise<() => Promise<void>> {
  const [{ mode }] = (await queryRunner.query("SELECT @@SESSION.sql_mode AS mode")) as { mode: string }[];
  await queryRunner.query("SET SESSION sql_mode = ?", [[mode, "STRICT_ALL_TABLES"].filter(Boolean).join(",")]);
  return async () => {
    await queryRunner.query("SET SESSION sql_mode = ?", [mode]);
  };
}

/**
 * Whether the versions can be trusted, database-wide: one row (id 1) whose `lost_at` is null while
 * they can. Set by the first action that sees a version that did not move, or by a start that finds triggers missing;
 * cleared by `trustVersionsAgain`. No row at all reads as not trusted.
 */
export const versionStateTable = "enterprise_version_state";

/**
 * `column` (an enterprise's version) as the read side reads it: null while the versions are not trusted, so that the
 * statement that reads a version also tells whether it may be used, with no statement of its own. The subquery names
 * nothing of the outer row: the database runs it once per statement.
 */
export function trustedVersionSql(column: string): string {
  return `CASE WHEN EXISTS (SELECT 1 FROM ${versionStateTable} vs WHERE vs.id = 1 AND vs.lost_at IS NULL) THEN ${column} END`;
}

export interface VersionsLost {
  at: Date | null;
  reason: string;
}

function lostOf(rows: { lost_at: unknown; lost_reason: unknown }[]): VersionsLost | null {
  if (rows.length === 0) return { at: null, reason: `no row in ${versionStateTable}` };
  const [{ lost_at: at, lost_reason: reason }] = rows;
  if (at === null || at === undefined) return null;
  return { at: at instanceof Date ? at : new Date(`${String(at).replace(" ", "T")}Z`), reason: String(reason ?? "") };
}

/** Why the versions are not trusted, or null when they are (one indexed read: for /readyz and the start-up check). */
export async function versionsLost(manager: Pick<EntityManager, "query">): Promise<VersionsLost | null> {
  return lostOf(await manager.query(`SELECT lost_at, lost_reason FROM ${versionStateTable} WHERE id = 1`));
}

/**
 * Records in the caller's transaction that the versions are not trusted, unless already recorded: true when this call
 * recorded it (the caller tells the process and logs it once).
 */
export async function recordVersionsLost(
  manager: Pick<EntityManager, "query">,
  { at, reason }: { at: Date; reason: string },
): Promise<boolean> {
  if ((await versionsLost(manager)) !== null) return false;
  await manager.query(`UPDATE ${versionStateTable} SET lost_at = ?, lost_reason = ? WHERE id = 1`, [
    at.toISOString().replace("T", " ").slice(0, 23),
    reason.slice(0, 1000),
  ]);
  return true;
}

/** Enterprises relabelled per statement: each a short one, within a serving session's statement timeout. */
const relabelBatch = 5_000;

/**
 * Trusts the versions again once every trigger is back: gives every enterprise a version no model was kept under
 * (writes made while the triggers were missing left versions in place that now name other content), then clears the
 * record. The loss is recorded first (if it was not), so that no model is taken while the versions are moved in
 * batches. The caller checks the triggers first.
 */
export async function trustVersionsAgain(dataSource: DataSource, { now, reason }: { now: Date; reason: string }): Promise<void> {
  const dialect = dialectOf(dataSource);
  await dataSource.transaction((em) => recordVersionsLost(em, { at: now, reason }));
  const [{ low, high }] = (await dataSource.query("SELECT MIN(id) AS low, MAX(id) AS high FROM enterprise")) as {
    low: number | null;
    high: number | null;
  }[];
  for (let from = Number(low ?? 1); low !== null && from <= Number(high); from += relabelBatch) {
    await dataSource.query(`UPDATE enterprise SET version = ${nextVersionSql(dialect, "version")} WHERE id >= ? AND id < ?`, [
      from,
      from + relabelBatch,
    ]);
  }
  await dataSource.transaction(async (em) => {
    await em.query(`DELETE FROM ${versionStateTable}`);
    await em.query(`INSERT INTO ${versionStateTable} (id, lost_at, lost_reason) VALUES (1, NULL, NULL)`);
  });
}

export type VersionsLostListener = (
  lost: VersionsLost & { enterpriseIds: readonly number[]; missingTriggers: readonly string[]; requestId: string | null },
) => void;

const lostListeners = new WeakMap<object, Set<VersionsLostListener>>();

/** Calls `listener` when this process records that the versions of `dataSource` are lost (the gateway logs it and drops its models). */
export function onVersionsLost(dataSource: DataSource, listener: VersionsLostListener): () => void {
  let listeners = lostListeners.get(dataSource);
  if (!listeners) lostListeners.set(dataSource, (listeners = new Set()));
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function reportVersionsLost(dataSource: DataSource, lost: Parameters<VersionsLostListener>[0]): void {
  for (const listener of lostListeners.get(dataSource) ?? []) listener(lost);
}

/** What a gateway's start found and did about the version triggers and the record of their loss. */
export interface VersionsAtStart {
  /** The triggers it found missing and created. */
  recreated: string[];
  /** The triggers still missing (they could not be created): the versions are recorded as lost. */
  missing: string[];
  /** The loss it found recorded, now cleared (null: none was). */
  cleared: VersionsLost | null;
}

/**
 * At a gateway's start (when it keeps read models): creates the version triggers found missing, then, if it created any
 * or found a loss recorded, gives every enterprise a new version and trusts the versions again (writes made without
 * the triggers left versions naming other content). Triggers it cannot create leave the loss recorded, so that no
 * gateway takes a kept model; when a privilege is what is missing (TRIGGER, or SUPER with binary logging), it throws a
 * ServerRequirementError that says what to grant, and the gateway does not start.
 */
export async function checkVersionsAtStart(dataSource: DataSource, { now }: { now: Date }): Promise<VersionsAtStart> {
  const found = await missingVersionTriggers(dataSource);
  let missing = found;
  let creation: unknown;
  if (found.length > 0) {
    const runner = dataSource.createQueryRunner();
    try {
      await createVersionTriggers(runner, undefined, { only: new Set(found) });
    } catch (error) {
      // Reported below as the triggers still missing.
      creation = error;
    } finally {
      await runner.release();
    }
    missing = await missingVersionTriggers(dataSource);
  }
  const recreated = found.filter((name) => !missing.includes(name));
  if (missing.length > 0) {
    await dataSource.transaction((em) =>
      recordVersionsLost(em, { at: now, reason: `version triggers missing at a gateway's start (${missing.join(", ")})` }),
    );
    // A missing privilege: the gateway does not start (the loss stays recorded for the gateways already running).
    const remedy = dialectOf(dataSource) === "mysql" ? triggerPrivilegeRemedy(creation, await databaseName(dataSource)) : null;
    if (remedy)
      throw new ServerRequirementError(`The enterprise version triggers are missing (${missing.length}) and cannot be created: ${remedy}`, {
        cause: creation,
      });
    return { recreated, missing, cleared: null };
  }
  const lost = await versionsLost(dataSource.manager);
  if (lost || recreated.length > 0)
    await trustVersionsAgain(dataSource, { now, reason: `version triggers created again at a gateway's start (${recreated.join(", ")})` });
  return { recreated, missing, cleared: lost };
}
