/** The bounds of every MySQL/MariaDB session of a serving process, and the way a connection is given up when they pass. */
import { createConnection } from "mysql2/promise";
import type { DataSource } from "typeorm";
import type { MysqlTarget } from "./database-url";

/** The session variables that bound a session's statements and transactions, on whichever flavour has them. */
const deadlineVariables = ["max_statement_time", "max_execution_time", "innodb_lock_wait_timeout", "idle_transaction_timeout"];

export interface MysqlServer {
  flavour: "mysql" | "mariadb";
  /** Which of `deadlineVariables` the server knows. */
  variables: Set<string>;
  /**
   * A Galera node (`wsrep_on` ON), null otherwise: every node takes writes, and applies the others' a moment after
   * they commit. `viewChangeMs` bounds how long a member's failure may hold every node's commits and causal reads: the
   * cluster suspects the silent member after `evs.suspect_timeout` and installs the view without it within
   * `evs.install_timeout` (5 s and 7.5 s by default; the holds measured on one machine took 6 to 9 s).
   */
  galera: { viewChangeMs: number } | null;
}

/** A duration of Galera's provider options (ISO 8601 time: `PT5S`, `PT7.5S`, `PT1M`) in ms; null when it is not one. */
export function isoDurationMs(text: string): number | null {
  const match = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(text.trim());
  if (!match || !match.slice(1).some(Boolean)) return null;
  const [hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  return Math.round(((hours * 60 + minutes) * 60 + seconds) * 1000);
}

/** How long a member's failure may hold a Galera node's statements, from its provider options (Galera's defaults where absent). */
export function galeraViewChangeMs(providerOptions: string): number {
  const option = (name: string, fallbackMs: number) => {
    const value = new RegExp(`(?:^|;)\\s*${name.replace(".", "\\.")}\\s*=\\s*([^;]+)`).exec(providerOptions)?.[1];
    return (value === undefined ? null : isoDurationMs(value)) ?? fallbackMs;
  };
  return option("evs.suspect_timeout", 5_000) + option("evs.install_timeout", 7_500);
}

/**
 * Reads the server's version so that TypeORM gets the right driver flavour ("mariadb" vs "mysql"), which deadlines it
 * supports, and whether it is a Galera node.
 */
export async function detectMysqlServer(
  { host, port, user, password, database, socketPath }: MysqlTarget,
  connectTimeout = 10_000,
): Promise<MysqlServer> {
  const connection = await createConnection({
    host,
    port,
    user,
    password,
    database,
    connectTimeout,
    ...(socketPath ? { socketPath } : {}),
  });
  try {
    const [rows] = await connection.query("SELECT VERSION() AS version");
    const version = String((rows as { version: string }[])[0]?.version ?? "");
    const [variables] = await connection.query("SHOW VARIABLES WHERE Variable_name IN (?)", [deadlineVariables]);
    const [wsrep] = await connection.query("SHOW GLOBAL VARIABLES WHERE Variable_name IN ('wsrep_on', 'wsrep_provider_options')");
    const wsrepValue = (name: string) =>
      (wsrep as { Variable_name: string; Value: string }[]).find((v) => v.Variable_name === name)?.Value ?? "";
    return {
      flavour: /mariadb/i.test(version) ? "mariadb" : "mysql",
      variables: new Set((variables as { Variable_name: string }[]).map((v) => v.Variable_name)),
      galera:
        wsrepValue("wsrep_on").toUpperCase() === "ON" ? { viewChangeMs: galeraViewChangeMs(wsrepValue("wsrep_provider_options")) } : null,
    };
  } finally {
    await connection.end();
  }
}

/**
 * What every session of a serving process is set to (docs/operations.md, "Deadlines"): its bounds, and on a Galera
 * node its causal reads.
 */
export interface DatabaseDeadlines {
  /** MariaDB max_statement_time (every statement), MySQL max_execution_time (SELECTs only). */
  statementTimeoutMs: number;
  lockWaitTimeoutS: number;
  /** MariaDB idle_transaction_timeout: the server ends a session that sits in a transaction this long (a partitioned client's). */
  idleTransactionTimeoutS: number;
  connectTimeoutMs: number;
  /**
   * The session's `wsrep_sync_wait` on a Galera node (GALERA_SYNC_WAIT): 1, the default, makes every read (each
   * SELECT outside a transaction, and each BEGIN) first wait until this node has applied every write the cluster
   * certified before it, so a read through one node sees what was just written through another; 0 reads whatever
   * the node has applied. Not set on a server without Galera.
   */
  galeraSyncWait: number;
}

/** What answer to a statement may take beyond the server's own statement timeout before the client gives the connection up. */
const answerGraceMs = 2_000;

/** The bounds of every session on one server: the statement that sets them, and how long the client waits for an answer. */
export interface SessionBounds {
  statement: string;
  /**
   * The client's own bound on any answer (a partition, or a server that does not stop a statement): the statement
   * timeout and a grace, and on Galera the time a member's failure may hold the cluster (a COMMIT answered after it
   * has a known outcome; one cut off before it would not).
   */
  answerWithinMs: number;
}

/** The bounds of one session, with only the variables this server knows. */
export function sessionBounds(deadlines: DatabaseDeadlines, server: MysqlServer): SessionBounds {
  return {
    statement: sessionStatement(deadlines, server),
    answerWithinMs: deadlines.statementTimeoutMs + answerGraceMs + (server.galera?.viewChangeMs ?? 0),
  };
}

function sessionStatement(
  { statementTimeoutMs, lockWaitTimeoutS, idleTransactionTimeoutS, galeraSyncWait }: DatabaseDeadlines,
  { variables, galera }: MysqlServer,
): string {
  const settings = [`innodb_lock_wait_timeout = ${lockWaitTimeoutS}`];
  if (variables.has("max_statement_time")) settings.push(`max_statement_time = ${statementTimeoutMs / 1000}`);
  else if (variables.has("max_execution_time")) settings.push(`max_execution_time = ${statementTimeoutMs}`);
  if (variables.has("idle_transaction_timeout")) settings.push(`idle_transaction_timeout = ${idleTransactionTimeoutS}`);
  // Whatever the node's global value: the gateway's reads rely on it, whoever configured the node.
  if (galera) settings.push(`wsrep_sync_wait = ${galeraSyncWait}`);
  return `SET SESSION ${settings.join(", ")}`;
}

type DriverCommand = (...args: unknown[]) => { once(event: "end", listener: () => void): unknown };

interface DriverConnection {
  query: DriverCommand;
  /** A prepared statement: what the read side's hot statements use (src/read/row-reader.ts). */
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
export function boundSessions(dataSource: DataSource, { statement, answerWithinMs }: SessionBounds): void {
  const driver = dataSource.driver as unknown as {
    obtainMasterConnection(): Promise<DriverConnection>;
    obtainSlaveConnection(): Promise<DriverConnection>;
  };
  const bounded = new WeakSet<DriverConnection>();
  const bound = async (connection: DriverConnection) => {
    if (bounded.has(connection)) return connection;
    const guarded =
      (run: DriverCommand): DriverCommand =>
      (...args) => {
        const command = run(...args);
        const guard = setTimeout(
          () => abandonConnection(connection, "PROTOCOL_SEQUENCE_TIMEOUT", `The database did not answer within ${answerWithinMs} ms`),
          answerWithinMs,
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
