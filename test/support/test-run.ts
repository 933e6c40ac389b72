import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { createConnection } from "mysql2/promise";

/**
 * One `jest` run and everything it makes, so that it can run beside another copy on the same machine and servers,
 * and so that what it leaves behind can be found: its files under a folder of its own (TMPDIR, which every worker and
 * every process a test starts inherits), its databases under `TEST_DB_PREFIX` + its id, its Redis keys under
 * `gateway-test:` + its id, its fixed ports from `TEST_PORT_BASE`. test/support/global-setup.ts makes the run,
 * test/support/global-teardown.ts fails it when anything of it is left (docs/testing.md).
 */

/** Names a database may hold without quoting surprises; a prefix must keep them so. */
const identifier = /^[A-Za-z0-9_]+$/;

export const databasePrefix = process.env.TEST_DB_PREFIX || "gw_test_";
if (!identifier.test(databasePrefix)) throw new Error(`TEST_DB_PREFIX may hold letters, digits and _ only (got "${databasePrefix}")`);

/** The run's id: set by the global setup for the whole run; a process outside one (a script importing the support) is a run of its own. */
export const runId = process.env.TEST_RUN_ID || `p${process.pid.toString(36)}`;

/** A fresh run id: six hex digits, enough apart for the runs of one machine. */
export const newRunId = (): string => randomBytes(3).toString("hex");

/** The folder of a run's files: under the system's temporary folder, named after the run. */
export const runDirectoryName = (run: string): string => `gateway-test-${run}`;

export const runDatabasePrefix = (run: string = runId): string => `${databasePrefix}${run}_`;

export const runRedisPrefix = (run: string = runId): string => `gateway-test:${run}:`;

const portBase = Number(process.env.TEST_PORT_BASE || 33100);
if (!Number.isInteger(portBase) || portBase < 1024 || portBase > 65535 - 200)
  throw new Error(`TEST_PORT_BASE must be a port from 1024 to ${65535 - 200} (got "${process.env.TEST_PORT_BASE}")`);

/**
 * A fixed port, `offset` above TEST_PORT_BASE (33100 unless set): for servers that must be told their ports before
 * they start (a MariaDB or Galera node of a test's own). Offsets in use: 0-29 the Galera cluster (test/cluster),
 * 101 server-requirements, 121-124 galera-readiness. Everything else listens on a port the system picks.
 */
export function testPort(offset: number): number {
  return portBase + offset;
}

const testRedisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

function mysqlOptions() {
  const url = new URL(process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306");
  return {
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || "root"),
    password: decodeURIComponent(url.password),
    connectTimeout: 3000,
  };
}

/** `LIKE` matches `_` as any character: escaped, the prefix matches itself only. */
const likePrefix = (prefix: string) => `${prefix.replace(/[\\_%]/g, (c) => `\\${c}`)}%`;

export interface Leftovers {
  files: string[];
  databases: string[];
  redisKeys: string[];
  /** Servers that could not be asked (not reachable and not required): their leftovers are unknown, not none. */
  unchecked: string[];
}

async function redisKeysOf(run: string): Promise<string[] | null> {
  const client = new Redis(testRedisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null });
  try {
    await client.connect();
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await client.scan(cursor, "MATCH", `${runRedisPrefix(run)}*`, "COUNT", 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== "0");
    return keys.sort();
  } catch (error) {
    if (process.env.REQUIRE_REDIS === "1") throw error;
    return null;
  } finally {
    client.disconnect();
  }
}

async function databasesOf(run: string): Promise<string[] | null> {
  let admin;
  try {
    admin = await createConnection(mysqlOptions());
  } catch (error) {
    if (process.env.REQUIRE_MYSQL === "1") throw error;
    return null;
  }
  try {
    const [rows] = await admin.query("SHOW DATABASES LIKE ?", [likePrefix(runDatabasePrefix(run))]);
    return (rows as Record<string, string>[]).map((row) => Object.values(row)[0]).sort();
  } finally {
    await admin.end();
  }
}

/** What is left of a run: the entries of its folder, its databases and its Redis keys. */
export async function leftoversOf(run: string, directory: string): Promise<Leftovers> {
  const [databases, redisKeys] = await Promise.all([databasesOf(run), redisKeysOf(run)]);
  return {
    files: existsSync(directory) ? readdirSync(directory).sort() : [],
    databases: databases ?? [],
    redisKeys: redisKeys ?? [],
    unchecked: [...(databases ? [] : ["MySQL"]), ...(redisKeys ? [] : ["Redis"])],
  };
}

/** Removes what is left of a run (its folder too), so that a run that failed its check does not burden the next. */
export async function removeLeftovers(leftovers: Leftovers, directory: string): Promise<void> {
  rmSync(directory, { recursive: true, force: true });
  if (leftovers.databases.length > 0) {
    const admin = await createConnection(mysqlOptions());
    try {
      for (const name of leftovers.databases) await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    } finally {
      await admin.end();
    }
  }
  if (leftovers.redisKeys.length > 0) {
    const client = new Redis(testRedisUrl, { maxRetriesPerRequest: 0 });
    try {
      for (let i = 0; i < leftovers.redisKeys.length; i += 500) await client.del(...leftovers.redisKeys.slice(i, i + 500));
    } finally {
      client.disconnect();
    }
  }
}

/** The run folder's path, given the temporary folder it was made in. */
export const runDirectory = (run: string, temporary: string): string => join(temporary, runDirectoryName(run));
