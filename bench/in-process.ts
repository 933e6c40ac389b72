import "reflect-metadata";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSchema } from "graphql";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/database/data-source";
import { loadOrCreateDevKeys } from "../src/identity/dev-keys";
import { signDevToken } from "../src/identity/tokens";
import { startGateway } from "../src/server";
import { startTracing } from "../src/observe/tracing";
import { assignmentListQuery, myEnterprisesQuery } from "./queries";
import { seedBenchData } from "./seed-data";

/**
 * `node -r @swc-node/register bench/in-process.ts`: gateways in this one process on one SQLite file, one per variant
 * of their settings (by default EXECUTION=jit and EXECUTION=graphql-js; BENCH_VARIANTS="A=1,B=2;A=0" names others, one
 * variant per `;`), and a bare Apollo Server answering the same bytes from memory ("bare"), sent the same requests one
 * at a time in alternating rounds, so that the noise of a shared machine hits all alike. Reports the median
 * milliseconds per request of each and its ratio to the first variant, and checks that all answer byte for byte the
 * same. Wall time suffers from other processes on a shared machine; the process's CPU time per request (client and
 * server together, the client's share being the same for all) much less so.
 * Settings: BENCH_ROUNDS (7), BENCH_REQUESTS (per round, 200), BENCH_VARIANTS, BENCH_TRACES (on: every gateway of the
 * process traces, exporting over OTLP/HTTP to a sink on loopback, so that the cost includes the export). Metrics and
 * traces are the process's, not a gateway's: compare them by runs of one variant each, against the bare baseline.
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
      RATE_LIMIT: "off",
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
  const sdl = buildSchema(readFileSync(join(__dirname, "..", "schema", "schema.graphql"), "utf8"));
  const bare: Record<string, { url: string; stop(): Promise<void> }> = {};
  const first = variants[0].name;
  for (const scenario of scenarios) {
    const answers = await Promise.all(variants.map((variant) => send(gateways[variant.name], scenario)));
    if (answers.some((answer) => answer !== answers[0])) throw new Error(`${scenario.name}: the variants answer differently`);
    const server = new ApolloServer({
      schema: sdl,
      rootValue: (JSON.parse(answers[0]) as { data: unknown }).data,
      plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled()],
    });
    const { url: bareUrl } = await startStandaloneServer(server, { listen: { port: 0, host: "127.0.0.1" } });
    bare[scenario.name] = { url: bareUrl, stop: () => server.stop() };
    const bareAnswer = await send(bare[scenario.name], scenario);
    // The gateway's answers carry extensions.cost (docs/clients.md), which the bare server has no part to add.
    const dataOf = (text: string) => JSON.stringify((JSON.parse(text) as { data: unknown }).data);
    if (dataOf(bareAnswer) !== dataOf(answers[0])) throw new Error(`${scenario.name}: the bare baseline answers differently`);
    process.stderr.write(`${scenario.name}: identical answers, ${answers[0].length} bytes\n`);
  }
  const names = [...variants.map((v) => v.name), "bare"];
  const timings = new Map<string, number[]>();
  for (let round = 0; round < rounds + 1; round++) {
    for (const scenario of scenarios) {
      for (const name of round % 2 ? names : [...names].reverse()) {
        const target = name === "bare" ? bare[scenario.name] : gateways[name];
        const started = process.hrtime.bigint();
        const cpu = process.cpuUsage();
        for (let i = 0; i < requests; i++) await send(target, scenario);
        const perRequest = Number(process.hrtime.bigint() - started) / 1e6 / requests;
        const used = process.cpuUsage(cpu);
        const cpuPerRequest = (used.user + used.system) / 1e3 / requests;
        // Round 0 warms up (compilation, JIT of V8, prepared statements).
        if (round > 0) {
          for (const [kind, value] of [
            ["wall", perRequest],
            ["cpu", cpuPerRequest],
          ] as const) {
            const key = `${scenario.name}|${name}|${kind}`;
            timings.set(key, [...(timings.get(key) ?? []), value]);
          }
        }
      }
    }
  }
  const lines = ["| scenario | measure | variant | ms/request | speed-up over the first |", "|---|---|---|---|---|"];
  for (const scenario of scenarios) {
    for (const kind of ["cpu", "wall"]) {
      const reference = median(timings.get(`${scenario.name}|${first}|${kind}`)!);
      for (const name of names) {
        const value = median(timings.get(`${scenario.name}|${name}|${kind}`)!);
        lines.push(`| ${scenario.name} | ${kind} | ${name} | ${value.toFixed(2)} | ${(reference / value).toFixed(2)}x |`);
      }
    }
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  for (const server of Object.values(bare)) await server.stop();
  for (const gateway of Object.values(gateways)) await gateway.stop();
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
