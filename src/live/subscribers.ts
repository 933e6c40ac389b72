import type { DataSource } from "typeorm";
import type { Logger } from "pino";
import { Access, type LiveSight } from "../access/access";
import type { Clock } from "../clock";
import { primaryReader } from "../database/readers";
import type { Catalog } from "../domain/catalog";
import type { Enterprise, Person } from "../domain/entities";
import { createLoaders } from "../read/loaders";
import type { AccessChange, ChangeFeed } from "../database/change-feed";
import { Subscription } from "./subscription";

/** A viewer with live subscriptions in this process, and what they saw when last read. */
interface Subscriber {
  person: Person;
  subscriptions: Set<Subscription>;
  /** Null until read (or while a read fails): such a subscriber is judged on every change, which reads it again. */
  sight: LiveSight | null;
  /** A read of their sight is waiting for its turn: the subscriptions that arrive meanwhile need no other. */
  reading: boolean;
}

/** The people a change names as its own: whose roles it granted or ended. */
function namedIn(change: AccessChange): number[] {
  return [...(change.assignment ? [change.assignment.personId] : []), ...(change.personIds ?? [])];
}

/**
 * The live subscribers of this process, indexed by the enterprises they see (Subscription.accessChanged).
 * Each published batch is judged once per subscriber it may concern, never per subscription, and never for anyone
 * else: a change reaches the judgement of the viewers who see its enterprise, who are staff of its mandate's provider,
 * or whom it names. A viewer with no role and no mandate costs no statement per change, whatever
 * the number of their subscriptions. The judgement is the access layer's, with an access layer made for the batch
 * that reads the primary (a replica may not have the change yet): the viewer's roles as they are when the change
 * arrives. It also re-reads what the viewer sees, so the index follows their own access: a change that could alter it
 * names them, or is a mandate of a provider whose staff they are, or is in an enterprise they see.
 *
 * Batches, and the first read of a new subscriber, are handled one after the other in order of arrival: a batch is
 * routed by the index as the batches before it left it. A subscription to an enterprise ends (the client is sent
 * the change that ended it, then `complete`) once the viewer no longer sees that enterprise.
 */
/** Changes that may wait for a judgement in one process before its subscribers are told to subscribe again. */
export const maxWaitingChanges = 10_000;

export class LiveSubscribers {
  private readonly subscribers = new Map<number, Subscriber>();
  private readonly byEnterprise = new Map<number, Set<Subscriber>>();
  private readonly unread = new Set<Subscriber>();
  private listening = 0;
  private stopListening: (() => void) | null = null;
  private turn: Promise<void> = Promise.resolve();
  /** The changes of the judgement that waits for its turn (see `arrive`). */
  private waiting: AccessChange[] | null = null;

  constructor(
    private readonly options: {
      feed: ChangeFeed;
      dataSource: DataSource;
      catalog: Catalog;
      /** Each batch is judged as of the clock's now (an expired right no longer sees anything). */
      clock: Clock;
      logger: Logger;
      /** Tests set a smaller bound; `maxWaitingChanges` by default. */
      maxWaitingChanges?: number;
    },
  ) {}

  /** Subscriptions listening in this process. */
  subscriptions(): number {
    return this.listening;
  }

  /** A new subscription, listening from now on; it must be ended (`return()`) when its client goes. */
  subscribe({ viewer, enterprise }: { viewer: Person; enterprise: Enterprise | null }): Subscription {
    let subscriber = this.subscribers.get(viewer.id);
    if (!subscriber) {
      subscriber = { person: viewer, subscriptions: new Set(), sight: null, reading: false };
      this.subscribers.set(viewer.id, subscriber);
      this.unread.add(subscriber);
    }
    const known = subscriber;
    const subscription = new Subscription(enterprise, (ended) => this.remove(known, ended));
    known.subscriptions.add(subscription);
    this.listening += 1;
    // A first subscriber, or an enterprise their kept sight lacks (a change lost while Redis was down): read it again.
    if (!known.reading && (!known.sight || (enterprise && !known.sight.visible.has(enterprise.id)))) {
      known.reading = true;
      this.inTurn(() => this.read(known));
    }
    this.stopListening ??= this.options.feed.subscribe((changes) => this.arrive(changes));
    return subscription;
  }

  /**
   * A batch from the feed. While a judgement waits for its turn, the batches that arrive join it: a process that
   * falls behind judges what piled up once, not once per batch (the same enterprise and kind is told once per
   * judgement anyway). Past `maxWaitingChanges`, what waits is dropped and every subscription ends (the client is sent
   * `complete` and subscribes again, reading what it shows afresh): a client is never left believing it missed nothing.
   */
  private arrive(changes: readonly AccessChange[]): void {
    if (this.waiting) {
      if (this.waiting.length + changes.length <= (this.options.maxWaitingChanges ?? maxWaitingChanges)) {
        this.waiting.push(...changes);
        return;
      }
      this.fellBehind(this.waiting.length + changes.length);
      return;
    }
    const waiting = [...changes];
    this.waiting = waiting;
    this.inTurn(() => {
      if (this.waiting === waiting) this.waiting = null;
      return this.judge(waiting);
    });
  }

  private fellBehind(changes: number): void {
    this.waiting?.splice(0);
    this.waiting = null;
    this.options.logger.warn(
      { changes, subscriptions: this.listening },
      "live subscribers fell behind the change feed: their subscriptions end and they subscribe again",
    );
    for (const subscriber of [...this.subscribers.values()]) for (const subscription of [...subscriber.subscriptions]) subscription.end();
  }

  private inTurn(work: () => Promise<void>): void {
    this.turn = this.turn
      .then(work)
      .catch((error: unknown) => this.options.logger.error({ err: error }, "could not judge an access change for its subscribers"));
  }

  private access(person: Person): { access: Access; loaders: ReturnType<typeof createLoaders> } {
    const loaders = createLoaders(primaryReader(this.options.dataSource).manager, this.options.clock.now());
    return { access: new Access(person, loaders, this.options.catalog), loaders };
  }

  private async read(subscriber: Subscriber): Promise<void> {
    subscriber.reading = false;
    if (this.subscribers.get(subscriber.person.id) !== subscriber) return;
    const sight = await this.access(subscriber.person).access.liveSight();
    this.keep(subscriber, sight);
  }

  private async judge(changes: readonly AccessChange[]): Promise<void> {
    const concerned = new Map<Subscriber, AccessChange[]>();
    const route = (subscribers: Iterable<Subscriber>, change: AccessChange) => {
      for (const subscriber of subscribers) {
        const theirs = concerned.get(subscriber);
        if (!theirs) concerned.set(subscriber, [change]);
        else if (theirs[theirs.length - 1] !== change) theirs.push(change);
      }
    };
    for (const change of changes) {
      route(this.byEnterprise.get(change.enterpriseId) ?? [], change);
      if (change.mandate) route(this.byEnterprise.get(change.mandate.providerId) ?? [], change);
      route(
        namedIn(change).flatMap((id) => this.subscribers.get(id) ?? []),
        change,
      );
      route(this.unread, change);
    }
    await Promise.all(
      [...concerned].map(([subscriber, theirs]) =>
        this.judgeFor(subscriber, theirs).catch((error: unknown) =>
          this.options.logger.error(
            { err: error, subscriptions: subscriber.subscriptions.size },
            "could not judge an access change for a subscriber",
          ),
        ),
      ),
    );
  }

  /** One judgement for all of the viewer's subscriptions: one access layer, each change and enterprise decided once. */
  private async judgeFor(subscriber: Subscriber, changes: readonly AccessChange[]): Promise<void> {
    if (this.subscribers.get(subscriber.person.id) !== subscriber) return;
    const { access, loaders } = this.access(subscriber.person);
    const formerly = subscriber.sight;
    const sight = await access.liveSight();
    const seen = new Map<AccessChange, Promise<boolean>>();
    const sees = (change: AccessChange) => seen.get(change) ?? seen.set(change, access.seesChange(change)).get(change)!;
    const own = new Map<AccessChange, Promise<boolean>>();
    const ownRights = (change: AccessChange) => own.get(change) ?? own.set(change, access.changesOwnRights(change)).get(change)!;
    for (const subscription of [...subscriber.subscriptions]) {
      const where = subscription.enterprise;
      const lost = where !== null && !sight.visible.has(where.id);
      const told = new Set<string>();
      for (const change of changes) {
        if (where && change.enterpriseId !== where.id) continue;
        const key = `${change.enterpriseId}:${change.kind}`;
        if (told.has(key)) continue;
        const tell = (await sees(change))
          ? where !== null || (await ownRights(change))
          : lost && formerly !== null && access.seesChangeThatEndedSight(change, formerly);
        if (!tell) continue;
        // A request's expiry for an enterprise that does not exist is told to its requester alone, under the number they gave.
        const enterprise = change.enterpriseId === 0 ? null : await loaders.enterprise.load(change.enterpriseId);
        const number = enterprise?.number ?? (change.enterpriseId === 0 ? change.accessRequest?.enterpriseNumber : undefined);
        if (!number) continue;
        told.add(key);
        subscription.push({ enterprise: number, kind: change.kind, at: new Date(change.at) });
      }
      if (lost) subscription.end();
    }
    if (this.subscribers.get(subscriber.person.id) === subscriber) this.keep(subscriber, sight);
  }

  /** Indexes the subscriber by what they see now, and ends their subscriptions to an enterprise they no longer see. */
  private keep(subscriber: Subscriber, sight: LiveSight): void {
    const before = subscriber.sight?.visible ?? new Set<number>();
    for (const id of before) if (!sight.visible.has(id)) this.unindex(subscriber, id);
    for (const id of sight.visible) {
      if (before.has(id)) continue;
      let viewers = this.byEnterprise.get(id);
      if (!viewers) this.byEnterprise.set(id, (viewers = new Set()));
      viewers.add(subscriber);
    }
    subscriber.sight = sight;
    this.unread.delete(subscriber);
    for (const subscription of [...subscriber.subscriptions])
      if (subscription.enterprise && !sight.visible.has(subscription.enterprise.id)) subscription.end();
  }

  private unindex(subscriber: Subscriber, enterpriseId: number): void {
    const viewers = this.byEnterprise.get(enterpriseId);
    viewers?.delete(subscriber);
    if (viewers?.size === 0) this.byEnterprise.delete(enterpriseId);
  }

  private remove(subscriber: Subscriber, subscription: Subscription): void {
    if (!subscriber.subscriptions.delete(subscription)) return;
    this.listening -= 1;
    if (subscriber.subscriptions.size === 0 && this.subscribers.get(subscriber.person.id) === subscriber) {
      this.subscribers.delete(subscriber.person.id);
      this.unread.delete(subscriber);
      for (const id of subscriber.sight?.visible ?? []) this.unindex(subscriber, id);
    }
    // No subscription, no listener: the feed's batches then cost this process nothing at all.
    if (this.listening === 0 && this.stopListening) {
      this.stopListening();
      this.stopListening = null;
    }
  }
}
