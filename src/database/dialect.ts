import type { DataSource } from "typeorm";

/** The two databases the gateway runs on. Its own module, below data-source.ts, which loads the migrations that use it. */
export type Dialect = "sqlite" | "mysql";

export const dialectOf = (dataSource: DataSource): Dialect => (dataSource.options.type === "better-sqlite3" ? "sqlite" : "mysql");
