import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from "jose";

export const devIssuer = "urn:secure-access:development";
export const devAudience = "secure-access-gateway";
export const devAlgorithm = "ES256";

export interface DevKeys {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /**
   * The key's JWK thumbprint (RFC 7638), the `kid` of every token it signs: a token whose `kid` is another names a key
   * of another database (each embedded database has its own key file), which the gateway says in so many words.
   */
  keyId: string;
}

function readKeyFile(file: string): JWK | null {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/**
 * Puts a new key in place, or leaves the one another process put there first. The key is written whole to a
 * temporary file in the same folder and then linked to its name: link(2) is atomic and refuses an existing name,
 * so a reader never sees a half-written file (several workers start at once on a fresh machine) and exactly one
 * process's key wins.
 */
async function createKeyFile(file: string): Promise<void> {
  const { privateKey } = await generateKeyPair(devAlgorithm, { extractable: true });
  const jwk = await exportJWK(privateKey);
  mkdirSync(dirname(file), { recursive: true });
  const temporary = join(dirname(file), `.${randomBytes(8).toString("hex")}.tmp`);
  writeFileSync(temporary, JSON.stringify({ ...jwk, alg: devAlgorithm }, null, 2), { mode: 0o600, flag: "wx" });
  try {
    linkSync(temporary, file);
  } catch (error) {
    // Another process linked its key first: every process signs with that one.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(temporary);
  }
}

/**
 * The development signing key: generated once and kept in a file (mode 0600) beside the embedded database, so that
 * tokens printed by `npm run token` stay valid across restarts. Never used when AUTH_* variables are set.
 */
export async function loadOrCreateDevKeys(file: string): Promise<DevKeys> {
  let jwk = readKeyFile(file);
  if (!jwk) {
    await createKeyFile(file);
    jwk = readKeyFile(file)!;
  }
  const { d: _private, ...publicJwk } = jwk;
  return {
    privateKey: (await importJWK(jwk, devAlgorithm)) as CryptoKey,
    publicKey: (await importJWK(publicJwk, devAlgorithm)) as CryptoKey,
    keyId: await calculateJwkThumbprint(publicJwk),
  };
}

/**
 * Signs a development token (`npm run token`, the playground's "Act as", the tests); `expiresIn` is a span ("12h") or
 * the instant of `exp` in seconds since the epoch.
 */
export async function signDevToken(
  keys: DevKeys,
  {
    ssin,
    givenName,
    familyName,
    expiresIn = "12h",
  }: { ssin: string; givenName?: string; familyName?: string; expiresIn?: string | number },
): Promise<string> {
  return new SignJWT({ ...(givenName ? { given_name: givenName } : {}), ...(familyName ? { family_name: familyName } : {}) })
    .setProtectedHeader({ alg: devAlgorithm, typ: "JWT", kid: keys.keyId })
    .setSubject(ssin)
    .setIssuer(devIssuer)
    .setAudience(devAudience)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(keys.privateKey);
}
