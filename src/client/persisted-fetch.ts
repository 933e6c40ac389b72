/**
 * A `fetch` for graphql-request that sends the sha256 of each document instead of its text (Apollo's persisted
 * query protocol, `extensions.persistedQuery`). "hash-only" is for a gateway with TRUSTED_DOCUMENTS=only: the
 * documents of the generated SDK are in its manifest. "apq" sends the text once more when the gateway does not know
 * the hash yet (PERSISTED_QUERY_NOT_FOUND), which registers it. Runs wherever WebCrypto does (Node 20, browsers).
 */
export function persistedQueryFetch({
  mode = "hash-only",
  fetch: base = globalThis.fetch,
}: { mode?: "hash-only" | "apq"; fetch?: typeof fetch } = {}): typeof fetch {
  return async (input, init) => {
    const request = typeof init?.body === "string" ? parseOperation(init.body) : null;
    if (!request) return base(input, init);
    const { query, ...rest } = request;
    const persistedQuery = { version: 1, sha256Hash: await sha256Hex(query) };
    const byHash = await base(input, { ...init, body: JSON.stringify({ ...rest, extensions: { ...rest.extensions, persistedQuery } }) });
    if (mode === "hash-only" || !(await isPersistedQueryNotFound(byHash))) return byHash;
    return base(input, { ...init, body: JSON.stringify({ ...request, extensions: { ...rest.extensions, persistedQuery } }) });
  };
}

interface Operation {
  query: string;
  extensions?: Record<string, unknown>;
  [key: string]: unknown;
}

function parseOperation(body: string): Operation | null {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === "object" && parsed !== null && "query" in parsed && typeof parsed.query === "string"
      ? (parsed as Operation)
      : null;
  } catch {
    return null;
  }
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function isPersistedQueryNotFound(response: Response): Promise<boolean> {
  try {
    const body = (await response.clone().json()) as { errors?: { extensions?: { code?: string } }[] };
    return body.errors?.some((e) => e.extensions?.code === "PERSISTED_QUERY_NOT_FOUND") ?? false;
  } catch {
    return false;
  }
}
