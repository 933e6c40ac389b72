/**
 * A real GTID primary -> replica pair on this machine, for the cluster suites (test/cluster/, `npm run test:cluster`):
 * two `mariadbd` processes of their own (test/support/mariadb-server.ts: a datadir, socket and port each under a
 * temporary folder, on 127.0.0.1), the primary writing a ROW binary log, the replica following it by GTID
 * (`MASTER_USE_GTID=slave_pos`, `gtid_strict_mode`). The replica's SQL thread can be stopped and started again, so that
 * it lags for as long as a test wants while its IO thread keeps receiving. Every wait is bounded; `stop()` ends both
 * servers and removes their folders, and a pair that fails to start is stopped before the error is thrown.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import type { Connection, RowDataPacket } from "mysql2/promise";
import { startOwnMariadb, type OwnMariadb } from "./mariadb-server";

export interface ReplicationPair {
  primary: OwnMariadb;
  replica: OwnMariadb;
  /** From nothing (no datadir) to a replica that follows the primary, in ms. */
  startMs: number;
  /** Resident memory of both mariadbd processes (VmRSS), in MB. */
  memoryMb(): number;
  /** The primary's `@@gtid_binlog_pos`: the position of the last transaction it wrote. */
  primaryPosition(): Promise<string>;
  /** The replica's `@@gtid_slave_pos`: the position it has applied. */
  replicaPosition(): Promise<string>;
  /** Stops the replica's SQL thread: it keeps receiving the primary's binary log but applies nothing until `resume`. */
  pause(): Promise<void>;
  /** Starts the SQL thread again. */
  resume(): Promise<void>;
  /** Waits (at most `timeoutMs`) until the replica has applied everything the primary has written; throws after that. */
  caughtUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface ReplicationOptions {
  /** The primary's port; the replica's is the next one. Within the range the cluster suites give the replica suite. */
  primaryPort?: number;
  /** The bound on the replica's first catch-up (its threads running and the primary's log applied), in ms. */
  startTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function query<T extends RowDataPacket>(server: OwnMariadb, sql: string, params: unknown[] = []): Promise<T[]> {
  const connection: Connection = await server.admin();
  try {
    const [rows] = await connection.query<T[]>(sql, params);
    return rows;
  } finally {
    await connection.end();
  }
}

/** The replica's threads and its last error, as SHOW SLAVE STATUS tells them. */
async function slaveStatus(replica: OwnMariadb): Promise<{ io: string; sql: string; error: string }> {
  const [status] = await query(replica, "SHOW SLAVE STATUS");
  if (!status) return { io: "No", sql: "No", error: "not a replica" };
  return {
    io: String(status.Slave_IO_Running),
    sql: String(status.Slave_SQL_Running),
    error: [status.Last_IO_Error, status.Last_SQL_Error].filter(Boolean).join("; "),
  };
}

export async function startReplicationPair({
  primaryPort = 33140,
  startTimeoutMs = 60_000,
}: ReplicationOptions = {}): Promise<ReplicationPair> {
  const started = Date.now();
  // A server left over from another run on these ports would answer in place of ours: refuse at once.
  for (const port of [primaryPort, primaryPort + 1]) await expectFree(port);
  const common = ["--binlog-format=ROW", "--gtid-strict-mode=1", "--innodb-flush-log-at-trx-commit=0", "--performance-schema=OFF"];
  const [primary, replica] = await Promise.allSettled([
    startServer(primaryPort, [...common, "--log-bin=primary-bin", "--server-id=1"]),
    startServer(primaryPort + 1, [...common, "--server-id=2", "--read-only=1", "--skip-slave-start"]),
  ]);
  if (primary.status === "rejected" || replica.status === "rejected") {
    await Promise.all([primary, replica].map((s) => (s.status === "fulfilled" ? s.value.stop() : undefined)));
    throw primary.status === "rejected" ? primary.reason : (replica as PromiseRejectedResult).reason;
  }
  const pair = pairOf(primary.value, replica.value, started);
  try {
    // Both datadirs come from the same installation: the replica starts from the primary's first binary log, which
    // holds everything the primary has done since (the account below first).
    await query(primary.value, "CREATE USER 'replication'@'127.0.0.1' IDENTIFIED BY 'replication'");
    await query(primary.value, "GRANT REPLICATION SLAVE ON *.* TO 'replication'@'127.0.0.1'");
    await query(
      replica.value,
      `CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = ${primaryPort}, MASTER_USER = 'replication', MASTER_PASSWORD = 'replication', MASTER_CONNECT_RETRY = 1, MASTER_USE_GTID = slave_pos`,
    );
    await query(replica.value, "START SLAVE");
    await pair.caughtUp(startTimeoutMs);
  } catch (error) {
    await pair.stop();
    throw error;
  }
  return { ...pair, startMs: Date.now() - started };
}

/**
 * A server of the pair, its installation tried once more when it fails: `mariadb-install-db` was seen to fail once
 * ("Unknown table 'mysql.tmp_user_sys'": its temporary table gone from the shared temporary folder) while other suites
 * ran on the machine.
 */
async function startServer(port: number, args: string[]): Promise<OwnMariadb> {
  try {
    return await startOwnMariadb(port, args);
  } catch (error) {
    if (!/mariadb-install-db failed/.test(String(error))) throw error;
    return startOwnMariadb(port, args);
  }
}

function pairOf(primary: OwnMariadb, replica: OwnMariadb, started: number): ReplicationPair {
  const position = async (server: OwnMariadb, variable: string) =>
    String((await query(server, `SELECT @@${variable} AS position`))[0].position ?? "");
  const pair: ReplicationPair = {
    primary,
    replica,
    startMs: Date.now() - started,
    memoryMb: () => rssMb(primary.pid) + rssMb(replica.pid),
    primaryPosition: () => position(primary, "gtid_binlog_pos"),
    replicaPosition: () => position(replica, "gtid_slave_pos"),
    pause: async () => {
      await query(replica, "STOP SLAVE SQL_THREAD");
    },
    resume: async () => {
      await query(replica, "START SLAVE SQL_THREAD");
    },
    caughtUp: async (timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      const target = await pair.primaryPosition();
      for (;;) {
        const left = deadline - Date.now();
        // MASTER_GTID_WAIT answers 0 once the position is applied, -1 when its own bound passes first.
        const [{ reached }] = await query(replica, "SELECT MASTER_GTID_WAIT(?, ?) AS reached", [
          target,
          Math.max(0, Math.min(left, 1000)) / 1000,
        ]);
        if (Number(reached) === 0) return;
        const status = await slaveStatus(replica);
        if (Date.now() >= deadline || status.error) {
          throw new Error(
            `The replica did not reach the primary's position ${target} within ${timeoutMs} ms (IO thread ${status.io}, SQL thread ${status.sql}${status.error ? `: ${status.error}` : ""}; applied ${await pair.replicaPosition()})`,
          );
        }
        await sleep(50);
      }
    },
    stop: async () => {
      await Promise.all([replica.stop(), primary.stop()]);
    },
  };
  return pair;
}

function rssMb(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
    return line ? Number(line[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Waits (at most 15 s) until `port` can be listened on: the range lies within Linux's ephemeral ports, so a short-lived
 * outgoing connection may hold one for a moment; a port still taken then is another server's, refused.
 */
async function expectFree(port: number): Promise<void> {
  const free = () =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
  const deadline = Date.now() + 15_000;
  while (!(await free())) {
    if (Date.now() > deadline) throw new Error(`Port ${port} on 127.0.0.1 is in use: is another replication pair of the tests running?`);
    await sleep(500);
  }
}
