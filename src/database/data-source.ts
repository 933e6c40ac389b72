import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createConnection } from "mysql2/promise";
import { DataSource, type DataSourceOptions } from "typeorm";
import { entities } from "../model/entities";
import { migrations } from "./migrations";

export type Dialect = "sqlite" | "mysql";

const sqliteMigrationBusyTimeoutMs = 5000;

/**
 * How long one SQLite statement may wait for another process's write lock. better-sqlite3 is synchronous: the wait
 * is a sleep that stops the whole event loop, so it stays short and a statement still refused after it is retried
 * asynchronously (retryWhileBusy). WAL mode means readers never wait at all.
 */
export const sqliteBusyTimeoutMs = 10;

/** SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT: the transaction read a snapshot another process has since written past). */
export function isSqliteBusy(error: unknown): boolean {
  const e = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = e.driverError?.code ?? e.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

/**
 * Runs `work` (a whole transaction) again while SQLite answers busy, waiting between attempts without blocking the
 * event loop, until `deadlineMs` has passed. Another process (a register import) holds the write lock only for short
 * transactions, so a turn comes soon.
 */
export async function retryWhileBusy<T>(work: () => Promise<T>, { deadlineMs = 5000 }: { deadlineMs?: number } = {}): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isSqliteBusy(error) || Date.now() - started > deadlineMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2 * attempt, 10) + Math.random() * 5));
    }
  }
}

export const defaultDatabaseUrl = "sqlite:data/access.sqlite";

export class DatabaseUrlError extends Error {}

export class DatabaseOpenError extends Error {}

interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export type DatabaseTarget = { dialect: "sqlite"; path: string } | ({ dialect: "mysql" } & MysqlTarget);

/** Parses DATABASE_URL: `sqlite:PATH` (`sqlite::memory:` for a throwaway database) or `mysql://USER:PASS@HOST:PORT/DB`. */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length).replace(/^\/\//, "");
    if (path === "") throw new DatabaseUrlError("DATABASE_URL sqlite: needs a file path, e.g. sqlite:data/access.sqlite");
    return { dialect: "sqlite", path };
  }
  if (/^(mysql|mariadb):\/\//.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new DatabaseUrlError("DATABASE_URL is not a valid URL: expected mysql://USER:PASS@HOST:PORT/DB");
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
    if (!parsed.hostname || !database) throw new DatabaseUrlError("DATABASE_URL must name a host and a database: mysql://USER:PASS@HOST:PORT/DB");
    const port = parsed.port ? Number(parsed.port) : 3306;
    return {
      dialect: "mysql",
      host: parsed.hostname,
      port,
      user: decodeURIComponent(parsed.username || "root"),
      password: decodeURIComponent(parsed.password),
      database,
    };
  }
  throw new DatabaseUrlError(`DATABASE_URL must start with sqlite: or mysql:// (got "${url.split(":")[0]}:...")`);
}

/** Reads the server's version so that TypeORM gets the right driver flavour ("mariadb" vs "mysql"). */
async function detectMysqlFlavour({ host, port, user, password, database }: MysqlTarget): Promise<"mysql" | "mariadb"> {
  const connection = await createConnection({ host, port, user, password, database, connectTimeout: 10_000 });
  try {
    const [rows] = await connection.query("SELECT VERSION() AS version");
    const version = String((rows as { version: string }[])[0]?.version ?? "");
    return /mariadb/i.test(version) ? "mariadb" : "mysql";
  } finally {
    await connection.end();
  }
}

export interface DataSourceSettings {
  url: string;
  /** Read replicas (MySQL only): reads outside transactions go to them, writes and reads in transactions to the primary. */
  replicaUrls?: readonly string[];
  poolSize?: number;
  logging?: boolean;
}

export async function buildDataSourceOptions({ url, replicaUrls = [], poolSize = 10, logging = false }: DataSourceSettings): Promise<DataSourceOptions> {
  const target = parseDatabaseUrl(url);
  if (target.dialect === "sqlite") {
    if (replicaUrls.length > 0) throw new DatabaseUrlError("DATABASE_REPLICA_URLS needs a mysql:// DATABASE_URL");
    if (target.path !== ":memory:") mkdirSync(dirname(resolve(target.path)), { recursive: true });
    return {
      type: "better-sqlite3",
      database: target.path,
      enableWAL: target.path !== ":memory:",
      prepareDatabase: (db: { pragma(source: string): unknown }) => {
        // Long only while migrating at start (processes starting together take turns); openDatabase shortens it after.
        db.pragma(`busy_timeout = ${sqliteMigrationBusyTimeoutMs}`);
        db.pragma("synchronous = NORMAL");
      },
      entities,
      migrations,
      migrationsRun: false,
      synchronize: false,
      logging,
    };
  }
  const replicas = replicaUrls.map((replicaUrl) => {
    const replica = parseDatabaseUrl(replicaUrl);
    if (replica.dialect !== "mysql") throw new DatabaseUrlError("DATABASE_REPLICA_URLS must be mysql:// URLs");
    return typeormCredentials(replica);
  });
  const primary = typeormCredentials(target);
  const flavour = await detectMysqlFlavour(target);
  return {
    type: flavour,
    ...(replicas.length > 0 ? { replication: { master: primary, slaves: replicas } } : primary),
    timezone: "Z",
    charset: "utf8mb4_unicode_ci",
    poolSize,
    extra: { connectionLimit: poolSize, enableKeepAlive: true },
    entities,
    migrations,
    migrationsRun: false,
    synchronize: false,
    logging,
  } as DataSourceOptions;
}

function typeormCredentials({ host, port, user, password, database }: MysqlTarget) {
  return { host, port, username: user, password, database };
}

export function dialectOf(dataSource: DataSource): Dialect {
  return dataSource.options.type === "better-sqlite3" ? "sqlite" : "mysql";
}

/** Where DATABASE_URL points, for messages: never the password. */
export function describeDatabase(url: string): string {
  const target = parseDatabaseUrl(url);
  return target.dialect === "sqlite" ? `sqlite:${target.path}` : `mysql://${target.user}@${target.host}:${target.port}/${target.database}`;
}

/**
 * A data source whose reads outside transactions go to replicas, with a second, smaller pool on the primary alone for
 * the reads that must see what their own request just wrote (a mutation's answer): replicas lag behind the primary.
 * A separate pool, not a connection held by the request, so that a request never waits for a connection while it
 * holds another.
 */
export class ReplicatedDataSource extends DataSource {
  constructor(
    options: DataSourceOptions,
    readonly primaryReader: DataSource,
  ) {
    super(options);
  }

  override async initialize(): Promise<this> {
    await this.primaryReader.initialize();
    return super.initialize();
  }

  override async destroy(): Promise<void> {
    if (this.primaryReader.isInitialized) await this.primaryReader.destroy();
    await super.destroy();
  }
}

/** Where reads that must see the request's own writes go: the primary (the data source itself when there are no replicas). */
export function primaryReader(dataSource: DataSource): DataSource {
  return dataSource instanceof ReplicatedDataSource ? dataSource.primaryReader : dataSource;
}

async function createDataSource(settings: DataSourceSettings): Promise<DataSource> {
  const options = await buildDataSourceOptions(settings);
  if (!settings.replicaUrls || settings.replicaUrls.length === 0) return new DataSource(options);
  const readerPoolSize = Math.max(2, Math.ceil((settings.poolSize ?? 10) / 2));
  return new ReplicatedDataSource(options, new DataSource(await buildDataSourceOptions({ ...settings, replicaUrls: [], poolSize: readerPoolSize })));
}

/** Opens the database and brings its schema up to date: every command migrates the database it opens (SPEC, Identity). */
export async function openDatabase(settings: DataSourceSettings): Promise<DataSource> {
  const where = describeDatabase(settings.url);
  // A driver's own message ("connect ECONNREFUSED 127.0.0.1:3306") does not say which setting to look at.
  const opening = (step: string) => (error: unknown): never => {
    if (error instanceof DatabaseUrlError) throw error;
    throw new DatabaseOpenError(`Cannot ${step} the database of DATABASE_URL (${where}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  };
  const dataSource = await createDataSource(settings).catch(opening("open"));
  await dataSource.initialize().catch(opening("open"));
  try {
    await dataSource.runMigrations({ transaction: "each" });
    if (dialectOf(dataSource) === "sqlite") await dataSource.query(`PRAGMA busy_timeout = ${sqliteBusyTimeoutMs}`);
  } catch (error) {
    await dataSource.destroy();
    opening("migrate")(error);
  }
  return dataSource;
}
