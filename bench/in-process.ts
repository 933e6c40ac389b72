import "reflect-metadata";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/database/data-source";
import { loadOrCreateDevKeys } from "../src/identity/dev-keys";
import { signDevToken } from "../src/identity/tokens";
import { startGateway, type Gateway } from "../src/server";
import { assignmentListQuery, myEnterprisesQuery } from "./queries";
import { seedBenchData } from "./seed-data";

/**
 * `node -r @swc-node/register bench/in-process.ts`: two gateways in this one process on one SQLite file, one per
 * EXECUTION (jit and graphql-js), sent the same requests one at a time in alternating rounds, so that the noise of a
 * shared machine hits both alike. Reports the median milliseconds per request of each and their ratio, and checks that
 * both answer byte for byte the same. Wall time suffers from other processes on a shared machine; the process's CPU time
 * per request (client and server together, the client's share being the same for both) much less so.
 * Settings: BENCH_ROUNDS (7), BENCH_REQUESTS (per round, 200).
 */
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const requests = Number(process.env.BENCH_REQUESTS ?? 200);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "gateway-in-process-"));
  const keyFile = join(work, "dev-signing-key.json");
  const url = `sqlite:${join(work, "bench.sqlite")}`;
  const seeding = await openDatabase({ url });
  const data = await seedBenchData(seeding);
  await seeding.destroy();
  const keys = await loadOrCreateDevKeys(keyFile);
  const token = (ssin: string) => signDevToken(keys, { ssin, expiresIn: "2h" });

  const gateways: Record<string, Gateway> = {};
  for (const execution of ["jit", "graphql-js"]) {
    const config = loadConfig({ DATABASE_URL: url, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", RATE_LIMIT: "off", DEMO_DATA: "off", DEV_KEY_FILE: keyFile, EXECUTION: execution });
    gateways[execution] = await startGateway({ config, dataSource: await openDatabase({ url: config.databaseUrl }) });
  }
  const scenarios = [
    { name: "(b) myEnterprises", body: JSON.stringify({ query: myEnterprisesQuery }), token: await token(data.viewer) },
    { name: "1,000-row page", body: JSON.stringify({ query: assignmentListQuery }), token: await token(data.bigViewer) },
  ];
  const send = async (gateway: Gateway, { body, token: bearer }: (typeof scenarios)[number]) => {
    const response = await fetch(gateway.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` }, body });
    const text = await response.text();
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
    return text;
  };
  for (const scenario of scenarios) {
    const [jit, reference] = [await send(gateways.jit, scenario), await send(gateways["graphql-js"], scenario)];
    if (jit !== reference) throw new Error(`${scenario.name}: the two executors answer differently`);
    process.stderr.write(`${scenario.name}: identical answers, ${jit.length} bytes\n`);
  }
  const timings = new Map<string, number[]>();
  for (let round = 0; round < rounds + 1; round++) {
    for (const scenario of scenarios) {
      for (const execution of round % 2 ? ["jit", "graphql-js"] : ["graphql-js", "jit"]) {
        const started = process.hrtime.bigint();
        const cpu = process.cpuUsage();
        for (let i = 0; i < requests; i++) await send(gateways[execution], scenario);
        const perRequest = Number(process.hrtime.bigint() - started) / 1e6 / requests;
        const used = process.cpuUsage(cpu);
        const cpuPerRequest = (used.user + used.system) / 1e3 / requests;
        // Round 0 warms up (compilation, JIT of V8, prepared statements).
        if (round > 0) {
          for (const [kind, value] of [["wall", perRequest], ["cpu", cpuPerRequest]] as const) {
            const key = `${scenario.name}|${execution}|${kind}`;
            timings.set(key, [...(timings.get(key) ?? []), value]);
          }
        }
      }
    }
  }
  const lines = ["| scenario | measure | graphql-js ms/request | jit ms/request | speed-up |", "|---|---|---|---|---|"];
  for (const scenario of scenarios) {
    for (const kind of ["cpu", "wall"]) {
      const reference = median(timings.get(`${scenario.name}|graphql-js|${kind}`)!);
      const jit = median(timings.get(`${scenario.name}|jit|${kind}`)!);
      lines.push(`| ${scenario.name} | ${kind} | ${reference.toFixed(2)} | ${jit.toFixed(2)} | ${(reference / jit).toFixed(2)}x |`);
    }
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  for (const gateway of Object.values(gateways)) await gateway.stop();
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
