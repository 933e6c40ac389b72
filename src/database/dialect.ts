import type { DataSource, EntityManager } from "typeorm";

export type Dialect = "sqlite" | "mysql";

/** Which database a data source speaks to: better-sqlite3, or MySQL/MariaDB. Imports nothing else of src/database, so that the migrations may use it. */
export function dialectOf(dataSource: DataSource): Dialect {
  return dataSource.options.type === "better-sqlite3" ? "sqlite" : "mysql";
}

/**
 * Of these trigger names, those the database lacks: the version triggers, the change log's and the name keys' are each
 * checked at a gateway's start (a dump restored without them, a table rebuilt on SQLite) and by the tests.
 */
export async function missingTriggers(
  dataSource: DataSource,
  names: readonly string[],
  manager: Pick<EntityManager, "query"> = dataSource.manager,
): Promise<string[]> {
  const rows: { name: string }[] =
    dialectOf(dataSource) === "mysql"
      ? await manager.query("SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()")
      : await manager.query("SELECT name FROM sqlite_master WHERE type = 'trigger'");
  const present = new Set(rows.map((r) => r.name));
  return names.filter((name) => !present.has(name));
}
