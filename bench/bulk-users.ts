import "reflect-metadata";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";
import { DataSource, type Logger as TypeOrmLogger } from "typeorm";
import { benchRateLimits } from "./rate-limits";
import { loadConfig } from "../src/config";
import { buildDataSourceOptions } from "../src/database/data-source-options";
import { openDatabase } from "../src/database/data-source";
import { Catalog } from "../src/domain/catalog";
import { loadOrCreateDevKeys } from "../src/identity/dev-keys";
import { signDevToken } from "../src/identity/tokens";
import { startGateway } from "../src/server";
import { ssin } from "../test/support/identities";
import { Seed } from "../test/support/seed";

/**
 * The bulk mutations at their bound: `npm run bench:bulk` times addUsers of 1,000 new people, setUsersOnlineServices
 * of those 1,000 and removeUsers of them, each one HTTP request to a gateway in this process, on SQLite and on MariaDB
 * (a dry run of the addUsers first; `BENCH_MYSQL_URL`, default `mysql://root@127.0.0.1:3306`, database `gateway_bench_bulk`, dropped after), and
 * counts the SQL statements of each call. `BENCH_BULK_ROUNDS` (3) rounds, medians and worst printed.
 *
 * `bulkUsersScenario` is the reusable part: it measures against any running gateway, so that another benchmark (one
 * on a large database) can call it with its own URL, token and enterprise.
 */

const addUsers = `mutation ($input: AddUsersInput!) { addUsers(input: $input) { done refused items { assignment { id } } } }`;
const previewAddUsers = `mutation ($input: AddUsersInput!) { addUsersPreview: addUsers(input: $input, dryRun: true) { done refused } }`;
const setServices = `mutation ($input: SetUsersOnlineServicesInput!) { setUsersOnlineServices(input: $input) { done refused } }`;
const removeUsers = `mutation ($input: RemoveUsersInput!) { removeUsers(input: $input) { done refused } }`;

export interface BulkUsersTimings {
  /** Milliseconds of one call (the whole HTTP request, answer read), per round. */
  addUsers: number[];
  /** The same addUsers as a dry run, before it. */
  addUsersPreview: number[];
  setUsersOnlineServices: number[];
  removeUsers: number[];
  /** SQL statements of each call of the last round, when `statements` was given. */
  statements?: { addUsers: number; addUsersPreview: number; setUsersOnlineServices: number; removeUsers: number };
}

/** `count` new people to add, with valid national numbers, as addUsers takes them. */
export function bulkPeople(count: number, onlineServices: readonly string[] = ["DIMONA", "DMFA"]) {
  return Array.from({ length: count }, (_, i) => {
    const number = ssin();
    return {
      person: { ssin: number, givenName: "Bulk", familyName: `Person ${i} ${number.slice(-4)}` },
      onlineServices: [...onlineServices],
    };
  });
}

/**
 * Times, `rounds` times, the three bulk mutations at `count` items through the gateway at `url`: addUsers of `count`
 * new people into `capacity` of `enterprise`, then setUsersOnlineServices of all of them, then removeUsers of all of
 * them, as `token`'s person (a main access manager or access manager of the capacity). Each answer must have done
 * every item. `statements()` (optional) reads a statement counter of the gateway's data source.
 */
export async function bulkUsersScenario({
  url,
  token,
  enterprise,
  capacity = "EMPLOYER_NSSO",
  count = 1000,
  rounds = 3,
  statements,
}: {
  url: string;
  token: string;
  enterprise: string;
  capacity?: string;
  count?: number;
  rounds?: number;
  statements?: () => number;
}): Promise<BulkUsersTimings> {
  const timings: BulkUsersTimings = { addUsers: [], addUsersPreview: [], setUsersOnlineServices: [], removeUsers: [] };
  const counted = { addUsers: 0, addUsersPreview: 0, setUsersOnlineServices: 0, removeUsers: 0 };
  const call = async <T>(name: keyof typeof counted, query: string, input: Record<string, unknown>): Promise<T> => {
    const before = statements?.() ?? 0;
    const started = process.hrtime.bigint();
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables: { input: { enterprise, capacity, ...input } } }),
    });
    const body = (await response.json()) as { data?: Record<string, { done: number; refused: number }>; errors?: unknown[] };
    timings[name].push(Number(process.hrtime.bigint() - started) / 1e6);
    counted[name] = (statements?.() ?? 0) - before;
    const answer = body.data?.[name];
    if (!answer || answer.done !== count) throw new Error(`${name}: ${JSON.stringify(body.errors ?? answer)}`);
    return answer as T;
  };
  for (let round = 0; round < rounds; round++) {
    const users = bulkPeople(count);
    await call("addUsersPreview", previewAddUsers, { users });
    const added = await call<{ items: { assignment: { id: string } }[] }>("addUsers", addUsers, { users });
    const ids = added.items.map((item) => item.assignment.id);
    await call("setUsersOnlineServices", setServices, { users: ids.map((assignment) => ({ assignment, onlineServices: ["DRS"] })) });
    await call("removeUsers", removeUsers, { assignments: ids });
  }
  return statements ? { ...timings, statements: counted } : timings;
}

class CountingLogger implements TypeOrmLogger {
  count = 0;
  logQuery() {
    this.count++;
  }
  logQueryError() {}
  logQuerySlow() {}
  logSchemaBuild() {}
  logMigration() {}
  log() {}
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Seeds an active enterprise with an access manager of EMPLOYER_NSSO, serves it, and runs the scenario. */
async function measure(url: string, keyFile: string, rounds: number): Promise<BulkUsersTimings> {
  const seeding = await openDatabase({ url });
  const manager = ssin();
  const enterprise = await new Seed(seeding, await Catalog.load(seeding))
    .enterprise()
    .withMainAccessManager()
    .active()
    .withAccessManager("EMPLOYER_NSSO", manager)
    .build();
  await seeding.destroy();
  const logger = new CountingLogger();
  const dataSource = new DataSource({ ...(await buildDataSourceOptions({ url })), logging: ["query"], logger });
  await dataSource.initialize();
  const config = loadConfig({
    DATABASE_URL: url,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    ...benchRateLimits,
    DEV_KEY_FILE: keyFile,
    DEMO_DATA: "off",
  });
  const gateway = await startGateway({ config, dataSource });
  try {
    const token = await signDevToken(await loadOrCreateDevKeys(keyFile), { ssin: manager, expiresIn: "1h" });
    return await bulkUsersScenario({ url: gateway.url, token, enterprise: enterprise.number, rounds, statements: () => logger.count });
  } finally {
    await gateway.stop();
    await dataSource.destroy();
  }
}

async function main(): Promise<void> {
  const rounds = Number(process.env.BENCH_BULK_ROUNDS ?? 3);
  const work = mkdtempSync(join(tmpdir(), "gateway-bench-bulk-"));
  const keyFile = join(work, "dev-signing-key.json");
  const rows: [string, BulkUsersTimings][] = [];
  try {
    rows.push(["SQLite", await measure(`sqlite:${join(work, "bulk.sqlite")}`, keyFile, rounds)]);
    const server = new URL(process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306");
    const admin = await createConnection({
      host: server.hostname,
      port: Number(server.port || 3306),
      user: server.username || "root",
      password: server.password,
    }).catch((error: Error) => {
      process.stderr.write(`MySQL not reachable (${error.message}): the MariaDB row is left out\n`);
      return null;
    });
    if (admin) {
      await admin.query("DROP DATABASE IF EXISTS gateway_bench_bulk");
      await admin.query("CREATE DATABASE gateway_bench_bulk CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
      try {
        const url = `mysql://${server.username || "root"}:${server.password}@${server.hostname}:${server.port || 3306}/gateway_bench_bulk`;
        rows.push(["MariaDB", await measure(url, keyFile, rounds)]);
      } finally {
        await admin.query("DROP DATABASE IF EXISTS gateway_bench_bulk");
        await admin.end();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const names = ["addUsersPreview", "addUsers", "setUsersOnlineServices", "removeUsers"] as const;
  process.stdout.write(`1,000 items per call, ${rounds} rounds: median / worst ms, SQL statements of one call\n\n`);
  process.stdout.write("| database | " + names.join(" | ") + " |\n|---|---|---|---|---|\n");
  for (const [database, t] of rows)
    process.stdout.write(
      `| ${database} | ${names.map((n) => `${Math.round(median(t[n]))} / ${Math.round(Math.max(...t[n]))} ms, ${t.statements![n]} statements`).join(" | ")} |\n`,
    );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
    process.exit(1);
  });
}
