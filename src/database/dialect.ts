import type { DataSource } from "typeorm";

export type Dialect = "sqlite" | "mysql";

/** Which database a data source speaks to: better-sqlite3, or MySQL/MariaDB. Imports nothing else of src/database, so that the migrations may use it. */
export function dialectOf(dataSource: DataSource): Dialect {
  return dataSource.options.type === "better-sqlite3" ? "sqlite" : "mysql";
}
