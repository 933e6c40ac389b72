import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import type { GraphQLSchema } from "graphql";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import { systemClock, type Clock } from "./clock";
import type { Config } from "./config";
import { contextBuilder } from "./context";
import { startApollo } from "./http/apollo-server";
import { authenticator } from "./http/authenticate";
import { cors } from "./http/cors";
import { graphqlRoute } from "./http/graphql-route";
import { healthRoutes } from "./http/health";
import { httpErrors } from "./http/http-errors";
import { httpServerFor } from "./http/http-server";
import { keptEnterpriseModels } from "./http/kept-enterprise-models";
import { restoreAccessChangeTriggers } from "./database/access-changes";
import { restoreNameKeyTriggers } from "./database/name-keys";
import { liveServer, type LiveServer } from "./http/live";
import { actAsRoutes } from "./http/act-as";
import { playgroundRoutes } from "./http/playground";
import { createRateLimits, type RateLimits } from "./http/rate-limit";
import { RedisCache } from "./http/redis-cache";
import { trustedDocuments, type TrustedDocuments } from "./http/trusted-documents";
import { loadOrCreateDevKeys, type DevKeys } from "./identity/dev-keys";
import { createTokenVerifier, type TokenVerifier } from "./identity/tokens";
import { inProcessFeed, redisFeed, type ChangeFeed } from "./database/change-feed";
import { logTriggerCacheFlushes } from "./database/trigger-cache";
import { freshReads } from "./database/fresh-reads";
import { createLogger } from "./logger";
import { startExpirySweep } from "./management/sweep-expired-rights";
import { Catalog } from "./domain/catalog";
import type { EnterpriseCache } from "./read/enterprise-cache";
import { closeRedis, connectRedis } from "./redis";
import { buildGatewaySchema } from "./graphql/schema";
import { metricsHandler, metricsServer, sampleGateway } from "./http/metrics";
import { enableMetrics, metricsText, serveMetricsToPrimary } from "./observe/metrics";
import cluster from "node:cluster";

export interface Gateway {
  url: string;
  httpServer: Server;
  verifier: TokenVerifier;
  /** Subscriptions over graphql-ws on the same server and path (src/http/live.ts). */
  live: LiveServer;
  /** Where committed access changes travel: this process, or Redis when REDIS_URL is set. */
  changes: ChangeFeed;
  /** With EXECUTION=jit: how many documents are compiled and kept. */
  compiledDocuments?: () => number;
  /** What Apollo's cache of parsed documents holds, in bytes of their JSON (DOCUMENT_CACHE_MB). */
  documentCacheBytes: () => number;
  /** The enterprise read models this gateway keeps (src/read/enterprise-cache.ts); null when off or unsafe. */
  enterpriseCache: EnterpriseCache | null;
  /** Where /metrics answers (METRICS=on): its own listener's URL, or the gateway's /metrics; null when off or a worker's. */
  metricsUrl: string | null;
  stop(): Promise<void>;
}

/** Trusted documents (TRUSTED_DOCUMENTS), whose APQ registrations every process shares through Redis when there is one. */
function trustedDocumentsFor(config: Config, redis: Redis | null): TrustedDocuments {
  return trustedDocuments({
    mode: config.trustedDocuments,
    manifestFiles: config.trustedDocumentsManifests,
    apqCacheBytes: config.apqCacheBytes,
    maxDocumentBytes: config.apqMaxDocumentBytes,
    ttlSeconds: config.apqTtlSeconds,
    // In Redis the bound is in entries: as many of the largest documents as fit in APQ_CACHE_MB.
    sharedCache: redis
      ? new RedisCache({
          client: redis,
          prefix: `${config.redisPrefix}apq:`,
          defaultTtlSeconds: config.apqTtlSeconds,
          maxEntries: Math.max(1, Math.floor(config.apqCacheBytes / config.apqMaxDocumentBytes)),
        })
      : undefined,
  });
}

/** Rate limits (RATE_LIMIT), whose counts every process shares through Redis when there is one. */
function rateLimitsFor(config: Config, redis: Redis | null, logger: Logger): RateLimits {
  return createRateLimits({
    enabled: config.rateLimit,
    quota: config.rateLimitQuota,
    redis,
    prefix: config.redisPrefix,
    logger,
  });
}

async function changeFeedFor(config: Config, redis: Redis | null, logger: Logger): Promise<ChangeFeed> {
  // Access changes reach the subscriptions of every worker and gateway through Redis; without it, this process's only.
  const changes = redis
    ? await redisFeed({ url: config.redisUrl!, publisher: redis, prefix: config.redisPrefix, logger })
    : inProcessFeed(logger);
  if (!redis && config.workers > 1) logger.warn("without REDIS_URL, a subscriber hears only of the changes made by its own worker");
  return changes;
}

/**
 * The Express app's routes, in the order they are matched: health, CORS, playground (and its "Act as" when the gateway
 * signs development tokens), GraphQL, then the error answers.
 */
function mountRoutes(
  app: Express,
  {
    dataSource,
    keepsModels,
    clock,
    devKeys,
    ...graphql
  }: Parameters<typeof graphqlRoute>[0] & { dataSource: DataSource; keepsModels: boolean; clock: Clock; devKeys: DevKeys | null },
): void {
  const { config, logger } = graphql;
  app.use(healthRoutes({ dataSource, keepsModels }));
  if (config.metrics?.port === "main" && !cluster.isWorker) app.get("/metrics", metricsHandler(metricsText));
  // Before the playground's routes: Express would answer a preflight of /graphql itself (Allow: GET, HEAD).
  app.use("/graphql", cors({ origins: config.corsOrigins }));
  if (config.playground && devKeys) app.use(actAsRoutes({ dataSource, clock, keys: devKeys }));
  app.use(playgroundRoutes({ config }));
  app.use("/graphql", ...graphqlRoute(graphql));
  app.use(httpErrors({ bodyLimit: config.bodyLimit, logger }));
}

/** Why the server could not listen, in words that name the setting to change. */
function listenProblem(error: NodeJS.ErrnoException, { port, host }: Pick<Config, "port" | "host">): Error {
  const where = `${host}:${port}`;
  if (error.code === "EADDRINUSE")
    return new Error(`${where} is already in use: stop the process that listens there, or set PORT to another port`);
  if (error.code === "EACCES") return new Error(`${where} needs privileges this process lacks: set PORT to 1024 or above`);
  if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND")
    return new Error(`HOST ${host} is no address of this machine: set HOST to one of its addresses, or to 0.0.0.0 for all`);
  return new Error(`Cannot listen on ${where}: ${error.message}`);
}

/** Listens on HOST and PORT; the GraphQL endpoint's URL, on localhost when the server listens on every address. */
async function listen(httpServer: Server, config: Config): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    const refused = (error: NodeJS.ErrnoException) => reject(listenProblem(error, config));
    httpServer.once("error", refused);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off("error", refused);
      resolve();
    });
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  return `http://${host}:${port}/graphql`;
}

/**
 * The metrics of a gateway with METRICS=on: its parts sampled at each scrape, and /metrics served on a listener of its
 * own or on the gateway's port (mounted with the routes). A worker of WORKERS=N serves nobody: it answers the primary,
 * whose listener sums the workers (src/main.ts).
 */
async function startMetrics(
  config: Config,
  { dataSource, enterpriseCache, url }: { dataSource: DataSource; enterpriseCache: EnterpriseCache | null; url: string },
): Promise<{ url: string | null; stop(): Promise<void> }> {
  if (!config.metrics) return { url: null, stop: async () => undefined };
  const unsample = sampleGateway({ dataSource, enterpriseCache });
  if (cluster.isWorker) {
    serveMetricsToPrimary();
    return { url: null, stop: async () => unsample() };
  }
  if (config.metrics.port === "main") return { url: url.replace(/\/graphql$/, "/metrics"), stop: async () => unsample() };
  const own = await metricsServer({ host: config.metrics.host, port: config.metrics.port, scrape: metricsText });
  return {
    url: own.url,
    stop: async () => {
      unsample();
      await own.stop();
    },
  };
}

/** Stops what the gateway started, then closes its Redis connection. */
async function stopGateway({
  live,
  stopSweep,
  apollo,
  changes,
  models,
  redis,
  metrics,
}: {
  metrics: { stop(): Promise<void> };
  live: LiveServer;
  stopSweep: () => Promise<void>;
  apollo: { stop(): Promise<void> };
  changes: ChangeFeed;
  models: { stop(): void };
  redis: Redis | null;
}): Promise<void> {
  // Subscriptions first: their sockets are no longer the HTTP server's, so draining it would not close them.
  await live.close();
  await stopSweep();
  await apollo.stop();
  await changes.close();
  models.stop();
  await metrics.stop();
  if (redis) await closeRedis(redis);
}

/**
 * Starts the gateway on an open, migrated database: one HTTP server answering GraphQL over HTTP (Apollo) and
 * subscriptions over graphql-ws at the same path, both through one front door (src/http/authenticate.ts) and one
 * context builder (src/context.ts), beside the health routes and the playground.
 */
export async function startGateway({
  config,
  dataSource,
  logger = createLogger({ level: config.logLevel }),
  schema = buildGatewaySchema(),
  clock = systemClock,
}: {
  config: Config;
  dataSource: DataSource;
  logger?: Logger;
  /** What "now" is (src/clock.ts): tests pass a clock they can move past an expiry. */
  clock?: Clock;
  /** The benchmark passes the schema without the shield to measure what the shield costs; everything else runs the default. */
  schema?: GraphQLSchema;
}): Promise<Gateway> {
  logTriggerCacheFlushes(dataSource, logger);
  // Before any part is built: the parts that record metrics ask once whether they are on.
  if (config.metrics) enableMetrics();
  const catalog = await Catalog.load(dataSource);
  const clockToleranceSeconds = config.tokenClockToleranceSeconds;
  const devKeys = config.oidc ? null : await loadOrCreateDevKeys(config.devKeyFile);
  const verifier = createTokenVerifier(
    config.oidc ? { mode: "oidc", ...config.oidc, clockToleranceSeconds } : { mode: "development", keys: devKeys!, clockToleranceSeconds },
  );
  const { app, httpServer, clientAddress } = httpServerFor(config);
  const redis = config.redisUrl ? await connectRedis({ url: config.redisUrl, logger }) : null;
  const models = await keptEnterpriseModels({ dataSource, config, clock, logger });
  const recreatedDeltaTriggers = await restoreAccessChangeTriggers(dataSource);
  if (recreatedDeltaTriggers.length > 0)
    logger.warn(
      { recreatedTriggers: recreatedDeltaTriggers },
      "access change log triggers were missing and are created again: every accessDelta token issued before answers SYNC_TOKEN_EXPIRED (a full sync)",
    );
  const recreatedNameKeyTriggers = await restoreNameKeyTriggers(dataSource);
  if (recreatedNameKeyTriggers.length > 0)
    logger.warn(
      { recreatedTriggers: recreatedNameKeyTriggers },
      "assignment name key triggers were missing: created again, and the name keys rebuilt from the assignments",
    );
  const changes = await changeFeedFor(config, redis, logger);
  const rateLimits = rateLimitsFor(config, redis, logger);
  const trusted = trustedDocumentsFor(config, redis);
  const authenticate = authenticator({ verifier, dataSource });
  const buildContext = contextBuilder({
    dataSource,
    catalog,
    clock,
    changes,
    enterpriseCache: models.enterpriseCache,
    delta: { retentionDays: config.deltaRetentionDays, settleSeconds: config.deltaSettleSeconds },
    accessRequests: { ttlDays: config.accessRequestTtlDays, perDay: config.accessRequestsPerDay },
  });
  const fresh = freshReads({ dataSource, waitMs: config.consistencyTokenWaitMs });
  const { apollo, compiledDocuments, documentCacheBytes } = await startApollo({ config, schema, httpServer, trusted, logger });

  mountRoutes(app, {
    dataSource,
    clock,
    devKeys,
    keepsModels: models.keepsModels,
    config,
    apollo,
    rateLimits,
    trusted,
    authenticate,
    buildContext,
    freshReads: fresh,
    logger,
  });
  const live = liveServer({
    httpServer,
    path: "/graphql",
    schema,
    authenticate,
    buildContext,
    freshReads: fresh,
    dataSource,
    catalog,
    clock,
    feed: changes,
    limits: config.limits,
    rateLimits,
    trusted,
    corsOrigins: config.corsOrigins,
    clientAddress,
    perViewer: { connections: config.live.maxConnectionsPerViewer, subscriptions: config.live.maxSubscriptionsPerViewer },
    logger,
  });

  const url = await listen(httpServer, config);
  const metrics = await startMetrics(config, { dataSource, enterpriseCache: models.enterpriseCache, url });
  const stopSweep = startExpirySweep({
    dataSource,
    clock,
    changes,
    intervalSeconds: config.expirySweepSeconds,
    deltaRetentionDays: config.deltaRetentionDays,
    logger,
  });
  return {
    url,
    httpServer,
    verifier,
    live,
    changes,
    ...(compiledDocuments ? { compiledDocuments } : {}),
    documentCacheBytes,
    enterpriseCache: models.enterpriseCache,
    metricsUrl: metrics.url,
    stop: () => stopGateway({ live, stopSweep, apollo, changes, models, redis, metrics }),
  };
}
