import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type NextFunction, type Request, type Response } from "express";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import type { Config } from "./config";
import { createContext, type Context } from "./context";
import { UnauthenticatedError } from "./errors";
import { healthRoutes } from "./http/health";
import { formatError, isPublicError } from "./http/format-error";
import { playgroundRoutes } from "./http/playground";
import { trustedDocuments } from "./http/trusted-documents";
import { requestIdOf } from "./http/request-id";
import { loadOrCreateDevKeys } from "./identity/dev-keys";
import { createTokenVerifier, type TokenVerifier } from "./identity/tokens";
import { personFor } from "./identity/viewer";
import { createLogger } from "./logger";
import { Catalog } from "./model/catalog";
import { buildGatewaySchema } from "./model/schema";

export interface Gateway {
  url: string;
  httpServer: Server;
  verifier: TokenVerifier;
  stop(): Promise<void>;
}

/** Logs each operation, and every masked error in full with its request id (the client sees only the id). */
function requestLogging(logger: Logger): ApolloServerPlugin<Context> {
  return {
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
          for (const error of body?.errors ?? []) {
            if (error.extensions?.code === "INTERNAL_SERVER_ERROR") (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
          }
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

/** Starts the gateway on an open, migrated database: HTTP server, health routes, Apollo with the shielded schema. */
export async function startGateway({
  config,
  dataSource,
  logger = createLogger({ level: config.logLevel }),
  schema = buildGatewaySchema(),
}: {
  config: Config;
  dataSource: DataSource;
  logger?: Logger;
  /** The benchmark passes the schema without the shield to measure what the shield costs; everything else runs the default. */
  schema?: GraphQLSchema;
}): Promise<Gateway> {
  const catalog = await Catalog.load(dataSource);
  const verifier = createTokenVerifier(config.oidc ? { mode: "oidc", ...config.oidc } : { mode: "development", keys: await loadOrCreateDevKeys(config.devKeyFile) });
  const app = express();
  app.disable("x-powered-by");
  const httpServer = createServer(app);
  const trusted = trustedDocuments({ mode: config.trustedDocuments, manifestFile: config.trustedDocumentsManifest, apqCacheBytes: config.apqCacheBytes });
  const apollo = new ApolloServer<Context>({
    schema,
    persistedQueries: trusted.persistedQueries,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    formatError,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // Apollo's cache-control plugin runs a hook on every field; this API sends no cache hints.
      ApolloServerPluginCacheControlDisabled(),
      requestLogging(logger),
    ],
  });
  await apollo.start();

  app.use(healthRoutes({ dataSource }));
  app.use(playgroundRoutes({ config }));
  app.use(
    "/graphql",
    express.json({ limit: config.bodyLimit }),
    trusted.guard,
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = requestIdOf(req);
        res.setHeader("x-request-id", requestId);
        const authorization = req.headers.authorization;
        let viewer = null;
        if (authorization !== undefined) {
          const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
          if (!match) throw new UnauthenticatedError("The Authorization header must be: Bearer <token>");
          viewer = await personFor(dataSource, await verifier.verify(match[1]));
        }
        return createContext({ requestId, viewer, dataSource, catalog, acceptLanguage: req.headers["accept-language"] });
      },
    }),
  );
  // Body-parser failures (too large, malformed JSON) answer in the GraphQL error shape, without internals.
  app.use((error: { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    const code = status === 413 ? "PAYLOAD_TOO_LARGE" : status < 500 ? "BAD_REQUEST" : "INTERNAL_SERVER_ERROR";
    const message = status === 413 ? `The request body is larger than ${config.bodyLimit}` : status < 500 ? "The request body is not valid JSON" : "Unexpected error";
    res.status(status).json({ errors: [{ message, extensions: { code } }] });
  });

  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  return {
    url: `http://${host}:${port}/graphql`,
    httpServer,
    verifier,
    async stop() {
      await apollo.stop();
    },
  };
}
