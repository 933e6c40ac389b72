/**
 * Where a request that sent a consistency token back reads (src/database/consistency-token.ts): the replicas when
 * they have applied the token's position, else the primary. A request without a token reads where it always did.
 */
import type { DataSource } from "typeorm";
import { formatPosition, parseConsistencyToken, type ConsistencyToken, type Gtid } from "./consistency-token";
import { primaryReader, requestReader } from "./readers";
import { replicaPools, type ReplicaPool } from "./replica-pools";

/** What a replica's answer to the wait may take beyond the wait itself before the replica counts as behind. */
const answerGraceMs = 1_000;

/**
 * How long what a replica was seen to have applied is taken as known without asking it again. A replica's applied
 * position only grows; it goes back only when the replica is rebuilt from an older copy, which takes it away for far
 * longer than this. Within it, a token the replica is known to have reached costs no statement (a client sends its
 * latest token with every request).
 */
const knownForMs = 1_000;

export interface FreshReadsOptions {
  dataSource: DataSource;
  /**
   * How long a replica may take to reach a token's position before the request reads the primary instead
   * (CONSISTENCY_TOKEN_WAIT_MS): MariaDB's MASTER_GTID_WAIT with this bound.
   */
  waitMs: number;
}

/** The data source a request reads from outside transactions (as src/database/readers.ts's requestReader), given its token. */
export type FreshReads = (token: ConsistencyToken | null) => Promise<DataSource>;

/**
 * Without replicas (SQLite, one MySQL server) every read is of the latest committed state: the token asks for nothing
 * more. With replicas, a `gtid:` token is met by the replicas when every one of them has applied its position within
 * `waitMs` (reads outside transactions go to any of them in turn, so one behind would do), and a `latest` token never.
 * Any failure of the wait (a replica unreachable, its answer late, an account that may not wait) sends the request to
 * the primary: it is never answered from a state older than its token.
 */
export function freshReads({ dataSource, waitMs }: FreshReadsOptions): FreshReads {
  const replicas = replicaPools(dataSource).map((pool) => ({ pool, known: new AppliedPosition() }));
  const replicated = requestReader(dataSource);
  const primary = primaryReader(dataSource);
  return async (token) => {
    if (token === null || replicas.length === 0) return replicated;
    if (token.kind === "latest") return primary;
    const reached = await Promise.all(
      replicas.map(({ pool, known }) => known.covers(token.gtids) || hasApplied(pool, token.gtids, waitMs, known)),
    );
    return reached.every(Boolean) ? replicated : primary;
  };
}

/** What one replica was last seen to have applied, per replication domain, and when. */
class AppliedPosition {
  private readonly sequences = new Map<number, bigint>();
  private seenAt = -Infinity;

  covers(gtids: readonly Gtid[]): boolean {
    if (Date.now() - this.seenAt > knownForMs) return false;
    return gtids.every(({ domain, sequence }) => (this.sequences.get(domain) ?? -1n) >= sequence);
  }

  learn(gtids: readonly Gtid[]): void {
    for (const { domain, sequence } of gtids) if ((this.sequences.get(domain) ?? -1n) < sequence) this.sequences.set(domain, sequence);
    this.seenAt = Date.now();
  }
}

/**
 * Whether the replica has applied `gtids`, waiting for them at most `waitMs`: MASTER_GTID_WAIT answers 0, or -1 when
 * its bound passes first. Once reached, what the replica has applied (`@@gtid_slave_pos`, at least as far) is known.
 */
async function hasApplied(replica: ReplicaPool, gtids: readonly Gtid[], waitMs: number, known: AppliedPosition): Promise<boolean> {
  let connection;
  try {
    connection = await replica.connect();
  } catch {
    return false;
  }
  const late = setTimeout(() => connection.abandon(), waitMs + answerGraceMs);
  try {
    const rows = (await connection.query("SELECT MASTER_GTID_WAIT(?, ?) AS reached, @@gtid_slave_pos AS applied", [
      formatPosition(gtids),
      waitMs / 1000,
    ])) as { reached: unknown; applied: unknown }[];
    if (Number(rows[0]?.reached) !== 0) return false;
    const applied = typeof rows[0].applied === "string" ? parseConsistencyToken(`gtid:${rows[0].applied}`) : null;
    known.learn(applied?.kind === "gtid" ? [...gtids, ...applied.gtids] : gtids);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(late);
    connection.release();
  }
}
