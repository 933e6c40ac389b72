import { randomBytes } from "node:crypto";
import type { DataSource, EntityManager, QueryRunner } from "typeorm";
import { dialectOf, missingTriggers, type Dialect } from "./dialect";
import { strictSqlMode } from "./enterprise-versions";

/**
 * The access change log: what `accessDelta` reads "what changed since" from.
 *
 * **Every committed write of a row that a delta shows appends an entry (kind, row id, its enterprises, the instant) to
 * `access_change`, in the writer's transaction, by database triggers**: the management actions, bulk or not, the expiry
 * write-down and the sweep, the register import (its own process), migrations, an operator's SQL. Triggers, not
 * application code, for the same reason as the enterprise versions (src/database/enterprise-versions.ts): not every
 * writer is this application. A rolled-back write leaves no entry; a committed one cannot lack its entry.
 *
 * The position is the entry's auto-increment id. Ids are handed out when the row is written, not when its transaction
 * commits, so a reader can see id 11 committed while id 10 is still in an open transaction (two sessions of one
 * server; more so on a Galera cluster, whose nodes interleave their ids by `auto_increment_increment`/`offset` and
 * certify at commit). A delta that moved its position past 11 would never see 10. So a delta's token keeps, as the
 * position it resumes from, only a *settled* one (`settledPosition`): the id of the newest entry written at least
 * DELTA_SETTLE_SECONDS ago by the database's clock. Every id below it was handed out before that entry was written, so
 * its transaction has been running, or has ended, since at least that long: with the setting longer than twice the
 * longest transaction that writes these tables (a statement and a transaction each bounded, see docs/operations.md)
 * plus the clock difference and apply lag between Galera nodes (a node that has not applied another's writes yet can
 * still hand out a lower id), it has committed or rolled back. The delta still returns every
 * entry it can see; the ones above the settled position come again in the next delta (a change may be delivered
 * twice, never lost: items carry the whole current state, so applying one twice is harmless). On SQLite one writer
 * holds the database's write lock from its first write to its commit, so ids commit in order and every visible entry
 * is settled: the setting does not apply there.
 *
 * Not fired, so not covered (as for the versions): MySQL's TRUNCATE and foreign-key cascades (the schema has none);
 * and a table rebuilt by a later migration on SQLite loses its triggers (call `dropAccessChangeTriggers` first and
 * `createAccessChangeTriggers` after). `missingAccessChangeTriggers` names what is missing.
 */

/** How a trigger finds the enterprise(s) of its row (NEW or OLD as `row`). */
interface LoggedTable {
  table: string;
  kind: string;
  events: readonly ("INSERT" | "UPDATE" | "DELETE")[];
  /** The SELECT list (kind, row_id, enterprise_id, other_enterprise_id) and its FROM/WHERE, for the row `row`. */
  select: (row: "NEW" | "OLD") => { columns: string; from: string };
  /** A condition on OLD and NEW under which an UPDATE is logged (every UPDATE when absent). */
  updateWhen?: string;
  /** For an entry filed by person: the person it is shown to, for the row `row` (its enterprise id is then 0). */
  person?: (row: "NEW" | "OLD") => string;
}

const everyWrite = ["INSERT", "UPDATE", "DELETE"] as const;
const own = (kind: string, other: string | null) => (row: "NEW" | "OLD") => ({
  columns: `'${kind}', ${row}.id, ${row}.${kind === "ENTERPRISE" ? "id" : kind === "MANDATE" ? "client_id" : "enterprise_id"}, ${other ? `${row}.${other}` : "NULL"}`,
  from: "",
});

/** The tables a delta shows, and the entries their writes append. */
export const loggedTables: readonly LoggedTable[] = [
  { table: "role_assignment", kind: "ROLE_ASSIGNMENT", events: everyWrite, select: own("ROLE_ASSIGNMENT", null) },
  // A change of a user's online services is a change of their assignment.
  {
    table: "role_assignment_online_service",
    kind: "ROLE_ASSIGNMENT",
    events: everyWrite,
    select: (row) => ({
      columns: "'ROLE_ASSIGNMENT', ra.id, ra.enterprise_id, NULL",
      from: ` FROM role_assignment ra WHERE ra.id = ${row}.assignment_id`,
    }),
  },
  { table: "service_provider_mandate", kind: "MANDATE", events: everyWrite, select: own("MANDATE", "provider_id") },
  { table: "enterprise_capacity", kind: "CAPACITY", events: everyWrite, select: own("CAPACITY", null) },
  { table: "ebox", kind: "EBOX", events: everyWrite, select: own("EBOX", null) },
  // The enterprise's own row changes with every version move (src/database/enterprise-versions.ts): only its status
  // and name are shown. An insert shows nothing yet: no one sees an enterprise until a role there is written.
  {
    table: "enterprise",
    kind: "ENTERPRISE",
    events: ["UPDATE"],
    select: own("ENTERPRISE", null),
    updateWhen: "NOT (OLD.status = NEW.status AND OLD.name = NEW.name)",
  },
  // An access request is filed by its requester, the one person shown it (its enterprise may not exist), and only when
  // it closes (a decision, a withdrawal, an expiry): its arrival is no news to its requester, as for accessChanged.
  {
    table: "access_request",
    kind: "ACCESS_REQUEST",
    events: ["UPDATE"],
    select: (row) => ({ columns: `'ACCESS_REQUEST', ${row}.id, 0, NULL`, from: "" }),
    person: (row) => `${row}.person_id`,
    updateWhen: "NOT (OLD.status = NEW.status)",
  },
];

export const accessChangeTable = "access_change";
/** One row (id 1): how far the log has been pruned, and the key that signs delta tokens. */
export const accessChangeStateTable = "access_change_state";

export function accessChangeTriggerName(table: string, event: string): string {
  return `tr_${table}_delta_${event.toLowerCase()}`;
}

/** The database's clock as the log stores it: UTC, to the microsecond on MySQL, to the millisecond on SQLite. */
function clockSql(dialect: Dialect): string {
  return dialect === "mysql" ? "UTC_TIMESTAMP(6)" : "strftime('%Y-%m-%d %H:%M:%f', 'now')";
}

export function accessChangeTriggerSql(dialect: Dialect, logged: LoggedTable, event: "INSERT" | "UPDATE" | "DELETE"): string {
  const row = event === "DELETE" ? "OLD" : "NEW";
  const { columns, from } = logged.select(row);
  // The person column only where an entry is filed by person: the older triggers' text stays as their migration wrote it.
  const insert = logged.person
    ? `INSERT INTO ${accessChangeTable} (kind, row_id, enterprise_id, other_enterprise_id, person_id, operation, changed_at) ` +
      `SELECT ${columns}, ${logged.person(row)}, '${event}', ${clockSql(dialect)}${from}`
    : `INSERT INTO ${accessChangeTable} (kind, row_id, enterprise_id, other_enterprise_id, operation, changed_at) ` +
      `SELECT ${columns}, '${event}', ${clockSql(dialect)}${from}`;
  const head = `CREATE TRIGGER ${accessChangeTriggerName(logged.table, event)} AFTER ${event} ON ${logged.table} FOR EACH ROW`;
  const when = event === "UPDATE" ? logged.updateWhen : undefined;
  if (dialect === "sqlite") return `${head}${when ? ` WHEN ${when}` : ""} BEGIN ${insert}; END`;
  return when ? `${head} BEGIN IF ${when} THEN ${insert}; END IF; END` : `${head} ${insert}`;
}

/** Creates the log's triggers (a migration names its tables, as for the version triggers). */
export async function createAccessChangeTriggers(
  queryRunner: QueryRunner,
  tables: readonly string[] = loggedTables.map((t) => t.table),
  { only }: { only?: ReadonlySet<string> } = {},
): Promise<void> {
  const dialect = dialectOf(queryRunner.connection);
  // Strict, as the version triggers: an entry that does not fit fails its write instead of being clamped.
  const restore = dialect === "mysql" ? await strictSqlMode(queryRunner) : async () => {};
  try {
    for (const logged of loggedTables.filter((t) => tables.includes(t.table))) {
      for (const event of logged.events) {
        if (only && !only.has(accessChangeTriggerName(logged.table, event))) continue;
        await queryRunner.query(accessChangeTriggerSql(dialect, logged, event));
      }
    }
  } finally {
    await restore();
  }
}

export async function dropAccessChangeTriggers(
  queryRunner: QueryRunner,
  tables: readonly string[] = loggedTables.map((t) => t.table),
): Promise<void> {
  for (const logged of loggedTables.filter((t) => tables.includes(t.table))) {
    for (const event of logged.events) await queryRunner.query(`DROP TRIGGER IF EXISTS ${accessChangeTriggerName(logged.table, event)}`);
  }
}

/** The log's triggers this database lacks (none when every writer is logged). */
export async function missingAccessChangeTriggers(dataSource: DataSource): Promise<string[]> {
  return missingTriggers(
    dataSource,
    loggedTables.flatMap((t) => t.events.map((e) => accessChangeTriggerName(t.table, e))),
  );
}

/**
 * At a gateway's start: creates the log's triggers found missing (a table rebuilt, a dump restored without them) and,
 * if it created any, gives the database a new token key, so that every delta token issued before answers
 * SYNC_TOKEN_EXPIRED: the writes made without the triggers are in no log, and only a full sync brings them. Returns
 * the triggers it created.
 */
export async function restoreAccessChangeTriggers(dataSource: DataSource): Promise<string[]> {
  const missing = await missingAccessChangeTriggers(dataSource);
  if (missing.length === 0) return [];
  const runner = dataSource.createQueryRunner();
  try {
    await createAccessChangeTriggers(runner, undefined, { only: new Set(missing) });
  } finally {
    await runner.release();
  }
  await dataSource.query(`UPDATE ${accessChangeStateTable} SET token_key = ? WHERE id = 1`, [newTokenKey()]);
  return missing;
}

/** A new signing key for delta tokens: made once per database, so every gateway on it shares it and no other has it. */
export function newTokenKey(): string {
  return randomBytes(32).toString("hex");
}

type Query = Pick<EntityManager, "query">;

export interface LogState {
  /** Entries up to this position have been pruned (0: none). */
  prunedThrough: number;
  /** The HMAC key of delta tokens (hex). */
  tokenKey: string;
}

export async function readLogState(manager: Query): Promise<LogState> {
  const [row] = (await manager.query(
    `SELECT pruned_through AS prunedThrough, token_key AS tokenKey FROM ${accessChangeStateTable} WHERE id = 1`,
  )) as {
    prunedThrough: unknown;
    tokenKey: string;
  }[];
  return { prunedThrough: Number(row?.prunedThrough ?? 0), tokenKey: row?.tokenKey ?? "" };
}

/** The newest position of the log (0 when it is empty), whether or not settled. */
export async function newestPosition(manager: Query): Promise<number> {
  const [row] = (await manager.query(`SELECT MAX(id) AS id FROM ${accessChangeTable}`)) as { id: unknown }[];
  return Number(row?.id ?? 0);
}

/**
 * The newest position below which every entry has committed or been rolled back (see the top of this file): on
 * SQLite the newest; on MySQL the id of the newest entry written at least `settleSeconds` ago by the database's clock
 * (0 when there is none).
 */
export async function settledPosition(manager: Query, dialect: Dialect, settleSeconds: number): Promise<number> {
  if (dialect === "sqlite") return newestPosition(manager);
  const [row] = (await manager.query(
    `SELECT id FROM ${accessChangeTable} WHERE changed_at <= UTC_TIMESTAMP(6) - INTERVAL ? SECOND ORDER BY changed_at DESC, id DESC LIMIT 1`,
    [settleSeconds],
  )) as { id: unknown }[];
  return Number(row?.id ?? 0);
}

/** Entries pruned per statement: short statements, within a serving session's statement timeout. */
const pruneBatch = 5_000;

/**
 * Prunes one batch of the log older than `before` (at most `pruneBatch` entries, oldest first) in the caller's
 * transaction, recording how far it has pruned, so that a token older than that answers SYNC_TOKEN_EXPIRED instead of
 * silently missing changes; returns how many entries it deleted, 0 when none was due. The caller
 * runs batches, each in a transaction of the runner (src/database/transaction.ts), until one deletes nothing: on SQLite
 * the process's one connection takes turns there with every other transaction.
 */
export async function pruneAccessChangeBatch(em: EntityManager, { before }: { before: Date }): Promise<number> {
  const at = before.toISOString().replace("T", " ").slice(0, 23);
  const [row] = (await em.query(
    `SELECT MAX(id) AS id FROM (SELECT id FROM ${accessChangeTable} WHERE changed_at < ? ORDER BY id LIMIT ${pruneBatch}) oldest`,
    [at],
  )) as { id: unknown }[];
  if (row?.id === null || row?.id === undefined) return 0;
  const through = Number(row.id);
  await em.query(`UPDATE ${accessChangeStateTable} SET pruned_through = ? WHERE id = 1 AND pruned_through < ?`, [through, through]);
  return affectedRows(await em.query(`DELETE FROM ${accessChangeTable} WHERE id <= ?`, [through]));
}

function affectedRows(result: unknown): number {
  if (Array.isArray(result) && typeof result[1] === "number") return result[1];
  const rows = (result as { affectedRows?: number; changes?: number } | null) ?? {};
  return rows.affectedRows ?? rows.changes ?? 0;
}
