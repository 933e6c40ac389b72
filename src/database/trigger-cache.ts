/**
 * MariaDB's trigger-cache fault, and the gateway's remedy. Now and then, on a Galera node after racing writes, MariaDB
 * 10.11 keeps in its table cache a copy of a table whose triggers no longer parse, though their definitions on disk
 * are sound: on that node, every write to the table that gets the cached copy fails with error 1064 ("Trigger '…' has
 * an error in its body" or "Unknown trigger has an error in its body", `isTriggerCacheFault`) until
 * `FLUSH TABLES <table>` there closes the copy. The transaction runner (transaction.ts) meets it as the failure of an
 * attempt: it flushes the tables the failure names, on the node that answered, once per unit of work
 * (`clearTriggerCache`), and the retry policy runs the work again; a fault that is still there after the flush answers
 * UNAVAILABLE (reason DATABASE_FAULT), never a masked 500. Nothing was written by the failed attempt: the statement
 * was refused before any row changed, and its transaction rolled back.
 */
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import { driverCode, driverErrno } from "./driver-errors";
import { versionedTables } from "./enterprise-versions";
import { loggedTables } from "./access-changes";

/** How long a flush may wait for the statements that use its tables on that node, in seconds (`lock_wait_timeout`). */
const flushWaitS = 2;

const loggers = new WeakMap<DataSource, Logger>();
/** The flushes under way on each data source, by the tables they flush: failures met at once share one flush. */
const flushing = new WeakMap<DataSource, Map<string, Promise<void>>>();

/** Where the flushes on `dataSource` are logged: a warning each, naming its tables (nothing is logged without it). */
export function logTriggerCacheFlushes(dataSource: DataSource, logger: Logger): void {
  loggers.set(dataSource, logger);
}

/** Every table with triggers of the gateway's: the version triggers and the change log's. */
export function tablesWithTriggers(): string[] {
  return [...new Set<string>([...versionedTables.map(({ table }) => table), ...loggedTables.map(({ table }) => table)])];
}

/**
 * The table whose cached triggers failed: the one the failed statement writes (TypeORM keeps the statement on its
 * error), when it has triggers; every table with triggers when that cannot be told.
 */
export function faultedTables(error: unknown): string[] {
  const statement = (error as { query?: unknown }).query;
  const written =
    typeof statement === "string"
      ? /^\s*(?:INSERT(?:\s+IGNORE)?\s+INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+`?(\w+)`?/i.exec(statement)
      : null;
  const tables = tablesWithTriggers();
  return written && tables.includes(written[1]) ? [written[1]] : tables;
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
