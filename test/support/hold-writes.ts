import Database from "better-sqlite3";
import { createConnection } from "mysql2/promise";
import { serverOptions, type DialectName } from "./databases";
import type { TestGateway } from "./gateway";

/** Takes the enterprise's row (MySQL) or the database's write lock (SQLite) away from the gateway until `release`. */
export async function holdWrites(gw: TestGateway, dialect: DialectName, enterpriseId: number): Promise<{ release(): Promise<void> }> {
  if (dialect === "sqlite") {
    const other = new Database(gw.database.url.slice("sqlite:".length));
    other.exec("BEGIN IMMEDIATE");
    return {
      release: async () => {
        other.exec("ROLLBACK");
        other.close();
      },
    };
  }
  const other = await createConnection({ ...serverOptions(), database: decodeURIComponent(new URL(gw.database.url).pathname.slice(1)) });
  await other.beginTransaction();
  await other.query("SELECT id FROM enterprise WHERE id = ? FOR UPDATE", [enterpriseId]);
  return {
    release: async () => {
      await other.rollback();
      await other.end();
    },
  };
}
