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
}

/** Reads the server's version so that TypeORM gets the right driver flavour ("mariadb" vs "mysql"), and which deadlines it supports. */
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
    return {
      flavour: /mariadb/i.test(version) ? "mariadb" : "mysql",
      variables: new Set((variables as { Variable_name: string }[]).map((v) => v.Variable_name)),
    };
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
export function sessionBounds(
  { statementTimeoutMs, lockWaitTimeoutS, idleTransactionTimeoutS }: DatabaseDeadlines,
  { variables }: MysqlServer,
): string {
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
export function boundSessions(dataSource: DataSource, statement: string, { statementTimeoutMs }: DatabaseDeadlines): void {
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
          () =>
            abandonConnection(
              connection,
              "PROTOCOL_SEQUENCE_TIMEOUT",
              `The database did not answer within ${statementTimeoutMs + answerGraceMs} ms`,
            ),
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
