import { DataSource } from "typeorm";
import { buildDataSourceOptions } from "../../src/database/data-source-options";
import { migrations } from "../../src/database/migrations";

/**
 * Undoes the newest migrations down to and including the one named (newest first, as TypeORM undoes them), so that a
 * test of one migration does not depend on how many were added after it.
 */
export async function undoMigrationsThrough(dataSource: DataSource, name: string): Promise<void> {
  if (!dataSource.migrations.some((m) => m.name === name)) throw new Error(`no migration named ${name}`);
  for (;;) {
    const [newest] = (await dataSource.query("SELECT name FROM migrations ORDER BY id DESC LIMIT 1")) as { name: string }[];
    if (!newest) throw new Error(`${name} was never run`);
    await dataSource.undoLastMigration({ transaction: "each" });
    if (newest.name === name) return;
  }
}

/** A row for a plain INSERT: a migration's test writes old-shape data without today's entities. */
export type Row = Record<string, string | number | null>;

/**
 * A database migrated up to, not including, the migration named: the shape a migration's test starts from. `insert`
 * writes a row with a plain INSERT (today's entities may not fit the old tables) and answers its id.
 */
export async function databaseBefore(
  url: string,
  name: string,
): Promise<{ dataSource: DataSource; insert(table: string, row: Row): Promise<number> }> {
  const index = migrations.findIndex((m) => m.name === name);
  if (index < 0) throw new Error(`no migration named ${name}`);
  const dataSource = new DataSource({ ...(await buildDataSourceOptions({ url })), migrations: migrations.slice(0, index) });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: "each" });
  const insert = async (table: string, row: Row) => {
    const columns = Object.keys(row);
    await dataSource.query(
      `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
      Object.values(row),
    );
    return Number((await dataSource.query(`SELECT MAX(id) AS id FROM ${table}`))[0].id);
  };
  return { dataSource, insert };
}
