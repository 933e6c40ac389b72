import "reflect-metadata";
import { fork, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery } from "graphql";
import type { DataSource } from "typeorm";
import { openDatabase } from "../../src/database/data-source";
import { loadOrCreateDevKeys } from "../../src/identity/dev-keys";
import { signDevToken } from "../../src/identity/tokens";
import { percentile } from "../percentile";
import { statementsPerRequest } from "../statements";
import { unavailability } from "./availability";
import { explainReads, type ExplainedRead } from "./explain";
import { dropScaleDatabase, seededDatabase, type ScaleDatabase } from "./databases";
import { freshPeople, scaleScenarios, type Answer, type ScaleScenario, type ScenarioContext } from "./scenarios";
import { scaleSizes, sqlSeededRows, type ScaleSeed, type ScaleSize } from "./seed";

/**
 * `npm run bench:scale -- --size full|small|tiny --db mariadb|sqlite`: seeds (or reuses) the database of each size and
 * engine, serves it with a gateway in its own process, and sends each scenario of ./scenarios.ts one request at a
 * time: p50 and p99 of the wall time per request, SQL statements per request, the gateway's heap and RSS before and
 * after. Results are kept per engine and size in bench/scale-results.json, and the table of all of them (full over
 * small) written to bench/scale-results.md and printed.
 * Flags (repeatable or comma-separated): --size, --db; --reseed (seed again although a kept database exists), --drop
 * (drop the named databases and exit), --requests N (per scenario, 50), --seconds S (a scenario stops sending after S
 * seconds, 30, and at least 3 requests), --explain (run each read of one request again alone: its time and plan, the
 * slowest in the table), --only TEXT (scenarios whose name holds it), --table (print the table of the
 * kept results and exit). A request unanswered after BENCH_SCALE_TIMEOUT_MS (120,000) counts as an error.
 */
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const values = (name: string) =>
  argv.flatMap((a, i) =>
    a === `--${name}` && argv[i + 1] ? argv[i + 1].split(",") : a.startsWith(`--${name}=`) ? a.slice(name.length + 3).split(",") : [],
  );
const sizes = (values("size").length ? values("size") : ["small"]) as ScaleSize[];
const databases = (values("db").length ? values("db") : ["mariadb", "sqlite"]) as ScaleDatabase[];
const requestsPerScenario = Number(values("requests")[0] ?? 50);
const only = argv[argv.indexOf("--only") + 1] && argv.includes("--only") ? argv[argv.indexOf("--only") + 1] : undefined;
const secondsPerScenario = Number(values("seconds")[0] ?? 30);
const timeoutMs = Number(process.env.BENCH_SCALE_TIMEOUT_MS ?? 120_000);
for (const size of sizes) if (!(size in scaleSizes)) throw new Error(`--size ${size}: one of ${Object.keys(scaleSizes).join(", ")}`);
for (const db of databases) if (db !== "mariadb" && db !== "sqlite") throw new Error(`--db ${db}: mariadb or sqlite`);

const resultsFile = process.env.BENCH_SCALE_RESULTS ?? join(__dirname, "..", "scale-results.json");
const tableFile = resultsFile.replace(/\.json$/, ".md");
const progress = (message: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);

interface Measured {
  p50: number | null;
  p99: number | null;
  /** Requests measured (null in a result kept from before they were recorded). */
  requests: number | null;
  /** Answers with errors (or not 200): the first one's codes and message, shortened. */
  errors: number;
  firstError?: string;
  statements: { first: number; next: number } | null;
  skipped?: string;
  /** With --explain: the slowest reads of one request, run again alone, with their plans. */
  reads?: ExplainedRead[];
}

interface RunResult {
  date: string;
  /** The load averages (1, 5, 15 min) when the measures began and ended: the machine is shared. */
  load: { before: number[]; after: number[] };
  cpus: number;
  seed: ScaleSeed;
  bytesOnDisk: number;
  /** The gateway's process after a full GC: before the first measured request (after one of each) and after the last. */
  memoryMB: { heapBefore: number; heapAfter: number; rssBefore: number; rssAfter: number };
  scenarios: Record<string, Measured>;
}

interface GatewayProcess {
  url: string;
  child: ChildProcess;
  memory(): Promise<{ heapUsed: number; rss: number }>;
}

async function startGateway(url: string, keyFile: string): Promise<GatewayProcess> {
  const child = fork(join(__dirname, "..", "server.ts"), ["gateway", url, "on"], {
    execArgv: ["--expose-gc", "-r", "@swc-node/register"],
    env: { ...process.env, DEV_KEY_FILE: keyFile, BENCH_INTROSPECTION: "on" },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const gatewayUrl = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`the gateway on ${url} exited with ${code}`)));
  });
  return {
    url: gatewayUrl,
    child,
    memory: () =>
      new Promise((resolve) => {
        child.once("message", (m) => resolve(m as { heapUsed: number; rss: number }));
        child.send("heap");
      }),
  };
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

function describeError(answer: Answer): string {
  const error = answer.errors?.[0];
  return `HTTP ${answer.status} ${error?.extensions?.code ?? ""} ${error?.message ?? ""}`.trim().slice(0, 160);
}

async function measure(db: ScaleDatabase, size: ScaleSize): Promise<RunResult> {
  const seeded = await seededDatabase({ db, size, reseed: flag("reseed"), progress });
  const seed = seeded.seed;
  const work = mkdtempSync(join(tmpdir(), "bench-scale-"));
  const keyFile = join(work, "dev-signing-key.json");
  const keys = await loadOrCreateDevKeys(keyFile);
  const tokens = new Map<string, string>();
  const token = async (ssin: string) =>
    tokens.get(ssin) ?? tokens.set(ssin, await signDevToken(keys, { ssin, expiresIn: "4h" })).get(ssin)!;
  const gateway = await startGateway(seeded.url, keyFile);
  try {
    const post = async (url: string, as: string, body: string): Promise<Answer> => {
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${await token(as)}` },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        if ((error as Error).name !== "TimeoutError") throw error;
        return { status: 0, errors: [{ message: `no answer within ${timeoutMs} ms` }] };
      }
      try {
        return { status: response.status, ...(JSON.parse(text) as Omit<Answer, "status">) };
      } catch {
        return { status: response.status, errors: [{ message: text.slice(0, 200) }] };
      }
    };
    const memo = new Map<string, Promise<unknown>>();
    let database: DataSource | undefined;
    const context: ScenarioContext = {
      seed,
      send: (as, document, variables = {}) => post(gateway.url, as, JSON.stringify({ query: document, variables })),
      memo: <T>(key: string, make: () => Promise<T>) => (memo.get(key) ?? memo.set(key, make()).get(key)!) as Promise<T>,
      query: async (sql, parameters = []) => {
        database ??= await openDatabase({ url: seeded.url });
        return (await database.query(sql, parameters)) as Record<string, unknown>[];
      },
      freshPerson: freshPeople(seed),
    };
    const introspection = await context.send(seed.viewer, getIntrospectionQuery());
    if (!introspection.data) throw new Error(`introspection refused: ${describeError(introspection)}`);
    const schema = buildClientSchema(introspection.data as unknown as IntrospectionQuery);

    const scenarios = scaleScenarios.filter((s) => !only || s.name.includes(only));
    const results: Record<string, Measured> = {};
    const runnable: { scenario: ScaleScenario; prepared: unknown }[] = [];
    for (const scenario of scenarios) {
      const why = unavailability(schema, scenario);
      if (why) {
        progress(`${db} ${size}: skipped "${scenario.name}": ${why}`);
        results[scenario.name] = { p50: null, p99: null, requests: 0, errors: 0, statements: null, skipped: why };
        continue;
      }
      progress(`${db} ${size}: preparing "${scenario.name}"`);
      const prepared = scenario.prepare ? await scenario.prepare(context) : undefined;
      runnable.push({ scenario, prepared });
    }
    const body = (scenario: ScaleScenario, prepared: unknown, i: number) =>
      JSON.stringify({ query: scenario.document, variables: scenario.variables?.(context, prepared, i) ?? {} });
    const planned = (scenario: ScaleScenario) => {
      const wanted = typeof scenario.requests === "function" ? scenario.requests(seed) : (scenario.requests ?? requestsPerScenario);
      return values("requests").length ? Math.min(requestsPerScenario, wanted) : wanted;
    };
    // One request of each first: compiled documents, prepared statements and kept read models exist before "before".
    for (const { scenario, prepared } of runnable) {
      if (planned(scenario) > 1) await post(gateway.url, scenario.viewer(seed), body(scenario, prepared, -1));
    }
    await database?.destroy();
    const memoryBefore = await gateway.memory();
    const loadBefore = loadavg();
    for (const { scenario, prepared } of runnable) {
      const requests = planned(scenario);
      const times: number[] = [];
      let errors = 0;
      let firstError: string | undefined;
      const deadline = performance.now() + secondsPerScenario * 1000;
      for (let i = 0; i < requests && (i < 3 || performance.now() < deadline); i++) {
        const request = body(scenario, prepared, i);
        const started = performance.now();
        const answer = await post(gateway.url, scenario.viewer(seed), request);
        times.push(performance.now() - started);
        if (answer.status !== 200 || answer.errors) {
          errors++;
          firstError ??= describeError(answer);
        }
      }
      times.sort((a, b) => a - b);
      const round = (ms: number) => Math.round(ms * 10) / 10;
      results[scenario.name] = {
        p50: round(percentile(times, 50)),
        p99: round(percentile(times, 99)),
        requests: times.length,
        errors,
        firstError,
        statements: null,
      };
      progress(
        `${db} ${size}: "${scenario.name}": p50 ${results[scenario.name].p50} ms, p99 ${results[scenario.name].p99} ms${errors ? `, ${errors} errors (${firstError})` : ""}`,
      );
    }
    const memoryAfter = await gateway.memory();
    const loadAfter = loadavg();
    gateway.child.kill();

    progress(`${db} ${size}: counting SQL statements`);
    const counted = await statementsPerRequest(
      seeded.url,
      keyFile,
      await Promise.all(
        runnable
          .filter(({ scenario }) => planned(scenario) > 1)
          .map(async ({ scenario, prepared }) => ({
            name: scenario.name,
            body: () => body(scenario, prepared, 0),
            token: await token(scenario.viewer(seed)),
          })),
      ),
      { timeoutMs, record: flag("explain") },
    );
    for (const [name, count] of Object.entries(counted)) {
      results[name].statements = count && { first: count.first, next: count.next };
      if (count?.sent) results[name].reads = await explainReads(seeded.url, count.sent);
    }
    return {
      date: new Date().toISOString(),
      load: { before: loadBefore.map((l) => Math.round(l * 100) / 100), after: loadAfter.map((l) => Math.round(l * 100) / 100) },
      cpus: cpus().length,
      seed,
      bytesOnDisk: seeded.bytes,
      memoryMB: {
        heapBefore: mb(memoryBefore.heapUsed),
        heapAfter: mb(memoryAfter.heapUsed),
        rssBefore: mb(memoryBefore.rss),
        rssAfter: mb(memoryAfter.rss),
      },
      scenarios: results,
    };
  } finally {
    gateway.child.kill();
    rmSync(work, { recursive: true, force: true });
  }
}

type Kept = Record<string, RunResult>;
const keptResults = (): Kept => (existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, "utf8")) as Kept) : {});

/** The markdown table of every kept result: per operation and engine, small and full side by side, and full / small. */
export function scaleTable(kept: Kept): string {
  const lines: string[] = [];
  const runs = Object.entries(kept);
  lines.push("| run | date (UTC) | load avg before / after | seeded in | on disk | heap MB before / after | RSS MB before / after |");
  lines.push("|---|---|---|---|---|---|---|");
  for (const [key, r] of runs) {
    lines.push(
      `| ${key} | ${r.date.slice(0, 16).replace("T", " ")} | ${r.load.before[0]} / ${r.load.after[0]} | ${r.seed.seconds.total.toFixed(0)} s | ${mb(r.bytesOnDisk)} MB | ${r.memoryMB.heapBefore} / ${r.memoryMB.heapAfter} | ${r.memoryMB.rssBefore} / ${r.memoryMB.rssAfter} |`,
    );
  }
  lines.push("");
  lines.push(
    "| operation | database | p50 ms small / full | p99 ms small / full | requests small / full | statements small / full | p50 full / small | p99 full / small |",
  );
  lines.push("|---|---|---|---|---|---|---|---|");
  const names = scaleScenarios.map((s) => s.name);
  const waiting: string[] = [];
  for (const name of names) {
    for (const db of ["mariadb", "sqlite"] as const) {
      const small = kept[`${db} small`]?.scenarios[name];
      const full = kept[`${db} full`]?.scenarios[name];
      if (!small && !full) continue;
      const skipped = small?.skipped ?? full?.skipped;
      if (skipped) {
        if (!waiting.some((w) => w.startsWith(`| ${name} |`))) waiting.push(`| ${name} | ${skipped} |`);
        continue;
      }
      const show = (m: Measured | undefined, key: "p50" | "p99") =>
        m?.[key] == null ? "-" : `${m[key]}${m.errors ? ` (${m.errors} errors)` : ""}`;
      const statements = (m: Measured | undefined) => (m?.statements ? `${m.statements.next}` : "-");
      const ratio = (key: "p50" | "p99") => (small?.[key] && full?.[key] ? `${(full[key]! / small[key]!).toFixed(2)}x` : "-");
      const flagged = (text: string) => (Number.parseFloat(text) > 2 ? `**${text}**` : text);
      lines.push(
        `| ${name} | ${db === "mariadb" ? "MariaDB" : "SQLite"} | ${show(small, "p50")} / ${show(full, "p50")} | ${show(small, "p99")} / ${show(full, "p99")} | ${small?.requests ?? "n/a"} / ${full?.requests ?? "n/a"} | ${statements(small)} / ${statements(full)} | ${flagged(ratio("p50"))} | ${flagged(ratio("p99"))} |`,
      );
    }
  }
  const errorsSeen = runs.flatMap(([key, r]) =>
    Object.entries(r.scenarios)
      .filter(([, m]) => m.firstError)
      .map(
        ([name, m]) =>
          `- ${key}, ${name}: ${m.errors} of ${m.requests ?? "the"} requests answered with an error, the first: ${m.firstError}`,
      ),
  );
  if (errorsSeen.length) lines.push("", "Errors:", ...errorsSeen);
  // The FROM and WHERE tell which read it is; the column list does not.
  const readName = (sql: string) => `…${sql.slice(Math.max(0, sql.indexOf(" FROM ")), sql.indexOf(" FROM ") + 220)}`;
  const slowReads = runs
    .filter(([key]) => key.endsWith(" full"))
    .flatMap(([key, r]) =>
      Object.entries(r.scenarios)
        .filter(([, m]) => m.reads?.length && m.reads[0].ms >= 20)
        .map(
          ([name, m]) =>
            `- ${key}, ${name}: ${m.reads!.map((read) => `${read.ms} ms \`${readName(read.sql)}\` [${read.plan.join("; ")}]`).join("; ")}`,
        ),
    );
  if (slowReads.length)
    lines.push(
      "",
      "Reads of 20 ms or more at full size (--explain: each read of one request, run again alone, with its plan):",
      "",
      ...slowReads,
    );
  if (waiting.length)
    lines.push(
      "",
      "Waiting for their fields (skipped by the check of the gateway's schema):",
      "",
      "| operation | why |",
      "|---|---|",
      ...waiting,
    );
  lines.push("", `Seeded in SQL: ${sqlSeededRows}.`);
  return `${lines.join("\n")}\n`;
}

async function main(): Promise<void> {
  if (flag("drop")) {
    for (const db of databases) for (const size of sizes) await dropScaleDatabase(db, size);
    return;
  }
  if (!flag("table")) {
    for (const db of databases) {
      for (const size of sizes) {
        const result = await measure(db, size);
        const kept = keptResults();
        kept[`${db} ${size}`] = result;
        writeFileSync(resultsFile, `${JSON.stringify(kept, null, 2)}\n`);
      }
    }
  }
  const table = scaleTable(keptResults());
  writeFileSync(tableFile, table);
  process.stdout.write(table);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    progress(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
}
