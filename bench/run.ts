import "reflect-metadata";
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { createConnection } from "mysql2/promise";
import { openDatabase } from "../src/database/data-source";
import { loadOrCreateDevKeys } from "../src/identity/dev-keys";
import { signDevToken } from "../src/identity/tokens";
import { assignmentListQuery, myEnterprisesQuery, twentyRowsQuery } from "./queries";
import { seedBenchData, type BenchData } from "./seed-data";
import { percentile } from "./percentile";
import { statementsPerRequest } from "./statements";

/**
 * `npm run bench`: every server in its own process, the load from this one (autocannon, 50 connections),
 * scenarios interleaved round by round so that drift of the machine hits them all alike; medians reported.
 */
/** BENCH_QUICK=1: a before/after check during development in under 3 minutes (fewer, shorter rounds, a smaller heap run). */
const quick = process.env.BENCH_QUICK === "1";
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 2 : 3));
const seconds = Number(process.env.BENCH_SECONDS ?? (quick ? 3 : 5));
/**
 * 50 by default; fewer when the machine is shared and 50 requests in flight would not finish within a window (10 in a
 * quick run, whose windows are short: a request still in flight when its window closes is not counted).
 */
const connections = Number(process.env.BENCH_CONNECTIONS ?? (quick ? 10 : 50));
/** Between two scenarios, so that the requests still in flight at the end of one do not run in the next one's window. */
const pauseMs = Number(process.env.BENCH_PAUSE_MS ?? (quick ? 1000 : 3000));
const heapRequests = Number(process.env.BENCH_HEAP_REQUESTS ?? (quick ? 5_000 : 100_000));
const mysqlServer = process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
/**
 * Another checkout of the gateway (with its own node_modules), served beside this one on the same databases: its
 * gateway scenarios run as "[compare]" rows in the same rounds, so that a change is measured against what it replaces.
 */
const compareDir = process.env.BENCH_COMPARE_DIR;
const work = mkdtempSync(join(tmpdir(), "gateway-bench-"));
const keyFile = join(work, "dev-signing-key.json");

interface Server {
  url: string;
  child: ChildProcess;
  heap(): Promise<number>;
}

async function startServer(args: string[], checkout = join(__dirname, "..")): Promise<Server> {
  const child = fork(join(checkout, "bench", "server.ts"), args, {
    cwd: checkout,
    execArgv: ["--expose-gc", "-r", "@swc-node/register"],
    env: { ...process.env, DEV_KEY_FILE: keyFile },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`bench server ${args.join(" ")} exited with ${code}`)));
  });
  return {
    url,
    child,
    heap: () =>
      new Promise((resolve) => {
        child.once("message", (m) => resolve((m as { heapUsed: number }).heapUsed));
        child.send("heap");
      }),
  };
}

interface Scenario {
  name: string;
  server: Server;
  body: string;
  token?: string;
}

interface Measure {
  requests: number;
  p50: number;
  p99: number;
  /**
   * The p99 of the requests on connections already open: each connection's first request left out. autocannon opens
   * its connections when a window starts, and a busy Node.js process accepts one new connection per turn of its event
   * loop (libuv since 1.45, libuv/libuv#3696): a server whose turns take 30 ms takes over a second to accept fifty, and
   * the first requests of the last ones wait that long. Those are the p99 of a window of a few thousand requests.
   */
  p99Open: number;
  non2xx: number;
}

async function load({ server, body, token }: Scenario, options: { duration?: number; amount?: number }): Promise<Measure> {
  const opened = new WeakSet<object>();
  const onOpenConnections: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon(
      {
        url: server.url,
        method: "POST",
        connections,
        ...(options.amount ? { amount: options.amount } : { duration: options.duration }),
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body,
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    run.on("response", (client: object, _status: number, _bytes: number, responseTime: number) => {
      if (opened.has(client)) onOpenConnections.push(responseTime);
      else opened.add(client);
    });
  });
  return {
    requests: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    p99Open: Math.round(
      percentile(
        onOpenConnections.sort((a, b) => a - b),
        99,
      ),
    ),
    non2xx: result.non2xx + result.errors,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function prepareDatabase(url: string): Promise<BenchData> {
  const dataSource = await openDatabase({ url });
  const data = await seedBenchData(dataSource);
  await dataSource.destroy();
  return data;
}

async function mysqlUrl(): Promise<string | null> {
  const server = new URL(mysqlServer);
  // `?socket=/run/mysqld/mysqld.sock`: the gateways reach the server through its Unix socket (as DATABASE_URL can).
  const socket = server.searchParams.get("socket");
  try {
    const admin = await createConnection({
      host: server.hostname,
      port: Number(server.port || 3306),
      user: server.username || "root",
      password: server.password,
      ...(socket ? { socketPath: socket } : {}),
    });
    await admin.query("DROP DATABASE IF EXISTS gateway_bench");
    await admin.query("CREATE DATABASE gateway_bench CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    await admin.end();
    return `mysql://${server.username || "root"}:${server.password}@${server.hostname}:${server.port || 3306}/gateway_bench${socket ? `?socket=${encodeURIComponent(socket)}` : ""}`;
  } catch (error) {
    process.stderr.write(`MySQL not reachable at ${mysqlServer} (${(error as Error).message}): the MariaDB rows are left out\n`);
    return null;
  }
}

async function main(): Promise<void> {
  const keys = await loadOrCreateDevKeys(keyFile);
  const token = (ssin: string) => signDevToken(keys, { ssin, expiresIn: "2h" });
  const body = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });

  process.stderr.write("seeding SQLite...\n");
  const sqliteUrl = `sqlite:${join(work, "bench.sqlite")}`;
  const sqliteData = await prepareDatabase(sqliteUrl);
  const mysql = await mysqlUrl();
  process.stderr.write(mysql ? "seeding MariaDB...\n" : "");
  const mysqlData = mysql ? await prepareDatabase(mysql) : null;

  const servers: Record<string, Server> = {
    sqliteOn: await startServer(["gateway", sqliteUrl, "on"]),
    sqliteOff: await startServer(["gateway", sqliteUrl, "off"]),
  };
  if (mysql) {
    servers.mysqlOn = await startServer(["gateway", mysql, "on"]);
    servers.mysqlOff = await startServer(["gateway", mysql, "off"]);
  }
  // Each baseline answers exactly what the gateway answers, from memory: for (b), and for the 1,000-row page; each by
  // a bare Apollo executing with graphql-js, and by one executing with graphql-jit (bench/bare-servers.ts).
  const viewerToken = await token(sqliteData.viewer);
  const bigViewerToken = await token(sqliteData.bigViewer);
  const startBaselines = async (file: string, query: string, bearer: string) => {
    const captured = await fetch(servers.sqliteOn.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
      body: body(query),
    });
    const data = JSON.stringify(((await captured.json()) as { data: Record<string, unknown> }).data);
    writeFileSync(join(work, file), data);
    const started = [await startServer(["baseline", join(work, file)]), await startServer(["baseline", join(work, file), "jit"])];
    for (const baseline of started) {
      const answer = await fetch(baseline.url, { method: "POST", headers: { "content-type": "application/json" }, body: body(query) });
      if (JSON.stringify(((await answer.json()) as { data: unknown }).data) !== data) {
        throw new Error(`the baseline of ${file} answers differently from the gateway`);
      }
    }
    return started;
  };
  [servers.baseline, servers.baselineJit] = await startBaselines("baseline.json", myEnterprisesQuery, viewerToken);
  [servers.baselineRows, servers.baselineRowsJit] = await startBaselines("baseline-rows.json", assignmentListQuery, bigViewerToken);

  const scenarios: Scenario[] = [
    { name: "(a) bare Apollo, from memory", server: servers.baseline, body: body(myEnterprisesQuery) },
    { name: "(a) bare Apollo, 1,000 rows, from memory", server: servers.baselineRows, body: body(assignmentListQuery) },
    { name: "(a) bare Apollo + graphql-jit, from memory", server: servers.baselineJit, body: body(myEnterprisesQuery) },
    { name: "(a) bare Apollo + graphql-jit, 1,000 rows, from memory", server: servers.baselineRowsJit, body: body(assignmentListQuery) },
    { name: "(b) gateway myEnterprises, SQLite", server: servers.sqliteOn, body: body(myEnterprisesQuery), token: viewerToken },
    {
      name: "(c) 20 rows, SQLite, shield on",
      server: servers.sqliteOn,
      body: body(twentyRowsQuery, { e: sqliteData.twentyRowsEnterprise }),
      token: viewerToken,
    },
    {
      name: "(c) 20 rows, SQLite, shield off",
      server: servers.sqliteOff,
      body: body(twentyRowsQuery, { e: sqliteData.twentyRowsEnterprise }),
      token: viewerToken,
    },
    { name: "(c) 1,000 rows, SQLite, shield on", server: servers.sqliteOn, body: body(assignmentListQuery), token: bigViewerToken },
    { name: "(c) 1,000 rows, SQLite, shield off", server: servers.sqliteOff, body: body(assignmentListQuery), token: bigViewerToken },
  ];
  if (mysqlData) {
    const mysqlViewer = await token(mysqlData.viewer);
    scenarios.push(
      { name: "(b) gateway myEnterprises, MariaDB", server: servers.mysqlOn, body: body(myEnterprisesQuery), token: mysqlViewer },
      {
        name: "(c) 20 rows, MariaDB, shield on",
        server: servers.mysqlOn,
        body: body(twentyRowsQuery, { e: mysqlData.twentyRowsEnterprise }),
        token: mysqlViewer,
      },
      {
        name: "(c) 20 rows, MariaDB, shield off",
        server: servers.mysqlOff,
        body: body(twentyRowsQuery, { e: mysqlData.twentyRowsEnterprise }),
        token: mysqlViewer,
      },
      {
        name: "(c) 1,000 rows, MariaDB, shield on",
        server: servers.mysqlOn,
        body: body(assignmentListQuery),
        token: await token(mysqlData.bigViewer),
      },
      {
        name: "(c) 1,000 rows, MariaDB, shield off",
        server: servers.mysqlOff,
        body: body(assignmentListQuery),
        token: await token(mysqlData.bigViewer),
      },
    );
  }

  if (compareDir) {
    servers.sqliteCompare = await startServer(["gateway", sqliteUrl, "on"], compareDir);
    if (mysql) servers.mysqlCompare = await startServer(["gateway", mysql, "on"], compareDir);
    const counterpart = new Map([
      [servers.sqliteOn, servers.sqliteCompare],
      [servers.mysqlOn, servers.mysqlCompare],
    ]);
    for (const scenario of scenarios.filter((s) => counterpart.get(s.server))) {
      scenarios.push({ ...scenario, name: `${scenario.name} [compare]`, server: counterpart.get(scenario.server)! });
    }
  }

  for (const scenario of scenarios) await load(scenario, { duration: 1 });
  const measured = new Map<string, Measure[]>(scenarios.map((s) => [s.name, []]));
  for (let round = 1; round <= rounds; round++) {
    process.stderr.write(`round ${round} of ${rounds}\n`);
    for (const scenario of scenarios) {
      measured.get(scenario.name)!.push(await load(scenario, { duration: seconds }));
      // A server still answers the requests in flight when its window closed (up to its p99 of seconds for a large
      // page at 50 connections): without a pause that work lands in the next scenario's window, on the same cores.
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
  const summary = Object.fromEntries(
    scenarios.map((s) => {
      const runs = measured.get(s.name)!;
      return [
        s.name,
        {
          reqPerSec: median(runs.map((r) => r.requests)),
          p50: median(runs.map((r) => r.p50)),
          p99: median(runs.map((r) => r.p99)),
          p99Open: median(runs.map((r) => r.p99Open)),
          errors: runs.reduce((n, r) => n + r.non2xx, 0),
        },
      ];
    }),
  );
  const rate = (name: string) => summary[name]?.reqPerSec ?? NaN;
  const ratios: Record<string, number> = {
    "(b) SQLite / (a)": rate("(b) gateway myEnterprises, SQLite") / rate("(a) bare Apollo, from memory"),
    "1,000 rows SQLite / (a) 1,000 rows": rate("(c) 1,000 rows, SQLite, shield on") / rate("(a) bare Apollo, 1,000 rows, from memory"),
    "p99 (b) SQLite / p99 (a)": summary["(b) gateway myEnterprises, SQLite"].p99 / summary["(a) bare Apollo, from memory"].p99,
    "p99 1,000 rows SQLite / p99 (a) 1,000 rows":
      summary["(c) 1,000 rows, SQLite, shield on"].p99 / summary["(a) bare Apollo, 1,000 rows, from memory"].p99,
    "(b) SQLite / (a) jit": rate("(b) gateway myEnterprises, SQLite") / rate("(a) bare Apollo + graphql-jit, from memory"),
    "1,000 rows SQLite / (a) jit 1,000 rows":
      rate("(c) 1,000 rows, SQLite, shield on") / rate("(a) bare Apollo + graphql-jit, 1,000 rows, from memory"),
    "p99 (b) SQLite / p99 (a) jit":
      summary["(b) gateway myEnterprises, SQLite"].p99 / summary["(a) bare Apollo + graphql-jit, from memory"].p99,
    "p99 1,000 rows SQLite / p99 (a) jit 1,000 rows":
      summary["(c) 1,000 rows, SQLite, shield on"].p99 / summary["(a) bare Apollo + graphql-jit, 1,000 rows, from memory"].p99,
    "p99 on open connections, (b) SQLite / (a) jit":
      summary["(b) gateway myEnterprises, SQLite"].p99Open / summary["(a) bare Apollo + graphql-jit, from memory"].p99Open,
    "p99 on open connections, 1,000 rows SQLite / (a) jit 1,000 rows":
      summary["(c) 1,000 rows, SQLite, shield on"].p99Open / summary["(a) bare Apollo + graphql-jit, 1,000 rows, from memory"].p99Open,
    "shield overhead, 20 rows, SQLite": 1 - rate("(c) 20 rows, SQLite, shield on") / rate("(c) 20 rows, SQLite, shield off"),
    "shield overhead, 1,000 rows, SQLite": 1 - rate("(c) 1,000 rows, SQLite, shield on") / rate("(c) 1,000 rows, SQLite, shield off"),
  };
  if (mysqlData) {
    ratios["(b) MariaDB / (a)"] = rate("(b) gateway myEnterprises, MariaDB") / rate("(a) bare Apollo, from memory");
    ratios["1,000 rows MariaDB / (a) 1,000 rows"] =
      rate("(c) 1,000 rows, MariaDB, shield on") / rate("(a) bare Apollo, 1,000 rows, from memory");
    ratios["p99 (b) MariaDB / p99 (a)"] = summary["(b) gateway myEnterprises, MariaDB"].p99 / summary["(a) bare Apollo, from memory"].p99;
    ratios["p99 1,000 rows MariaDB / p99 (a) 1,000 rows"] =
      summary["(c) 1,000 rows, MariaDB, shield on"].p99 / summary["(a) bare Apollo, 1,000 rows, from memory"].p99;
    ratios["(b) MariaDB / (a) jit"] = rate("(b) gateway myEnterprises, MariaDB") / rate("(a) bare Apollo + graphql-jit, from memory");
    ratios["1,000 rows MariaDB / (a) jit 1,000 rows"] =
      rate("(c) 1,000 rows, MariaDB, shield on") / rate("(a) bare Apollo + graphql-jit, 1,000 rows, from memory");
    ratios["p99 (b) MariaDB / p99 (a) jit"] =
      summary["(b) gateway myEnterprises, MariaDB"].p99 / summary["(a) bare Apollo + graphql-jit, from memory"].p99;
    ratios["p99 1,000 rows MariaDB / p99 (a) jit 1,000 rows"] =
      summary["(c) 1,000 rows, MariaDB, shield on"].p99 / summary["(a) bare Apollo + graphql-jit, 1,000 rows, from memory"].p99;
    ratios["p99 on open connections, (b) MariaDB / (a) jit"] =
      summary["(b) gateway myEnterprises, MariaDB"].p99Open / summary["(a) bare Apollo + graphql-jit, from memory"].p99Open;
    ratios["p99 on open connections, 1,000 rows MariaDB / (a) jit 1,000 rows"] =
      summary["(c) 1,000 rows, MariaDB, shield on"].p99Open / summary["(a) bare Apollo + graphql-jit, 1,000 rows, from memory"].p99Open;
    ratios["shield overhead, 20 rows, MariaDB"] = 1 - rate("(c) 20 rows, MariaDB, shield on") / rate("(c) 20 rows, MariaDB, shield off");
    ratios["shield overhead, 1,000 rows, MariaDB"] =
      1 - rate("(c) 1,000 rows, MariaDB, shield on") / rate("(c) 1,000 rows, MariaDB, shield off");
  }

  for (const name of Object.keys(summary).filter((n) => n.endsWith(" [compare]"))) {
    ratios[`${name.slice(0, -" [compare]".length)}: this / compare`] = rate(name.slice(0, -" [compare]".length)) / rate(name);
  }

  process.stderr.write("counting SQL statements...\n");
  const statements: Record<string, Record<string, { first: number; next: number } | null>> = {
    sqlite: await statementsPerRequest(sqliteUrl, keyFile, [
      { name: "(b) myEnterprises, 5 enterprises x 20", body: () => body(myEnterprisesQuery), token: viewerToken },
      { name: "1,000 rows, 10 enterprises x 100", body: () => body(assignmentListQuery), token: bigViewerToken },
    ]),
  };
  if (mysql && mysqlData) {
    statements.mysql = await statementsPerRequest(mysql, keyFile, [
      { name: "(b) myEnterprises, 5 enterprises x 20", body: () => body(myEnterprisesQuery), token: await token(mysqlData.viewer) },
      { name: "1,000 rows, 10 enterprises x 100", body: () => body(assignmentListQuery), token: await token(mysqlData.bigViewer) },
    ]);
  }

  process.stderr.write(`measuring the heap over ${heapRequests} requests...\n`);
  // The 20-row page keeps 100,000 requests to a few minutes; it runs the whole request path (token, decision, loaders).
  const heapTarget = servers.mysqlOn ?? servers.sqliteOn;
  const heapScenario = scenarios.find((s) => s.server === heapTarget && s.name.startsWith("(c) 20 rows"))!;
  await load(heapScenario, { amount: heapRequests / 10 });
  const heapAt10k = await heapTarget.heap();
  await load(heapScenario, { amount: (heapRequests * 9) / 10 });
  const heapAt100k = await heapTarget.heap();

  const results = {
    date: new Date().toISOString(),
    machine: { cpus: (await import("node:os")).cpus().length, node: process.version },
    // Every server runs under this NODE_ENV (the baselines too: it moves bare Apollo by about 20%).
    settings: { quick, rounds, seconds, connections, nodeEnv: process.env.NODE_ENV ?? null, execution: process.env.EXECUTION ?? "jit" },
    scenarios: summary,
    ratios,
    sqlStatementsPerRequest: statements,
    heap: {
      target: heapScenario.name,
      requests: heapRequests,
      afterTenThousandMB: heapAt10k / 2 ** 20,
      afterHundredThousandMB: heapAt100k / 2 ** 20,
      growth: heapAt100k / heapAt10k - 1,
    },
  };
  // A quick run is a check during development, not a measurement to keep: its results stay beside its databases.
  const resultsFile = quick ? join(work, "results.json") : join(__dirname, "results.json");
  writeFileSync(resultsFile, JSON.stringify(results, null, 2) + "\n");
  process.stderr.write(`results written to ${resultsFile}\n`);

  const rows = Object.entries(summary).map(
    ([name, r]) => `| ${name} | ${Math.round(r.reqPerSec)} | ${r.p50} | ${r.p99} | ${r.p99Open} | ${r.errors} |`,
  );
  process.stdout.write(
    [
      "| scenario | req/s | p50 ms | p99 ms | p99 ms, connections open | errors |",
      "|---|---|---|---|---|---|",
      ...rows,
      "",
      "| ratio | value |",
      "|---|---|",
      ...Object.entries(ratios).map(([k, v]) => `| ${k} | ${k.startsWith("shield") ? `${(v * 100).toFixed(1)}%` : `${v.toFixed(2)}x`} |`),
      "",
      `SQL statements per request: ${JSON.stringify(statements)}`,
      `Heap (${heapScenario.name}): ${results.heap.afterTenThousandMB.toFixed(1)} MB after ${heapRequests / 10} requests, ${results.heap.afterHundredThousandMB.toFixed(1)} MB after ${heapRequests} (${(results.heap.growth * 100).toFixed(1)}%)`,
      "",
    ].join("\n"),
  );
  for (const server of Object.values(servers)) server.child.kill();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
