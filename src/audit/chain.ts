/**
 * src/audit: the evidence. Every audit event is chained to the previous event of its enterprise (README, "Access over
 * time"): its `hash` covers its content and the previous event's hash, so editing, deleting or reordering events
 * breaks the chain where it happened, and `npm run audit:verify` names that place.
 *
 * Every writer of audit events appends through `appendAuditEvents`, in the transaction of its change.
 */
import { createHash } from "node:crypto";
import { In, type EntityManager } from "typeorm";
import { AuditChainHead, AuditEvent } from "../domain/entities";
import { auditEventsAppended } from "../observe/metrics";

/** What the hash covers: every column of the event except its own id (assigned by the database after the hash) and the hash itself. */
export interface AuditEventContent {
  enterpriseId: number | null;
  at: Date;
  actorId: number | null;
  action: string;
  requestId: string | null;
  /** The stored JSON text, hashed as stored: re-serializing could change it. */
  details: string;
}

/** The version tag opens the serialization, so that a later format can be told apart from this one. */
const format = "audit-event/1";

/**
 * sha256 (hex) of the canonical serialization: the JSON array
 * `["audit-event/1", enterpriseId, at (ISO 8601, UTC, milliseconds), actorId, action, requestId, details, previousHash]`.
 * An array, not an object, so that no key order is involved; ids are the database's (numbers, or null).
 */
export function auditEventHash(content: AuditEventContent, previousHash: string | null): string {
  const canonical = JSON.stringify([
    format,
    content.enterpriseId,
    content.at.toISOString(),
    content.actorId,
    content.action,
    content.requestId,
    content.details,
    previousHash,
  ]);
  return createHash("sha256").update(canonical, "utf8").digest("hex");
}

/**
 * The chain an event belongs to: one per enterprise, and one chain for the events outside any enterprise
 * (UPDATE_MY_ACCOUNT), so that those are evidence too.
 */
export function chainOf(enterpriseId: number | null): string {
  return enterpriseId === null ? "none" : `enterprise:${enterpriseId}`;
}

/** The last event of a chain moved while this transaction held the chain's head: a writer bypassed the lock. Retried like a deadlock. */
export class AuditChainRaceError extends Error {
  readonly code = "AUDIT_CHAIN_RACE";
  constructor(chain: string) {
    super(`The head of audit chain ${chain} changed under its lock`);
  }
}

/**
 * Appends events to their chains, in the order given, inside the caller's transaction. The chain heads are locked
 * (MySQL: SELECT ... FOR UPDATE, in chain order so that two writers never wait on each other crosswise; SQLite: the
 * database's one write lock, which a deferred transaction that read a head another process has since moved cannot
 * get, SQLITE_BUSY_SNAPSHOT, retried), so that writers of one chain take turns and each reads the head its
 * predecessor committed. The head's guarded update is the backstop: it changes nothing unless the head is still what
 * was read. Returns the inserted events, chained, in order.
 */
export async function appendAuditEvents(
  em: EntityManager,
  events: readonly AuditEventContent[],
): Promise<(AuditEventContent & { previousHash: string | null; hash: string })[]> {
  if (events.length === 0) return [];
  const chains = [...new Set(events.map((e) => chainOf(e.enterpriseId)))].sort();
  const heads = await lockHeads(em, chains);
  const read = new Map(heads);
  const rows = events.map((event) => {
    const chain = chainOf(event.enterpriseId);
    const previousHash = heads.get(chain) ?? null;
    const hash = auditEventHash(event, previousHash);
    heads.set(chain, hash);
    return { ...event, previousHash, hash };
  });
  // One multi-row insert: auto-increment ids follow the rows' order, and the chain's order is its ids' order.
  await em.createQueryBuilder().insert().into(AuditEvent).values(rows).updateEntity(false).execute();
  // Counted once the transaction commits (src/database/transaction.ts): a rolled-back attempt wrote nothing.
  auditEventsAppended(em.queryRunner ?? em, rows.length);
  await moveHeads(
    em,
    chains.map((chain) => ({ chain, before: read.get(chain) ?? null, after: heads.get(chain)! })),
  );
  return rows;
}

/** The heads of `chains` (sorted), locked for the transaction; a chain seen for the first time gets its head row (last hash null). */
async function lockHeads(em: EntityManager, chains: readonly string[]): Promise<Map<string, string | null>> {
  const mysql = em.connection.options.type !== "better-sqlite3";
  const select = async (keys: readonly string[]) => {
    const query = em
      .createQueryBuilder(AuditChainHead, "h")
      .where({ chain: In(keys) })
      .orderBy("h.chain");
    return (mysql ? query.setLock("pessimistic_write") : query).getMany();
  };
  const heads = new Map((await select(chains)).map((h) => [h.chain, h.lastHash]));
  const missing = chains.filter((c) => !heads.has(c));
  if (missing.length === 0) return heads;
  try {
    await em
      .createQueryBuilder()
      .insert()
      .into(AuditChainHead)
      .values(missing.map((chain) => ({ chain, lastHash: null })))
      .updateEntity(false)
      .execute();
    for (const chain of missing) heads.set(chain, null);
  } catch (error) {
    // Another transaction created one of these heads first and has committed it (MySQL made this insert wait for
    // that; the failed statement inserted none): create the others one by one, lock and read the ones that exist.
    for (const chain of missing) {
      const [head] = await select([chain]);
      if (head) heads.set(chain, head.lastHash);
      else {
        await em.insert(AuditChainHead, { chain, lastHash: null }).catch(() => {
          throw error;
        });
        heads.set(chain, null);
      }
    }
  }
  return heads;
}

/**
 * Moves every head from `before` to `after` in one statement, guarded: a head that is no longer what this transaction
 * read is not matched, and the count says so.
 */
async function moveHeads(em: EntityManager, moves: readonly { chain: string; before: string | null; after: string }[]): Promise<void> {
  const parameters: Record<string, string> = {};
  const cases: string[] = [];
  const guards: string[] = [];
  moves.forEach(({ chain, before, after }, i) => {
    Object.assign(parameters, { [`chain${i}`]: chain, [`after${i}`]: after }, before === null ? {} : { [`before${i}`]: before });
    cases.push(`WHEN :chain${i} THEN :after${i}`);
    guards.push(`(chain = :chain${i} AND ${before === null ? "last_hash IS NULL" : `last_hash = :before${i}`})`);
  });
  const result = await em
    .createQueryBuilder()
    .update(AuditChainHead)
    .set({ lastHash: () => `CASE chain ${cases.join(" ")} END` })
    .where(guards.join(" OR "))
    .setParameters(parameters)
    .execute();
  if (result.affected !== moves.length) throw new AuditChainRaceError(moves.map((m) => m.chain).join(", "));
}
