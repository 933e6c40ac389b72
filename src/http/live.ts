import type { IncomingMessage, Server } from "node:http";
import type { ConnectionInitMessage } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import { WebSocketServer } from "ws";
import type { ContextBuilder } from "../context";
import type { Clock } from "../clock";
import type { ChangeFeed } from "../database/change-feed";
import type { FreshReads } from "../database/fresh-reads";
import { LiveSubscribers } from "../live/subscribers";
import type { Catalog } from "../domain/catalog";
import type { Authenticate } from "./authenticate";
import type { CorsOrigins } from "./cors";
import type { DocumentLimits } from "./document-limits";
import { liveErrors } from "./live-errors";
import { LiveConnections, type Connection } from "./live-connections";
import { operationLabeller } from "./request-observing";
import { liveSubscribe } from "./live-subscribe";
import { liveUpgrades } from "./live-upgrade";
import type { RateLimits } from "./rate-limit";
import { subscriptionDocumentCheck } from "./subscription-document";
import type { TrustedDocuments } from "./trusted-documents";

export { maxSubscriptionsPerConnection } from "./live-subscribe";

/** A subscribe message is a document and its variables: bounded like a request body. */
const maxMessageBytes = 64 * 1024;

export interface LiveServer {
  /** Open WebSocket connections. */
  connections(): number;
  /** Subscriptions listening in this process. */
  subscriptions(): number;
  /** Closes every connection (1001, going away) and stops accepting new ones. */
  close(): Promise<void>;
}

/**
 * Subscriptions over graphql-ws on the HTTP server of the API, at the same path, through the same front door as HTTP:
 * the upgrade guarded (src/http/live-upgrade.ts), the connection authenticated once (src/http/live-connections.ts),
 * each subscription admitted and checked like an HTTP request and given a context by the same builder
 * (src/http/live-subscribe.ts), errors masked as over HTTP (src/http/live-errors.ts). Only subscriptions run over the
 * socket; queries and mutations go over HTTP, with their limits, deadlines and dry runs. A viewer's connections and
 * subscriptions are capped in this process (`perViewer`), so that no one person's sockets can take the process's
 * memory and the database's time from the others.
 */
export function liveServer({
  httpServer,
  path,
  schema,
  authenticate,
  buildContext,
  freshReads,
  dataSource,
  catalog,
  clock,
  feed,
  limits,
  rateLimits,
  trusted,
  corsOrigins,
  clientAddress,
  perViewer,
  logger,
}: {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  authenticate: Authenticate;
  buildContext: ContextBuilder;
  /** Where a subscription that sends a consistency token reads at subscribe time (src/database/fresh-reads.ts). */
  freshReads: FreshReads;
  dataSource: DataSource;
  catalog: Catalog;
  /** The gateway's clock (src/clock.ts): rights are judged as of its now, expiries included. */
  clock: Clock;
  feed: ChangeFeed;
  limits: DocumentLimits;
  rateLimits: RateLimits;
  trusted: TrustedDocuments;
  corsOrigins: CorsOrigins;
  /** The client's address as Express sees it (TRUST_PROXY), for the per-client quota. */
  clientAddress: (request: IncomingMessage) => string | undefined;
  /** LIVE_MAX_CONNECTIONS_PER_VIEWER, LIVE_MAX_SUBSCRIPTIONS_PER_VIEWER. */
  perViewer: { connections: number; subscriptions: number };
  logger: Logger;
}): LiveServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });
  const subscribers = new LiveSubscribers({ feed, dataSource, catalog, clock, logger });
  const connections = new LiveConnections({ authenticate, maxPerViewer: perViewer.connections, logger });
  let closing = false;
  const detach = liveUpgrades({ httpServer, path, wss, corsOrigins, rateLimits, clientAddress, closing: () => closing });

  const server = useServer<ConnectionInitMessage["payload"], { connection?: Connection }>(
    {
      schema,
      // Never an internal message in a close reason, whatever NODE_ENV says.
      isProd: true,
      // A subscribe message must come soon after connecting; the library's default.
      connectionInitWaitTimeout: 3_000,
      onConnect: (ctx) => connections.open(ctx),
      onClose: (ctx) => connections.close(ctx),
      onSubscribe: liveSubscribe({
        schema,
        connections,
        maxPerViewer: perViewer.subscriptions,
        rateLimits,
        checkDocument: subscriptionDocumentCheck({ schema, limits, trusted }),
        buildContext,
        freshReads,
        subscribers,
        label: operationLabeller(trusted.operationNames),
        logger,
      }),
      ...liveErrors(logger),
    },
    wss,
  );

  return {
    connections: () => wss.clients.size,
    subscriptions: () => subscribers.subscriptions(),
    async close() {
      closing = true;
      detach();
      for (const client of wss.clients) client.close(1001, "The gateway is shutting down");
      await server.dispose();
    },
  };
}
