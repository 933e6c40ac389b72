/**
 * What a MySQL/MariaDB server must provide for the gateway to write at all, checked at start so that a server that
 * cannot work stops the gateway with what to change, rather than every write answering 500 later:
 * - with binary logging on, a row-based format: the gateway writes at READ COMMITTED, which MySQL and MariaDB refuse to
 *   log as statements (error 1665 on every write);
 * - the privileges the enterprise version triggers need to be created (TRIGGER; with binary logging also SUPER, or
 *   `log_bin_trust_function_creators = 1`), when they are missing (src/database/enterprise-versions.ts);
 * - on a Galera node, interleaved auto-increment locks (innodb_autoinc_lock_mode=2).
 */
import { randomBytes } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { driverErrno } from "./driver-errors";

/** A server setting or privilege the gateway cannot work without; its message says what to change. */
export class ServerRequirementError extends Error {}

/**
 * Refuses a server whose binary log is on in STATEMENT format (this session's, which new connections take from the
 * server's global value). ROW is what the gateway is tested with; MIXED logs its writes as rows.
 */
export async function checkBinaryLogFormat(manager: Pick<EntityManager, "query">, where: string): Promise<void> {
  const [row] = (await manager.query("SELECT @@GLOBAL.log_bin AS logBin, @@SESSION.binlog_format AS format")) as {
    logBin: number | string;
    format: string;
  }[];
  if (Number(row.logBin) !== 1 || String(row.format).toUpperCase() !== "STATEMENT") return;
  throw new ServerRequirementError(
    `The database server of DATABASE_URL (${where}) writes its binary log with binlog_format=STATEMENT, which refuses ` +
      "every write the gateway makes (it writes at READ COMMITTED, which needs row-based logging: error 1665). Set " +
      "binlog_format=ROW in the server's configuration ([mysqld] binlog_format=ROW, or the managed service's parameter) " +
      "and restart it, or SET GLOBAL binlog_format = 'ROW' (new connections take it); Galera needs ROW too.",
  );
}

/**
 * On a Galera node (`wsrep_on`), refuses innodb_autoinc_lock_mode other than 2: every table of the gateway takes
 * auto-increment ids, and with table-level AUTO-INC locks the inserts of a node and the writes its applier replays
 * from the others can block each other. A server without Galera is not asked. (Galera's binlog_format=ROW the server
 * holds itself: mariadbd with wsrep_on refuses to start with another format, and refuses SET GLOBAL to one.)
 */
export async function checkGaleraSettings(manager: Pick<EntityManager, "query">, where: string): Promise<void> {
  const [on] = (await manager.query("SHOW GLOBAL VARIABLES LIKE 'wsrep\\_on'")) as { Value: string }[];
  if (on?.Value?.toUpperCase() !== "ON") return;
  const [row] = (await manager.query("SELECT @@GLOBAL.innodb_autoinc_lock_mode AS autoinc")) as { autoinc: number | string }[];
  if (Number(row.autoinc) === 2) return;
  throw new ServerRequirementError(
    `The database server of DATABASE_URL (${where}) is a Galera node (wsrep_on) with innodb_autoinc_lock_mode=${row.autoinc}: ` +
      "Galera needs 2 (interleaved); set innodb_autoinc_lock_mode=2 in the server's configuration and restart it.",
  );
}

/**
 * What to change when the version triggers could not be created with this error, or null when the error is not a
 * missing privilege: TRIGGER (1142), SUPER with binary logging (1419), or another privilege a trigger needs (1227).
 */
export function triggerPrivilegeRemedy(error: unknown, database: string): string | null {
  const errno = driverErrno(error);
  if (errno === 1419)
    return (
      "binary logging is on (log_bin) and the account lacks SUPER, which creating the enterprise version triggers then " +
      "needs: set log_bin_trust_function_creators = 1 on the server (SET GLOBAL, its configuration, or the managed " +
      "service's parameter), or grant the account SUPER"
    );
  if (errno === 1142 || errno === 1227)
    return (
      "the database account lacks a privilege the enterprise version triggers need (TRIGGER): " +
      `GRANT TRIGGER ON \`${database}\`.* TO the account of DATABASE_URL (see docs/operations.md, "Running on MySQL or MariaDB")`
    );
  return null;
}

/** The name of the database a MySQL data source works in, for a message that says what to grant on it. */
export async function databaseName(dataSource: DataSource): Promise<string> {
  try {
    const [row] = (await dataSource.query("SELECT DATABASE() AS name")) as { name: string | null }[];
    return row?.name ?? "<database>";
  } catch {
    return "<database>";
  }
}

/**
 * Before migrations that will create the version triggers run (MySQL's DDL is not transactional: a migration that
 * fails half-way leaves its first tables and columns, and the next start fails on them), creates and drops a trigger on
 * a table of its own: a missing privilege (TRIGGER; SUPER with binary logging) throws a ServerRequirementError that
 * says what to change, before anything of the schema is written. Any other failure of the probe is left to the
 * migrations to report.
 */
export async function probeTriggerPrivileges(dataSource: DataSource): Promise<void> {
  const table = `gateway_trigger_probe_${randomBytes(4).toString("hex")}`;
  try {
    await dataSource.query(`CREATE TABLE ${table} (id INT PRIMARY KEY)`);
  } catch {
    return;
  }
  try {
    await dataSource.query(`CREATE TRIGGER ${table}_t BEFORE INSERT ON ${table} FOR EACH ROW SET NEW.id = NEW.id`);
  } catch (error) {
    const remedy = triggerPrivilegeRemedy(error, await databaseName(dataSource));
    if (remedy) throw new ServerRequirementError(`Cannot create the enterprise version triggers: ${remedy}`, { cause: error });
  } finally {
    await dataSource.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
  }
}
