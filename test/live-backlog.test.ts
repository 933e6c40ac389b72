import { systemClock } from "../src/clock";
import type { AccessChange, ChangeFeed, ChangeListener } from "../src/database/change-feed";
import { Enterprise } from "../src/domain/entities";
import { LiveSubscribers } from "../src/live/subscribers";
import type { Subscription } from "../src/live/subscription";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { captureLogs } from "./support/logs";
import type { SeededEnterprise } from "./support/seed";

/**
 * The index of live subscribers when the change feed outpaces it: the batches that arrive while a judgement waits for
 * its turn join that judgement, and past the bound every subscription ends instead of a queue growing without end.
 * The feed here hands batches over synchronously, so that several arrive before the first judgement starts, as they
 * do from Redis when a process falls behind; the database, the access layer and the judgement are the real ones.
 */
function manualFeed(logger: ChangeFeed["logger"]): ChangeFeed & { deliver(changes: AccessChange[]): void } {
  const listeners = new Set<ChangeListener>();
  return {
    transport: "process",
    logger,
    publish: () => undefined,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    subscribers: () => listeners.size,
    close: async () => undefined,
    deliver: (changes) => listeners.forEach((listener) => listener(changes)),
  };
}

/** The next event of a subscription, or "complete", or "nothing" when none comes within the bound. */
async function nextOf(subscription: Subscription, ms = 5_000): Promise<string> {
  const timeout = new Promise<string>((resolve) => setTimeout(() => resolve("nothing"), ms).unref());
  const next = subscription.next().then((result) => (result.done ? "complete" : `${result.value.enterprise} ${result.value.kind}`));
  return Promise.race([next, timeout]);
}

describeEachDatabase("live subscribers that fall behind the feed", (dialect) => {
  let gw: TestGateway;
  let first: SeededEnterprise;
  let second: SeededEnterprise;

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    first = await gw.seed.enterprise().build();
    second = await gw.seed.enterprise().build();
  });
  afterAll(() => gw?.stop());

  const start = (maxWaitingChanges?: number) => {
    const logs = captureLogs("warn");
    const feed = manualFeed(logs.logger);
    const subscribers = new LiveSubscribers({
      feed,
      dataSource: gw.dataSource,
      catalog: gw.catalog,
      clock: systemClock,
      logger: logs.logger,
      maxWaitingChanges,
    });
    return { feed, subscribers, logs };
  };
  const change = (enterprise: SeededEnterprise, kind: AccessChange["kind"] = "STATUS"): AccessChange => ({
    enterpriseId: enterprise.id,
    kind,
    at: new Date().toISOString(),
  });

  it("tells each change of the batches that piled up, and only those the subscription asked for", async () => {
    const viewer = await gw.seed.person(first.legalRepresentative);
    const { feed, subscribers } = start();
    const enterprise = await gw.dataSource.getRepository(Enterprise).findOneByOrFail({ id: first.id });
    const subscription = subscribers.subscribe({ viewer, enterprise });
    await new Promise((resolve) => setTimeout(resolve, 200));
    feed.deliver([change(first, "STATUS")]);
    feed.deliver([change(first, "EBOX")]);
    feed.deliver([change(second, "STATUS")]);
    feed.deliver([change(first, "CAPACITY")]);
    const told = [await nextOf(subscription), await nextOf(subscription), await nextOf(subscription)];
    expect(told).toEqual([`${first.number} STATUS`, `${first.number} EBOX`, `${first.number} CAPACITY`]);
    expect(await nextOf(subscription, 500)).toBe("nothing");
    subscription.end();
    expect(subscribers.subscriptions()).toBe(0);
  });

  it("ends every subscription, and keeps nothing waiting, when more changes wait than the bound", async () => {
    const viewer = await gw.seed.person(first.legalRepresentative);
    const { feed, subscribers, logs } = start(3);
    const enterprise = await gw.dataSource.getRepository(Enterprise).findOneByOrFail({ id: first.id });
    const subscription = subscribers.subscribe({ viewer, enterprise });
    const ownRights = subscribers.subscribe({ viewer, enterprise: null });
    await new Promise((resolve) => setTimeout(resolve, 200));
    feed.deliver([change(first, "STATUS"), change(first, "EBOX")]);
    feed.deliver([change(first, "CAPACITY")]);
    feed.deliver([change(first, "ASSIGNMENT")]);
    expect(await nextOf(subscription)).toBe("complete");
    expect(await nextOf(ownRights)).toBe("complete");
    expect(subscribers.subscriptions()).toBe(0);
    expect(logs.lines()).toEqual([
      expect.objectContaining({ msg: expect.stringContaining("fell behind the change feed"), changes: 4, subscriptions: 2 }),
    ]);
    // What waited was dropped: a new subscription hears only what comes after it.
    const again = subscribers.subscribe({ viewer, enterprise });
    await new Promise((resolve) => setTimeout(resolve, 200));
    feed.deliver([change(first, "STATUS")]);
    expect(await nextOf(again)).toBe(`${first.number} STATUS`);
    expect(await nextOf(again, 500)).toBe("nothing");
    again.end();
  });
});
