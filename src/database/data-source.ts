import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createConnection } from "mysql2/promise";
import type { Database } from "better-sqlite3";
import { DataSource, type DataSourceOptions, type EntityManager } from "typeorm";
import { entities } from "../domain/entities";
import type { Dialect } from "./dialect";
import { migrations } from "./migrations";

export type { Dialect } from "./dialect";

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
  /** A Unix socket of a server on this machine (`?socket=/run/mysqld/mysqld.sock`): host and port are then not used. */
  socketPath?: string;
}

export type DatabaseTarget = { dialect: "sqlite"; path: string } | ({ dialect: "mysql" } & MysqlTarget);

/**
 * Parses DATABASE_URL: `sqlite:PATH` (`sqlite::memory:` for a throwaway database) or `mysql://USER:PASS@HOST:PORT/DB`,
 * optionally `?socket=/PATH` for a server on this machine (a Unix socket costs the gateway about a tenth less CPU than
 * loopback TCP).
 */
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
    const unknown = [...parsed.searchParams.keys()].filter((name) => name !== "socket");
    if (unknown.length > 0) throw new DatabaseUrlError(`DATABASE_URL knows one parameter, socket (got "${unknown[0].slice(0, 40)}")`);
    const socketPath = parsed.searchParams.get("socket") ?? undefined;
    if (socketPath !== undefined && !socketPath.startsWith("/")) throw new DatabaseUrlError("DATABASE_URL's socket must be an absolute path, e.g. ?socket=/run/mysqld/mysqld.sock");
    return {
      dialect: "mysql",
      host: parsed.hostname,
      port,
      user: decodeURIComponent(parsed.username || "root"),
      password: decodeURIComponent(parsed.password),
      database,
      ...(socketPath ? { socketPath } : {}),
    };
  }
  throw new DatabaseUrlError(`DATABASE_URL must start with sqlite: or mysql:// (got "${url.split(":")[0]}:...")`);
}

/** The session variables that bound a session's statements and transactions, on whichever flavour has them. */
const deadlineVariables = ["max_statement_time", "max_execution_time", "innodb_lock_wait_timeout", "idle_transaction_timeout"];

interface MysqlServer {
  flavour: "mysql" | "mariadb";
  /** Which of `deadlineVariables` the server knows. */
  variables: Set<string>;
}

/** Reads the server's version so that TypeORM gets the right driver flavour ("mariadb" vs "mysql"), and which deadlines it supports. */
async function detectMysqlServer({ host, port, user, password, database, socketPath }: MysqlTarget, connectTimeout = 10_000): Promise<MysqlServer> {
  const connection = await createConnection({ host, port, user, password, database, connectTimeout, ...(socketPath ? { socketPath } : {}) });
  try {
    const [rows] = await connection.query("SELECT VERSION() AS version");
    const version = String((rows as { version: string }[])[0]?.version ?? "");
    const [variables] = await connection.query("SHOW VARIABLES WHERE Variable_name IN (?)", [deadlineVariables]);
    return { flavour: /mariadb/i.test(version) ? "mariadb" : "mysql", variables: new Set((variables as { Variable_name: string }[]).map((v) => v.Variable_name)) };
  } finally {
    await connection.end();
  }
}

/** Bounds of every session of a serving process (README, "Deadlines"). */
export interface DatabaseDeadlines {
  /** MariaDB max_statement_time (every statement), MySQL max_execution_time (SELECTs only). */
  statementTimeoutMs: number;
  lockWaitTimeoutS: number;
  /** MariaDB idle_transaction_timeout: the server ends a session that sits in a transaction this long (a partitioned client's). */
  idleTransactionTimeoutS: number;
  connectTimeoutMs: number;
}

/** The statement that bounds one session, with only the variables this server knows. */
function sessionBounds({ statementTimeoutMs, lockWaitTimeoutS, idleTransactionTimeoutS }: DatabaseDeadlines, { variables }: MysqlServer): string {
  const settings = [`innodb_lock_wait_timeout = ${lockWaitTimeoutS}`];
  if (variables.has("max_statement_time")) settings.push(`max_statement_time = ${statementTimeoutMs / 1000}`);
  else if (variables.has("max_execution_time")) settings.push(`max_execution_time = ${statementTimeoutMs}`);
  if (variables.has("idle_transaction_timeout")) settings.push(`idle_transaction_timeout = ${idleTransactionTimeoutS}`);
  return `SET SESSION ${settings.join(", ")}`;
}

/** What the answer to a statement may take beyond the server's own statement timeout before the client gives the connection up. */
const answerGraceMs = 2_000;

type DriverCommand = (...args: unknown[]) => { once(event: "end", listener: () => void): unknown };

interface DriverConnection {
  query: DriverCommand;
  /** A prepared statement: what the read side's hot statements use (src/model/row-reader.ts). */
  execute: DriverCommand;
  promise(): { query(sql: string): Promise<unknown> };
}

/**
 * Gives a MySQL connection up at once: its pending statements fail with `code`, the pool drops it, and the server
 * rolls back what it had open when it sees the close (or, across a partition, after idle_transaction_timeout).
 * mysql2's destroy() ends the socket gracefully and leaves pending statements waiting for ever; a stream error does not.
 */
export function abandonConnection(connection: unknown, code: string, message: string): void {
  const stream = (connection as { stream?: { destroy(error?: Error): void } }).stream;
  stream?.destroy(Object.assign(new Error(message), { code }));
}

/**
 * Bounds every connection TypeORM hands out, once per physical connection: the session variables, and a client-side
 * guard for an answer that never comes (a partition). mysql2's own query timeout leaves the timed-out command queued
 * on the connection (the next statement waits behind it for ever), so the guard abandons the connection instead.
 */
function boundSessions(dataSource: DataSource, statement: string, { statementTimeoutMs }: DatabaseDeadlines): void {
  const driver = dataSource.driver as unknown as { obtainMasterConnection(): Promise<DriverConnection>; obtainSlaveConnection(): Promise<DriverConnection> };
  const bounded = new WeakSet<DriverConnection>();
  const bound = async (connection: DriverConnection) => {
    if (bounded.has(connection)) return connection;
    const guarded = (run: DriverCommand): DriverCommand => (...args) => {
      const command = run(...args);
      const guard = setTimeout(
        () => abandonConnection(connection, "PROTOCOL_SEQUENCE_TIMEOUT", `The database did not answer within ${statementTimeoutMs + answerGraceMs} ms`),
        statementTimeoutMs + answerGraceMs,
      ).unref();
      command.once("end", () => clearTimeout(guard));
      return command;
    };
    connection.query = guarded(connection.query.bind(connection));
    connection.execute = guarded(connection.execute.bind(connection));
    try {
      await connection.promise().query(statement);
    } catch (error) {
      abandonConnection(connection, "PROTOCOL_CONNECTION_LOST", "The session's bounds could not be set");
      throw error;
    }
    bounded.add(connection);
    return connection;
  };
  const master = driver.obtainMasterConnection.bind(driver);
  const slave = driver.obtainSlaveConnection.bind(driver);
  driver.obtainMasterConnection = async () => bound(await master());
  driver.obtainSlaveConnection = async () => bound(await slave());
}

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

/** The TypeORM options, and for MySQL/MariaDB the statement that bounds each session when deadlines are asked for. */
async function describeDataSource({ url, replicaUrls = [], poolSize = 10, logging = false, deadlines }: DataSourceSettings): Promise<{ options: DataSourceOptions; sessionStatement: string | null }> {
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
      migrations,
      migrationsRun: false,
      synchronize: false,
      logging,
    };
    return { options, sessionStatement: null };
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
    ...(replicas.length > 0 ? { replication: { master: primary, slaves: replicas } } : primary),
    timezone: "Z",
    charset: "utf8mb4_unicode_ci",
    poolSize,
    extra: {
      connectionLimit: poolSize,
      enableKeepAlive: true,
      // The read side's prepared statements (src/model/row-reader.ts) stay prepared on each connection; the server
      // counts them against max_prepared_stmt_count (16,382 by default) for all its clients together, so each
      // connection keeps at most this many (least recently used closed first), far more than the shapes in use.
      maxPreparedStatements: 128,
      ...(deadlines ? { connectTimeout: deadlines.connectTimeoutMs } : {}),
    },
    entities,
    migrations,
    migrationsRun: false,
    synchronize: false,
    logging,
  } as DataSourceOptions;
  return { options, sessionStatement: deadlines ? sessionBounds(deadlines, server) : null };
}

function typeormCredentials({ host, port, user, password, database, socketPath }: MysqlTarget) {
  return { host, port, username: user, password, database, ...(socketPath ? { socketPath } : {}) };
}

export function dialectOf(dataSource: DataSource): Dialect {
  return dataSource.options.type === "better-sqlite3" ? "sqlite" : "mysql";
}

/** Where DATABASE_URL points, for messages: never the password. */
export function describeDatabase(url: string): string {
  const target = parseDatabaseUrl(url);
  if (target.dialect === "sqlite") return `sqlite:${target.path}`;
  return target.socketPath ? `mysql://${target.user}@${target.host}/${target.database}?socket=${target.socketPath}` : `mysql://${target.user}@${target.host}:${target.port}/${target.database}`;
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

/**
 * An SQLite file database, with a second, read-only connection to the same file for the reads outside transactions.
 * better-sqlite3 gives the data source one connection, which TypeORM shares for everything: while a management action
 * is open on it (it awaits between statements; a dry run holds it while its answer is read), any other statement on
 * it runs inside that transaction, so another request's reads would see its uncommitted writes (an access manager
 * appointed by a dry run could act as one for a moment). The read connection reads the last committed state (WAL: it
 * never waits for the writer, nor the writer for it), and it cannot write. `sqlite::memory:` has no such connection:
 * a second connection would open another, empty database, so reads there share the one connection as before.
 */
export class SqliteFileDataSource extends DataSource {
  constructor(
    options: DataSourceOptions,
    readonly reader: DataSource,
  ) {
    super(options);
  }

  override async initialize(): Promise<this> {
    await super.initialize();
    try {
      await this.reader.initialize();
    } catch (error) {
      await super.destroy();
      throw error;
    }
    return this;
  }

  override async destroy(): Promise<void> {
    // The reader first: the last connection to close checkpoints the write-ahead log into the file.
    if (this.reader.isInitialized) await this.reader.destroy();
    await super.destroy();
  }
}

/**
 * Where a request reads outside a transaction: SQLite's read connection (committed rows only) for a file database,
 * else the data source itself (TypeORM sends those reads to the replicas when they are configured). Reads inside a
 * transaction (an action's own checks, a dry run's answer) go through that transaction's manager instead.
 */
export function requestReader(dataSource: DataSource): DataSource {
  return dataSource instanceof SqliteFileDataSource ? dataSource.reader : dataSource;
}

/**
 * Where reads that must see the request's own writes go: the primary (the data source itself when there are no
 * replicas). On SQLite the read connection: once the write has committed, its next statement sees it.
 */
export function primaryReader(dataSource: DataSource): DataSource {
  return dataSource instanceof ReplicatedDataSource ? dataSource.primaryReader : requestReader(dataSource);
}

/**
 * The better-sqlite3 connection a read through `manager` runs on, for the read side's own statements
 * (src/model/row-reader.ts): the transaction's when the manager has one (it sees its own writes), else the read
 * connection of a file database (see SqliteFileDataSource). Null on MySQL/MariaDB.
 */
export function sqliteReadConnection(manager: EntityManager): Database | null {
  if (dialectOf(manager.connection) !== "sqlite") return null;
  const owner = manager.queryRunner ? manager.connection : requestReader(manager.connection);
  return (owner.driver as unknown as { databaseConnection: Database }).databaseConnection;
}

async function newDataSource(settings: DataSourceSettings, build: (options: DataSourceOptions) => DataSource): Promise<DataSource> {
  const { options, sessionStatement } = await describeDataSource(settings);
  const dataSource = build(options);
  if (sessionStatement && settings.deadlines) boundSessions(dataSource, sessionStatement, settings.deadlines);
  return dataSource;
}

async function createDataSource(settings: DataSourceSettings): Promise<DataSource> {
  const target = parseDatabaseUrl(settings.url);
  if (target.dialect === "sqlite" && target.path !== ":memory:") {
    const { options } = await describeDataSource(settings);
    const reader = new DataSource({
      ...options,
      readonly: true,
      fileMustExist: true,
      enableWAL: false,
      migrations: [],
      // Readers do not wait in WAL mode, but for a moment while another connection opens or resets the log.
      prepareDatabase: (db: { pragma(source: string): unknown }) => db.pragma(`busy_timeout = ${sqliteBusyTimeoutMs}`),
    } as DataSourceOptions);
    return new SqliteFileDataSource(options, reader);
  }
  if (!settings.replicaUrls || settings.replicaUrls.length === 0) return newDataSource(settings, (options) => new DataSource(options));
  const readerPoolSize = Math.max(2, Math.ceil((settings.poolSize ?? 10) / 2));
  const reader = await newDataSource({ ...settings, replicaUrls: [], poolSize: readerPoolSize }, (options) => new DataSource(options));
  return newDataSource(settings, (options) => new ReplicatedDataSource(options, reader));
}

/** Opens the database and brings its schema up to date: every command migrates the database it opens (SPEC, Identity). */
export async function openDatabase(settings: DataSourceSettings): Promise<DataSource> {
  if (settings.deadlines && parseDatabaseUrl(settings.url).dialect === "mysql") {
    // A migration may run statements far longer than a request's (converting a large table): it runs unbounded, on
    // a connection of its own, before the bounded pool opens.
    await (await openDatabase({ url: settings.url, poolSize: 1, logging: settings.logging })).destroy();
    return openOnly(settings, { migrate: false });
  }
  return openOnly(settings, { migrate: true });
}

async function openOnly(settings: DataSourceSettings, { migrate }: { migrate: boolean }): Promise<DataSource> {
  const where = describeDatabase(settings.url);
  // A driver's own message ("connect ECONNREFUSED 127.0.0.1:3306") does not say which setting to look at.
  const opening = (step: string) => (error: unknown): never => {
    if (error instanceof DatabaseUrlError) throw error;
    throw new DatabaseOpenError(`Cannot ${step} the database of DATABASE_URL (${where}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  };
  const dataSource = await createDataSource(settings).catch(opening("open"));
  await dataSource.initialize().catch(opening("open"));
  if (!migrate) return dataSource;
  try {
    await dataSource.runMigrations({ transaction: "each" });
    if (dialectOf(dataSource) === "sqlite") await dataSource.query(`PRAGMA busy_timeout = ${sqliteBusyTimeoutMs}`);
  } catch (error) {
    await dataSource.destroy();
    opening("migrate")(error);
  }
  return dataSource;
}
