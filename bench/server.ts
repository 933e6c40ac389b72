import "reflect-metadata";
import { readFileSync } from "node:fs";
import { startStandaloneServer } from "@apollo/server/standalone";
import { benchRateLimits } from "./rate-limits";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/database/data-source";
import { buildGatewaySchema } from "../src/graphql/schema";
import { startGateway } from "../src/server";
import { bareApollo, emittedSchema } from "./bare-servers";

/**
 * One server of the benchmark, in its own process so that the load generator does not share its event loop.
 *   baseline FILE.json [jit]   a bare Apollo Server 5 on the emitted SDL, answering the JSON's data from memory,
 *                        executing with graphql-js, or with graphql-jit given "jit" (bench/bare-servers.ts)
 *   gateway URL on|off   the gateway on the database URL, with the shield on or off
 * It prints READY <url> and answers "heap" on IPC with the heap and the RSS after a full GC (run with --expose-gc).
 */
async function main(): Promise<void> {
  const [kind, arg, shield] = process.argv.slice(2);
  let url: string;
  if (kind === "baseline") {
    const rootValue = JSON.parse(readFileSync(arg, "utf8")) as Record<string, unknown>;
    const server = bareApollo(shield === "jit" ? "bare-jit" : "bare", emittedSchema(), rootValue);
    ({ url } = await startStandaloneServer(server, { listen: { port: 0, host: "127.0.0.1" } }));
  } else {
    const config = loadConfig({
      ...process.env,
      DATABASE_URL: arg,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      ...benchRateLimits,
      DEMO_DATA: "off",
      PLAYGROUND: "off",
      // `npm run bench:scale` asks the schema of the gateway it measures, to skip the scenarios whose fields it lacks.
      INTROSPECTION: process.env.BENCH_INTROSPECTION ?? "off",
    });
    const dataSource = await openDatabase({ url: config.databaseUrl, poolSize: 20 });
    ({ url } = await startGateway({ config, dataSource, schema: buildGatewaySchema({ shield: shield !== "off" }) }));
  }
  process.on("message", (message) => {
    if (message !== "heap") return;
    (globalThis as { gc?: () => void }).gc?.();
    const { heapUsed, rss } = process.memoryUsage();
    process.send!({ heapUsed, rss });
  });
  // A clean exit on SIGINT lets `node --cpu-prof` write its profile.
  process.on("SIGINT", () => process.exit(0));
  process.stdout.write(`READY ${url}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
