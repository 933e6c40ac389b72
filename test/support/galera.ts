/**
 * A real 3-node MariaDB Galera cluster on this machine, for the cluster suites (test/cluster/, `npm run test:cluster`):
 * three `mariadbd` processes with their own datadir, socket, SQL port and Galera ports under one temporary folder, all
 * on 127.0.0.1. Node 1 bootstraps the cluster (--wsrep-new-cluster), nodes 2 and 3 join it one after the other by
 * rsync SST. A node killed (`killNode`, SIGKILL) comes back with `restartNode`: `mariadbd --wsrep-recover` reads the
 * position its datadir holds, and the node starts from it (`--wsrep_start_position`) so that it rejoins by IST, the
 * writesets it missed, instead of copying the whole datadir again (SST). Every wait is bounded; `stop()` ends the
 * processes (SIGTERM, then SIGKILL) and removes the folder, and a cluster that fails to start is stopped before the
 * error is thrown. What it follows: ROW binlog, innodb_autoinc_lock_mode=2, a joiner's datadir owned by nobody for
 * rsync SST (the SST script's rsync daemon drops to nobody), 64 MB buffer pools. It sets no `wsrep_sync_wait`: causal
 * reads are the gateway's to ask for (GALERA_SYNC_WAIT), and the cluster suite proves that it does.
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
  /** The running mariadbd process's id (a new one after `restartNode`). */
  readonly pid: number;
  /** The node's datadir (its tables' files: `<dataDir>/<database>/<table>.TRG` holds a table's triggers). */
  dataDir: string;
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
  /** Kills node `index`'s mariadbd with SIGKILL (no shutdown: its grastate.dat keeps seqno -1) and waits for it to exit. */
  killNode(index: number): Promise<void>;
  /**
   * Starts killed node `index` again from the position it recovers (`--wsrep-recover`), waits (bounded) until it is
   * Synced, and says how it rejoined: "IST" (only the writesets it missed) or "SST" (the whole datadir).
   */
  restartNode(index: number, options?: { timeoutMs?: number }): Promise<Rejoined>;
  stop(): Promise<void>;
}

export interface Rejoined {
  /** What `mariadbd --wsrep-recover` printed: the cluster's uuid and the last seqno the datadir holds. */
  position: string;
  transfer: "IST" | "SST";
  /** From the start of the recovery to Synced. */
  ms: number;
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
  /** Every mariadbd started, a restarted node's old one included: `stop` ends those still running. */
  const children: ChildProcess[] = [];
  /** The running mariadbd of each node, by index. */
  const current = new Map<number, ChildProcess>();
  const nodes: GaleraNode[] = [];
  const home = (index: number) => join(dir, `node${index}`);
  const errorLog = (index: number) => join(home(index), "error.log");
  const logTail = (index: number) =>
    existsSync(errorLog(index)) ? readFileSync(errorLog(index), "utf8").split("\n").slice(-30).join("\n") : "";

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

  /** Starts node `index`'s mariadbd with `args` and waits until it is Synced, at most `timeoutMs`. */
  const startNode = async (index: number, args: string[], timeoutMs: number): Promise<GaleraNode> => {
    const cnf = join(home(index), "my.cnf");
    writeFileSync(cnf, configFile(dir, index, basePort));
    const child = spawn("/usr/sbin/mariadbd", [`--defaults-file=${cnf}`, ...args], { stdio: ["ignore", "ignore", "ignore"] });
    children.push(child);
    current.set(index, child);
    running.add(child);
    child.once("exit", () => running.delete(child));
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
        if (state === "Synced")
          return {
            index,
            port,
            get pid() {
              return current.get(index)!.pid!;
            },
            dataDir: join(home(index), "data"),
            url: (db) => `mysql://root@127.0.0.1:${port}/${db}`,
            connect,
          };
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    throw new Error(`Galera node ${index} did not reach Synced within ${timeoutMs} ms (last state: ${state}):\n${logTail(index)}`);
  };

  /** Hands node `index`'s datadir to nobody, the user the rsync daemon of an SST joiner writes it as. */
  const ownForRsync = (index: number) => {
    for (const path of [home(index), ...walk(join(home(index), "data"))]) chownSync(path, 65534, 65534);
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
      // The joiner's system tables are replaced by the state transfer.
      cpSync(first, join(home(index), "data"), { recursive: true });
      ownForRsync(index);
    }
    nodes.push(await startNode(1, ["--wsrep-new-cluster"], bootstrapTimeoutMs));
    nodes.push(await startNode(2, [], joinTimeoutMs));
    nodes.push(await startNode(3, [], joinTimeoutMs));
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

  const killNode = async (index: number) => {
    const child = current.get(index)!;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await Promise.race([exited, sleep(10_000).then(() => Promise.reject(new Error(`Galera node ${index} did not exit on SIGKILL`)))]);
  };

  const restartNode = async (index: number, { timeoutMs = 60_000 } = {}): Promise<Rejoined> => {
    const begun = Date.now();
    const child = current.get(index)!;
    if (child.exitCode === null && child.signalCode === null) throw new Error(`Galera node ${index} is still running: kill it first`);
    // A killed node's grastate.dat says seqno -1: started as it is, it would ask for a full SST. Its InnoDB knows the
    // last writeset it committed; --wsrep-recover prints it (and exits) for --wsrep_start_position.
    const recovery = join(home(index), "recover.log");
    rmSync(recovery, { force: true });
    await run(
      "/usr/sbin/mariadbd",
      [`--defaults-file=${join(home(index), "my.cnf")}`, "--wsrep-recover", `--log-error=${recovery}`],
      30_000,
    );
    const recovered = readFileSync(recovery, "utf8").match(/WSREP: Recovered position:\s+(\S+:-?\d+)/);
    if (!recovered) throw new Error(`mariadbd --wsrep-recover printed no position for node ${index}:\n${readFileSync(recovery, "utf8")}`);
    const position = recovered[1];
    // Should IST be refused (the donor's gcache no longer holds what it missed), the SST's rsync daemon writes as nobody.
    ownForRsync(index);
    const logged = existsSync(errorLog(index)) ? readFileSync(errorLog(index), "utf8").length : 0;
    await startNode(index, [`--wsrep_start_position=${position}`], timeoutMs);
    const log = readFileSync(errorLog(index), "utf8").slice(logged);
    // The SST script runs for an IST too (it prepares the joiner); only a full copy logs "rsync SST completed".
    const transfer = /Receiving IST: \d+ writesets/.test(log) && !/rsync SST completed on joiner/.test(log) ? "IST" : "SST";
    return { position, transfer, ms: Date.now() - begun };
  };

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
    killNode,
    restartNode,
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
