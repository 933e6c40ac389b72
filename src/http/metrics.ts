import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { DataSource } from "typeorm";
import { sample } from "../observe/metrics";
import type { EnterpriseCache } from "../read/enterprise-cache";

type Scrape = () => Promise<{ contentType: string; text: string }>;

/** GET /metrics answers the scrape; anything else 404, so that the listener reveals nothing else. */
export function metricsHandler(scrape: Scrape): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found\n");
      return;
    }
    scrape().then(
      ({ contentType, text }) => res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" }).end(text),
      () => res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "retry-after": "1" }).end("Metrics unavailable\n"),
    );
  };
}

/**
 * The metrics' own listener (METRICS_HOST, METRICS_PORT): one route, /metrics. Resolves once it listens, with its
 * URL and what closes it.
 */
export async function metricsServer({
  host,
  port,
  scrape,
}: {
  host: string;
  port: number;
  scrape: Scrape;
}): Promise<{ url: string; server: Server; stop(): Promise<void> }> {
  const server = createServer(metricsHandler(scrape));
  await new Promise<void>((resolve, reject) => {
    const refused = (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === "EADDRINUSE"
            ? `${host}:${port} is already in use: set METRICS_PORT to another port`
            : `Cannot listen for metrics on ${host}:${port}: ${error.message}`,
        ),
      );
    server.once("error", refused);
    server.listen(port, host, () => {
      server.off("error", refused);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/metrics`,
    server,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What a mysql2 pool holds (its own fields: mysql2 has no API for them). */
interface Mysql2Pool {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
}

/**
 * The gauges and counters read at each scrape from one gateway's parts: its kept enterprise read models and its
 * primary's MySQL/MariaDB pool (SQLite has one connection and no pool). Returns what removes them when it stops.
 */
export function sampleGateway({
  dataSource,
  enterpriseCache,
}: {
  dataSource: DataSource;
  enterpriseCache: EnterpriseCache | null;
}): () => void {
  const removers: (() => void)[] = [];
  if (enterpriseCache) {
    removers.push(
      sample("gateway_read_model_hits_total", () => enterpriseCache.stats.hits),
      sample("gateway_read_model_misses_total", () => enterpriseCache.stats.misses),
      sample("gateway_read_model_evictions_total", () => enterpriseCache.stats.evicted),
      sample("gateway_read_model_rows", () => enterpriseCache.size.rows),
      sample("gateway_read_model_bytes", () => enterpriseCache.size.bytes),
      sample("gateway_read_models", () => enterpriseCache.size.models),
    );
  }
  const pool = (dataSource.driver as { pool?: Mysql2Pool }).pool;
  if (pool && pool._allConnections && pool._freeConnections && pool._connectionQueue) {
    const all = pool._allConnections;
    const free = pool._freeConnections;
    const queue = pool._connectionQueue;
    removers.push(
      sample("gateway_database_pool_connections_in_use", () => all.length - free.length),
      sample("gateway_database_pool_connections_idle", () => free.length),
      sample("gateway_database_pool_waiting", () => queue.length),
    );
  }
  return () => {
    for (const remove of removers) remove();
  };
}
