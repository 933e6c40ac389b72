import { driverCode } from "./driver-errors";

/** How long a statement may wait for the write lock while migrating at start: processes starting together take turns. */
export const sqliteMigrationBusyTimeoutMs = 5000;

/**
 * How long one SQLite statement may wait for another process's write lock. better-sqlite3 is synchronous: the wait
 * is a sleep that stops the whole event loop, so it stays short and a statement still refused after it is retried
 * asynchronously (retryWhileBusy). WAL mode means readers never wait at all.
 */
export const sqliteBusyTimeoutMs = 10;

/** SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT: the transaction read a snapshot another process has since written past). */
export function isSqliteBusy(error: unknown): boolean {
  return driverCode(error).startsWith("SQLITE_BUSY");
}

/**
 * Runs `work` (a whole transaction) again while SQLite answers busy, waiting between attempts without blocking the
 * event loop, until `deadlineMs` has passed. Another process (a register import) holds the write lock only for short
 * transactions, so a turn comes soon.
 */
export async function retryWhileBusy<T>(work: () => Promise<T>, { deadlineMs = 5000 }: { deadlineMs?: number } = {}): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isSqliteBusy(error) || Date.now() - started > deadlineMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2 * attempt, 10) + Math.random() * 5));
    }
  }
}
