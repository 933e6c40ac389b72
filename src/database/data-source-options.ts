/** The TypeORM options of DATABASE_URL, for either dialect. */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { DataSourceOptions } from "typeorm";
import { entities, subscribers } from "../domain/entities";
import { migrations } from "./migrations";
import { DatabaseUrlError, parseDatabaseUrl, type MysqlTarget } from "./database-url";
import { detectMysqlServer, sessionBounds, type DatabaseDeadlines, type SessionBounds } from "./mysql-sessions";
import { sqliteMigrationBusyTimeoutMs } from "./sqlite-busy";

/** How long a read replica that failed five connection attempts in a row is left out before it is tried again, in ms. */
export const replicaRestoreMs = 1000;

export interface DataSourceSettings {
  url: string;
  /** Read replicas (MySQL only): reads outside transactions go to them, writes and reads in transactions to the primary. */
  replicaUrls?: readonly string[];
  poolSize?: number;
  logging?: boolean;
  /** Bounds on MySQL/MariaDB sessions (the serving processes); none for the command-line tools and migrations. */
  deadlines?: DatabaseDeadlines;
}

export async function buildDataSourceOptions(settings: DataSourceSettings): Promise<DataSourceOptions> {
  return (await describeDataSource(settings)).options;
}

/** The TypeORM options, and for MySQL/MariaDB the bounds of each session when deadlines are asked for. */
export async function describeDataSource({
  url,
  replicaUrls = [],
  poolSize = 10,
  logging = false,
  deadlines,
}: DataSourceSettings): Promise<{ options: DataSourceOptions; session: SessionBounds | null }> {
  const target = parseDatabaseUrl(url);
  if (target.dialect === "sqlite") {
    if (replicaUrls.length > 0) throw new DatabaseUrlError("DATABASE_REPLICA_URLS needs a mysql:// DATABASE_URL");
    if (target.path !== ":memory:") mkdirSync(dirname(resolve(target.path)), { recursive: true });
    const options: DataSourceOptions = {
      type: "better-sqlite3",
      database: target.path,
      enableWAL: target.path !== ":memory:",
      prepareDatabase: (db: { pragma(source: string): unknown }) => {
        // Long only while migrating at start (processes starting together take turns); openDatabase shortens it after.
        db.pragma(`busy_timeout = ${sqliteMigrationBusyTimeoutMs}`);
        db.pragma("synchronous = NORMAL");
      },
      entities,
      subscribers,
      migrations,
      migrationsRun: false,
      synchronize: false,
      logging,
    };
    return { options, session: null };
  }
  const replicas = replicaUrls.map((replicaUrl) => {
    const replica = parseDatabaseUrl(replicaUrl);
    if (replica.dialect !== "mysql") throw new DatabaseUrlError("DATABASE_REPLICA_URLS must be mysql:// URLs");
    return typeormCredentials(replica);
  });
  const primary = typeormCredentials(target);
  const server = await detectMysqlServer(target, deadlines?.connectTimeoutMs);
  const options = {
    type: server.flavour,
    // A replica that failed five connection attempts is left out for replicaRestoreMs, then tried again (mysql2's
    // default removes it for good: its reads would fail until a restart, though it came back).
    ...(replicas.length > 0 ? { replication: { master: primary, slaves: replicas, restoreNodeTimeout: replicaRestoreMs } } : primary),
    timezone: "Z",
    charset: "utf8mb4_unicode_ci",
    poolSize,
    extra: {
      connectionLimit: poolSize,
      enableKeepAlive: true,
      // The read side's prepared statements (src/read/row-reader.ts) stay prepared on each connection; the server
      // counts them against max_prepared_stmt_count (16,382 by default) for all its clients together, so each
      // connection keeps at most this many (least recently used closed first), far more than the shapes in use.
      maxPreparedStatements: 128,
      ...(deadlines ? { connectTimeout: deadlines.connectTimeoutMs } : {}),
    },
    entities,
    subscribers,
    migrations,
    migrationsRun: false,
    synchronize: false,
    logging,
  } as DataSourceOptions;
  return { options, session: deadlines ? sessionBounds(deadlines, server) : null };
}

function typeormCredentials({ host, port, user, password, database, socketPath }: MysqlTarget) {
  return { host, port, username: user, password, database, ...(socketPath ? { socketPath } : {}) };
}
