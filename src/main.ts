import "reflect-metadata";
import cluster from "node:cluster";
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import { runWorkers } from "./cluster";
import { loadConfig, type Config } from "./config";
import { openDatabase } from "./database/data-source";
import { loadOrCreateDevKeys } from "./identity/dev-keys";
import { signDevToken } from "./identity/tokens";
import { createLogger } from "./logger";
import { demoLegalRepresentative, loadDemoRegister } from "./register/demo-data";
import { startGateway } from "./server";
import { metricsServer } from "./http/metrics";
import { clusterMetrics } from "./observe/metrics";
import { startTracing, tracesRequested } from "./observe/tracing";

async function loadDemoData(config: Config, dataSource: DataSource, logger: Logger): Promise<void> {
  const summary = config.demoData ? await loadDemoRegister({ dataSource }) : null;
  if (summary) logger.info(summary, "loaded the demo register into the empty database");
}

async function announce(config: Config, url: string): Promise<void> {
  process.stdout.write(`\nSecure access gateway: ${url}\n`);
  if (!config.oidc) {
    const token = await signDevToken(await loadOrCreateDevKeys(config.devKeyFile), demoLegalRepresentative);
    process.stdout.write(
      `Development token of a demo legal representative (${demoLegalRepresentative.givenName} ${demoLegalRepresentative.familyName}):\n  Authorization: Bearer ${token}\nMore: npm run token -- SSIN\n\n`,
    );
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  if (cluster.isPrimary && config.workers > 1) {
    // Migrations and the demo register run once, here, before any worker opens the database.
    const dataSource = await openDatabase({ url: config.databaseUrl, poolSize: 1 });
    await loadDemoData(config, dataSource, logger);
    await dataSource.destroy();
    const port = await runWorkers({ workers: config.workers, logger });
    // One scrape for the process group: the primary asks every worker for its metrics and sums them.
    if (config.metrics?.port !== undefined && config.metrics.port !== "main") {
      const metrics = await metricsServer({ host: config.metrics.host, port: config.metrics.port, scrape: clusterMetrics() });
      logger.info({ url: metrics.url }, "metrics of every worker");
    }
    const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
    await announce(config, `http://${host}:${port}/graphql`);
    return;
  }
  // OTEL_EXPORTER_OTLP_ENDPOINT: traces; nothing of the SDK is loaded into the process's work otherwise.
  const stopTracing = tracesRequested() ? startTracing() : null;
  const dataSource = await openDatabase({
    url: config.databaseUrl,
    replicaUrls: config.replicaUrls,
    poolSize: config.databasePoolSize,
    deadlines: config.databaseDeadlines,
  });
  if (cluster.isPrimary) await loadDemoData(config, dataSource, logger);
  const gateway = await startGateway({ config, dataSource, logger });
  logger.info({ url: gateway.url }, "gateway ready");
  if (cluster.isPrimary) await announce(config, gateway.url);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: draining requests");
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    await gateway.stop();
    await dataSource.destroy();
    // The spans still batched are sent before the process ends.
    await stopTracing?.().catch(() => undefined);
    clearTimeout(force);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

/** Why the start failed, on one line: the error's message with its line breaks folded, never a stack. */
const startProblem = (error: unknown): string => (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, " ").trim();

/**
 * Every start failure ends the same way: one line on stderr and exit code 1. A worker (WORKERS > 1) hands its line to
 * the primary instead (src/cluster.ts), so that N workers failing alike print it once. An exception or rejection
 * that escapes during start (an "error" event nobody listens to) ends the same way instead of printing its stack.
 */
function failStart(error: unknown): void {
  const problem = startProblem(error);
  if (cluster.isWorker && process.send) {
    process.send({ startProblem: problem }, () => process.exit(1));
    return;
  }
  process.stderr.write(`The gateway could not start: ${problem}\n`, () => process.exit(1));
}

process.once("uncaughtException", failStart);
process.once("unhandledRejection", failStart);
main().then(() => {
  process.off("uncaughtException", failStart);
  process.off("unhandledRejection", failStart);
}, failStart);
