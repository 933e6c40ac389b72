/**
 * A real 3-node MariaDB Galera cluster on this machine, for the cluster suites (test/cluster/, `npm run test:cluster`):
 * three `mariadbd` processes with their own datadir, socket, SQL port and Galera ports under one temporary folder, all
 * on 127.0.0.1. Node 1 bootstraps the cluster (--wsrep-new-cluster), nodes 2 and 3 join it one after the other by
 * rsync SST. Every wait is bounded; `stop()` ends the processes (SIGTERM, then SIGKILL) and removes the folder, and a
 * cluster that fails to start is stopped before the error is thrown. The facts it follows are in shared STACK.md
 * ("Clusters on one machine"): ROW binlog, innodb_autoinc_lock_mode=2, the joiner's datadir owned by nobody for
 * rsync SST, 64 MB buffer pools.
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import { join } from "node:path";
import { createConnection, type Connection } from "mysql2/promise";
import { testPort } from "./test-run";

export interface GaleraNode {
  /** 1, 2 or 3. */
  index: number;
  port: number;
  /** mysql://root@127.0.0.1:PORT/DATABASE */
  url(database: string): string;
  /** The mariadbd process's id. */
  pid: number;
  /** A new connection to this node (root, no database), for checks. */
  connect(): Promise<Connection>;
}

export interface GaleraCluster {
  nodes: GaleraNode[];
  /** From nothing (no datadir) to three Synced nodes. */
  startMs: number;
  /** Resident memory of the three mariadbd processes (VmRSS), in MB. */
  memoryMb(): number;
  /** A numeric wsrep status variable (e.g. wsrep_local_cert_failures) added up over the three nodes. */
  statusSum(name: string): Promise<number>;
  /** CHECKSUM TABLE of every table of `database` on each node, by table. */
  checksums(database: string): Promise<Record<string, string>[]>;
  /**
   * Probes every trigger of `database` on each node and flushes the tables: MariaDB 10.11 once kept a broken trigger
   * body in its table cache on one node after racing writes (`ER 1064 ... 'Query was empty'`) until FLUSH TABLES.
   */
  flushTables(database: string): Promise<void>;
  stop(): Promise<void>;
}

export interface GaleraOptions {
  /** The first of 30 ports: node i uses basePort + 10(i-1) for SQL, +1 gmcast, +2 IST, +3 SST. */
  basePort?: number;
  /** Bounds of the waits, in ms. */
  bootstrapTimeoutMs?: number;
  joinTimeoutMs?: number;
}

const provider = "/usr/lib/galera/libgalera_smm.so";

/** The processes of clusters not yet stopped: killed when the test process exits, whatever happened. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(" ")} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function configFile(dir: string, index: number, basePort: number): string {
  const port = (i: number, offset: number) => basePort + 10 * (i - 1) + offset;
  const members = [1, 2, 3].map((i) => `127.0.0.1:${port(i, 1)}`).join(",");
  return [
    "[mariadbd]",
    `datadir=${join(dir, `node${index}`, "data")}`,
    `socket=${join(dir, `node${index}`, "mariadbd.sock")}`,
    `pid-file=${join(dir, `node${index}`, "mariadbd.pid")}`,
    `log-error=${join(dir, `node${index}`, "error.log")}`,
    `port=${port(index, 0)}`,
    "bind-address=127.0.0.1",
    "user=root",
    "skip-name-resolve",
    "performance_schema=OFF",
    "innodb_buffer_pool_size=64M",
    "innodb_log_file_size=48M",
    "max_connections=200",
    "binlog_format=ROW",
    "default_storage_engine=InnoDB",
    "innodb_autoinc_lock_mode=2",
    "innodb_flush_log_at_trx_commit=0",
    "wsrep_on=ON",
    `wsrep_provider=${provider}`,
    "wsrep_cluster_name=gateway-test",
    `wsrep_cluster_address=gcomm://${members}`,
    `wsrep_node_name=node${index}`,
    `wsrep_node_address=127.0.0.1:${port(index, 1)}`,
    `wsrep_node_incoming_address=127.0.0.1:${port(index, 0)}`,
    `wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:${port(index, 1)};ist.recv_addr=127.0.0.1:${port(index, 2)};gcache.size=64M"`,
    `wsrep_sst_receive_address=127.0.0.1:${port(index, 3)}`,
    "wsrep_sst_method=rsync",
    // A read waits for what the other nodes certified before it: the seed writes through node 1, the gateways act
    // through all three, and the suites race writes, not stale reads.
    "wsrep_sync_wait=1",
    "",
  ].join("\n");
}

function rssMb(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
    return line ? Number(line[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The processes whose command line names `dir` (the SST scripts' rsync daemons, a mariadbd left over): ours to end. */
function strays(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(dir)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

export async function startGaleraCluster({
  basePort = testPort(0),
  bootstrapTimeoutMs = 60_000,
  joinTimeoutMs = 90_000,
}: GaleraOptions = {}): Promise<GaleraCluster> {
  const started = Date.now();
  // Two clusters on the same ports would join each other or wait for ever: refuse at once.
  for (const index of [1, 2, 3]) for (const offset of [0, 1, 2, 3]) await expectFree(basePort + 10 * (index - 1) + offset);
  const dir = mkdtempSync(join(tmpdir(), "galera-"));
  // The joiners' rsync daemon runs as nobody: it must reach its datadir through this folder.
  chmodSync(dir, 0o755);
  const children: ChildProcess[] = [];
  const nodes: GaleraNode[] = [];

  const stop = async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await exited;
        clearTimeout(timer);
        running.delete(child);
      }),
    );
    for (const pid of strays(dir)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const startNode = async (index: number, bootstrap: boolean, timeoutMs: number): Promise<GaleraNode> => {
    const home = join(dir, `node${index}`);
    const cnf = join(home, "my.cnf");
    writeFileSync(cnf, configFile(dir, index, basePort));
    const child = spawn("/usr/sbin/mariadbd", [`--defaults-file=${cnf}`, ...(bootstrap ? ["--wsrep-new-cluster"] : [])], {
      stdio: ["ignore", "ignore", "ignore"],
    });
    children.push(child);
    running.add(child);
    const port = basePort + 10 * (index - 1);
    const connect = () => createConnection({ host: "127.0.0.1", port, user: "root", password: "", connectTimeout: 2000 });
    const deadline = Date.now() + timeoutMs;
    let state = "not reachable";
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      try {
        const c = await connect();
        try {
          const [rows] = await c.query("SHOW STATUS LIKE 'wsrep_local_state_comment'");
          state = (rows as { Value: string }[])[0]?.Value ?? "unknown";
        } finally {
          await c.end();
        }
        if (state === "Synced") return { index, port, pid: child.pid!, url: (db) => `mysql://root@127.0.0.1:${port}/${db}`, connect };
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    const log = existsSync(join(home, "error.log")) ? readFileSync(join(home, "error.log"), "utf8").split("\n").slice(-30).join("\n") : "";
    throw new Error(`Galera node ${index} did not reach Synced within ${timeoutMs} ms (last state: ${state}):\n${log}`);
  };

  try {
    const first = join(dir, "node1", "data");
    mkdirSync(first, { recursive: true });
    await run(
      "/usr/bin/mariadb-install-db",
      ["--no-defaults", `--datadir=${first}`, "--user=root", "--auth-root-authentication-method=normal", "--skip-test-db"],
      60_000,
    );
    for (const index of [2, 3]) {
      // The joiner's system tables are replaced by the state transfer; its datadir must belong to rsync's nobody.
      const data = join(dir, `node${index}`, "data");
      cpSync(first, data, { recursive: true });
      for (const path of [join(dir, `node${index}`), ...walk(data)]) chownSync(path, 65534, 65534);
    }
    nodes.push(await startNode(1, true, bootstrapTimeoutMs));
    nodes.push(await startNode(2, false, joinTimeoutMs));
    nodes.push(await startNode(3, false, joinTimeoutMs));
  } catch (error) {
    await stop();
    throw error;
  }

  const eachNode = async <T>(body: (c: Connection) => Promise<T>) =>
    Promise.all(
      nodes.map(async (node) => {
        const c = await node.connect();
        try {
          return await body(c);
        } finally {
          await c.end();
        }
      }),
    );

  return {
    nodes,
    startMs: Date.now() - started,
    statusSum: async (name) =>
      (
        await eachNode(async (c) => {
          const [rows] = await c.query("SHOW GLOBAL STATUS LIKE ?", [name]);
          return Number((rows as { Value: string }[])[0]?.Value ?? 0);
        })
      ).reduce((sum, n) => sum + n, 0),
    memoryMb: () => nodes.reduce((sum, node) => sum + rssMb(node.pid), 0),
    checksums: (database) =>
      eachNode(async (c) => {
        const [tables] = await c.query("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? ORDER BY 1", [
          database,
        ]);
        const names = (tables as { name: string }[]).map((t) => t.name);
        if (names.length === 0) return {};
        const [rows] = await c.query(`CHECKSUM TABLE ${names.map((n) => `\`${database}\`.\`${n}\``).join(", ")}`);
        return Object.fromEntries(
          (rows as { Table: string; Checksum: string | number | null }[]).map((r) => [r.Table, String(r.Checksum)]),
        );
      }),
    flushTables: async (database) => {
      await eachNode(async (c) => {
        const [triggers] = await c.query(
          "SELECT DISTINCT event_object_table AS name FROM information_schema.triggers WHERE trigger_schema = ?",
          [database],
        );
        const names = (triggers as { name: string }[]).map((t) => `\`${database}\`.\`${t.name}\``);
        if (names.length > 0) await c.query(`FLUSH TABLES ${names.join(", ")}`);
      });
    },
    stop,
  };
}

/**
 * Waits (at most 15 s) until `port` can be listened on: the range lies within Linux's ephemeral ports, so a short-lived
 * outgoing connection may hold one for a moment; a port still taken then is another cluster's, refused.
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
    if (Date.now() > deadline) throw new Error(`Port ${port} on 127.0.0.1 is in use: is another Galera test cluster running?`);
    await sleep(500);
  }
}

function walk(dir: string): string[] {
  const paths = [dir];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) paths.push(...walk(path));
    else paths.push(path);
  }
  return paths;
}
