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
    const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
    await announce(config, `http://${host}:${port}/graphql`);
    return;
  }
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
    clearTimeout(force);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(`The gateway could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
