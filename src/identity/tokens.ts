import { createHash } from "node:crypto";
import { SignJWT, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { UnauthenticatedError, type UnauthenticatedReason } from "../errors";
import { parseName, parseSsin } from "../domain/identifiers";
import { devAlgorithm, devAudience, devIssuer, type DevKeys } from "./dev-keys";
import { message, type Message } from "../i18n/messages";

/** What the gateway takes from a verified token. */
export interface Identity {
  ssin: string;
  givenName: string | null;
  familyName: string | null;
}

export type IdentityConfig =
  { mode: "development"; keys: DevKeys } | { mode: "oidc"; issuer: string; audience: string; jwksUrl: string; algorithms?: string[] };

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
const clockToleranceSeconds = 30;

/** A name claim as the model stores names: trimmed, at most 100 characters, no control characters; else absent. */
const claim = (payload: JWTPayload, name: string): string | null => {
  const value = payload[name];
  if (typeof value !== "string") return null;
  const checked = parseName(value.trim().slice(0, 100));
  return checked.ok ? checked.value : null;
};

/** What the client is told: which claim is wrong where that helps (an expired token, one that never expires), no more. */
function refusal(error: unknown): { reason: UnauthenticatedReason; localized: Message } {
  if (error instanceof errors.JWTExpired) return { reason: "TOKEN_EXPIRED", localized: message("auth.tokenExpired") };
  // jose checks `exp` only when present; a token without one would be good for ever, once leaked.
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === "exp") {
    return { reason: "TOKEN_INVALID", localized: message("auth.tokenWithoutExpiry") };
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

  set(key: string, identity: Identity, expiresAtSeconds: number): void {
    const until = Math.min(Date.now() + verifiedForMs, expiresAtSeconds * 1000);
    if (until <= Date.now()) return;
    if (this.entries.size >= maxVerifiedTokens) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { identity, until });
  }
}

export function createTokenVerifier(config: IdentityConfig): TokenVerifier {
  const verified = new VerifiedTokens();
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
          clockTolerance: clockToleranceSeconds,
          requiredClaims: ["exp"],
        }
      : {
          issuer: config.issuer,
          audience: config.audience,
          algorithms: config.algorithms ?? oidcAlgorithms,
          clockTolerance: clockToleranceSeconds,
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
        const { reason, localized } = refusal(error);
        throw new UnauthenticatedError(reason, localized);
      }
      const ssin = parseSsin(typeof payload.sub === "string" ? payload.sub : "");
      if (!ssin.ok) throw new UnauthenticatedError("SUBJECT_INVALID");
      const identity: Identity = Object.freeze({
        ssin: ssin.value,
        givenName: claim(payload, "given_name"),
        familyName: claim(payload, "family_name"),
      });
      // `exp` is required (requiredClaims), so it is a number here.
      verified.set(cacheKey, identity, payload.exp!);
      return identity;
    },
  };
}

/** Signs a development token for `npm run token` and the tests. */
export async function signDevToken(
  keys: DevKeys,
  { ssin, givenName, familyName, expiresIn = "12h" }: { ssin: string; givenName?: string; familyName?: string; expiresIn?: string },
): Promise<string> {
  return new SignJWT({ ...(givenName ? { given_name: givenName } : {}), ...(familyName ? { family_name: familyName } : {}) })
    .setProtectedHeader({ alg: devAlgorithm, typ: "JWT" })
    .setSubject(ssin)
    .setIssuer(devIssuer)
    .setAudience(devAudience)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(keys.privateKey);
}
