import type { ApolloServer } from "@apollo/server";
import express, { type Request, type RequestHandler, type Response } from "express";
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import type { Config } from "../config";
import { messageLanguageFor, type Context, type ContextBuilder } from "../context";
import type { FreshReads } from "../database/fresh-reads";
import { apolloHandler } from "./apollo-handler";
import type { Admission, Authenticate } from "./authenticate";
import { batchLimit, operationsIn } from "./batch-limit";
import { consistencyTokenHeader, requestedConsistency } from "./consistency-tokens";
import { idempotencyKeyHeader, requestedIdempotencyKey } from "./idempotency";
import type { RateLimits } from "./rate-limit";
import { deadlineOf, withRequestDeadline } from "./request-deadline";
import { requestIdHeader, scopeOf } from "./request-id";
import { logRefusal } from "./request-logging";
import { noteOutcome, observeRequests } from "./request-observing";
import { responseHeaders } from "./response-headers";
import type { TrustedDocuments } from "./trusted-documents";

type HttpRequest = { req: Request; res: Response };

/**
 * The /graphql route, in the order a request meets it: the answer's headers, one request of the client address's rate
 * limit (before the body is read), the JSON body, the request id, a batch bounded and counted, the trusted documents'
 * guard, then Apollo within the request's deadline. The context of a request with an Authorization header comes
 * through the front door (src/http/authenticate.ts), whose admission is one request of the viewer's rate limit per
 * operation; without one, the request is anonymous. A viewer's context carries their budget of cost points, which the
 * cost plugin spends (src/http/cost-budget.ts). A request that sends a `Consistency-Token` back reads, the viewer
 * included, from a state at least that fresh (src/database/fresh-reads.ts), chosen once it has been admitted. An
 * `Idempotency-Key` is checked here and carried by the context (src/http/idempotency.ts).
 */
export function graphqlRoute({
  config,
  apollo,
  rateLimits,
  trusted,
  authenticate,
  buildContext,
  freshReads,
  logger,
}: {
  config: Config;
  apollo: ApolloServer<Context>;
  rateLimits: RateLimits;
  trusted: TrustedDocuments;
  authenticate: Authenticate;
  buildContext: ContextBuilder;
  freshReads: FreshReads;
  logger: Logger;
}): RequestHandler[] {
  const admit: Admission<HttpRequest> = (identity, { req, res }) =>
    rateLimits.perViewer(identity.ssin, res, config.batchedRequests ? operationsIn(req.body as unknown) : 1);
  const context = async (request: HttpRequest): Promise<Context> => {
    const { req, res } = request;
    const scope = scopeOf(req);
    try {
      const requested = requestedConsistency(req.headers[consistencyTokenHeader.toLowerCase()], consistencyTokenHeader, {
        httpStatus: 400,
      });
      const batched = config.batchedRequests && operationsIn(req.body as unknown) > 1;
      const idempotencyKey = requestedIdempotencyKey(req.headers[idempotencyKeyHeader.toLowerCase()], { batched });
      let reading: Promise<DataSource> | undefined;
      const reader = () => (reading ??= freshReads(requested));
      const authorization = req.headers.authorization;
      const viewerRows = authorization === undefined ? null : await authenticate(authorization, admit, request, reader);
      const context = buildContext({
        requestId: scope.requestId,
        deadline: deadlineOf(req),
        viewer: viewerRows?.person ?? null,
        viewerRows,
        acceptLanguage: req.headers["accept-language"],
        requestScope: scope,
        batched,
        costBudget: viewerRows ? rateLimits.costBudget(viewerRows.person.ssin, res) : null,
        idempotencyKey,
        reader: await reader(),
      });
      scope.bindMessageLanguage(() => messageLanguageFor(context));
      return context;
    } catch (error) {
      logRefusal(logger, error, scope.requestId);
      noteOutcome(scope, (error as { extensions?: { code?: unknown } }).extensions?.code ?? "INTERNAL_SERVER_ERROR");
      throw error;
    }
  };
  const observing = observeRequests();
  return [
    // First: a request refused by the client's rate limit is counted too.
    ...observing.first,
    responseHeaders({ realm: "secure-access-gateway" }),
    rateLimits.perClient,
    express.json({ limit: config.bodyLimit }),
    ...observing.afterBody,
    requestIdHeader(),
    // A batch: bounded, then each further operation counted as a request of the client (the viewer's, in the context).
    ...(config.batchedRequests ? [batchLimit({ maxOperations: config.batchMaxOperations }), rateLimits.perBatch] : []),
    trusted.guard,
    withRequestDeadline({ timeoutMs: config.requestTimeoutMs, logger }, apolloHandler(apollo, { context })),
  ];
}
