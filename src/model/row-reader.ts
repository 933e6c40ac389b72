import type { Database, Statement } from "better-sqlite3";
import { QueryFailedError, type DataSource, type EntityManager, type EntityTarget, type ObjectLiteral } from "typeorm";
import { currentAtPositionalSql } from "../access/validity";
import { sqliteReadConnection } from "../database/data-source";
import type { DateTime } from "./scalars";

/**
 * The read side's hot statements (src/model/loaders.ts, src/model/role-assignment-pages.ts): one prepared statement
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
 * Assignments take it from src/access/validity.ts (current at `now`: not ended, not expired), the one definition.
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

type Row = Record<string, unknown>;

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
  shape = {
    table: escape(metadata.tableName),
    columns: (alias) => columns.map((c) => `${alias}.${escape(c.column)} AS ${escape(c.property)}`).join(", "),
    column(property) {
      const found = columns.find((c) => c.property === property);
      if (!found) throw new Error(`${metadata.name} has no property ${property}`);
      return escape(found.column);
    },
    hydrate(rows) {
      if (booleans.length === 0 && dates.length === 0) return rows;
      for (const row of rows) {
        for (const property of booleans) if (row[property] !== null) row[property] = Boolean(row[property]);
        for (const property of dates) if (row[property] !== null) row[property] = isoDateTime(row[property]);
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
export function padded(keys: readonly unknown[]): unknown[] {
  if (keys.length === 0) return [];
  let size = 1;
  while (size < keys.length) size *= 2;
  const list = [...keys];
  while (list.length < size) list.push(keys[keys.length - 1]);
  return list;
}

export const placeholders = (count: number) => Array.from({ length: count }, () => "?").join(", ");

interface MysqlConnection {
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

function mysqlRows(connection: MysqlConnection, sql: string, params: readonly unknown[]): Promise<Row[]> {
  return new Promise((resolve, reject) => connection.execute({ sql, dateStrings: true }, [...params], (error, rows) => (error ? reject(error) : resolve(rows))));
}

/**
 * Runs one SELECT where the manager reads: inside its transaction when it has one, else (as TypeORM's `find` does) on
 * a connection of the replicas when they are configured, given back at once; on SQLite on the read connection, which
 * sees only committed rows (sqliteReadConnection, src/database/data-source.ts).
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
  const connection = driver.isReplicated && dataSource.defaultReplicationModeForReads() === "slave" ? await driver.obtainSlaveConnection() : await driver.obtainMasterConnection();
  try {
    return await mysqlRows(connection, sql, params);
  } finally {
    connection.release();
  }
}

/** The statements of one entity manager: what the loaders of a request (or of a transaction) read through. */
const texts = new WeakMap<DataSource, Map<string, string>>();

export class RowReader {
  /** The statements' texts by key, shared by the readers of a data source (a reader lives for one request). */
  private readonly statements: Map<string, string>;

  constructor(private readonly manager: EntityManager) {
    let known = texts.get(manager.connection);
    if (!known) texts.set(manager.connection, (known = new Map()));
    this.statements = known;
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
  async query<T extends ObjectLiteral>(entity: EntityTarget<T>, key: string, build: (table: TableSql) => string, params: readonly unknown[]): Promise<T[]> {
    const shape = this.shape(entity as EntityTarget<ObjectLiteral>);
    return shape.hydrate(await select(this.manager, this.sql(key, () => build(shape)), params)) as T[];
  }

  /** As `query`, for rows that are no entity's (counts): answered as the driver gives them. */
  async raw(entity: EntityTarget<ObjectLiteral>, key: string, build: (table: TableSql) => string, params: readonly unknown[]): Promise<Row[]> {
    return select(this.manager, this.sql(key, () => build(this.shape(entity))), params);
  }
}

/** Gives a row read here its entity's class, where a class is asked for (`instanceof`: type-graphql resolves an interface's type by it). */
export function asInstance<T extends object>(entity: abstract new () => T, row: T | null): T | null {
  return row === null || row instanceof entity ? row : Object.assign(Object.create(entity.prototype as object) as T, row);
}
