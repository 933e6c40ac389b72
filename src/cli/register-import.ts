import "reflect-metadata";
import { createLogger } from "../logger";
import { redisFeed, type ChangeFeed } from "../database/change-feed";
import { logTriggerCacheFlushes } from "../database/trigger-cache";
import { closeRedis, connectRedis } from "../redis";
import { importRegister } from "../register/import-register";
import { bootstrap } from "./bootstrap";
import { runCommand } from "./run-command";

runCommand(async () => {
  const file = process.argv[2];
  if (!file) throw new Error("usage: npm run register:import -- FILE.csv");
  const { config, dataSource, catalog } = await bootstrap();
  // With REDIS_URL, the gateways' subscribers hear of each committed batch (Subscription.accessChanged).
  const logger = createLogger({ level: config.logLevel });
  logTriggerCacheFlushes(dataSource, logger);
  const redis = config.redisUrl ? await connectRedis({ url: config.redisUrl, logger }) : null;
  const changes: ChangeFeed | undefined = redis
    ? await redisFeed({ url: config.redisUrl!, publisher: redis, prefix: config.redisPrefix, logger })
    : undefined;
  try {
    const started = Date.now();
    const summary = await importRegister({
      dataSource,
      catalog,
      file,
      progress: (message) => process.stderr.write(`${message}\n`),
      changes,
    });
    process.stdout.write(
      `Imported ${summary.rows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
        `enterprises ${summary.enterprisesCreated} created, ${summary.enterprisesUpdated} updated; ` +
        `persons ${summary.personsCreated} created, ${summary.personsUpdated} updated; ` +
        `legal representatives ${summary.legalRepresentativesCreated} created. ` +
        `Longest transaction ${Math.round(summary.longestTransactionMs)} ms.\n`,
    );
  } finally {
    await changes?.close();
    if (redis) await closeRedis(redis);
    await dataSource.destroy();
  }
});
