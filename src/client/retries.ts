/**
 * Safe retries (docs/clients.md, "Safe retries"): a fetch that sends each mutation with an `Idempotency-Key` of its own
 * and sends a request again, with the same key, after a transient failure: the connection lost before the answer came,
 * or a 503 (the database unavailable, a timeout, a COMMIT whose outcome is unknown). With the key, the gateway runs the
 * mutation once whatever happened to the first answer; without one, a mutation is never sent twice.
 */
export const idempotencyKeyHeader = "Idempotency-Key";

export interface RetryOptions {
  /** The fetch underneath (default: the global one). */
  fetch?: typeof fetch;
  /** Send a new `Idempotency-Key` (crypto.randomUUID()) with each mutation; its retries reuse it. Default: false. */
  idempotencyKeys?: boolean;
  /** How many times a request is sent again after a transient failure (a mutation only with `idempotencyKeys`). Default: 0. */
  retries?: number;
  /** The longest pause before a retry, in ms, whatever `Retry-After` asks. Default: 5000. */
  maxPauseMs?: number;
}

export function retryingFetch({
  fetch: base = globalThis.fetch,
  idempotencyKeys = false,
  retries = 0,
  maxPauseMs = 5_000,
}: RetryOptions = {}): typeof fetch {
  return async (input, init) => {
    const mutation = typeof init?.body === "string" && isMutation(init.body);
    const headers = new Headers(init?.headers);
    if (mutation && idempotencyKeys && !headers.has(idempotencyKeyHeader))
      headers.set(idempotencyKeyHeader, globalThis.crypto.randomUUID());
    const retried = mutation && !headers.has(idempotencyKeyHeader) ? 0 : retries;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await base(input, { ...init, headers });
      } catch (error) {
        if (attempt >= retried || init?.signal?.aborted) throw error;
        await pause(Math.min(maxPauseMs, 100 * (attempt + 1)));
        continue;
      }
      if (response.status !== 503 || attempt >= retried) return response;
      const retryAfter = Number(response.headers.get("retry-after"));
      await pause(Math.min(maxPauseMs, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 100 * (attempt + 1)));
    }
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a JSON request body's document is a mutation: its first operation keyword, after comments and whitespace. */
function isMutation(body: string): boolean {
  try {
    const { query } = JSON.parse(body) as { query?: unknown };
    return typeof query === "string" && /^(?:\s|,|#[^\n\r]*)*mutation\b/.test(query);
  } catch {
    return false;
  }
}
