/**
 * Opens the database of DATABASE_URL: assembles the data source from its parts (its options, data-source-options.ts;
 * the bounds of MySQL sessions, mysql-sessions.ts; where reads go, readers.ts), connects and migrates it.
 */
import { DataSource, type DataSourceOptions } from "typeorm";
import { describeDatabase, DatabaseUrlError, parseDatabaseUrl } from "./database-url";
import { describeDataSource, type DataSourceSettings } from "./data-source-options";
import { dialectOf } from "./dialect";
import { boundSessions } from "./mysql-sessions";
import { ReplicatedDataSource, SqliteFileDataSource } from "./readers";
import {
  checkBinaryLogFormat,
  checkGaleraSettings,
  databaseName,
  probeTriggerPrivileges,
  ServerRequirementError,
  triggerPrivilegeRemedy,
} from "./server-requirements";
import { sqliteBusyTimeoutMs } from "./sqlite-busy";

export class DatabaseOpenError extends Error {}

async function newDataSource(settings: DataSourceSettings, build: (options: DataSourceOptions) => DataSource): Promise<DataSource> {
  const { options, session } = await describeDataSource(settings);
  const dataSource = build(options);
  if (session) boundSessions(dataSource, session);
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

/** Opens the database and brings its schema up to date: every command migrates the database it opens, so each works first on a fresh machine. */
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
  const opening =
    (step: string) =>
    (error: unknown): never => {
      if (error instanceof DatabaseUrlError || error instanceof ServerRequirementError) throw error;
      throw new DatabaseOpenError(
        `Cannot ${step} the database of DATABASE_URL (${where}): ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    };
  const dataSource = await createDataSource(settings).catch(opening("open"));
  await dataSource.initialize().catch(opening("open"));
  if (!migrate) return dataSource;
  try {
    // Before anything is written: a server that refuses every write stops the start with what to change.
    if (dialectOf(dataSource) === "mysql") {
      await checkBinaryLogFormat(dataSource.manager, where);
      await checkGaleraSettings(dataSource.manager, where);
      if (await dataSource.showMigrations()) await probeTriggerPrivileges(dataSource);
    }
    await dataSource.runMigrations({ transaction: "each" });
    if (dialectOf(dataSource) === "sqlite") await dataSource.query(`PRAGMA busy_timeout = ${sqliteBusyTimeoutMs}`);
  } catch (error) {
    const remedy = dialectOf(dataSource) === "mysql" ? triggerPrivilegeRemedy(error, await databaseName(dataSource)) : null;
    await dataSource.destroy();
    if (remedy) throw new ServerRequirementError(`Cannot migrate the database of DATABASE_URL (${where}): ${remedy}`, { cause: error });
    opening("migrate")(error);
  }
  return dataSource;
}
