import "reflect-metadata";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createClient, type Client } from "graphql-ws";
import { createConnection } from "mysql2/promise";
import WebSocket from "ws";
import { benchRateLimits } from "./rate-limits";
import { verifyAuditChains } from "../src/audit/verify";
import { openDatabase } from "../src/database/data-source";
import { AuditEvent } from "../src/domain/entities";
import { Catalog } from "../src/domain/catalog";
import { loadOrCreateDevKeys } from "../src/identity/dev-keys";
import { signDevToken } from "../src/identity/tokens";
import { ssin } from "../test/support/identities";
import { Seed } from "../test/support/seed";
import { diffHeapSnapshots, formatHeapDiff } from "./heap-diff";
import { assignmentListQuery, myEnterprisesQuery, twentyRowsQuery } from "./queries";
import { seedBenchData } from "./seed-data";

/**
 * `npm run bench:soak -- --minutes N --db sqlite|mariadb`: an operator's mixed traffic for N minutes against two
 * gateway processes of the compiled build (`node dist/main.js`) on one database. From this process, `--clients` (40)
 * concurrent clients: reads (myEnterprises, a page of 20, now and then a page of 1,000), writes (addUser, then
 * removeUser of what the client added, by the enterprises' main access managers) and subscriptions (`accessChanged`
 * over WebSocket, held 10 to 40 s then closed and opened again). Every minute: each process's RSS (from /proc), heap
 * used and kept read-model rows (from its /metrics), the requests served, 5xx and GraphQL errors. Heap snapshots at the
 * start (after a minute of warm-up) and at the end, written by the gateways themselves on SIGUSR2
 * (`--heapsnapshot-signal`), compared by constructor name. At the end the invariants: one audit event per
 * acknowledged write, the audit chains verified. Results: bench/soak-<db>.json and a markdown table on stdout.
 */
const { values: args } = parseArgs({
  options: {
    minutes: { type: "string", default: "15" },
    db: { type: "string", default: "sqlite" },
    clients: { type: "string", default: "40" },
    subscribers: { type: "string", default: "10" },
    "port-base": { type: "string", default: "9470" },
    "no-snapshots": { type: "boolean", default: false },
    "warmup-seconds": { type: "string", default: "60" },
    "heap-mb": { type: "string" },
  },
});
const minutes = Number(args.minutes);
const dialect = args.db === "mariadb" || args.db === "mysql" ? "mariadb" : "sqlite";
const clients = Number(args.clients);
const subscribers = Math.min(Number(args.subscribers), clients);
const portBase = Number(args["port-base"]);
const snapshots = !args["no-snapshots"];
/** --heap-mb N: the gateways run with --max-old-space-size=N (as NODE_OPTIONS would set it in a container). */
const heapMb = args["heap-mb"] ? Number(args["heap-mb"]) : null;
const warmupMs = Number(args["warmup-seconds"]) * 1000;
const mysqlServer = process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
const mysqlDatabase = process.env.BENCH_SOAK_DATABASE ?? "gateway_soak";
const work = mkdtempSync(join(tmpdir(), "gateway-soak-"));
const keyFile = join(work, "dev-signing-key.json");
const checkout = join(__dirname, "..");

async function databaseUrl(): Promise<string> {
  if (dialect === "sqlite") return `sqlite:${join(work, "soak.sqlite")}`;
  const server = new URL(mysqlServer);
  const admin = await createConnection({
    host: server.hostname,
    port: Number(server.port || 3306),
    user: server.username || "root",
    password: server.password,
  });
  await admin.query(`DROP DATABASE IF EXISTS ${mysqlDatabase}`);
  await admin.query(`CREATE DATABASE ${mysqlDatabase} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  return `mysql://${server.username || "root"}:${server.password}@${server.hostname}:${server.port || 3306}/${mysqlDatabase}`;
}

interface Gateway {
  name: string;
  url: string;
  metricsUrl: string;
  child: ChildProcess;
}

async function startGateway(name: string, url: string, port: number): Promise<Gateway> {
  const child = spawn(
    process.execPath,
    // The operator's way to a heap snapshot: a signal only the process's owner can send, nothing on the network.
    [
      ...(heapMb ? [`--max-old-space-size=${heapMb}`] : []),
      `--heapsnapshot-signal=SIGUSR2`,
      `--diagnostic-dir=${work}`,
      join(checkout, "dist", "main.js"),
    ],
    {
      cwd: checkout,
      env: {
        ...process.env,
        DATABASE_URL: url,
        PORT: String(port),
        HOST: "127.0.0.1",
        DEV_KEY_FILE: keyFile,
        LOG_LEVEL: "warn",
        ...benchRateLimits,
        DEMO_DATA: "off",
        METRICS: "on",
        METRICS_PORT: String(port + 1),
        WORKERS: "1",
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  child.once("exit", (code, signal) => {
    if (!stopping) process.stderr.write(`gateway ${name} exited (${code ?? signal})\n`);
  });
  const gateway = { name, url: `http://127.0.0.1:${port}/graphql`, metricsUrl: `http://127.0.0.1:${port + 1}/metrics`, child };
  for (let i = 0; i < 300; i++) {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return gateway;
    if (child.exitCode !== null) break;
    await sleep(200);
  }
  throw new Error(`gateway ${name} did not become ready`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
let stopping = false;

async function scrape(gateway: Gateway): Promise<Record<string, number>> {
  const text = await fetch(gateway.metricsUrl).then((r) => r.text());
  const value = (name: string) => {
    let total = 0;
    for (const line of text.split("\n")) {
      const match = /^([a-z_]+)(?:\{[^}]*\})? (\S+)$/.exec(line);
      if (match?.[1] === name) total += Number(match[2]);
    }
    return total;
  };
  return {
    heapUsedMb: value("nodejs_heap_size_used_bytes") / 2 ** 20,
    heapTotalMb: value("nodejs_heap_size_total_bytes") / 2 ** 20,
    externalMb: value("nodejs_external_memory_bytes") / 2 ** 20,
    readModelRows: value("gateway_read_model_rows"),
    readModelMb: value("gateway_read_model_bytes") / 2 ** 20,
    readModels: value("gateway_read_models"),
    subscriptionsOpen: value("gateway_subscriptions_open"),
  };
}

/** Asks the gateway for a heap snapshot (SIGUSR2) and waits until the file is written: the process answers again. */
async function heapSnapshot(gateway: Gateway): Promise<string> {
  const pid = gateway.child.pid!;
  const before = new Set(readdirSync(work));
  gateway.child.kill("SIGUSR2");
  for (;;) {
    await sleep(1000);
    const file = readdirSync(work).find((f) => !before.has(f) && f.includes(`.${pid}.`) && f.endsWith(".heapsnapshot"));
    if (!file) continue;
    // Written synchronously: once /readyz answers, the file is complete.
    const ready = await fetch(gateway.url.replace(/graphql$/, "readyz")).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return join(work, file);
  }
}

const counters = {
  requests: 0,
  serverErrors: 0,
  graphqlErrors: 0,
  networkErrors: 0,
  reads: 0,
  writesAcknowledged: 0,
  writesRefused: 0,
  subscriptionsOpened: 0,
  eventsDelivered: 0,
};
const errorSamples = new Map<string, number>();
const noteError = (what: string) => errorSamples.set(what, (errorSamples.get(what) ?? 0) + 1);

async function post(url: string, token: string, query: string, variables: Record<string, unknown> = {}) {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    counters.networkErrors++;
    noteError(`network: ${(error as Error).message}`);
    return null;
  }
  counters.requests++;
  if (response.status >= 500) {
    counters.serverErrors++;
    noteError(`HTTP ${response.status}`);
  }
  const json = (await response.json().catch(() => null)) as {
    data?: Record<string, unknown>;
    errors?: { extensions?: { code?: string } }[];
  } | null;
  if (json?.errors?.length) {
    counters.graphqlErrors++;
    noteError(`GraphQL ${json.errors[0].extensions?.code ?? "?"}`);
  }
  return json;
}

const addUser = `mutation Add($input: AddUserInput!) { addUser(input: $input) { id } }`;
const removeUser = `mutation Remove($id: ID!) { removeUser(assignment: $id) { id } }`;

async function main(): Promise<void> {
  if (!(minutes > 0)) throw new Error("--minutes N: a positive number of minutes");
  const started = Date.now();
  const url = await databaseUrl();
  process.stderr.write(`seeding ${dialect} in ${work}...\n`);
  const dataSource = await openDatabase({ url });
  const bench = await seedBenchData(dataSource);
  const seed = new Seed(dataSource, await Catalog.load(dataSource));
  const enterprises: { number: string; manager: string }[] = [];
  for (let i = 0; i < 30; i++) {
    const builder = seed.enterprise().withMainAccessManager().active().withEBox();
    for (let u = 0; u < 20; u++) builder.withUser("EMPLOYER_NSSO", u % 2 ? ["DIMONA", "DMFA"] : ["DIMONA"]);
    const built = await builder.build();
    enterprises.push({ number: built.number, manager: built.mainAccessManager! });
  }
  const auditBefore = await dataSource.getRepository(AuditEvent).count();

  const keys = await loadOrCreateDevKeys(keyFile);
  const expiresIn = `${Math.ceil(minutes / 60) + 1}h`;
  const token = (who: string) => signDevToken(keys, { ssin: who, expiresIn });
  const managerTokens = await Promise.all(enterprises.map((e) => token(e.manager)));
  const viewerToken = await token(bench.viewer);
  const bigViewerToken = await token(bench.bigViewer);

  process.stderr.write("starting two gateways (node dist/main.js)...\n");
  const gateways = [await startGateway("A", url, portBase), await startGateway("B", url, portBase + 2)];
  await sleep(5_000);
  const idle = gateways.map((g) => ({ gateway: g.name, rssMb: rssMb(g.child.pid!) }));
  process.stderr.write(`idle RSS: ${idle.map((i) => `${i.gateway} ${i.rssMb.toFixed(0)} MB`).join(", ")}\n`);

  const deadline = Date.now() + warmupMs + minutes * 60_000;
  let running = true;

  /** A client of the API: reads and writes, one request at a time, on its gateway. */
  const worker = async (n: number) => {
    const gateway = gateways[n % 2];
    const added: { enterprise: number; id: string }[] = [];
    while (running) {
      const r = Math.random();
      const e = Math.floor(Math.random() * enterprises.length);
      if (r < 0.15) {
        // Each client keeps at most two users of its own: the data stays the same size, so what grows is memory.
        if (added.length >= 2) {
          const target = added.shift()!;
          const answer = await post(gateway.url, managerTokens[target.enterprise], removeUser, { id: target.id });
          if (answer?.data?.removeUser) counters.writesAcknowledged++;
          else counters.writesRefused++;
        } else {
          const answer = await post(gateway.url, managerTokens[e], addUser, {
            input: {
              enterprise: enterprises[e].number,
              capacity: "EMPLOYER_NSSO",
              onlineServices: Math.random() < 0.5 ? ["DIMONA"] : ["DIMONA", "DMFA"],
              person: { ssin: ssin(), givenName: "Soak", familyName: `Client ${n}` },
            },
          });
          const id = (answer?.data?.addUser as { id?: string } | undefined)?.id;
          if (id) {
            counters.writesAcknowledged++;
            added.push({ enterprise: e, id });
          } else counters.writesRefused++;
        }
      } else {
        counters.reads++;
        if (r < 0.45) await post(gateway.url, managerTokens[e], twentyRowsQuery, { e: enterprises[e].number });
        else if (r < 0.75) await post(gateway.url, managerTokens[e], myEnterprisesQuery);
        else if (r < 0.95) await post(gateway.url, viewerToken, myEnterprisesQuery);
        else if (r < 0.96) await post(gateway.url, bigViewerToken, assignmentListQuery);
        else
          await post(
            gateway.url,
            managerTokens[e],
            `query Can($e: EnterpriseNumber!) { can(task: MANAGE_USERS, enterprise: $e) { allowed } }`,
            { e: enterprises[e].number },
          );
      }
    }
  };

  /** A subscriber: a socket with `accessChanged` of one enterprise, held 10 to 40 s, closed, opened again. */
  const subscriber = async (n: number) => {
    const gateway = gateways[n % 2];
    while (running) {
      const e = Math.floor(Math.random() * enterprises.length);
      const client: Client = createClient({
        url: gateway.url.replace(/^http/, "ws"),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${managerTokens[e]}` },
      });
      const stop = client.subscribe(
        {
          query: "subscription Changes($e: EnterpriseNumber) { accessChanged(enterprise: $e) { enterprise kind at } }",
          variables: { e: enterprises[e].number },
        },
        {
          next: () => void counters.eventsDelivered++,
          error: (error) => noteError(`subscription: ${JSON.stringify(error).slice(0, 120)}`),
          complete: () => undefined,
        },
      );
      counters.subscriptionsOpened++;
      const hold = 10_000 + Math.random() * 30_000;
      const until = Date.now() + hold;
      while (running && Date.now() < until) await sleep(500);
      stop();
      await client.dispose();
    }
  };

  const minutesRows: Record<string, unknown>[] = [];
  let last = { ...counters };
  const sample = async (minute: number | string) => {
    const row: Record<string, unknown> = { minute };
    for (const g of gateways) {
      const m = await scrape(g).catch(() => ({}) as Record<string, number>);
      row[g.name] = { rssMb: rssMb(g.child.pid!), ...m };
    }
    const now = { ...counters };
    row.requests = now.requests - last.requests;
    row.serverErrors = now.serverErrors - last.serverErrors;
    row.graphqlErrors = now.graphqlErrors - last.graphqlErrors;
    row.writes = now.writesAcknowledged - last.writesAcknowledged;
    row.subscriptionsOpened = now.subscriptionsOpened - last.subscriptionsOpened;
    row.events = now.eventsDelivered - last.eventsDelivered;
    last = now;
    minutesRows.push(row);
    const g = (name: string) => row[name] as { rssMb: number; heapUsedMb?: number; readModelRows?: number };
    process.stderr.write(
      `minute ${minute}: RSS A ${g("A").rssMb.toFixed(0)} MB (heap ${g("A").heapUsedMb?.toFixed(0)}), B ${g("B").rssMb.toFixed(0)} MB (heap ${g("B").heapUsedMb?.toFixed(0)}); ${String(row.requests)} requests, ${String(row.serverErrors)} 5xx, ${String(row.graphqlErrors)} GraphQL errors, ${String(row.writes)} writes, ${String(row.events)} events\n`,
    );
  };

  process.stderr.write(`load: ${clients} clients (${subscribers} of them subscribers), a minute of warm-up then ${minutes} minutes\n`);
  const loops = [
    ...Array.from({ length: clients - subscribers }, (_, n) => worker(n)),
    ...Array.from({ length: subscribers }, (_, n) => subscriber(n)),
  ];
  await sleep(warmupMs);
  // The warm-up's counts (a cold database, code not yet optimized) apart from the measured minutes.
  await sample("warm-up");
  // A snapshot costs the process about twice its heap in memory that the allocator keeps (RSS does not come back down):
  // only A is snapshotted at the start, so that B's RSS per minute is that of a process never snapshotted.
  const startSnapshot = snapshots ? await heapSnapshot(gateways[0]) : null;
  // Minute 0: the pause of A while it writes its snapshot (requests to A wait for it).
  await sample(0);
  for (let minute = 1; Date.now() < deadline; minute++) {
    await sleep(Math.max(0, Math.min(60_000, deadline - Date.now())));
    await sample(minute);
  }
  running = false;
  await Promise.all(loops);
  // Idle again: what each process holds once the traffic has stopped (the timers have had time to run).
  await sleep(Math.min(30_000, warmupMs));
  await sample("idle after");
  const endSnapshot = snapshots ? await heapSnapshot(gateways[0]) : null;
  stopping = true;
  for (const g of gateways) g.child.kill("SIGTERM");
  await Promise.all(
    gateways.map((g) => new Promise((resolve) => (g.child.exitCode !== null ? resolve(null) : g.child.once("exit", resolve)))),
  );

  const auditAfter = await dataSource.getRepository(AuditEvent).count();
  const verified = await verifyAuditChains({ dataSource });
  await dataSource.destroy();

  const heapGrowth = startSnapshot && endSnapshot ? [{ gateway: "A", ...diffHeapSnapshots(startSnapshot, endSnapshot) }] : [];
  const results = {
    date: new Date().toISOString(),
    database: dialect,
    machine: { cpus: (await import("node:os")).cpus().length, node: process.version },
    settings: { minutes, clients, heapMb, subscribers, processes: 2, build: "node dist/main.js", nodeEnv: process.env.NODE_ENV ?? null },
    elapsedMinutes: (Date.now() - started) / 60_000,
    idle,
    perMinute: minutesRows,
    totals: counters,
    errors: Object.fromEntries(errorSamples),
    invariants: {
      auditEventsWritten: auditAfter - auditBefore,
      writesAcknowledged: counters.writesAcknowledged,
      oneAuditEventPerWrite: auditAfter - auditBefore === counters.writesAcknowledged,
      auditChains: verified.chains,
      auditEvents: verified.events,
      auditChainBroken: verified.broken.length,
    },
    heapGrowth: heapGrowth.map((h) => ({ gateway: h.gateway, startMb: h.startMb, endMb: h.endMb, grew: h.rows.slice(0, 15) })),
    snapshots: { start: startSnapshot, end: endSnapshot },
  };
  const resultsFile = join(__dirname, `soak-${dialect}.json`);
  writeFileSync(resultsFile, JSON.stringify(results, null, 2) + "\n");
  process.stderr.write(`results written to ${resultsFile}\n`);

  const cell = (row: Record<string, unknown>, name: string) => {
    const g = row[name] as { rssMb: number; heapUsedMb?: number; readModelRows?: number };
    return `${g.rssMb.toFixed(0)} | ${g.heapUsedMb?.toFixed(0) ?? "?"} | ${g.readModelRows ?? "?"}`;
  };
  process.stdout.write(
    [
      `${dialect}, ${minutes} min, ${clients} clients (${subscribers} subscribing), 2 processes of node dist/main.js`,
      `idle RSS before: ${idle.map((i) => `${i.gateway} ${i.rssMb.toFixed(0)} MB`).join(", ")}`,
      "",
      "| minute | A RSS MB | A heap MB | A model rows | B RSS MB | B heap MB | B model rows | requests | 5xx | GraphQL errors | writes | subscriptions | events |",
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
      ...minutesRows.map(
        (r) =>
          `| ${String(r.minute)} | ${cell(r, "A")} | ${cell(r, "B")} | ${String(r.requests)} | ${String(r.serverErrors)} | ${String(r.graphqlErrors)} | ${String(r.writes)} | ${String(r.subscriptionsOpened)} | ${String(r.events)} |`,
      ),
      "",
      `totals: ${JSON.stringify(counters)}`,
      `errors: ${JSON.stringify(results.errors)}`,
      `invariants: ${JSON.stringify(results.invariants)}`,
      "",
      ...heapGrowth.flatMap((h) => [`heap of ${h.gateway}: ${formatHeapDiff(h)}`, ""]),
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
