import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseDatabaseUrl } from "./database-url";

/**
 * The timestamps of the migrations this code has, from their files' names (`<timestamp>-<name>.ts`, the timestamp
 * that ends each class's name and that TypeORM records): read without loading TypeORM, the entities or the
 * migrations themselves. test/pending-migrations.test.ts checks that they are those of `migrations` (index.ts).
 */
export function migrationTimestamps(): number[] {
  return readdirSync(join(__dirname, "migrations"))
    .map((name) => /^(\d+)-[\w-]+\.[jt]s$/.exec(name))
    .filter((match) => match !== null)
    .map((match) => Number(match[1]))
    .sort((a, b) => a - b);
}

async function appliedTimestamps(url: string): Promise<number[]> {
  const target = parseDatabaseUrl(url);
  if (target.dialect === "sqlite") {
    if (target.path === ":memory:" || !existsSync(target.path)) return [];
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(target.path, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare("SELECT timestamp FROM migrations").all() as { timestamp: number }[]).map((row) => Number(row.timestamp));
    } finally {
      db.close();
    }
  }
  const { createConnection } = await import("mysql2/promise");
  const { host, port, user, password, database, socketPath } = target;
  const connection = await createConnection({ host, port, user, password, database, socketPath, connectTimeout: 2_000 });
  try {
    const [rows] = await connection.query("SELECT timestamp FROM migrations");
    return (rows as { timestamp: number | string }[]).map((row) => Number(row.timestamp));
  } finally {
    await connection.end();
  }
}

/**
 * Whether the database of `url` lacks a migration of this code, asked cheaply (one statement, none of TypeORM):
 * true for a database that does not exist yet, has no migrations table, or cannot be asked at all, so that the
 * caller then opens it the usual way (src/database/data-source.ts), which migrates it or says what is wrong.
 */
export async function migrationsPending(url: string): Promise<boolean> {
  let applied: Set<number>;
  try {
    applied = new Set(await appliedTimestamps(url));
  } catch {
    return true;
  }
  return migrationTimestamps().some((timestamp) => !applied.has(timestamp));
}
