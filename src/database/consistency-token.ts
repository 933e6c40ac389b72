/**
 * Consistency tokens (read-your-writes across replicas, as SpiceDB's "at least as fresh" or Zanzibar's zookie): a
 * mutation's answer names the state its writes committed, and a request that sends the token back is answered from a
 * state at least that fresh (src/database/fresh-reads.ts). Two kinds, as text:
 * - `gtid:D-S-N[,D-S-N...]`: a MariaDB GTID position (`@@gtid_binlog_pos` read in the action's session right after its
 *   COMMIT: one GTID per replication domain, domain and server ids below 2^32, sequence numbers below 2^64). A replica
 *   that has applied it (`MASTER_GTID_WAIT`) has every write the mutation made, and everything committed before it.
 * - `latest`: a state that no position names. Every read on SQLite already sees it (one file, each read the last
 *   committed state: the token asks for nothing there); on a MySQL (Oracle) server, or a MariaDB server without a
 *   binary log, it sends the request's reads to the primary when replicas are configured.
 * Clients treat a token as opaque and send back the latest they received. Parsing is strict, so that nothing a client
 * sends reaches SQL but digits, dashes and commas, and those only as a bound parameter.
 */
import type { DataSource, EntityManager } from "typeorm";
import { dialectOf } from "./dialect";

export interface Gtid {
  domain: number;
  server: number;
  sequence: bigint;
}

export type ConsistencyToken = { kind: "gtid"; gtids: readonly Gtid[] } | { kind: "latest" };

export const latestState: ConsistencyToken = { kind: "latest" };

/** The longest token accepted: far more domains than any topology has. */
const maxTokenLength = 1024;
const maxDomains = 32;
const maxId = 2 ** 32 - 1;
const maxSequence = 2n ** 64n - 1n;
const gtidPattern = /^(0|[1-9]\d{0,9})-(0|[1-9]\d{0,9})-(0|[1-9]\d{0,19})$/;

/**
 * A token as a client sent it back, or null when it is not one this gateway issues (malformed, out of range, a domain
 * named twice, too long).
 */
export function parseConsistencyToken(text: string): ConsistencyToken | null {
  if (text.length > maxTokenLength) return null;
  if (text === "latest") return latestState;
  if (!text.startsWith("gtid:")) return null;
  const parts = text.slice("gtid:".length).split(",");
  if (parts.length > maxDomains) return null;
  const gtids = parts.map(parseGtid);
  if (gtids.some((gtid) => gtid === null)) return null;
  const known = gtids as Gtid[];
  if (new Set(known.map((gtid) => gtid.domain)).size !== known.length) return null;
  return { kind: "gtid", gtids: known };
}

function parseGtid(text: string): Gtid | null {
  const match = gtidPattern.exec(text);
  if (!match) return null;
  const [domain, server, sequence] = [Number(match[1]), Number(match[2]), BigInt(match[3])];
  if (domain > maxId || server > maxId || sequence > maxSequence) return null;
  return { domain, server, sequence };
}

/** The token's text, as a client receives it (domains in order). */
export function formatConsistencyToken(token: ConsistencyToken): string {
  if (token.kind === "latest") return "latest";
  return `gtid:${formatPosition(token.gtids)}`;
}

/** A GTID position as MariaDB writes it (`0-1-100,1-2-7`), for MASTER_GTID_WAIT. */
export function formatPosition(gtids: readonly Gtid[]): string {
  return [...gtids]
    .sort((a, b) => a.domain - b.domain)
    .map(({ domain, server, sequence }) => `${domain}-${server}-${sequence}`)
    .join(",");
}

/**
 * The state of both tokens: per domain the higher sequence number (within a domain they grow with every commit under
 * gtid_strict_mode), and `latest` when either is.
 */
export function mergeConsistencyTokens(a: ConsistencyToken | null, b: ConsistencyToken): ConsistencyToken {
  if (a === null) return b;
  if (a.kind === "latest" || b.kind === "latest") return latestState;
  const byDomain = new Map(a.gtids.map((gtid) => [gtid.domain, gtid]));
  for (const gtid of b.gtids) {
    const known = byDomain.get(gtid.domain);
    if (!known || known.sequence < gtid.sequence) byDomain.set(gtid.domain, gtid);
  }
  return { kind: "gtid", gtids: [...byDomain.values()].sort((x, y) => x.domain - y.domain) };
}

/**
 * The state a transaction just committed, read in its own session right after the COMMIT: MariaDB's
 * `@@gtid_binlog_pos` (the last GTID of each domain in the binary log, this transaction's among them). `latest` where
 * no position names it: SQLite, a MySQL (Oracle) server, a MariaDB server without a binary log (empty position).
 */
export async function committedState(manager: EntityManager, dataSource: DataSource): Promise<ConsistencyToken> {
  if (dialectOf(dataSource) !== "mysql" || dataSource.options.type !== "mariadb") return latestState;
  const rows = (await manager.query("SELECT @@gtid_binlog_pos AS position")) as { position: string | null }[];
  const position = rows[0]?.position ?? "";
  return (position === "" ? null : parseConsistencyToken(`gtid:${position}`)) ?? latestState;
}
