import type { Database, Statement } from "better-sqlite3";
import { QueryFailedError, type DataSource, type EntityManager, type EntityTarget, type ObjectLiteral } from "typeorm";
import { currentAtPositionalSql } from "../domain/validity";
import { sqliteReadConnection } from "../database/readers";
import { trustedVersionSql } from "../database/enterprise-versions";
import type { DateTime } from "../domain/scalars";

/**
 * The read side's hot statements (src/read/loaders.ts, src/read/role-assignment-pages.ts): one prepared statement
 * each, straight on the driver, answering plain objects. The SELECT list names every column after its entity
 * property, so the driver's row is already the object the resolvers read; only booleans and date-times (to ISO-8601
 * strings, passed through to the answer) are converted.
 * The columns come from TypeORM's entity metadata, so the entities stay the one description of the tables; TypeORM
 * itself keeps the writes, the migrations and everything off this path.
 *
 * The rows are typed as their entities but are not instances of them (no entity hydration): where a class matters,
 * (a Node resolved by `node(id:)`), `asInstance` gives the row its class.
 */

/**
 * What "current" means for the tables whose rows end, for every statement of this module that reads only current rows.
 * Assignments take it from src/domain/validity.ts (current at `now`: not ended, not expired), the one definition.
 * `params` are bound where the condition stands.
 */
export const currentRow = {
  roleAssignment: (alias: string, now: Date): Condition => ({ sql: currentAtPositionalSql(alias), params: [storedDateTime(now)] }),
  structuredMessagingConfig: (alias: string): Condition => ({ sql: `${alias}.ended_at IS NULL`, params: [] }),
};

/**
 * An instant as TypeORM stores a datetime ("YYYY-MM-DD HH:MM:SS.SSS", UTC): SQLite compares the stored text with it,
 * MariaDB converts it to a DATETIME. (better-sqlite3 cannot bind a Date.)
 */
export function storedDateTime(at: Date): string {
  return at.toISOString().replace("T", " ").slice(0, 23);
}

export interface Condition {
  sql: string;
  params: readonly unknown[];
}

export type Row = Record<string, unknown>;

/** What a statement of the caller's own making needs of its table. */
export type TableSql = Pick<TableShape, "table" | "columns" | "column">;

/** A table as one statement reads it: its name and SELECT list, and the conversions its driver values need. */
interface TableShape {
  table: string;
  /** The SELECT list for a table alias: `alias.person_id AS personId`, ... */
  columns(alias: string): string;
  /** The column of a property, escaped: `person_id` for personId. */
  column(property: string): string;
  /** Converts the driver's rows in place (booleans, dates) and returns them. */
  hydrate(rows: Row[]): Row[];
  /** The entity's properties, in the order of `columns`. */
  properties: readonly string[];
  /** The SELECT list under prefixed names, for a statement that reads several tables: `alias.person_id AS alias__personId`. */
  prefixedColumns(alias: string): string;
}

const shapes = new WeakMap<DataSource, Map<EntityTarget<ObjectLiteral>, TableShape>>();

/**
 * The ISO-8601 text of a stored date-time, which the read side passes through to the answer (the DateTime scalar
 * writes such a string as it is): SQLite holds TypeORM's "YYYY-MM-DD HH:MM:SS.SSS" in UTC, mysql2 answers the same
 * text (without ".SSS" when the milliseconds are 0) under `dateStrings`. Anything else is read as TypeORM would.
 */
export function isoDateTime(value: unknown): DateTime {
  if (typeof value === "string" && value[10] === " ") {
    if (value.length === 23) return `${value.slice(0, 10)}T${value.slice(11)}Z`;
    if (value.length === 19) return `${value.slice(0, 10)}T${value.slice(11)}.000Z`;
  }
  let date: Date;
  if (value instanceof Date) date = value;
  else {
    let text = String(value);
    if (/^\d\d\d\d-\d\d-\d\d \d\d:\d\d/.test(text)) text = text.replace(" ", "T");
    if (/^\d\d\d\d-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d\d\d)?)?$/.test(text)) text += "Z";
    date = new Date(text);
  }
  // An invalid date stays a Date: the scalar refuses it as it always has.
  return Number.isNaN(date.getTime()) ? date : date.toISOString();
}

function shapeOf(dataSource: DataSource, entity: EntityTarget<ObjectLiteral>): TableShape {
  let byEntity = shapes.get(dataSource);
  if (!byEntity) shapes.set(dataSource, (byEntity = new Map()));
  let shape = byEntity.get(entity);
  if (shape) return shape;
  const metadata = dataSource.getMetadata(entity);
  const escape = (name: string) => dataSource.driver.escape(name);
  const columns = metadata.columns.map((c) => ({ column: c.databaseName, property: c.propertyName, type: c.type }));
  const booleans = columns.filter((c) => c.type === "boolean" || c.type === Boolean).map((c) => c.property);
  const dates = columns.filter((c) => c.type === "datetime" || c.type === Date).map((c) => c.property);
  // mysql2 answers a BIGINT as a string; the only one, the enterprise version, stays far below 2^53.
  const bigints = columns.filter((c) => c.type === "bigint").map((c) => c.property);
  // An enterprise's version is read as null while the versions are not trusted (src/database/enterprise-versions.ts):
  // every statement that reads a version for the kept read models tells in the same breath whether it may be used.
  const read = (alias: string, column: string) =>
    metadata.tableName === "enterprise" && column === "version"
      ? trustedVersionSql(`${alias}.${escape(column)}`)
      : `${alias}.${escape(column)}`;
  shape = {
    table: escape(metadata.tableName),
    columns: (alias) => columns.map((c) => `${read(alias, c.column)} AS ${escape(c.property)}`).join(", "),
    properties: columns.map((c) => c.property),
    prefixedColumns: (alias) => columns.map((c) => `${read(alias, c.column)} AS ${escape(`${alias}__${c.property}`)}`).join(", "),
    column(property) {
      const found = columns.find((c) => c.property === property);
      if (!found) throw new Error(`${metadata.name} has no property ${property}`);
      return escape(found.column);
    },
    hydrate(rows) {
      if (booleans.length === 0 && dates.length === 0 && bigints.length === 0) return rows;
      for (const row of rows) {
        for (const property of booleans) if (row[property] !== null) row[property] = Boolean(row[property]);
        for (const property of dates) if (row[property] !== null) row[property] = isoDateTime(row[property]);
        for (const property of bigints) if (row[property] !== null) row[property] = Number(row[property]);
      }
      return rows;
    },
  };
  byEntity.set(entity, shape);
  return shape;
}

/**
 * An IN list padded to the next power of two by repeating its last key, so that a statement has a handful of shapes
 * whatever the batch size: each shape is prepared once per connection, and MariaDB's prepared statements stay few.
 */
/** `list` cut into consecutive parts of at most `size` items (the last may be shorter), for statements of bounded size. */
export function partsOf<T>(list: readonly T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let from = 0; from < list.length; from += size) parts.push(list.slice(from, from + size));
  return parts;
}

export function padded(keys: readonly unknown[]): unknown[] {
  if (keys.length === 0) return [];
  let size = 1;
  while (size < keys.length) size *= 2;
  const list = [...keys];
  while (list.length < size) list.push(keys[keys.length - 1]);
  return list;
}

/** The most keys one statement binds in one IN list (a power of two, so that padding stays within it). */
export const maxKeysPerStatement = 4096;

export const placeholders = (count: number) => Array.from({ length: count }, () => "?").join(", ");

interface MysqlConnection {
  query(sql: string, callback: (error: Error | null) => void): unknown;
  execute(options: { sql: string; dateStrings: boolean }, values: unknown[], callback: (error: Error | null, rows: Row[]) => void): unknown;
  release(): void;
}

interface MysqlDriver {
  isReplicated: boolean;
  obtainMasterConnection(): Promise<MysqlConnection>;
  obtainSlaveConnection(): Promise<MysqlConnection>;
}

/** A prepared SELECT answering arrays (better-sqlite3's `raw`), and the names its values are set under. */
interface SqliteSelect {
  statement: Statement;
  names: string[];
}

const sqliteStatements = new WeakMap<Database, Map<string, SqliteSelect>>();

/**
 * better-sqlite3 builds each row object through V8's API, property by property; as arrays, named here in a loop,
 * the same rows cost about half as much.
 */
function sqliteRows(db: Database, sql: string, params: readonly unknown[]): Row[] {
  let statements = sqliteStatements.get(db);
  if (!statements) sqliteStatements.set(db, (statements = new Map()));
  let select = statements.get(sql);
  if (!select) {
    const statement = db.prepare(sql).raw(true);
    select = { statement, names: statement.columns().map((c) => c.name) };
    statements.set(sql, select);
  }
  const { statement, names } = select;
  return (statement.all(...params) as unknown[][]).map((values) => {
    const row: Row = {};
    for (let i = 0; i < names.length; i++) row[names[i]] = values[i];
    return row;
  });
}

/** A statement that cannot be prepared (transaction control), as plain text. */
function mysqlCommand(connection: MysqlConnection, sql: string): Promise<void> {
  return new Promise((resolve, reject) => connection.query(sql, (error) => (error ? reject(error) : resolve())));
}

function mysqlRows(connection: MysqlConnection, sql: string, params: readonly unknown[]): Promise<Row[]> {
  return new Promise((resolve, reject) =>
    connection.execute({ sql, dateStrings: true }, [...params], (error, rows) => (error ? reject(error) : resolve(rows))),
  );
}

/**
 * Runs one SELECT where the manager reads: inside its transaction when it has one, else (as TypeORM's `find` does) on
 * a connection of the replicas when they are configured, given back at once; on SQLite on the read connection, which
 * sees only committed rows (sqliteReadConnection, src/database/readers.ts).
 */
async function select(manager: EntityManager, sql: string, params: readonly unknown[]): Promise<Row[]> {
  manager.connection.logger.logQuery(sql, params as unknown[]);
  try {
    return await run(manager, sql, params);
  } catch (error) {
    // As TypeORM reports a failed statement: the driver's error with the statement and its parameters (masked in the
    // logs). Whatever the driver threw: better-sqlite3's native part may throw a SqliteError of another realm (Jest's
    // module registries), which `instanceof Error` does not recognise.
    throw error instanceof QueryFailedError ? error : new QueryFailedError(sql, params as unknown[], error as Error);
  }
}

async function run(manager: EntityManager, sql: string, params: readonly unknown[]): Promise<Row[]> {
  const sqlite = sqliteReadConnection(manager);
  if (sqlite) return sqliteRows(sqlite, sql, params);
  const dataSource = manager.connection;
  const runner = manager.queryRunner;
  if (runner) return mysqlRows((await runner.connect()) as MysqlConnection, sql, params);
  const driver = dataSource.driver as unknown as MysqlDriver;
  const connection =
    driver.isReplicated && dataSource.defaultReplicationModeForReads() === "slave"
      ? await driver.obtainSlaveConnection()
      : await driver.obtainMasterConnection();
  try {
    return await mysqlRows(connection, sql, params);
  } finally {
    connection.release();
  }
}

/** The statements' texts by key, per data source: built once, prepared once per connection by the driver. */
const texts = new WeakMap<DataSource, Map<string, string>>();

function statementTexts(dataSource: DataSource): Map<string, string> {
  let known = texts.get(dataSource);
  if (!known) texts.set(dataSource, (known = new Map()));
  return known;
}

export class RowReader {
  /** The statements' texts by key, shared by the readers of a data source (a reader lives for one request). */
  private readonly statements: Map<string, string>;

  constructor(private readonly manager: EntityManager) {
    this.statements = statementTexts(manager.connection);
  }

  private shape(entity: EntityTarget<ObjectLiteral>): TableShape {
    return shapeOf(this.manager.connection, entity);
  }

  /** A statement's text, built once per data source and key (and prepared once per connection by the driver). */
  private sql(key: string, build: () => string): string {
    let sql = this.statements.get(key);
    if (sql === undefined) this.statements.set(key, (sql = build()));
    return sql;
  }

  /**
   * The rows whose properties are each one of their keys (`{ personId: [1, 2] }`), and meet the condition if one is
   * given, ordered by id when asked.
   */
  async whereIn<T extends ObjectLiteral>(
    entity: EntityTarget<T>,
    lists: { [P in keyof T & string]?: readonly T[P][] },
    { condition, orderById = false }: { condition?: (alias: string) => Condition; orderById?: boolean } = {},
  ): Promise<T[]> {
    const properties = Object.keys(lists) as (keyof T & string)[];
    // A list longer than a statement may bind (SQLite: 32,766 parameters; MariaDB: 65,535) is read in parts, each a
    // statement of the largest shape, and the parts joined (in id order when asked): the same rows.
    const longest = properties.reduce<(keyof T & string) | null>(
      (found, p) => (lists[p]!.length > (found ? lists[found]!.length : maxKeysPerStatement) ? p : found),
      null,
    );
    if (longest !== null) {
      const keys = lists[longest]!;
      const parts: T[][] = [];
      for (let from = 0; from < keys.length; from += maxKeysPerStatement) {
        parts.push(
          await this.whereIn(entity, { ...lists, [longest]: keys.slice(from, from + maxKeysPerStatement) }, { condition, orderById }),
        );
      }
      const rows = parts.flat();
      return orderById ? rows.sort((a, b) => (a.id as number) - (b.id as number)) : rows;
    }
    const padding = properties.map((property) => padded(lists[property]!));
    if (padding.some((list) => list.length === 0)) return [];
    const shape = this.shape(entity as EntityTarget<ObjectLiteral>);
    const extra = condition?.("t");
    const key = `${shape.table}|${properties.map((p, i) => `${p}:${padding[i].length}`).join(",")}|${extra?.sql ?? ""}|${orderById}`;
    const sql = this.sql(key, () =>
      [
        `SELECT ${shape.columns("t")} FROM ${shape.table} t WHERE `,
        properties.map((property, i) => `t.${shape.column(property)} IN (${placeholders(padding[i].length)})`).join(" AND "),
        extra ? ` AND ${extra.sql}` : "",
        orderById ? " ORDER BY t.id" : "",
      ].join(""),
    );
    return shape.hydrate(await select(this.manager, sql, [...padding.flat(), ...(extra?.params ?? [])])) as T[];
  }

  /**
   * A statement of the caller's own making: `build` gets the table's shape (its name, SELECT list and columns) once,
   * and the text is kept under `key`, which must tell apart every text `build` can return (padded list lengths too).
   */
  async query<T extends ObjectLiteral>(
    entity: EntityTarget<T>,
    key: string,
    build: (table: TableSql) => string,
    params: readonly unknown[],
  ): Promise<T[]> {
    const shape = this.shape(entity as EntityTarget<ObjectLiteral>);
    return shape.hydrate(
      await select(
        this.manager,
        this.sql(key, () => build(shape)),
        params,
      ),
    ) as T[];
  }

  /**
   * One statement over several tables (joins): `tables` names each table's alias and entity; `build` gets their shapes
   * (use `prefixedColumns(alias)` in the SELECT list), and each row comes back split into one row per alias, converted
   * as its entity's, or null where an outer join found none (its `id` is null).
   */
  async joined<A extends string>(
    key: string,
    tables: Record<A, EntityTarget<ObjectLiteral>>,
    build: (shapes: Record<A, TableSql & Pick<TableShape, "prefixedColumns">>) => string,
    params: readonly unknown[],
  ): Promise<Record<A, Row | null>[]> {
    const aliases = Object.keys(tables) as A[];
    const shapes = Object.fromEntries(aliases.map((alias) => [alias, this.shape(tables[alias])])) as Record<A, TableShape>;
    const rows = await select(
      this.manager,
      this.sql(key, () => build(shapes)),
      params,
    );
    const names = aliases.map((alias) => ({
      alias,
      id: `${alias}__id`,
      shape: shapes[alias],
      prefixed: shapes[alias].properties.map((property) => `${alias}__${property}`),
    }));
    return rows.map((row) => {
      const split = {} as Record<A, Row | null>;
      for (const { alias, id, shape, prefixed } of names) {
        if (row[id] === null || row[id] === undefined) {
          split[alias] = null;
          continue;
        }
        const own: Row = {};
        for (let i = 0; i < prefixed.length; i++) own[shape.properties[i]] = row[prefixed[i]];
        split[alias] = shape.hydrate([own])[0];
      }
      return split;
    });
  }

  /** As `query`, for rows that are no entity's (counts): answered as the driver gives them. */
  async raw(
    entity: EntityTarget<ObjectLiteral>,
    key: string,
    build: (table: TableSql) => string,
    params: readonly unknown[],
  ): Promise<Row[]> {
    return select(
      this.manager,
      this.sql(key, () => build(this.shape(entity))),
      params,
    );
  }
}

/** One read of a `RowReader.snapshot` plan: as `query` (rows of the entity, converted) or, with `raw`, as the driver answers. */
export interface PlannedRead {
  entity: EntityTarget<ObjectLiteral>;
  key: string;
  build: (table: TableSql) => string;
  params: readonly unknown[];
  raw?: boolean;
}

/** A sequence of reads, each chosen from the rows of the ones before: it yields a read and is given its rows back. */
export type ReadPlan<T> = Generator<PlannedRead, T, Row[]>;

/**
 * Runs a plan of reads as one consistent snapshot of committed data, on one connection, outside any transaction of
 * the caller: what src/read/enterprise-cache.ts labels with the enterprise versions it read in that snapshot.
 * null when no such snapshot can be had here: the manager reads inside a transaction (an action's, a dry run's:
 * uncommitted rows must never be labelled as committed), or the SQLite connection is inside one.
 * SQLite: on the read connection, synchronously, in one deferred read transaction, so that nothing of this process
 * runs in between and another process's commit lands either before or after it. MySQL/MariaDB: a REPEATABLE READ, READ ONLY transaction on one
 * connection (a replica's when the manager reads from replicas), whatever the server's default isolation.
 */
export async function readSnapshot<T>(manager: EntityManager, plan: () => ReadPlan<T>): Promise<T | null> {
  if (manager.queryRunner) return null;
  const dataSource = manager.connection;
  const sqlFor = (read: PlannedRead) => {
    const shape = shapeOf(dataSource, read.entity);
    const known = statementTexts(dataSource);
    let sql = known.get(read.key);
    if (sql === undefined) known.set(read.key, (sql = read.build(shape)));
    return { sql, shape };
  };
  const db = sqliteReadConnection(manager);
  if (db) {
    // The read connection of a file database is never inside another's transaction; `sqlite::memory:` shares the one.
    if (db.inTransaction) return null;
    return db.transaction(() => {
      const steps = plan();
      let step = steps.next(undefined as unknown as Row[]);
      while (!step.done) {
        const { sql, shape } = sqlFor(step.value);
        dataSource.logger.logQuery(sql, step.value.params as unknown[]);
        const rows = sqliteRows(db, sql, step.value.params);
        step = steps.next(step.value.raw ? rows : shape.hydrate(rows));
      }
      return step.value;
    })();
  }
  const driver = dataSource.driver as unknown as MysqlDriver;
  const connection =
    driver.isReplicated && dataSource.defaultReplicationModeForReads() === "slave"
      ? await driver.obtainSlaveConnection()
      : await driver.obtainMasterConnection();
  let open = false;
  try {
    await mysqlCommand(connection, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    await mysqlCommand(connection, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
    open = true;
    const steps = plan();
    let step = steps.next(undefined as unknown as Row[]);
    while (!step.done) {
      const { sql, shape } = sqlFor(step.value);
      dataSource.logger.logQuery(sql, step.value.params as unknown[]);
      const rows = await mysqlRows(connection, sql, step.value.params);
      step = steps.next(step.value.raw ? rows : shape.hydrate(rows));
    }
    await mysqlCommand(connection, "COMMIT");
    open = false;
    return step.value;
  } finally {
    if (open) await mysqlCommand(connection, "ROLLBACK").catch(() => undefined);
    connection.release();
  }
}

/** Gives a row read here its entity's class, where a class is asked for (`instanceof`: type-graphql resolves an interface's type by it). */
export function asInstance<T extends object>(entity: abstract new () => T, row: T | null): T | null {
  return row === null || row instanceof entity ? row : Object.assign(Object.create(entity.prototype as object) as T, row);
}
