import { Buffer } from "node:buffer";
import { createHmac, timingSafeEqual } from "node:crypto";
import { SyncTokenExpiredError } from "../errors";
import { message } from "../i18n/messages";

/**
 * Delta tokens (`accessDelta`'s `nextToken` and `deltaToken`): where a sync resumes, signed so that a client can hold
 * them but not make or change them. Text: `base64url(JSON state) "." base64url(HMAC-SHA256(key, JSON state))`, the
 * key being the database's (access_change_state.token_key, made by its migration): every gateway on one database
 * accepts what another issued, and a token of another database fails its signature. The state names its viewer, so a
 * token sent by anyone else is refused too. Everything it holds is a position or an id; nothing of it reaches SQL
 * but as a bound number.
 */

/** Where a full sync of some enterprises stands (the initial sync, or one enterprise synced again within a delta). */
export interface SnapshotPosition {
  /** visible: every enterprise the viewer sees (the initial sync); one: enterprise `of`; provider: `of`, then its clients. */
  src: "visible" | "one" | "provider";
  of: number;
  /** The enterprise being listed (null: none yet). */
  e: number | null;
  /** Its stage (the removal marker, its own rows, mandates as client, as provider, role assignments) and where in it. */
  stage: number;
  after: number;
  /** The instant of the change that started it (ISO 8601); null in the initial sync. */
  at: string | null;
}

export interface DeltaState {
  /** The viewer the token belongs to. */
  v: number;
  /** The enterprises the sync is limited to (ids), or null: all the viewer sees. */
  en: number[] | null;
  /** When the token was issued (ms since 1970, the gateway's clock). */
  t: number;
  /** The log position every change at or below which has been delivered. */
  f: number;
  /** While a delta is paged: the settled position and the ceiling taken at its first page, and the last entry read. */
  s?: number;
  c?: number;
  k?: number;
  /** A full sync under way (the initial sync, or an enterprise synced again). */
  snap?: SnapshotPosition;
}

const maxTokenLength = 4096;

const expired = () => new SyncTokenExpiredError(message("sync.tokenExpired"));

function signature(key: string, payload: string): Buffer {
  return createHmac("sha256", Buffer.from(key, "hex")).update(payload, "utf8").digest();
}

export function encodeDeltaToken(key: string, state: DeltaState): string {
  const payload = Buffer.from(JSON.stringify(state), "utf8").toString("base64url");
  return `${payload}.${signature(key, payload).toString("base64url")}`;
}

const isCount = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
const isOptionalCount = (value: unknown) => value === undefined || isCount(value);

function isSnapshot(value: unknown): value is SnapshotPosition {
  if (typeof value !== "object" || value === null) return false;
  const s = value as Record<string, unknown>;
  return (
    (s.src === "visible" || s.src === "one" || s.src === "provider") &&
    isCount(s.of) &&
    (s.e === null || isCount(s.e)) &&
    isCount(s.stage) &&
    isCount(s.after) &&
    (s.at === null || (typeof s.at === "string" && !Number.isNaN(Date.parse(s.at))))
  );
}

/**
 * The state of a token this database's gateways issued to `viewer`, not older than `retentionMs` at `now`; otherwise
 * SYNC_TOKEN_EXPIRED (malformed, altered, signed with another key, another viewer's, too old: the client starts over).
 */
export function decodeDeltaToken(
  key: string,
  token: string,
  { viewer, now, retentionMs }: { viewer: number; now: Date; retentionMs: number },
): DeltaState {
  if (token.length > maxTokenLength) throw expired();
  const [payload, signed, ...rest] = token.split(".");
  if (!payload || !signed || rest.length > 0 || key === "") throw expired();
  const given = Buffer.from(signed, "base64url");
  const expected = signature(key, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw expired();
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    throw expired();
  }
  const s = state as Record<string, unknown>;
  const valid =
    typeof state === "object" &&
    state !== null &&
    isCount(s.v) &&
    (s.en === null || (Array.isArray(s.en) && s.en.every(isCount))) &&
    isCount(s.t) &&
    isCount(s.f) &&
    isOptionalCount(s.s) &&
    isOptionalCount(s.c) &&
    isOptionalCount(s.k) &&
    (s.snap === undefined || isSnapshot(s.snap));
  if (!valid) throw expired();
  const decoded = state as DeltaState;
  if (decoded.v !== viewer || now.getTime() - decoded.t > retentionMs) throw expired();
  return decoded;
}

/** Thrown where a token is refused for what the log no longer holds (pruned past its position). */
export const syncTokenExpired = expired;
