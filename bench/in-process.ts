import "reflect-metadata";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GCProfiler, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { startStandaloneServer } from "@apollo/server/standalone";
import { benchRateLimits } from "./rate-limits";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/database/data-source";
import { loadOrCreateDevKeys } from "../src/identity/dev-keys";
import { signDevToken } from "../src/identity/tokens";
import { startGateway } from "../src/server";
import { startTracing } from "../src/observe/tracing";
import { bareApollo, emittedSchema } from "./bare-servers";
import { profileWhile } from "./profile";
import { assignmentListQuery, myEnterprisesQuery } from "./queries";
import { seedBenchData } from "./seed-data";

/**
 * `node -r @swc-node/register bench/in-process.ts`: gateways in this one process on one SQLite file, one per variant
 * of their settings (by default EXECUTION=jit and EXECUTION=graphql-js; BENCH_VARIANTS="A=1,B=2;A=0" names others, one
 * variant per `;`), and the bare Apollo Servers answering the same bytes from memory ("bare", executing with graphql-js,
 * and "bare-jit", with graphql-jit: bench/bare-servers.ts), sent the same requests one at a time in alternating rounds,
 * so that the noise of a shared machine hits all alike. Reports the median milliseconds per request of each and its
 * ratio to the first variant, and the kilobytes the process allocated per request, and checks that all answer byte for
 * byte the same. Wall time suffers from other processes on a shared machine; the process's CPU time per request (client
 * and server together, the client's share being the same for all) and its allocations per request much less so.
 * Settings: BENCH_ROUNDS (7), BENCH_REQUESTS (per round, 200), BENCH_VARIANTS, BENCH_TRACES (on: every gateway of the
 * process traces, exporting over OTLP/HTTP to a sink on loopback, so that the cost includes the export). Metrics and
 * traces are the process's, not a gateway's: compare them by runs of one variant each, against the bare baseline.
 * BENCH_PROFILE=cpu|heap: after the rounds, profiles BENCH_PROFILE_REQUESTS (2,000) more warm requests of the first
 * variant for the scenario BENCH_PROFILE_SCENARIO names (by its start, "(b)" unless set) and prints where the time or the
 * allocations go (bench/profile.ts), writing the profile to BENCH_PROFILE_FILE if set; BENCH_PROFILE_TARGET=bare-jit (or
 * bare) profiles that baseline instead, for a comparison function by function.
 */
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const requests = Number(process.env.BENCH_REQUESTS ?? 200);
const variants = (process.env.BENCH_VARIANTS ?? "EXECUTION=jit;EXECUTION=graphql-js").split(";").map((variant) => ({
  name: variant,
  env: Object.fromEntries(
    variant
      .split(",")
      .filter(Boolean)
      .map((pair) => pair.split("=") as [string, string]),
  ),
}));

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/**
 * What the process allocated on its heap between `heapBefore` (taken after a full collection) and now: what it holds now more than before, plus what
 * each garbage collection in between freed.
 */
function allocatedBytes(heapBefore: number, gcs: ReturnType<GCProfiler["stop"]>): number {
  let freed = 0;
  for (const { beforeGC, afterGC } of gcs?.statistics ?? [])
    freed += beforeGC.heapStatistics.usedHeapSize - afterGC.heapStatistics.usedHeapSize;
  return process.memoryUsage().heapUsed - heapBefore + freed;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** An OTLP/HTTP endpoint on loopback that reads and drops what it is sent; tracing started towards it. */
async function traceToSink(): Promise<void> {
  const sink = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
  });
  await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
  sink.unref();
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  startTracing();
}

async function main(): Promise<void> {
  if (process.env.BENCH_TRACES === "on") await traceToSink();
  const work = mkdtempSync(join(tmpdir(), "gateway-in-process-"));
  // Its database and signing key go with the run, however it ends (both ends call process.exit).
  process.on("exit", () => rmSync(work, { recursive: true, force: true }));
  const keyFile = join(work, "dev-signing-key.json");
  const url = process.env.BENCH_DATABASE_URL ?? `sqlite:${join(work, "bench.sqlite")}`;
  const seeding = await openDatabase({ url });
  const data = await seedBenchData(seeding);
  await seeding.destroy();
  const keys = await loadOrCreateDevKeys(keyFile);
  const token = (ssin: string) => signDevToken(keys, { ssin, expiresIn: "2h" });

  const gateways: Record<string, { url: string; stop(): Promise<void> }> = {};
  for (const variant of variants) {
    const config = loadConfig({
      DATABASE_URL: url,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      ...benchRateLimits,
      DEMO_DATA: "off",
      DEV_KEY_FILE: keyFile,
      ...variant.env,
    });
    gateways[variant.name] = await startGateway({ config, dataSource: await openDatabase({ url: config.databaseUrl }) });
  }
  const scenarios = [
    { name: "(b) myEnterprises", body: JSON.stringify({ query: myEnterprisesQuery }), token: await token(data.viewer) },
    { name: "1,000-row page", body: JSON.stringify({ query: assignmentListQuery }), token: await token(data.bigViewer) },
    // BENCH_QUERY: more scenarios (documents separated by ;;), each as (b)'s viewer (to measure a part of a request alone).
    ...(await Promise.all(
      (process.env.BENCH_QUERY ?? "")
        .split(";;")
        .filter(Boolean)
        .map(async (query, i) => ({ name: `BENCH_QUERY ${i + 1}`, body: JSON.stringify({ query }), token: await token(data.viewer) })),
    )),
  ];
  const send = async (gateway: { url: string }, { body, token: bearer }: (typeof scenarios)[number]) => {
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
      body,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
    return text;
  };
  // The bare baselines: Apollo Server on the emitted SDL, answering each scenario's data from memory.
  const sdl = emittedSchema();
  const bareKinds = ["bare", "bare-jit"] as const;
  const bare: Record<string, { url: string; stop(): Promise<void> }> = {};
  const first = variants[0].name;
  for (const scenario of scenarios) {
    const answers = await Promise.all(variants.map((variant) => send(gateways[variant.name], scenario)));
    if (answers.some((answer) => answer !== answers[0])) throw new Error(`${scenario.name}: the variants answer differently`);
    for (const kind of bareKinds) {
      const server = bareApollo(kind, sdl, (JSON.parse(answers[0]) as { data: unknown }).data);
      const { url: bareUrl } = await startStandaloneServer(server, { listen: { port: 0, host: "127.0.0.1" } });
      bare[`${scenario.name}|${kind}`] = { url: bareUrl, stop: () => server.stop() };
      const bareAnswer = await send(bare[`${scenario.name}|${kind}`], scenario);
      // The gateway's answers carry extensions.cost (docs/clients.md), which the bare server has no part to add.
      const dataOf = (text: string) => JSON.stringify((JSON.parse(text) as { data: unknown }).data);
      if (dataOf(bareAnswer) !== dataOf(answers[0])) throw new Error(`${scenario.name}: the ${kind} baseline answers differently`);
    }
    process.stderr.write(`${scenario.name}: identical answers, ${answers[0].length} bytes\n`);
  }
  const names = [...variants.map((v) => v.name), ...bareKinds];
  const timings = new Map<string, number[]>();
  for (let round = 0; round < rounds + 1; round++) {
    for (const scenario of scenarios) {
      for (const name of round % 2 ? names : [...names].reverse()) {
        const target = gateways[name] ?? bare[`${scenario.name}|${name}`];
        // After a full collection, what the heap holds is live: no garbage of the requests before is counted as freed here.
        collectGarbage();
        const gcs = new GCProfiler();
        gcs.start();
        const heapBefore = process.memoryUsage().heapUsed;
        const started = process.hrtime.bigint();
        const cpu = process.cpuUsage();
        for (let i = 0; i < requests; i++) await send(target, scenario);
        const perRequest = Number(process.hrtime.bigint() - started) / 1e6 / requests;
        const used = process.cpuUsage(cpu);
        const cpuPerRequest = (used.user + used.system) / 1e3 / requests;
        const kbPerRequest = allocatedBytes(heapBefore, gcs.stop()) / 1024 / requests;
        // Round 0 warms up (compilation, JIT of V8, prepared statements).
        if (round > 0) {
          for (const [kind, value] of [
            ["wall", perRequest],
            ["cpu", cpuPerRequest],
            ["alloc", kbPerRequest],
          ] as const) {
            const key = `${scenario.name}|${name}|${kind}`;
            timings.set(key, [...(timings.get(key) ?? []), value]);
          }
        }
      }
    }
  }
  const lines = ["| scenario | measure | variant | per request | speed-up over the first |", "|---|---|---|---|---|"];
  const units = { cpu: "ms", wall: "ms", alloc: "KB" };
  for (const scenario of scenarios) {
    for (const kind of ["cpu", "wall", "alloc"] as const) {
      const reference = median(timings.get(`${scenario.name}|${first}|${kind}`)!);
      for (const name of names) {
        const value = median(timings.get(`${scenario.name}|${name}|${kind}`)!);
        lines.push(`| ${scenario.name} | ${kind} | ${name} | ${value.toFixed(2)} ${units[kind]} | ${(reference / value).toFixed(2)}x |`);
      }
    }
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  const profiling = process.env.BENCH_PROFILE;
  if (profiling === "cpu" || profiling === "heap") {
    const scenario = scenarios.find((s) => s.name.startsWith(process.env.BENCH_PROFILE_SCENARIO ?? "(b)"))!;
    const count = Number(process.env.BENCH_PROFILE_REQUESTS ?? 2_000);
    // BENCH_PROFILE_TARGET=bare|bare-jit profiles a baseline instead, to compare where each spends.
    const targetName = process.env.BENCH_PROFILE_TARGET ?? first;
    const target = gateways[targetName] ?? bare[`${scenario.name}|${targetName}`];
    if (!target) throw new Error(`BENCH_PROFILE_TARGET=${targetName}: neither a variant nor a baseline`);
    const summary = await profileWhile(profiling, process.env.BENCH_PROFILE_FILE, async () => {
      for (let i = 0; i < count; i++) await send(target, scenario);
    });
    process.stdout.write(
      `\n${profiling} profile of ${count} requests of ${scenario.name} to ${targetName} (client included):\n${summary}\n`,
    );
  }
  for (const server of Object.values(bare)) await server.stop();
  for (const gateway of Object.values(gateways)) await gateway.stop();
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
