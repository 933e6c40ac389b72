import type { Server } from "node:http";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import type { Config } from "../config";
import type { Context } from "../context";
import { compiledExecution } from "./compiled-execution";
import { consistencyTokens } from "./consistency-tokens";
import { costBudget } from "./cost-budget";
import { documentLimits, documentParseOptions } from "./document-limits";
import { documentStore } from "./document-store";
import { dryRuns } from "./dry-run";
import { formatError } from "./format-error";
import { idempotentRequests } from "./idempotency";
import { inputPaths } from "./input-paths";
import { mutationsDecideOnPrimary } from "./mutations-decide-on-primary";
import { operationLanguage } from "./operation-language";
import { partialErrors } from "./partial-errors";
import { requestLogging } from "./request-logging";
import { operationLabeller, requestObserving } from "./request-observing";
import { responseBudget, withResponseBudget } from "./response-budget";
import { responseStatus } from "./response-headers";
import { subscriptionsOverWebSocketOnly } from "./subscriptions-over-websocket-only";
import type { TrustedDocuments } from "./trusted-documents";
import { unavailableAnswers } from "./unavailable";

/**
 * Apollo Server for the HTTP transport, started: the schema with the response budget, executed by graphql-js or
 * compiled (EXECUTION), and the plugins in the order their hooks must run. Its document check is Apollo's parse (with
 * the token limit), validation and persisted queries, then the document limits; the WebSocket checks a subscription's
 * document with the same parts (src/http/subscription-document.ts).
 */
export async function startApollo({
  config,
  schema,
  httpServer,
  trusted,
  logger,
}: {
  config: Config;
  schema: GraphQLSchema;
  httpServer: Server;
  trusted: TrustedDocuments;
  logger: Logger;
}): Promise<{ apollo: ApolloServer<Context>; compiledDocuments?: () => number; documentCacheBytes: () => number }> {
  const budgeted = withResponseBudget(schema);
  const compiled = config.execution === "jit" ? compiledExecution({ schema: budgeted, maxDocuments: config.compiledDocuments }) : null;
  const costs = costBudget();
  const documents = documentStore(config.documentCacheBytes);
  const apollo = new ApolloServer<Context>({
    // Apollo runs graphql-js unless a gateway executes: the compiled executor serves the same schema (EXECUTION).
    ...(compiled ? { gateway: compiled.gateway } : { schema: budgeted }),
    persistedQueries: trusted.persistedQueries,
    documentStore: documents.store,
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
      // Before any plugin or resolver reads for the operation: a mutation's request reads the primary.
      mutationsDecideOnPrimary(),
      // Its executionDidEnd commits a change sent with an Idempotency-Key with its answer, before any willSendResponse.
      idempotentRequests({ ttlHours: config.idempotencyTtlHours, logger }),
      consistencyTokens(),
      partialErrors(),
      dryRuns({ logger }),
      subscriptionsOverWebSocketOnly(),
      responseBudget({ maxBytes: config.maxResponseBytes }),
      documentLimits<Context>(config.limits, {
        // The viewer's enterprises, which myEnterprises reads anyway (the access layer keeps them for the request).
        rootListSizes: { myEnterprises: async ({ viewer, access }) => (viewer ? (await access.visibleEnterpriseIds()).size : 0) },
        // The requested cost, reserved from the viewer's budget before the operation runs.
        onCost: costs.onCost,
      }),
      // After the plugins that add errors as the answer is sent: it names the input of every error the document places.
      inputPaths(),
      // After the response budget, which may replace the answer: it settles the actual cost and adds extensions.cost.
      costs.plugin,
      // After the plugins that add or replace errors as the answer is sent: it words them all for the request.
      operationLanguage(),
      // After formatError has named an unavailable database UNAVAILABLE: 503 with Retry-After.
      unavailableAnswers(),
      // After the document limits and the unavailable answers: it reads the codes and statuses as the client gets them
      // (the limits rename a parse failure past the token limit).
      responseStatus(),
      // After the plugins that change the answer's codes: the metrics count the outcome the client gets.
      requestObserving(operationLabeller(trusted.operationNames)),
      // Last (willSendResponse runs in this order): the log records the status and codes the client gets.
      requestLogging(logger),
    ],
  });
  await apollo.start();
  return { apollo, documentCacheBytes: documents.bytes, ...(compiled ? { compiledDocuments: compiled.compiledDocuments } : {}) };
}
