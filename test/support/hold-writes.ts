import Database from "better-sqlite3";
import { createConnection } from "mysql2/promise";
import { serverOptions, type DialectName } from "./databases";
import type { TestGateway } from "./gateway";

/** A lock the test holds until `release`; `waiter()` resolves once something waits for it. */
export interface HeldWrites {
  release(): Promise<void>;
  /**
   * Resolves once a transaction of the database waits for the held row (MySQL). SQLite's waiters retry without a
   * trace the test could read: there it resolves after a pause that lets several of their attempts fail.
   */
  waiter(): Promise<void>;
}

/** Takes the enterprise's row (MySQL) or the database's write lock (SQLite) away from the gateway until `release`. */
export async function holdWrites(gw: Pick<TestGateway, "database">, dialect: DialectName, enterpriseId: number): Promise<HeldWrites> {
  if (dialect === "sqlite") {
    const other = new Database(gw.database.url.slice("sqlite:".length));
    other.exec("BEGIN IMMEDIATE");
    return {
      release: async () => {
        other.exec("ROLLBACK");
        other.close();
      },
      waiter: () => new Promise((resolve) => setTimeout(resolve, 300)),
    };
  }
  const database = decodeURIComponent(new URL(gw.database.url).pathname.slice(1));
  const other = await createConnection({ ...serverOptions(), database });
  await other.beginTransaction();
  await other.query("SELECT id FROM enterprise WHERE id = ? FOR UPDATE", [enterpriseId]);
  return {
    release: async () => {
      await other.rollback();
      await other.end();
    },
    waiter: async () => {
      // Other suites share the server: only a wait in this test's database counts.
      const waiting = async () =>
        Number(
          (
            (await other.query(
              "SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id WHERE t.trx_state = 'LOCK WAIT' AND p.DB = ?",
              [database],
            )) as unknown as [{ n: number | string }[]]
          )[0][0].n,
        );
      // InnoDB refreshes INNODB_TRX only when it was not read for 100 ms: a faster poll would read the same cache for ever.
      for (let waited = 0; (await waiting()) === 0; waited += 150) {
        if (waited > 20_000) throw new Error("nothing waits for the held row");
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    },
  };
}
