import { createServer, type IncomingMessage, type Server } from "node:http";
import express, { type Express } from "express";
import type { Config } from "../config";

/**
 * The Express app and the HTTP server it answers on, with the settings every route shares, and the client's address
 * of an upgrade request as Express would see it (TRUST_PROXY), for the WebSocket's per-client quota.
 */
export function httpServerFor(config: Config): {
  app: Express;
  httpServer: Server;
  clientAddress: (request: IncomingMessage) => string | undefined;
} {
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
  // The upgrade request through Express's request prototype, which computes `ip`.
  const clientAddress = (request: IncomingMessage) => {
    const view = Object.create(app.request) as express.Request;
    Object.defineProperties(view, {
      headers: { value: request.headers },
      socket: { value: request.socket },
      connection: { value: request.socket },
    });
    return view.ip ?? request.socket.remoteAddress;
  };
  return { app, httpServer, clientAddress };
}
