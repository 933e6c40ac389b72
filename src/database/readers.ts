/** Where a request reads: SQLite's read connection, the MySQL replicas, or the primary for what it has just written. */
import type { Database } from "better-sqlite3";
import { DataSource, type DataSourceOptions, type EntityManager } from "typeorm";
import { dialectOf } from "./dialect";

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
 * (src/read/row-reader.ts): the transaction's when the manager has one (it sees its own writes), else the read
 * connection of a file database (see SqliteFileDataSource). Null on MySQL/MariaDB.
 */
export function sqliteReadConnection(manager: EntityManager): Database | null {
  if (dialectOf(manager.connection) !== "sqlite") return null;
  const owner = manager.queryRunner ? manager.connection : requestReader(manager.connection);
  return (owner.driver as unknown as { databaseConnection: Database }).databaseConnection;
}
