import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import type { TestGateway } from "./gateway";

/** The subscription as a client writes it. */
export const accessChanged = `subscription ($enterprise: EnterpriseNumber) { accessChanged(enterprise: $enterprise) { enterprise kind at } }`;

export interface Event {
  enterprise: string;
  kind: string;
  at: string;
}

/** Generous: a change should reach its subscribers within 1 s; the machine is shared and slow, so the bound only catches a change never delivered. */
export const deliveryBoundMs = 5_000;
/** How long a subscriber is watched for what must not reach it, after the positive control on the same timeline has arrived. */
export const quietMs = 500;

export interface Subscriber {
  client: Client;
  events: (Event & { receivedAt: number })[];
  errors: unknown[];
  /** The close event, once the socket closed. */
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves when the server completes the subscription (graphql-ws `complete`), with the events received before it. */
  completed: Promise<Event[]>;
  next(predicate?: (e: Event) => boolean, timeoutMs?: number): Promise<Event & { receivedAt: number }>;
  dispose(): Promise<void>;
}

/** A graphql-ws client (with the `ws` implementation) subscribed to accessChanged, recording what it receives. */
export function subscribe(
  gw: TestGateway,
  token: string | null,
  enterprise?: string,
  connectionParams?: Record<string, unknown>,
): Subscriber {
  const events: Subscriber["events"] = [];
  const errors: unknown[] = [];
  let closedWith!: (event: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (closedWith = resolve));
  let completedWith!: (events: Event[]) => void;
  const completed = new Promise<Event[]>((resolve) => (completedWith = resolve));
  const waiters: (() => void)[] = [];
  const client = createClient({
    url: gw.url.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: connectionParams ?? (token ? { authorization: `Bearer ${token}` } : {}),
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        closedWith({ code, reason });
      },
    },
    onNonLazyError: () => undefined,
  });
  client.subscribe<{ accessChanged: Event }>(
    { query: accessChanged, variables: enterprise ? { enterprise } : {} },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        if (result.data) events.push({ ...result.data.accessChanged, receivedAt: Date.now() });
        for (const wake of waiters.splice(0)) wake();
      },
      error: (error) => {
        errors.push(error);
        for (const wake of waiters.splice(0)) wake();
      },
      complete: () => completedWith(events.map(({ enterprise: e, kind, at }) => ({ enterprise: e, kind, at }))),
    },
  );
  return {
    client,
    events,
    errors,
    closed,
    completed,
    async next(predicate = () => true, timeoutMs = deliveryBoundMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(predicate);
        if (found) return found;
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`no event within ${timeoutMs} ms; received ${JSON.stringify(events)}, errors ${JSON.stringify(errors)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    dispose: () => client.dispose() as Promise<void>,
  };
}

/** Waits until the gateway's process has exactly this many subscriptions listening (one starts, or ends, after its message is read). */
export async function listening(gw: TestGateway, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (gw.gateway.live.subscriptions() !== count) {
    if (Date.now() > deadline) throw new Error(`${gw.gateway.live.subscriptions()} subscriptions listening, expected ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const quiet = () => new Promise((resolve) => setTimeout(resolve, quietMs));

/** Resolves with the promise's value, or with `timedOut` once `ms` have passed. */
export async function within<T, U>(promise: Promise<T>, ms: number, timedOut: U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<U>((resolve) => (timer = setTimeout(() => resolve(timedOut), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
