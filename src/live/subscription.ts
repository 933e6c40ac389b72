import type { Enterprise } from "../domain/entities";
import type { AccessChangeEvent } from "../graphql/types/access-change.type";
import { countSubscriptionEvent, subscriptionClosed, subscriptionOpened } from "../observe/metrics";

/** Events waiting for a subscriber that reads slower than changes come: beyond it, the oldest are dropped. */
const maxQueued = 100;

/**
 * The events of one subscription, as the async iterator graphql-js `subscribe` reads. The index of live subscribers
 * (subscribers.ts) pushes what the viewer may learn, and ends the subscription when the viewer's sight of its
 * enterprise ends: the events already pushed are read first, then the client is sent `complete`. `return()` (the
 * client completes, the socket closes) ends it at once, even while the subscriber waits for the next event.
 */
export class Subscription implements AsyncIterableIterator<AccessChangeEvent> {
  private readonly queued: AccessChangeEvent[] = [];
  private readonly waiting: ((result: IteratorResult<AccessChangeEvent>) => void)[] = [];
  /** No event is pushed any more; the queued ones are still read. */
  private ended = false;

  constructor(
    /** Only this enterprise's changes; without it, the changes of the viewer's own rights anywhere. */
    readonly enterprise: Enterprise | null,
    /** Called once, when the subscription stops listening (ended by the index, or by the client). */
    private readonly onEnd: (subscription: Subscription) => void,
  ) {
    subscriptionOpened();
  }

  push(event: AccessChangeEvent): void {
    if (this.ended) return;
    countSubscriptionEvent();
    const next = this.waiting.shift();
    if (next) return next({ value: event, done: false });
    this.queued.push(event);
    if (this.queued.length > maxQueued) this.queued.shift();
  }

  /** Stops listening; the client reads what was pushed, then `complete`. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    subscriptionClosed();
    this.onEnd(this);
    for (const resolve of this.waiting.splice(0)) resolve({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<AccessChangeEvent>> {
    if (this.queued.length > 0) return Promise.resolve({ value: this.queued.shift()!, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  return(): Promise<IteratorResult<AccessChangeEvent>> {
    this.queued.length = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<AccessChangeEvent>> {
    void this.return();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
