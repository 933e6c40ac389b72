import type { DataSource } from "typeorm";

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
