/**
 * The stored answers of mutations sent with an `Idempotency-Key` (the table `idempotent_request`), by viewer and key.
 * A row is claimed at the start of the transaction that makes the change and holds the answer by the time it commits,
 * so that whenever the change committed, its answer did too: a retry after a lost answer finds it, on any instance.
 * The claim is also what lets two requests with the same key run once: the second one's INSERT waits for the first
 * one's row lock (InnoDB; on SQLite the process's write turn), then meets its committed row and replays it, or claims
 * the key itself when the first one rolled back. What is stored may hold personal data of the answer: it is read only
 * for the same viewer and key, and pruned once expired (docs/security.md).
 */
import { createHash } from "node:crypto";
import type { EntityManager } from "typeorm";
import { isUniqueViolation } from "./driver-errors";

/** A stored request: what it was (the hash of its body) and, once its change committed, its answer. */
export interface StoredRequest {
  requestHash: string;
  status: number | null;
  /** The answer's JSON (`data` and `errors`), as the viewer received it before the per-request extensions. */
  answer: string | null;
  /** The consistency token of the commit, when it could be read after it; absent, a replay carries `latest`. */
  consistencyToken: string | null;
}

/** Where a key is kept: the viewer's, by the key's SHA-256 (a client's key of any printable text fits the index). */
export interface KeyPlace {
  viewerId: number;
  key: string;
}

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

interface Row {
  request_hash: string;
  status: number | string | null;
  answer: string | null;
  consistency_token: string | null;
}

const toStored = (row: Row): StoredRequest => ({
  requestHash: row.request_hash,
  status: row.status === null ? null : Number(row.status),
  answer: row.answer,
  consistencyToken: row.consistency_token,
});

/** The row of this viewer's key that has not expired at `now`, or null. */
export async function storedRequest(em: EntityManager, { viewerId, key }: KeyPlace, now: Date): Promise<StoredRequest | null> {
  const rows = (await em.query(
    "SELECT request_hash, status, answer, consistency_token FROM idempotent_request WHERE viewer_id = ? AND key_hash = ? AND expires_at > ?",
    [viewerId, sha256(key), now.getTime()],
  )) as Row[];
  return rows[0] ? toStored(rows[0]) : null;
}

/**
 * Claims the key for the transaction `em` (its first write): the viewer's expired rows go first, so that an expired key
 * is claimed afresh. Null when claimed; the stored request when another transaction holds the key, once that one has
 * committed (the INSERT waits for it).
 */
export async function claimKey(
  em: EntityManager,
  place: KeyPlace,
  { requestHash, now, expiresAt }: { requestHash: string; now: Date; expiresAt: Date },
): Promise<StoredRequest | null> {
  await em.query("DELETE FROM idempotent_request WHERE viewer_id = ? AND expires_at <= ?", [place.viewerId, now.getTime()]);
  try {
    await em.query("INSERT INTO idempotent_request (viewer_id, key_hash, request_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)", [
      place.viewerId,
      sha256(place.key),
      requestHash,
      now.getTime(),
      expiresAt.getTime(),
    ]);
    return null;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // The statement failed, not the transaction: the row that won is committed, and READ COMMITTED reads it.
    const stored = await storedRequest(em, place, new Date(0));
    if (!stored) throw error;
    return stored;
  }
}

/** Writes the answer into the claimed row, in the transaction that claimed it, before its COMMIT. */
export async function saveAnswer(em: EntityManager, { viewerId, key }: KeyPlace, { status, answer }: { status: number; answer: string }) {
  await em.query("UPDATE idempotent_request SET status = ?, answer = ? WHERE viewer_id = ? AND key_hash = ?", [
    status,
    answer,
    viewerId,
    sha256(key),
  ]);
}

/** Adds the commit's consistency token, known only once it committed (a statement of its own). */
export async function saveConsistencyToken(em: EntityManager, { viewerId, key }: KeyPlace, token: string): Promise<void> {
  await em.query("UPDATE idempotent_request SET consistency_token = ? WHERE viewer_id = ? AND key_hash = ?", [
    token,
    viewerId,
    sha256(key),
  ]);
}

/** Deletes every row expired at `now`; returns how many. */
export async function pruneIdempotentRequests(em: EntityManager, now: Date): Promise<number> {
  const result = (await em.query("DELETE FROM idempotent_request WHERE expires_at <= ?", [now.getTime()])) as unknown;
  return affectedRows(result);
}

/** mysql2 answers a DELETE with `{ affectedRows }`; TypeORM's SQLite driver with `[rows, changes]` or the rows alone. */
function affectedRows(result: unknown): number {
  if (Array.isArray(result) && typeof result[1] === "number") return result[1];
  const affected = (result as { affectedRows?: unknown } | null)?.affectedRows;
  return typeof affected === "number" ? affected : 0;
}
