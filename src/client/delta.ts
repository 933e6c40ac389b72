import type { AccessDeltaQuery, AccessDeltaQueryVariables } from "./generated/operations";
import type { Sdk } from "./generated/sdk";
import { hasError } from "./errors";

/** One item of a delta, as the `AccessDelta` operation reads it. */
export type AccessDeltaChange = AccessDeltaQuery["accessDelta"]["changes"][number];

export interface DrainedDelta {
  /** Every change of the delta (or every item of a full sync), in the order the pages gave them. */
  changes: AccessDeltaChange[];
  /** Keep it, and pass it as `token` next time to get what changed since. */
  deltaToken: string;
  /** How many pages it took. */
  pages: number;
}

/**
 * Drains one delta (Microsoft Graph's pattern: follow `nextToken` until `deltaToken`): without `token`, a full sync of
 * what the caller sees (of `enterprises` when given); with one, the changes since. Apply the changes in order: a
 * removal marker of kind ENTERPRISE drops everything held under that enterprise, and the items after it list it again.
 * An `AccessRequest` item is one of the caller's own requests, filed under the enterprise number they gave (which they
 * may not see): keep it apart from the enterprises.
 * A change may come twice (items carry their whole current state: apply idempotently). When the gateway answers
 * SYNC_TOKEN_EXPIRED (`isSyncTokenExpired`), start over without a token and replace what you hold.
 */
export async function drainAccessDelta(
  sdk: Pick<Sdk, "AccessDelta">,
  { token = null, enterprises, first }: { token?: string | null; enterprises?: string[]; first?: number } = {},
): Promise<DrainedDelta> {
  const changes: AccessDeltaChange[] = [];
  let next: string | null = token;
  for (let pages = 1; ; pages++) {
    const variables: AccessDeltaQueryVariables = {
      token: next,
      ...(enterprises ? { enterprises } : {}),
      ...(first === undefined ? {} : { first }),
    };
    const { accessDelta } = await sdk.AccessDelta(variables);
    changes.push(...accessDelta.changes);
    if (accessDelta.deltaToken) return { changes, deltaToken: accessDelta.deltaToken, pages };
    if (!accessDelta.nextToken) throw new Error("accessDelta answered a page with neither nextToken nor deltaToken");
    next = accessDelta.nextToken;
  }
}

/** The gateway refused a delta token (expired, pruned, altered, another caller's or gateway's): start over without one. */
export const isSyncTokenExpired = (error: unknown): boolean => hasError(error, "SYNC_TOKEN_EXPIRED");
