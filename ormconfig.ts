import "reflect-metadata";
import { DataSource } from "typeorm";
import { entities } from "./src/domain/entities";
import { migrations } from "./src/database/migrations";
import { defaultDatabaseUrl, parseDatabaseUrl } from "./src/database/database-url";

/**
 * The data source for TypeORM's CLI (`npx typeorm -d ormconfig.ts migration:show`). The gateway and the commands
 * build theirs with openDatabase() in src/database/data-source.ts, which also detects MariaDB vs MySQL.
 */
const target = parseDatabaseUrl(process.env.DATABASE_URL ?? defaultDatabaseUrl);

export default new DataSource(
  target.dialect === "sqlite"
    ? { type: "better-sqlite3", database: target.path, entities, migrations }
    : {
        type: "mysql",
        host: target.host,
        port: target.port,
        username: target.user,
        password: target.password,
        database: target.database,
        timezone: "Z",
        charset: "utf8mb4_unicode_ci",
        entities,
        migrations,
      },
);
