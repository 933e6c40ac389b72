import { print } from "graphql";
import type { ConsistencyTokens } from "./consistency";
import { AccessChangedDocument, type AccessChangedSubscription, type AccessChangedSubscriptionVariables } from "./generated/operations";

/**
 * What `accessChanges` needs of a graphql-ws client (`createClient` of graphql-ws 6, created with the gateway's URL
 * as ws:// or wss:// and `connectionParams: { authorization: "Bearer <token>" }`): its `iterate`.
 */
export interface LiveClient {
  iterate(request: {
    query: string;
    variables?: Record<string, unknown> | null;
    extensions?: Record<string, unknown> | null;
  }): AsyncIterableIterator<{ data?: unknown; errors?: readonly unknown[] }>;
}

/** A subscription refused or failed: the GraphQL errors the gateway sent (code in each one's `extensions`). */
export class LiveChangesError extends Error {
  constructor(readonly errors: readonly unknown[]) {
    super(`The gateway refused the subscription: ${errors.map((e) => (e as { message?: string }).message ?? String(e)).join("; ")}`);
  }
}

/**
 * The events of `Subscription.accessChanged`, one per change: `for await (const change of accessChanges(client, {
 * enterprise }))`. Ends when the client completes or the socket closes; a refusal (NOT_FOUND, UNAUTHENTICATED) is
 * thrown as LiveChangesError. Breaking out of the loop unsubscribes. With `consistency` (the SDK's, shared), the
 * subscription sends its latest token: what it reads when it starts has the client's own writes.
 */
export async function* accessChanges(
  client: LiveClient,
  variables: AccessChangedSubscriptionVariables = {},
  { consistency }: { consistency?: ConsistencyTokens } = {},
): AsyncGenerator<AccessChangedSubscription["accessChanged"]> {
  const extensions = consistency?.extensions();
  for await (const result of client.iterate({ query: print(AccessChangedDocument), variables, ...(extensions ? { extensions } : {}) })) {
    if (result.errors && result.errors.length > 0) throw new LiveChangesError(result.errors);
    const data = result.data as AccessChangedSubscription | null | undefined;
    if (data) yield data.accessChanged;
  }
}
