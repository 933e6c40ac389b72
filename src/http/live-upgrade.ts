import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocketServer } from "ws";
import type { CorsOrigins } from "./cors";
import type { RateLimits } from "./rate-limit";

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
  const lines = [
    `HTTP/1.1 ${status} ${text}`,
    "Connection: close",
    "Content-Type: text/plain; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(text)}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${lines.join("\r\n")}\r\n\r\n${text}`);
}

/**
 * Hands the HTTP server's upgrades of `path` to the WebSocket server: refused while the gateway shuts down (503), from
 * a page of another origin (403, before it costs the client anything), and over the client address's rate limit
 * (429), where each connection attempt counts as a request. Returns the detach.
 */
export function liveUpgrades({
  httpServer,
  path,
  wss,
  corsOrigins,
  rateLimits,
  clientAddress,
  closing,
}: {
  httpServer: Server;
  path: string;
  wss: WebSocketServer;
  corsOrigins: CorsOrigins;
  rateLimits: RateLimits;
  /** The client's address as Express sees it (TRUST_PROXY), for the per-client quota. */
  clientAddress: (request: IncomingMessage) => string | undefined;
  closing: () => boolean;
}): () => void {
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? "/", "http://gateway").pathname !== path) return socket.destroy();
    socket.on("error", () => undefined);
    if (closing()) return refuseUpgrade(socket, 503, "The gateway is shutting down");
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
  return () => httpServer.off("upgrade", onUpgrade);
}
