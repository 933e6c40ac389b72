import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import express from "express";
import { GraphQLError, type GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import { systemClock, type Clock } from "./clock";
import type { Config } from "./config";
import { contextBuilder, messageLanguageFor, type Context } from "./context";
import { apolloHandler } from "./http/apollo-handler";
import { authenticator, type Admission } from "./http/authenticate";
import { batchLimit, operationsIn } from "./http/batch-limit";
import { compiledExecution } from "./http/compiled-execution";
import { cors } from "./http/cors";
import { documentLimits, documentParseOptions } from "./http/document-limits";
import { healthRoutes } from "./http/health";
import { liveServer, type LiveServer } from "./http/live";
import { subscriptionsOverWebSocketOnly } from "./http/subscriptions-over-websocket-only";
import { httpErrors } from "./http/http-errors";
import { formatError, isPublicError } from "./http/format-error";
import { dryRuns } from "./http/dry-run";
import { operationLanguage } from "./http/operation-language";
import { partialErrors } from "./http/partial-errors";
import { playgroundRoutes } from "./http/playground";
import { RedisCache } from "./http/redis-cache";
import { responseBudget, withResponseBudget } from "./http/response-budget";
import { trustedDocuments } from "./http/trusted-documents";
import { createRateLimits } from "./http/rate-limit";
import { deadlineOf, withRequestDeadline } from "./http/request-deadline";
import { requestIdHeader, scopeOf } from "./http/request-id";
import { legacyJsonStatus, responseHeaders } from "./http/response-headers";
import { loadOrCreateDevKeys } from "./identity/dev-keys";
import { createTokenVerifier, type TokenVerifier } from "./identity/tokens";
import { createLogger } from "./logger";
import { Catalog } from "./model/catalog";
import { buildGatewaySchema } from "./schema";
import { closeRedis, connectRedis } from "./redis";
import { startExpirySweep } from "./management/sweep-expired-rights";
import { inProcessFeed, redisFeed, type ChangeFeed } from "./live/changes";
import { enterpriseCacheFor, type EnterpriseCache } from "./model/enterprise-cache";
import { checkVersionsAtStart, onVersionsLost } from "./database/enterprise-versions";

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
  /** The enterprise read models this gateway keeps (src/model/enterprise-cache.ts); null when off or unsafe. */
  enterpriseCache: EnterpriseCache | null;
  stop(): Promise<void>;
}

/** Logs each operation, and every masked error in full with its request id (the client sees only the id). */
function requestLogging(logger: Logger): ApolloServerPlugin<Context> {
  return {
    // Apollo then answers a bare INTERNAL_SERVER_ERROR (src/http/apollo-handler.ts gives it the request id).
    async unexpectedErrorProcessingRequest({ requestContext, error }) {
      logger.error({ requestId: requestContext.contextValue.requestId, operationName: requestContext.operationName, err: error }, "unexpected error");
    },
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async didEncounterErrors({ errors, operationName }) {
          for (const error of errors) {
            if (!isPublicError(error)) logger.error({ requestId: contextValue.requestId, operationName, err: error.originalError ?? error }, "unexpected error");
          }
        },
        async willSendResponse({ response, operationName }) {
          const body = response.body.kind === "single" ? response.body.singleResult : undefined;
          logger.info(
            {
              requestId: contextValue.requestId,
              operationName,
              durationMs: Number(process.hrtime.bigint() - started) / 1e6,
              status: response.http.status ?? 200,
              errors: body?.errors?.map((e) => e.extensions?.code),
            },
            "graphql request",
          );
        },
      };
    },
  };
}

/**
 * A request refused while its context was built (a bad token, the viewer's rate limit, the database gone while the
 * viewer is looked up). Apollo's contextCreationDidFail does not say which request failed, so the context function
 * logs it.
 */
function logRefusal(logger: Logger, error: unknown, requestId: string): void {
  if (!isPublicError(error)) logger.error({ requestId, err: error }, "unexpected error");
  const extensions = error instanceof GraphQLError ? error.extensions : {};
  const status = (extensions.http as { status?: number } | undefined)?.status ?? 500;
  logger.info({ requestId, status, errors: [isPublicError(error) ? extensions.code : "INTERNAL_SERVER_ERROR"] }, "graphql request refused");
}

/** Starts the gateway on an open, migrated database: HTTP server, health routes, Apollo with the shielded schema. */
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
  const catalog = await Catalog.load(dataSource);
  const verifier = createTokenVerifier(config.oidc ? { mode: "oidc", ...config.oidc } : { mode: "development", keys: await loadOrCreateDevKeys(config.devKeyFile) });
  const app = express();
  app.disable("x-powered-by");
  // Express hashes every body it sends (sha1) for an ETag: a GraphQL POST answer is never revalidated, and hashing a
  // 140 kB page costs as much as building it.
  app.set("etag", false);
  const httpServer = createServer(app);
  app.set("trust proxy", config.trustProxy);
  // Node closes idle connections after 5 s by default: a load balancer (or client) that reuses one at that moment
  // gets a reset, so the server keeps them open longer than the balancer does.
  httpServer.keepAliveTimeout = config.keepAliveTimeoutMs;
  const redis = config.redisUrl ? await connectRedis({ url: config.redisUrl, logger }) : null;
  // Enterprise read models, checked against the database's versions on every request (src/model/enterprise-cache.ts).
  // Only while the database moves those versions: a dump restored without its triggers would leave them still, and
  // the models would never change again. Triggers found missing are created again, and every version is moved past
  // the ones kept before (writes made without them left versions in place); if they cannot be, the loss is recorded in
  // the database, so that no gateway takes a model, and this one keeps none (issue 18, point 2).
  const keepsModels = config.enterpriseCache.maxRows > 0;
  const atStart = keepsModels ? await checkVersionsAtStart(dataSource, { now: clock.now() }) : { recreated: [], missing: [], cleared: null };
  const missingTriggers = atStart.missing;
  if (missingTriggers.length > 0) {
    logger.error({ missingTriggers }, "enterprise version triggers are missing and could not be created (TRIGGER privilege?): no gateway keeps enterprise read models until a gateway starts with them present");
  } else if (atStart.recreated.length > 0 || atStart.cleared) {
    logger.warn(
      { recreatedTriggers: atStart.recreated, lostAt: atStart.cleared?.at, lostReason: atStart.cleared?.reason },
      "enterprise version triggers are all present again: every enterprise has a new version, and the enterprise read models are kept again",
    );
  }
  const enterpriseCache = missingTriggers.length > 0 ? null : enterpriseCacheFor(dataSource, config.enterpriseCache);
  const stopListening = onVersionsLost(dataSource, ({ reason, enterpriseIds, missingTriggers: missing, requestId }) => {
    logger.error({ requestId: requestId ?? undefined, enterpriseIds, missingTriggers: missing, reason }, "enterprise versions did not move with a change (version triggers lost?): no gateway takes enterprise read models until a gateway starts again, which recreates the triggers");
    enterpriseCache?.clear();
  });
  // Access changes reach the subscriptions of every worker and gateway through Redis; without it, this process's only.
  const changes = redis ? await redisFeed({ url: config.redisUrl!, publisher: redis, prefix: config.redisPrefix, logger }) : inProcessFeed(logger);
  if (!redis && config.workers > 1) logger.warn("without REDIS_URL, a subscriber hears only of the changes made by its own worker");
  const rateLimits = createRateLimits({ enabled: config.rateLimit, quota: config.rateLimitQuota, redis, prefix: config.redisPrefix, logger });
  const trusted = trustedDocuments({
    mode: config.trustedDocuments,
    manifestFiles: config.trustedDocumentsManifests,
    apqCacheBytes: config.apqCacheBytes,
    maxDocumentBytes: config.apqMaxDocumentBytes,
    ttlSeconds: config.apqTtlSeconds,
    // In Redis the bound is in entries: as many of the largest documents as fit in APQ_CACHE_MB.
    sharedCache: redis
      ? new RedisCache({ client: redis, prefix: `${config.redisPrefix}apq:`, defaultTtlSeconds: config.apqTtlSeconds, maxEntries: Math.max(1, Math.floor(config.apqCacheBytes / config.apqMaxDocumentBytes)) })
      : undefined,
  });
  const budgeted = withResponseBudget(schema);
  const compiled = config.execution === "jit" ? compiledExecution({ schema: budgeted, maxDocuments: config.compiledDocuments }) : null;
  const apollo = new ApolloServer<Context>({
    // Apollo runs graphql-js unless a gateway executes: the compiled executor serves the same schema (EXECUTION).
    ...(compiled ? { gateway: compiled.gateway } : { schema: budgeted }),
    persistedQueries: trusted.persistedQueries,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: !config.introspection,
    // The process drains and closes the database on SIGTERM itself (src/main.ts); Apollo's own handler would stop it twice.
    stopOnTerminationSignals: false,
    // Apollo blocks a "simple" request (one a browser sends cross-site without a preflight) unless it carries one of
    // these headers. A request with Authorization cannot be simple, so a bearer-token client (urql's GET queries, a
    // mobile APQ GET) needs no extra header; a mutation over GET stays refused (405) whatever it carries.
    csrfPrevention: { requestHeaders: ["authorization", "x-apollo-operation-name", "apollo-require-preflight"] },
    allowBatchedHttpRequests: config.batchedRequests,
    parseOptions: documentParseOptions(config.limits),
    formatError,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // Apollo's cache-control plugin runs a hook on every field; this API sends no cache hints.
      ApolloServerPluginCacheControlDisabled(),
      partialErrors(),
      dryRuns({ logger }),
      subscriptionsOverWebSocketOnly(),
      responseBudget({ maxBytes: config.maxResponseBytes }),
      documentLimits<Context>(config.limits, {
        // The viewer's enterprises, which myEnterprises reads anyway (the access layer keeps them for the request).
        rootListSizes: { myEnterprises: async ({ viewer, access }) => (viewer ? (await access.visibleEnterpriseIds()).size : 0) },
      }),
      // After the plugins that add or replace errors as the answer is sent: it words them all for the request.
      operationLanguage(),
      // After the document limits: it reads the codes as the client gets them (they rename a parse failure past the token limit).
      legacyJsonStatus(),
      // Last (willSendResponse runs in this order): the log records the status and codes the client gets.
      requestLogging(logger),
    ],
  });
  await apollo.start();
  const authenticate = authenticator({ verifier, dataSource });
  const buildContext = contextBuilder({ dataSource, catalog, clock, changes, enterpriseCache });
  const admit: Admission<{ req: express.Request; res: express.Response }> = (identity, { req, res }) =>
    rateLimits.perViewer(identity.ssin, res, config.batchedRequests ? operationsIn(req.body as unknown) : 1);

  app.use(healthRoutes({ dataSource, keepsModels }));
  // Before the playground's routes: Express would answer a preflight of /graphql itself (Allow: GET, HEAD).
  app.use("/graphql", cors({ origins: config.corsOrigins }));
  app.use(playgroundRoutes({ config }));
  app.use(
    "/graphql",
    responseHeaders({ realm: "secure-access-gateway" }),
    rateLimits.perClient,
    express.json({ limit: config.bodyLimit }),
    requestIdHeader(),
    // A batch: bounded, then each further operation counted as a request of the client (the viewer's, below).
    ...(config.batchedRequests ? [batchLimit({ maxOperations: config.batchMaxOperations }), rateLimits.perBatch] : []),
    trusted.guard,
    withRequestDeadline({ timeoutMs: config.requestTimeoutMs, logger }, apolloHandler(apollo, {
      context: async (request) => {
        const { req } = request;
        const scope = scopeOf(req);
        try {
          const authorization = req.headers.authorization;
          const viewerRows = authorization === undefined ? null : await authenticate(authorization, admit, request);
          const context = buildContext({
            requestId: scope.requestId,
            deadline: deadlineOf(req),
            viewer: viewerRows?.person ?? null,
            viewerRows,
            acceptLanguage: req.headers["accept-language"],
            requestScope: scope,
            batched: config.batchedRequests && operationsIn(req.body as unknown) > 1,
          });
          scope.bindMessageLanguage(() => messageLanguageFor(context));
          return context;
        } catch (error) {
          logRefusal(logger, error, scope.requestId);
          throw error;
        }
      },
    })),
  );
  app.use(httpErrors({ bodyLimit: config.bodyLimit, logger }));
  const live = liveServer({
    httpServer,
    path: "/graphql",
    schema,
    authenticate,
    buildContext,
    dataSource,
    catalog,
    clock,
    feed: changes,
    limits: config.limits,
    rateLimits,
    trusted,
    corsOrigins: config.corsOrigins,
    // As Express sees it (TRUST_PROXY): the upgrade request through Express's request prototype, which computes `ip`.
    clientAddress: (request) => {
      const view = Object.create(app.request) as express.Request;
      Object.defineProperties(view, { headers: { value: request.headers }, socket: { value: request.socket }, connection: { value: request.socket } });
      return view.ip ?? request.socket.remoteAddress;
    },
    perViewer: { connections: config.live.maxConnectionsPerViewer, subscriptions: config.live.maxSubscriptionsPerViewer },
    logger,
  });

  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const stopSweep = startExpirySweep({ dataSource, clock, changes, intervalSeconds: config.expirySweepSeconds, logger });
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  return {
    url: `http://${host}:${port}/graphql`,
    httpServer,
    verifier,
    live,
    changes,
    ...(compiled ? { compiledDocuments: compiled.compiledDocuments } : {}),
    enterpriseCache,
    async stop() {
      // Subscriptions first: their sockets are no longer the HTTP server's, so draining it would not close them.
      await live.close();
      await stopSweep();
      await apollo.stop();
      await changes.close();
      stopListening();
      if (redis) await closeRedis(redis);
    },
  };
}
