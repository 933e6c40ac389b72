import { Buffer } from "node:buffer";
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { SyncTokenExpiredError } from "../errors";
import { message } from "../i18n/messages";

/**
 * Delta tokens (`accessDelta`'s `nextToken` and `deltaToken`): where a sync resumes, sealed so that a client can hold
 * them but neither read, make nor change them. Text: base64url(IV, AES-256-GCM(JSON state), its tag), with a key
 * derived (HMAC-SHA256) from the database's (access_change_state.token_key, made by its migration): every gateway on
 * one database accepts what another issued, and a token of another database fails its tag. Sealed rather than only
 * signed: the state holds log positions, whose difference between two tokens would tell how much changed in every
 * enterprise meanwhile, and internal ids. The state names its viewer, so a token sent by anyone else is refused too.
 * Everything it holds is a position or an id; nothing of it reaches SQL but as a bound number.
 */

/** Where a full sync of some enterprises stands (the initial sync, or one enterprise synced again within a delta). */
export interface SnapshotPosition {
  /**
   * visible: every enterprise the viewer sees (the initial sync); one: enterprise `of`; provider: `of`, then its
   * clients; requests: the viewer's own access requests (after `visible`, when the sync is not limited to enterprises).
   */
  src: "visible" | "one" | "provider" | "requests";
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

const ivBytes = 12;
const tagBytes = 16;

function sealingKey(key: string): Buffer {
  return createHmac("sha256", Buffer.from(key, "hex")).update("accessDelta token sealing, v1", "utf8").digest();
}

export function encodeDeltaToken(key: string, state: DeltaState): string {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv("aes-256-gcm", sealingKey(key), iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(state), "utf8"), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString("base64url");
}

/** The JSON a token seals, or null when it was not sealed with this key (or altered since). */
function unseal(key: string, token: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
  const bytes = Buffer.from(token, "base64url");
  // Only the text this gateway writes: base64url has spare bits that would let two texts name one token.
  if (bytes.length <= ivBytes + tagBytes || bytes.toString("base64url") !== token) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", sealingKey(key), bytes.subarray(0, ivBytes));
    decipher.setAuthTag(bytes.subarray(bytes.length - tagBytes));
    return Buffer.concat([decipher.update(bytes.subarray(ivBytes, bytes.length - tagBytes)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

const isCount = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
const isOptionalCount = (value: unknown) => value === undefined || isCount(value);

function isSnapshot(value: unknown): value is SnapshotPosition {
  if (typeof value !== "object" || value === null) return false;
  const s = value as Record<string, unknown>;
  return (
    (s.src === "visible" || s.src === "one" || s.src === "provider" || s.src === "requests") &&
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
  if (token.length > maxTokenLength || key === "") throw expired();
  const json = unseal(key, token);
  if (json === null) throw expired();
  let state: unknown;
  try {
    state = JSON.parse(json);
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
