import { CloseCode, type ConnectionInitMessage, type ServerOptions } from "graphql-ws";
import type { Extra } from "graphql-ws/use/ws";
import type { Logger } from "pino";
import { UnauthenticatedError, UnavailableError } from "../errors";
import type { Identity } from "../identity/tokens";
import type { Person } from "../domain/entities";
import { isMalformedHeader, type Authenticate } from "./authenticate";
import { logUnavailable } from "./unavailable";

/** graphql-ws's close code for a connection that is not (or no longer) authenticated. */
export const unauthorizedClose = 4401;
/** The WebSocket close code for a database that cannot be used now (RFC 6455 1013, Try Again Later). */
export const tryAgainLaterClose = 1013;
/** The close reason when the token expires under an open connection. */
export const tokenExpiredReason = "Unauthorized: the bearer token has expired";
/**
 * graphql-ws's close code for "too many" (TooManyInitialisationRequests), given to a viewer's connection beyond
 * LIVE_MAX_CONNECTIONS_PER_VIEWER: 429 as over HTTP, and a code graphql-ws's client does not retry (another attempt
 * would meet the same cap until one of the viewer's connections closes).
 */
export const tooManyConnectionsClose = 4429;
/**
 * How often the open connections' tokens are checked for expiry: a connection is closed within this long after its
 * token expires. One timer for all of them: a timer per connection with its own delay would leave one of Node's timer
 * lists (one per distinct delay, kept until that delay has passed even when the timer is cleared) for every connection
 * opened within a token's lifetime (the 60-minute soak showed them growing with the connections: 22 to 731).
 */
const expiryCheckMs = 1000;

/** An authenticated connection: its viewer as they were when it opened. */
export interface Connection {
  viewer: Person;
}

/** A connection counted against its viewer's cap, from the moment their token is verified until the socket closes. */
interface Held {
  ssin: string;
  /** The connection's subscriptions, those being started included (graphql-ws reserves each id first). */
  subscriptions(): number;
}

export type LiveExtra = Extra & { connection?: Connection; held?: Held };

/** graphql-ws's options as the WebSocket server gives them (src/http/live.ts). */
export type LiveOptions = ServerOptions<ConnectionInitMessage["payload"], Extra & Partial<{ connection?: Connection }>>;

type ConnectContext = { connectionParams?: ConnectionInitMessage["payload"]; extra: unknown; subscriptions: Record<string, unknown> };

/** Refused by the cap on a viewer's connections, before the database is asked anything. */
class TooManyConnections extends Error {}

/** The most a WebSocket close reason may hold, in UTF-8 bytes (RFC 6455: 125 for the frame, 2 of them the code). */
const maxCloseReasonBytes = 123;

/** The close reason of a connection refused as unauthenticated: what to send, in the words of `connectionParams`. */
function unauthorizedReason(error: UnauthenticatedError): string {
  if (isMalformedHeader(error)) return 'Unauthorized: connectionParams.authorization must be "Bearer <token>"';
  let reason = `Unauthorized: ${error.message}`;
  // Cut by bytes, never inside a character: a longer reason makes the socket library throw instead of closing.
  while (Buffer.byteLength(reason) > maxCloseReasonBytes) reason = [...reason].slice(0, -1).join("");
  return reason;
}

/**
 * The WebSocket's connections, authenticated once through the front door (src/http/authenticate.ts) by the bearer
 * token in `connectionParams.authorization`: without a valid one the socket is closed with 4401, and again with 4401
 * when the token expires. A viewer holds at most `maxPerViewer` connections in this process (beyond: closed with 4429),
 * counted before their person is read, so that a connection over the cap costs the database nothing.
 */
export class LiveConnections {
  /** The open connections of each viewer (by national number, as the rate limits count them). */
  private readonly viewers = new Map<string, Set<Held>>();

  constructor(private readonly options: { authenticate: Authenticate; maxPerViewer: number; logger: Logger }) {}

  /** The subscriptions a viewer holds across their connections, those being started included. */
  subscriptionsOf(ssin: string): number {
    let held = 0;
    for (const connection of this.viewers.get(ssin) ?? []) held += connection.subscriptions();
    return held;
  }

  async open(ctx: ConnectContext): Promise<boolean> {
    const extra = ctx.extra as LiveExtra;
    const { socket } = extra;
    const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
    if (header === undefined || header === null) {
      socket.close(unauthorizedClose, 'Unauthorized: send connectionParams.authorization: "Bearer <token>"');
      return false;
    }
    let viewer: Person;
    let validUntil: number;
    try {
      ({
        person: viewer,
        identity: { validUntil },
      } = await this.options.authenticate(header, this.admit, ctx));
    } catch (error) {
      if (error instanceof TooManyConnections) socket.close(tooManyConnectionsClose, error.message);
      else if (error instanceof UnauthenticatedError) socket.close(unauthorizedClose, unauthorizedReason(error));
      else if (error instanceof UnavailableError) {
        // 1013 Try Again Later: the database cannot be used now; the client reconnects after a pause.
        logUnavailable(this.options.logger, error, "websocket");
        socket.close(tryAgainLaterClose, error.message);
      } else {
        this.options.logger.error({ err: error }, "could not authenticate a WebSocket connection");
        socket.close(CloseCode.InternalServerError, "Internal server error");
      }
      return false;
    }
    extra.connection = { viewer };
    // When HTTP would refuse the same token: its `exp` plus the clock tolerance (src/identity/tokens.ts).
    this.closeAtExpiry(extra.connection, socket, validUntil);
    return true;
  }

  close(ctx: { extra: unknown }): void {
    const { connection, held } = ctx.extra as LiveExtra;
    if (connection) this.expiring.delete(connection);
    if (!held) return;
    const theirs = this.viewers.get(held.ssin);
    theirs?.delete(held);
    if (theirs?.size === 0) this.viewers.delete(held.ssin);
  }

  /** The admission of a connection: within its viewer's cap, it counts against it until it closes. */
  private readonly admit = (identity: Identity, ctx: ConnectContext): void => {
    const theirs = this.viewers.get(identity.ssin) ?? new Set<Held>();
    const max = this.options.maxPerViewer;
    if (theirs.size >= max) throw new TooManyConnections(`Too many connections: at most ${max} connections per viewer at once`);
    const held: Held = { ssin: identity.ssin, subscriptions: () => Object.keys(ctx.subscriptions).length };
    (ctx.extra as LiveExtra).held = held;
    this.viewers.set(identity.ssin, theirs.add(held));
  };

  /** The open connections with the instant their token expires, checked by one timer while any is open. */
  private readonly expiring = new Map<Connection, { socket: LiveExtra["socket"]; expiresAt: number }>();
  private expiryCheck: NodeJS.Timeout | null = null;

  private closeAtExpiry(connection: Connection, socket: LiveExtra["socket"], expiresAt: number): void {
    if (expiresAt <= Date.now()) return socket.close(unauthorizedClose, tokenExpiredReason);
    this.expiring.set(connection, { socket, expiresAt });
    this.expiryCheck ??= setInterval(() => this.closeExpired(), expiryCheckMs).unref();
  }

  private closeExpired(): void {
    const now = Date.now();
    for (const [connection, { socket, expiresAt }] of this.expiring) {
      if (expiresAt > now) continue;
      this.expiring.delete(connection);
      socket.close(unauthorizedClose, tokenExpiredReason);
    }
    if (this.expiring.size === 0 && this.expiryCheck) {
      clearInterval(this.expiryCheck);
      this.expiryCheck = null;
    }
  }
}
