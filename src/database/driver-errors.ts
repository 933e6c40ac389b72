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
