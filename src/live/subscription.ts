import type { Catalog } from "../model/catalog";
import type { Clock } from "../clock";
import { Access } from "../access/access";
import { primaryReader } from "../database/data-source";
import type { Enterprise, Person } from "../model/entities";
import { createLoaders } from "../model/loaders";
import type { DataSource } from "typeorm";
import type { AccessChange, ChangeFeed } from "./changes";
import type { AccessChangeEvent } from "../model/types/access-change.type";

/** Events waiting for a subscriber that reads slower than changes come: beyond it, the oldest are dropped. */
const maxQueued = 100;

/**
 * The events of one subscription, as an async iterator for graphql-js `subscribe`. Each published batch is judged with
 * an access layer made for it, reading the primary (a replica may not have the change yet): the viewer's roles as
 * they are when the change arrives. One event per enterprise and kind of a batch (an action that ends five
 * assignments is one ASSIGNMENT event). `return()` (the client completes, the socket closes) unsubscribes at once,
 * even while the subscriber waits for the next event.
 */
export function accessChangeEvents({
  feed,
  dataSource,
  catalog,
  clock,
  viewer,
  enterprise,
  onError,
}: {
  feed: ChangeFeed;
  dataSource: DataSource;
  catalog: Catalog;
  /** Each batch is judged as of the clock's now (an expired right no longer sees anything). */
  clock: Clock;
  viewer: Person;
  /** Only this enterprise's changes; without it, the changes of the viewer's own rights anywhere. */
  enterprise: Enterprise | null;
  onError: (error: unknown) => void;
}): AsyncIterableIterator<AccessChangeEvent> {
  const queued: AccessChangeEvent[] = [];
  const waiting: ((result: IteratorResult<AccessChangeEvent>) => void)[] = [];
  let done = false;
  let judging: Promise<void> = Promise.resolve();

  const push = (event: AccessChangeEvent) => {
    const next = waiting.shift();
    if (next) return next({ value: event, done: false });
    queued.push(event);
    if (queued.length > maxQueued) queued.shift();
  };

  const judge = async (changes: readonly AccessChange[]) => {
    const relevant = enterprise ? changes.filter((c) => c.enterpriseId === enterprise.id) : changes;
    if (relevant.length === 0 || done) return;
    const loaders = createLoaders(primaryReader(dataSource).manager, clock.now());
    const access = new Access(viewer, loaders, catalog);
    const told = new Set<string>();
    for (const change of relevant) {
      const key = `${change.enterpriseId}:${change.kind}`;
      if (told.has(key)) continue;
      if (!(await access.seesChange(change))) continue;
      if (!enterprise && !(await access.changesOwnRights(change))) continue;
      const where = await loaders.enterprise.load(change.enterpriseId);
      if (!where || done) continue;
      told.add(key);
      push({ enterprise: where.number, kind: change.kind, at: new Date(change.at) });
    }
  };

  const unsubscribe = feed.subscribe((changes) => {
    // In order of arrival; a failed judgement (the database gone) loses that batch for this subscriber, logged.
    judging = judging.then(() => judge(changes)).catch(onError);
  });

  const finish = (): Promise<IteratorResult<AccessChangeEvent>> => {
    if (!done) {
      done = true;
      unsubscribe();
      queued.length = 0;
      for (const resolve of waiting.splice(0)) resolve({ value: undefined, done: true });
    }
    return Promise.resolve({ value: undefined, done: true });
  };

  return {
    next() {
      if (queued.length > 0) return Promise.resolve({ value: queued.shift()!, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => waiting.push(resolve));
    },
    return: finish,
    throw(error?: unknown) {
      void finish();
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
