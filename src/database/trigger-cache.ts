/**
 * MariaDB's trigger-cache fault, and the gateway's remedy. Now and then, on a Galera node after racing writes, MariaDB
 * 10.11 keeps in its table cache a copy of a table whose triggers no longer parse, though their definitions on disk
 * are sound: on that node, every write that reaches the triggers of that copy fails with error 1064 ("Unknown trigger
 * has an error in its body: 'Query was empty'", or "Trigger '…' has an error in its body", `isTriggerCacheFault`)
 * until `FLUSH TABLES <table>` there closes the copy. The broken copy need not be of the table the failed statement
 * writes: a trigger of that table writes others (the version triggers update `enterprise`, whose own trigger logs a
 * change), and the copy of any of those may be the one. So the tables flushed are the trigger's own when the error
 * names it, else the written table and every table its triggers reach (`faultedTables`).
 * The transaction runner (transaction.ts) meets it as the failure of an attempt: it flushes those tables, on the node
 * that answered, once per unit of work for each set of tables (`clearTriggerCache`), and the retry policy runs the
 * work again; a fault that is still there after the flush answers UNAVAILABLE (reason DATABASE_FAULT), never a masked
 * 500. Nothing was written by the failed attempt: the statement was refused before any row changed, and its
 * transaction rolled back.
 */
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import { driverCode, driverErrno } from "./driver-errors";
import { versionTriggerName, versionTriggerSql, versionedTables } from "./enterprise-versions";
import { accessChangeTriggerName, accessChangeTriggerSql, loggedTables } from "./access-changes";
import { nameKeyTriggerSql, nameKeyTriggers } from "./name-keys";

/** How long a flush may wait for the statements that use its tables on that node, in seconds (`lock_wait_timeout`). */
const flushWaitS = 2;

const loggers = new WeakMap<DataSource, Logger>();
/** The flushes under way on each data source, by the tables they flush: failures met at once share one flush. */
const flushing = new WeakMap<DataSource, Map<string, Promise<void>>>();

/** Where the flushes on `dataSource` are logged: a warning each, naming its tables (nothing is logged without it). */
export function logTriggerCacheFlushes(dataSource: DataSource, logger: Logger): void {
  loggers.set(dataSource, logger);
}

/** One of the gateway's triggers on MariaDB: its name, its table, and the tables its statements write. */
interface TriggerEntry {
  name: string;
  table: string;
  writes: string[];
}

/** The tables a trigger's body writes, read from its MariaDB text (each statement is one the gateway generates). */
function writtenBy(sql: string): string[] {
  const body = sql.slice(sql.indexOf("FOR EACH ROW"));
  const tables = [...body.matchAll(/\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+`?(\w+)`?/gi)].map((match) => match[1]);
  return [...new Set(tables)];
}

let catalog: TriggerEntry[] | undefined;

/** Every trigger of the gateway's, as MariaDB holds it: the version triggers, the change log's, the name keys'. */
function triggerCatalog(): TriggerEntry[] {
  catalog ??= [
    ...versionedTables.flatMap((table) =>
      table.events.map((event) => ({
        name: versionTriggerName(table.table, event),
        table: table.table,
        writes: writtenBy(versionTriggerSql("mysql", table, event)),
      })),
    ),
    ...loggedTables.flatMap((logged) =>
      logged.events.map((event) => ({
        name: accessChangeTriggerName(logged.table, event),
        table: logged.table,
        writes: writtenBy(accessChangeTriggerSql("mysql", logged, event)),
      })),
    ),
    ...nameKeyTriggers.map((trigger) => ({
      name: trigger.name,
      table: trigger.table,
      writes: writtenBy(nameKeyTriggerSql("mysql", trigger)),
    })),
  ];
  return catalog;
}

/** Every table with triggers of the gateway's: the version triggers', the change log's and the name keys'. */
export function tablesWithTriggers(): string[] {
  return [...new Set(triggerCatalog().map((trigger) => trigger.table))];
}

/** The tables with triggers that a write to `table` reaches: itself, and those its triggers write, transitively. */
export function tablesReachedFrom(table: string): string[] {
  const reached = new Set<string>();
  const visit = (name: string) => {
    if (reached.has(name)) return;
    reached.add(name);
    for (const trigger of triggerCatalog()) if (trigger.table === name) trigger.writes.forEach(visit);
  };
  visit(table);
  return tablesWithTriggers().filter((name) => reached.has(name));
}

/**
 * The tables whose cached copies may hold the triggers that failed: the named trigger's table, when the error names one
 * of the gateway's; else the table the failed statement writes (TypeORM keeps the statement on its error) and those
 * its triggers reach; every table with triggers when neither can be told.
 */
export function faultedTables(error: unknown): string[] {
  const e = error as { message?: unknown; driverError?: { message?: unknown }; query?: unknown };
  const named = /^Trigger '(?:[^']*\.)?`?([^'`.]+)`?' has an error in its body/.exec(String(e.driverError?.message ?? e.message ?? ""));
  const trigger = named ? triggerCatalog().find((entry) => entry.name === named[1]) : undefined;
  if (trigger) return [trigger.table];
  const statement = e.query;
  const written =
    typeof statement === "string"
      ? /^\s*(?:INSERT(?:\s+IGNORE)?\s+INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+`?(\w+)`?/i.exec(statement)
      : null;
  const reached = written ? tablesReachedFrom(written[1]) : [];
  return reached.length > 0 ? reached : tablesWithTriggers();
}

/**
 * Closes the cached copies of the tables `error` names on the node `dataSource` writes to (`FLUSH LOCAL TABLES`: that
 * node only; Galera would otherwise run the flush on every node, in total order), on a connection taken from the pool
 * once the failed transaction gave its own back, waiting at most `flushWaitS` for the statements that use them
 * (MariaDB). Logged as a warning;
 * a flush that fails (the account lacks RELOAD, the wait ran out) is logged with what to do, and the runner's retry
 * then meets the fault again and answers UNAVAILABLE.
 */
export async function clearTriggerCache(dataSource: DataSource, error: unknown): Promise<void> {
  const tables = faultedTables(error);
  const key = tables.join(",");
  const running = flushing.get(dataSource) ?? new Map<string, Promise<void>>();
  flushing.set(dataSource, running);
  let flush = running.get(key);
  if (!flush) {
    flush = flushTables(dataSource, tables).finally(() => running.delete(key));
    running.set(key, flush);
  }
  await flush;
}

async function flushTables(dataSource: DataSource, tables: string[]): Promise<void> {
  const logger = loggers.get(dataSource);
  const started = Date.now();
  const runner = dataSource.createQueryRunner("master");
  const flush = `FLUSH LOCAL TABLES ${tables.map((table) => `\`${table}\``).join(", ")}`;
  try {
    // MySQL has no SET STATEMENT: there the pool's guard (src/database/mysql-sessions.ts) bounds the wait.
    await runner.query(dataSource.options.type === "mariadb" ? `SET STATEMENT lock_wait_timeout = ${flushWaitS} FOR ${flush}` : flush);
    logger?.warn(
      { tables, ms: Date.now() - started },
      "MariaDB answered that the cached triggers of these tables do not parse (error 1064): flushed them on this node, running the transaction again",
    );
  } catch (failure) {
    const errno = driverErrno(failure);
    logger?.warn(
      { tables, driverCode: driverCode(failure) || undefined, errno, ms: Date.now() - started },
      errno === 1227
        ? "MariaDB answered that the cached triggers of these tables do not parse (error 1064), and the gateway's account may not flush them: grant it RELOAD, or run FLUSH LOCAL TABLES on this node"
        : "MariaDB answered that the cached triggers of these tables do not parse (error 1064), and flushing them failed: run FLUSH LOCAL TABLES on this node",
    );
  } finally {
    await runner.release();
  }
}
