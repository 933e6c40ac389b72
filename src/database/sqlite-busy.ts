import { driverCode } from "./driver-errors";

/** How long a statement may wait for the write lock while migrating at start: processes starting together take turns. */
export const sqliteMigrationBusyTimeoutMs = 5000;

/**
 * How long one SQLite statement may wait for another process's write lock. better-sqlite3 is synchronous: the wait
 * is a sleep that stops the whole event loop, so it stays short and a transaction still refused after it runs again
 * after an asynchronous pause (src/database/retry-policies.ts). WAL mode means readers never wait at all.
 */
export const sqliteBusyTimeoutMs = 10;

/** SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT: the transaction read a snapshot another process has since written past). */
export function isSqliteBusy(error: unknown): boolean {
  return driverCode(error).startsWith("SQLITE_BUSY");
}
