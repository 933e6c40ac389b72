import { GraphQLClient } from "graphql-request";
import { getSdk, type Sdk } from "./generated/sdk";
import { ConsistencyTokens } from "./consistency";
import { persistedQueryFetch } from "./persisted-fetch";
import { retryingFetch } from "./retries";

export interface CreateSdkOptions {
  /** Sent with every request: `authorization: "Bearer <token>"`, Accept-Language... A function is asked again for each request. */
  headers?: Record<string, string> | (() => Record<string, string>);
  /** Send documents by hash: "hash-only" for a gateway with TRUSTED_DOCUMENTS=only, "apq" to register them; default: the text. */
  persisted?: "hash-only" | "apq";
  /** The consistency tokens this client keeps: pass one to share it with `accessChanges`, or to read it; a new one by default. */
  consistency?: ConsistencyTokens;
  /** The fetch underneath (default: the global one). */
  fetch?: typeof fetch;
  /** Send each mutation with an `Idempotency-Key` of its own (a new crypto.randomUUID()), reused by its retries. */
  idempotencyKeys?: boolean;
  /** Send a request again after a transient failure (lost connection, 503), this many times; mutations only with `idempotencyKeys`. */
  retries?: number;
}

/**
 * The typed SDK on a gateway at `url`, reading its own writes: it sends the latest consistency token it received
 * with every request (src/client/consistency.ts), so a query right after a mutation sees the mutation's writes even
 * where the gateway reads from replicas. With `idempotencyKeys` and `retries`, a mutation whose answer was lost is sent
 * again with the same key and runs once (src/client/retries.ts).
 */
export function createSdk(
  url: string,
  { headers, persisted, consistency = new ConsistencyTokens(), fetch: base, idempotencyKeys = false, retries = 0 }: CreateSdkOptions = {},
): Sdk {
  const underneath = persisted ? persistedQueryFetch({ mode: persisted, ...(base ? { fetch: base } : {}) }) : (base ?? globalThis.fetch);
  const retrying = idempotencyKeys || retries > 0 ? retryingFetch({ fetch: underneath, idempotencyKeys, retries }) : underneath;
  return getSdk(new GraphQLClient(url, { ...(headers ? { headers } : {}), fetch: consistency.fetch(retrying) }));
}
