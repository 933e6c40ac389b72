/**
 * Reading your own writes through a gateway with read replicas: every answer of a request that committed something
 * carries a consistency token (the `Consistency-Token` header, and `extensions.consistencyToken`); a request that sends
 * the latest one back is answered from a state that has those writes. `ConsistencyTokens` keeps the latest token of one
 * client (one person's session) and sends it with every request: `createSdk` does it for you.
 */
export const consistencyTokenHeader = "Consistency-Token";

/**
 * The latest consistency token one client received, sent back with each of its requests. Tokens of concurrent
 * mutations may arrive out of order: the one kept names every write of both (per replication domain the later
 * position), so an older answer arriving last never makes the client forget a newer write.
 */
export class ConsistencyTokens {
  private token: string | null = null;

  /** The token to send, null before the client's first committed write. */
  get latest(): string | null {
    return this.token;
  }

  /** Keeps a token received (from an answer's header or `extensions.consistencyToken`); null and undefined are ignored. */
  remember(token: string | null | undefined): void {
    if (token === null || token === undefined || token === "") return;
    this.token = this.token === null ? token : freshest(this.token, token);
  }

  /**
   * A fetch (for graphql-request's `fetch` option, or any GraphQL client's) that sends the latest token with every
   * request and keeps the one each answer brings. Wrap the fetch you would use otherwise (persistedQueryFetch, say).
   */
  fetch(base: typeof fetch = globalThis.fetch): typeof fetch {
    return async (input, init) => {
      const headers = new Headers(init?.headers);
      if (this.token !== null) headers.set(consistencyTokenHeader, this.token);
      const response = await base(input, { ...init, headers });
      this.remember(response.headers.get(consistencyTokenHeader));
      return response;
    };
  }

  /** For a subscription (`accessChanges`): the extensions that carry the latest token, if any. */
  extensions(): { consistencyToken: string } | undefined {
    return this.token === null ? undefined : { consistencyToken: this.token };
  }
}

type Position = Map<number, { gtid: string; sequence: bigint }>;

/** `gtid:D-S-N,...` per domain; null for any other token (the gateway's `latest`, or a kind this client does not know). */
function position(token: string): Position | null {
  if (!token.startsWith("gtid:")) return null;
  const byDomain: Position = new Map();
  for (const gtid of token.slice("gtid:".length).split(",")) {
    const match = /^(\d+)-(\d+)-(\d+)$/.exec(gtid);
    if (!match) return null;
    byDomain.set(Number(match[1]), { gtid, sequence: BigInt(match[3]) });
  }
  return byDomain;
}

/** The token that names both states: `latest` where either is, the later position per domain, else the newer token. */
function freshest(kept: string, received: string): string {
  if (kept === "latest" || received === "latest") return "latest";
  const a = position(kept);
  const b = position(received);
  if (!a || !b) return received;
  for (const [domain, gtid] of b) {
    const known = a.get(domain);
    if (!known || known.sequence < gtid.sequence) a.set(domain, gtid);
  }
  return `gtid:${[...a.entries()]
    .sort(([x], [y]) => x - y)
    .map(([, { gtid }]) => gtid)
    .join(",")}`;
}
