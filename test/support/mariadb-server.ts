import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection, type Connection } from "mysql2/promise";
import { runProcess } from "./processes";

/** A MariaDB server of a test's own: its datadir, socket and port under a temporary folder, on 127.0.0.1 only. */
export interface OwnMariadb {
  port: number;
  /** The mariadbd process's id. */
  pid: number;
  /** A mysql:// URL of `database` for root (empty password). */
  url(database: string): string;
  /** A root connection to the server (the caller ends it). */
  admin(): Promise<Connection>;
  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and removes its folder. */
  stop(): Promise<void>;
}

/** The servers not yet stopped: killed when the test process exits, whatever happened, so that none holds its port. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** Waits for `probe` to succeed, up to `ms`; throws its last failure after that. */
async function until(ms: number, probe: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * Installs a fresh datadir with `mariadb-install-db` and starts `mariadbd` on `port` with `args` (e.g. `--log-bin`,
 * `--binlog-format=STATEMENT`), 64 MB of buffer pool; resolves once it accepts root. Every wait is bounded.
 */
export async function startOwnMariadb(port: number, args: readonly string[] = []): Promise<OwnMariadb> {
  const dir = mkdtempSync(join(tmpdir(), "gateway-mariadb-"));
  const datadir = join(dir, "data");
  const installed = await runProcess(
    "mariadb-install-db",
    ["--no-defaults", `--datadir=${datadir}`, "--auth-root-authentication-method=normal", "--skip-test-db", "--user=root"],
    {},
  );
  if (installed.code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`mariadb-install-db failed: ${installed.stderr}`);
  }
  const server: ChildProcess = spawn(
    "/usr/sbin/mariadbd",
    [
      "--no-defaults",
      `--datadir=${datadir}`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      `--socket=${join(dir, "mariadb.sock")}`,
      `--pid-file=${join(dir, "mariadb.pid")}`,
      `--log-error=${join(dir, "error.log")}`,
      "--user=root",
      "--innodb-buffer-pool-size=64M",
      "--skip-name-resolve",
      ...args,
    ],
    { stdio: "ignore" },
  );
  running.add(server);
  const exited = new Promise<void>((resolve) =>
    server.once("exit", () => {
      running.delete(server);
      resolve();
    }),
  );
  const options = { host: "127.0.0.1", port, user: "root", password: "" };
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill("SIGTERM");
      const killer = setTimeout(() => server.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until(30_000, async () => {
      if (server.exitCode !== null) throw new Error(`mariadbd exited with ${server.exitCode}`);
      await (await createConnection(options)).end();
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    port,
    pid: server.pid!,
    url: (database) => `mysql://root:@127.0.0.1:${port}/${database}`,
    admin: () => createConnection(options),
    stop,
  };
}
