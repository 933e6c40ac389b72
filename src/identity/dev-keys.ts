import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from "jose";

export const devIssuer = "urn:secure-access:development";
export const devAudience = "secure-access-gateway";
export const devAlgorithm = "ES256";

export interface DevKeys {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

/**
 * The development signing key: generated once and kept in a file (mode 0600) beside the embedded database, so that
 * tokens printed by `npm run token` stay valid across restarts. Never used when AUTH_* variables are set.
 */
export async function loadOrCreateDevKeys(file: string): Promise<DevKeys> {
  if (!existsSync(file)) {
    const { privateKey } = await generateKeyPair(devAlgorithm, { extractable: true });
    const jwk = await exportJWK(privateKey);
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, JSON.stringify({ ...jwk, alg: devAlgorithm }, null, 2), { mode: 0o600, flag: "wx" });
    } catch (error) {
      // Another process created it first: use theirs, so every process signs with one key.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  const jwk = JSON.parse(readFileSync(file, "utf8")) as JWK;
  const { d: _private, ...publicJwk } = jwk;
  return {
    privateKey: (await importJWK(jwk, devAlgorithm)) as CryptoKey,
    publicKey: (await importJWK(publicJwk, devAlgorithm)) as CryptoKey,
  };
}
