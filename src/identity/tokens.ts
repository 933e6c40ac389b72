import { createHash } from "node:crypto";
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { UnauthenticatedError, type UnauthenticatedReason } from "../errors";
import { parseName, parseSsin } from "../domain/identifiers";
import { devAlgorithm, devAudience, devIssuer, type DevKeys } from "./dev-keys";

export { signDevToken } from "./dev-keys";
import { message, type Message } from "../i18n/messages";

/** What the gateway takes from a verified token. */
export interface Identity {
  ssin: string;
  givenName: string | null;
  familyName: string | null;
  /**
   * The instant (ms since the epoch) from which the token is refused: its `exp` plus the clock tolerance. Every
   * transport holds a token to it: HTTP verifies each request's token, the WebSocket closes its connection then.
   */
  validUntil: number;
}

/**
 * `clockToleranceSeconds` (TOKEN_CLOCK_TOLERANCE): how far the gateway's clock and the token issuer's may disagree; a
 * token is accepted this long after its `exp` (and before its `nbf`), on HTTP and WebSocket alike (`validUntil`).
 */
export type IdentityConfig = { clockToleranceSeconds: number } & (
  { mode: "development"; keys: DevKeys } | { mode: "oidc"; issuer: string; audience: string; jwksUrl: string; algorithms?: string[] }
);

export interface TokenVerifier {
  mode: IdentityConfig["mode"];
  verify(token: string): Promise<Identity>;
}

/** What jose throws for a token that is expired, forged, malformed, or not meant for this gateway. */
const tokenProblems = [
  errors.JWTExpired,
  errors.JWTClaimValidationFailed,
  errors.JWTInvalid,
  errors.JWSInvalid,
  errors.JWSSignatureVerificationFailed,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
  errors.JWKSNoMatchingKey,
  errors.JWKSMultipleMatchingKeys,
];

const oidcAlgorithms = ["RS256", "PS256", "ES256", "EdDSA"];

/** A name claim as the model stores names: trimmed, at most 100 characters, no control characters; else absent. */
const claim = (payload: JWTPayload, name: string): string | null => {
  const value = payload[name];
  if (typeof value !== "string") return null;
  const checked = parseName(value.trim().slice(0, 100));
  return checked.ok ? checked.value : null;
};

/**
 * A development token whose signature this gateway's key refuses, and that names another key (or none: tokens signed
 * before keys had ids): most likely printed for another database, whose key file is another. A token altered after
 * this gateway signed it names this gateway's key, and is merely invalid.
 */
function signedByAnotherDevKey(token: string, keys: DevKeys): boolean {
  try {
    return decodeJwt(token).iss === devIssuer && decodeProtectedHeader(token).kid !== keys.keyId;
  } catch {
    return false;
  }
}

/**
 * What the client is told: which claim is wrong where that helps (an expired token, one that never expires, a
 * development token of another database), no more.
 */
function refusal(error: unknown, token: string, config: IdentityConfig): { reason: UnauthenticatedReason; localized: Message } {
  if (error instanceof errors.JWTExpired) return { reason: "TOKEN_EXPIRED", localized: message("auth.tokenExpired") };
  // jose checks `exp` only when present; a token without one would be good for ever, once leaked.
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === "exp") {
    return { reason: "TOKEN_INVALID", localized: message("auth.tokenWithoutExpiry") };
  }
  if (
    error instanceof errors.JWSSignatureVerificationFailed &&
    config.mode === "development" &&
    signedByAnotherDevKey(token, config.keys)
  ) {
    return { reason: "TOKEN_INVALID", localized: message("auth.devTokenOfAnotherDatabase") };
  }
  return { reason: "TOKEN_INVALID", localized: message("auth.tokenInvalid") };
}

/** How long a verified token is trusted without checking its signature again, at most (and never past its `exp`). */
const verifiedForMs = 60_000;
/** The most verified tokens kept: beyond it, the least recently used is checked again when it comes back. */
const maxVerifiedTokens = 10_000;

/**
 * Verified tokens by a SHA-256 of the whole token (signature included, so a token altered anywhere is a miss), least
 * recently used first. Verifying a signature costs more than the rest of a small query; a token comes back with every
 * request of its holder. Only successes are kept: a refused token is verified, and refused, every time.
 */
class VerifiedTokens {
  private readonly entries = new Map<string, { identity: Identity; until: number }>();

  get(key: string): Identity | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (Date.now() >= entry.until) return undefined;
    this.entries.set(key, entry);
    return entry.identity;
  }

  set(key: string, identity: Identity): void {
    const until = Math.min(Date.now() + verifiedForMs, identity.validUntil);
    if (until <= Date.now()) return;
    if (this.entries.size >= maxVerifiedTokens) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { identity, until });
  }
}

export function createTokenVerifier(config: IdentityConfig): TokenVerifier {
  const verified = new VerifiedTokens();
  const clockTolerance = config.clockToleranceSeconds;
  const key: JWTVerifyGetKey | DevKeys["publicKey"] =
    config.mode === "development"
      ? config.keys.publicKey
      : createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: 30_000, timeoutDuration: 5_000 });
  const options =
    config.mode === "development"
      ? {
          issuer: devIssuer,
          audience: devAudience,
          algorithms: [devAlgorithm],
          clockTolerance,
          requiredClaims: ["exp"],
        }
      : {
          issuer: config.issuer,
          audience: config.audience,
          algorithms: config.algorithms ?? oidcAlgorithms,
          clockTolerance,
          requiredClaims: ["exp"],
        };
  return {
    mode: config.mode,
    async verify(token) {
      const cacheKey = createHash("sha256").update(token).digest("base64");
      const known = verified.get(cacheKey);
      if (known) return known;
      let payload: JWTPayload;
      try {
        ({ payload } = typeof key === "function" ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options));
      } catch (error) {
        // The caller's fault gets UNAUTHENTICATED; anything else (the key set unreachable, or not a key set) is the
        // gateway's trouble: it is masked and logged, and a client keeps a token that may well be good.
        if (!tokenProblems.some((problem) => error instanceof problem)) throw error;
        const { reason, localized } = refusal(error, token, config);
        throw new UnauthenticatedError(reason, localized);
      }
      const ssin = parseSsin(typeof payload.sub === "string" ? payload.sub : "");
      if (!ssin.ok) throw new UnauthenticatedError("SUBJECT_INVALID");
      const identity: Identity = Object.freeze({
        ssin: ssin.value,
        givenName: claim(payload, "given_name"),
        familyName: claim(payload, "family_name"),
        // `exp` is required (requiredClaims), so it is a number here.
        validUntil: (payload.exp! + clockTolerance) * 1000,
      });
      verified.set(cacheKey, identity);
      return identity;
    },
  };
}
