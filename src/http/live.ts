import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { ApolloServerPlugin } from "@apollo/server";
import { CloseCode, type ConnectionInitMessage } from "graphql-ws";
import { useServer, type Extra } from "graphql-ws/use/ws";
import { getOperationAST, GraphQLError, parse, validate, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema } from "graphql";
import { decodeJwt } from "jose";
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import { WebSocketServer } from "ws";
import type { Clock } from "../clock";
import { createContext, messageLanguageFor, type Context } from "../context";
import { BadRequestError, QueryTooComplexError, UnauthenticatedError } from "../errors";
import { chooseLanguage, preferredLanguage } from "../i18n/language";
import { message } from "../i18n/messages";
import type { TokenVerifier } from "../identity/tokens";
import { personFor } from "../identity/viewer";
import type { ChangeFeed } from "../database/change-feed";
import { LiveSubscribers } from "../live/subscribers";
import type { Catalog } from "../domain/catalog";
import type { Person } from "../domain/entities";
import type { Language } from "../domain/states";
import type { CorsOrigins } from "./cors";
import { assertWithinLimits, documentParseOptions, type DocumentLimits } from "./document-limits";
import { formatError, inLanguage, isPublicError, maskedMessage } from "./format-error";
import type { RateLimits } from "./rate-limit";
import type { TrustedDocuments } from "./trusted-documents";

/** graphql-ws's close code for a connection that is not (or no longer) authenticated. */
export const unauthorizedClose = 4401;
/** The close reason when the token expires under an open connection. */
export const tokenExpiredReason = "Unauthorized: the bearer token has expired";
/**
 * graphql-ws's close code for "too many" (TooManyInitialisationRequests), given to a viewer's connection beyond
 * LIVE_MAX_CONNECTIONS_PER_VIEWER: 429 as over HTTP, and a code graphql-ws's client does not retry (another attempt
 * would meet the same cap until one of the viewer's connections closes).
 */
export const tooManyConnectionsClose = 4429;
/** Subscriptions one connection may hold at once. */
export const maxSubscriptionsPerConnection = 20;
/** A subscribe message is a document and its variables: bounded like a request body. */
const maxMessageBytes = 64 * 1024;
/** setTimeout's longest delay (about 24.8 days); a later expiry is waited for in steps. */
const maxTimerMs = 2 ** 31 - 1;

interface Connection {
  viewer: Person;
  expiry?: NodeJS.Timeout;
}

/** A connection counted against its viewer's cap, from the moment their token is verified until the socket closes. */
interface Held {
  ssin: string;
  /** The connection's subscriptions, those being started included (graphql-ws reserves each id first). */
  subscriptions(): number;
}

type LiveExtra = Extra & { connection?: Connection; held?: Held };

/** A refusal before the subscription has its context: the connection's Accept-Language, then its viewer's language. */
const connectionLanguage = (extra: LiveExtra): Language =>
  chooseLanguage({ acceptLanguage: preferredLanguage(extra.request.headers["accept-language"]), viewer: extra.connection?.viewer.language }, "EN");

/**
 * Refuses a subscription sent over HTTP (Apollo would run its resolver once as a query): a typed BAD_REQUEST that
 * says where subscriptions run, before anything executes.
 */
export function subscriptionsOverWebSocketOnly<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === "subscription") {
            throw new BadRequestError(message("live.overHttp"), 400);
          }
        },
      };
    },
  };
}

/** A browser's page may open the socket from this origin or from an origin CORS_ORIGINS allows; other clients send no Origin. */
function originAllowed(request: IncomingMessage, origins: CorsOrigins): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (origins === "*" || origins.includes(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

function refuseUpgrade(socket: Duplex, status: number, text: string, headers: Record<string, string> = {}): void {
  const lines = [`HTTP/1.1 ${status} ${text}`, "Connection: close", "Content-Type: text/plain; charset=utf-8", `Content-Length: ${Buffer.byteLength(text)}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  socket.end(`${lines.join("\r\n")}\r\n\r\n${text}`);
}

/** The bearer token of `connectionParams` (`authorization` or `Authorization`, "Bearer <token>"). */
function bearerOf(params: ConnectionInitMessage["payload"]): { token: string } | { problem: string } {
  const value = params?.authorization ?? params?.Authorization;
  if (value === undefined || value === null) return { problem: "Unauthorized: send connectionParams.authorization: \"Bearer <token>\"" };
  const match = typeof value === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  return match ? { token: match[1] } : { problem: "Unauthorized: connectionParams.authorization must be \"Bearer <token>\"" };
}

export interface LiveServer {
  /** Open WebSocket connections. */
  connections(): number;
  /** Subscriptions listening in this process. */
  subscriptions(): number;
  /** Closes every connection (1001, going away) and stops accepting new ones. */
  close(): Promise<void>;
}

/**
 * Subscriptions over graphql-ws (issue 13, point 5) on the HTTP server of the API, at the same path. A connection is
 * authenticated once, by the bearer token in `connectionParams.authorization` (the same verification and viewer as
 * HTTP): without a valid one it is closed with 4401; it is closed with 4401 again when the token expires. Only
 * subscriptions run over the socket (queries and mutations go over HTTP, with their limits, deadlines and dry runs),
 * each checked like an HTTP request: the token limit while parsing, validation, the document limits, trusted
 * documents, the viewer's rate limit; errors are masked as over HTTP. Connection attempts count against the client
 * address's quota. A viewer holds at most `perViewer.connections` connections (beyond: closed with 4429) and
 * `perViewer.subscriptions` subscriptions across them (beyond: BAD_REQUEST) in this process, so that no one person's
 * sockets can take the process's memory and the database's time from the others.
 */
export function liveServer({
  httpServer,
  path,
  schema,
  verifier,
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
  verifier: TokenVerifier;
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
  /** The open connections of each viewer (by national number, as the rate limits count them), for the caps per viewer. */
  const viewers = new Map<string, Set<Held>>();
  let closing = false;

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? "/", "http://gateway").pathname !== path) return socket.destroy();
    socket.on("error", () => undefined);
    if (closing) return refuseUpgrade(socket, 503, "The gateway is shutting down");
    if (!originAllowed(request, corsOrigins)) return refuseUpgrade(socket, 403, "This origin may not open a WebSocket to the gateway");
    void rateLimits.take("client", clientAddress(request)).then(
      (refused) => {
        if (refused) return refuseUpgrade(socket, 429, refused.message, { "Retry-After": String(refused.retryAfter) });
        wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request));
      },
      () => refuseUpgrade(socket, 500, "Internal server error"),
    );
  };
  httpServer.on("upgrade", onUpgrade);

  /** Errors as over HTTP: typed ones in the subscription's language, anything else masked with an id that is logged with it. */
  const mask = (errors: readonly GraphQLError[], requestId: string, language: Language): GraphQLFormattedError[] =>
    errors.map((error) => {
      if (isPublicError(error)) return inLanguage(formatError(error.toJSON(), error), language);
      logger.error({ requestId, err: error.originalError ?? error }, "unexpected error");
      return { message: maskedMessage, path: error.path, extensions: { code: "INTERNAL_SERVER_ERROR", requestId } };
    });

  const server = useServer<ConnectionInitMessage["payload"], { connection?: Connection }>(
    {
      schema,
      // Never an internal message in a close reason, whatever NODE_ENV says.
      isProd: true,
      // A subscribe message must come soon after connecting; the library's default.
      connectionInitWaitTimeout: 3_000,
      async onConnect(ctx) {
        const extra = ctx.extra as LiveExtra;
        const socket = extra.socket;
        const bearer = bearerOf(ctx.connectionParams);
        if ("problem" in bearer) {
          socket.close(unauthorizedClose, bearer.problem);
          return false;
        }
        let viewer: Person;
        try {
          const identity = await verifier.verify(bearer.token);
          // Counted before the person is read: a connection over the cap costs the database nothing.
          const theirs = viewers.get(identity.ssin) ?? new Set<Held>();
          if (theirs.size >= perViewer.connections) {
            socket.close(tooManyConnectionsClose, `Too many connections: at most ${perViewer.connections} connections per viewer at once`);
            return false;
          }
          extra.held = { ssin: identity.ssin, subscriptions: () => Object.keys(ctx.subscriptions).length };
          viewers.set(identity.ssin, theirs.add(extra.held));
          viewer = await personFor(dataSource, identity);
        } catch (error) {
          if (error instanceof UnauthenticatedError) {
            socket.close(unauthorizedClose, `Unauthorized: ${error.message}`.slice(0, 120));
            return false;
          }
          logger.error({ err: error }, "could not authenticate a WebSocket connection");
          socket.close(CloseCode.InternalServerError, "Internal server error");
          return false;
        }
        const connection: Connection = { viewer };
        // Verified, so `exp` is there (required) and trustworthy.
        const expiresAt = (decodeJwt(bearer.token).exp ?? 0) * 1000;
        const arm = () => {
          const left = expiresAt - Date.now();
          if (left <= 0) return socket.close(unauthorizedClose, tokenExpiredReason);
          connection.expiry = setTimeout(arm, Math.min(left, maxTimerMs));
          connection.expiry.unref();
        };
        arm();
        extra.connection = connection;
        return true;
      },
      onClose(ctx) {
        const { connection, held } = ctx.extra as LiveExtra;
        if (connection?.expiry) clearTimeout(connection.expiry);
        if (!held) return;
        const theirs = viewers.get(held.ssin);
        theirs?.delete(held);
        if (theirs?.size === 0) viewers.delete(held.ssin);
      },
      async onSubscribe(ctx, id, payload) {
        const connection = (ctx.extra as LiveExtra).connection!;
        // graphql-ws has already reserved this subscription's id among them.
        if (Object.keys(ctx.subscriptions).length > maxSubscriptionsPerConnection) {
          return [new BadRequestError(message("live.tooManySubscriptions", { max: maxSubscriptionsPerConnection }))];
        }
        let held = 0;
        for (const other of viewers.get(connection.viewer.ssin) ?? []) held += other.subscriptions();
        if (held > perViewer.subscriptions) {
          return [new BadRequestError(message("live.tooManySubscriptionsPerViewer", { max: perViewer.subscriptions }))];
        }
        const refused = await rateLimits.take("viewer", connection.viewer.ssin);
        if (refused) return [refused];
        const source = trusted.documentOf(payload);
        if (source instanceof GraphQLError) return [source];
        let document;
        try {
          document = parse(source, documentParseOptions(limits));
        } catch (error) {
          if (!(error instanceof GraphQLError)) throw error;
          const tokens = /^Syntax Error: Document contains more th(?:an|at) (\d+) tokens/.exec(error.message);
          // graphql-js's own words about the document (as over HTTP), with its code; the token limit named as the limit it is.
          return [tokens ? new QueryTooComplexError("tokens", Number(tokens[1]), Number.NaN) : new GraphQLError(error.message, { extensions: { code: "GRAPHQL_PARSE_FAILED" } })];
        }
        const invalid = validate(schema, document);
        if (invalid.length > 0) return invalid.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }));
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [new BadRequestError(message("live.operationName"))];
        if (operation.operation !== "subscription") {
          return [new BadRequestError(message("live.onlySubscriptions"))];
        }
        try {
          assertWithinLimits(limits, { schema, document, operation, variables: payload.variables ?? undefined });
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const contextValue = createContext({
          requestId: randomUUID(),
          viewer: connection.viewer,
          dataSource,
          catalog,
          acceptLanguage: (ctx.extra as LiveExtra).request.headers["accept-language"],
          clock,
          changes: feed,
          live: subscribers,
        });
        logger.info({ requestId: contextValue.requestId, operationName: operation.name?.value, subscription: id }, "subscription started");
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
      },
      onNext(ctx, _id, _payload, args, result: ExecutionResult) {
        if (!result.errors) return undefined;
        const context = args.contextValue as Context | undefined;
        return { ...result, errors: mask(result.errors, context?.requestId ?? randomUUID(), context ? messageLanguageFor(context) : connectionLanguage(ctx.extra as LiveExtra)) };
      },
      onError(ctx, _id, _payload, errors) {
        return mask(errors, randomUUID(), connectionLanguage(ctx.extra as LiveExtra));
      },
    },
    wss,
  );

  return {
    connections: () => wss.clients.size,
    subscriptions: () => subscribers.subscriptions(),
    async close() {
      closing = true;
      httpServer.off("upgrade", onUpgrade);
      for (const client of wss.clients) client.close(1001, "The gateway is shutting down");
      await server.dispose();
    },
  };
}
