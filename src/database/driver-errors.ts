import { TimeoutError, UnavailableError, type UnavailableReason } from "../errors";
import { message } from "../i18n/messages";

/** The code of a database driver's error, whether TypeORM wrapped it (QueryFailedError.driverError) or not; "" for none. */
export function driverCode(error: unknown): string {
  const e = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = e.driverError?.code ?? e.code;
  return typeof code === "string" ? code : "";
}

/** The server's error number (MySQL/MariaDB), for the errors mysql2 has no code name for. */
export function driverErrno(error: unknown): number | undefined {
  const e = error as { errno?: number; driverError?: { errno?: number } };
  return e.driverError?.errno ?? e.errno;
}

/** A unique key refused a row: MySQL/MariaDB's duplicate entry, SQLite's unique or primary key constraint. */
export function isUniqueViolation(error: unknown): boolean {
  const code = driverCode(error);
  return code === "ER_DUP_ENTRY" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** The connection could not be made or was lost: the server is down, refusing, restarting or out of reach. */
const unreachableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "PROTOCOL_CONNECTION_LOST",
  // Too many connections (1040), the server shutting down (1053), the connection killed on the server (MariaDB 1927).
  "ER_CON_COUNT_ERROR",
  "ER_SERVER_SHUTDOWN",
  // mysql2's pool cluster (read replicas): every replica left out after failing.
  "POOL_NONEONLINE",
  "POOL_NOEXIST",
]);

/**
 * MariaDB's answer to a write on a table whose triggers, as its table cache holds them, no longer parse: error 1064
 * with "Trigger '<name>' has an error in its body: ..." or "Unknown trigger has an error in its body: ...". Seen on a
 * Galera node after racing writes (the trigger bodies on disk are sound; the table's cached copy is not) until
 * `FLUSH TABLES <table>` on that node: the transaction runner flushes and runs the work again
 * (src/database/trigger-cache.ts).
 */
export function isTriggerCacheFault(error: unknown): boolean {
  if (driverErrno(error) !== 1064) return false;
  const e = error as { message?: unknown; driverError?: { message?: unknown } };
  return /^(?:Unknown trigger|Trigger '[^']*') has an error in its body/.test(String(e.driverError?.message ?? e.message ?? ""));
}

/**
 * Whether a database failure means the database cannot be used now rather than that the request was wrong: a
 * connection refused, reset or lost (DATABASE_UNREACHABLE), a node that answers it is not ready (1047, "WSREP has
 * not yet prepared node for application use": a Galera node joining, or outside the primary component; or 1205 met by
 * a read, NODE_NOT_READY), or a table whose cached triggers do not parse, still after the flush that clears it
 * (DATABASE_FAULT). null for anything else. A COMMIT whose answer was lost is not decided here
 * (src/database/transaction.ts).
 *
 * 1205 is MariaDB's answer to a Galera causal read (wsrep_sync_wait) that could not wait for the cluster, on a node
 * outside the primary component: a read takes no row lock, and a metadata lock wait is cut by the statement's own
 * bound first. A write's 1205 is a lock wait, which its retry policy turns into TIMEOUT before it asks this.
 */
export function unavailability(error: unknown): UnavailableReason | null {
  const errno = driverErrno(error);
  if (errno === 1047 || errno === 1205) return "NODE_NOT_READY";
  if (isTriggerCacheFault(error)) return "DATABASE_FAULT";
  if (errno === 1927) return "DATABASE_UNREACHABLE";
  if (unreachableCodes.has(driverCode(error))) return "DATABASE_UNREACHABLE";
  const e = error as { message?: unknown; driverError?: { message?: unknown } };
  const text = String(e.driverError?.message ?? e.message ?? "");
  // A Galera node that lost the primary component while a statement ran (the one a node is evicted from, or a
  // survivor for the moment of the eviction): "Error while appending streaming replication fragment(provider status:
  // Not connected to Primary Component)". The server answered and rolled the transaction back.
  if (/Not connected to Primary Component/i.test(text)) return "NODE_NOT_READY";
  // mysql2's refusal of a statement on a connection already closed (fatal, no code).
  return /^Can't add new command when connection is in closed state/.test(text) ? "DATABASE_UNREACHABLE" : null;
}

/** The UNAVAILABLE error a client gets for a failure that `unavailability` recognises (it keeps the failure for the logs), else null. */
export function asUnavailable(error: unknown): UnavailableError | null {
  if (error instanceof UnavailableError) return error;
  const reason = unavailability(error);
  return reason ? new UnavailableError(reason, error) : null;
}

/** A lock wait or a statement over the session's bounds (src/database/mysql-sessions.ts) is a TIMEOUT the client may retry, not a 500. */
export function asTimeout(error: unknown): TimeoutError | null {
  const code = driverCode(error);
  const errno = driverErrno(error);
  if (code === "ER_LOCK_WAIT_TIMEOUT" || code === "SQLITE_BUSY") return new TimeoutError("LOCK_WAIT_TIMEOUT", message("timeout.lockWait"));
  // MariaDB's max_statement_time (1969, which mysql2 has no name for), MySQL's max_execution_time (3024), and the
  // client's guard for an answer that never came.
  if (errno === 1969 || errno === 3024 || code === "PROTOCOL_SEQUENCE_TIMEOUT") {
    return new TimeoutError("STATEMENT_TIMEOUT", message("timeout.statement"));
  }
  return null;
}

/**
 * What a read's failure (a resolver's, the front door's viewer lookup) means for its client when the database is the
 * cause: UNAVAILABLE (`asUnavailable`: refused, lost, not ready; a read's 1205 is Galera's causal wait), or TIMEOUT for
 * a statement past its bound (a cluster holding its nodes while it evicts a failed member, a partition); null for
 * anything else, which stays masked. A write's failures are mapped by its retry policy instead.
 */
export function asReadFailure(error: unknown): UnavailableError | TimeoutError | null {
  if (error instanceof UnavailableError || error instanceof TimeoutError) return error;
  return asUnavailable(error) ?? asTimeout(error);
}
