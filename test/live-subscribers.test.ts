import { createClient, type Client } from "graphql-ws";
import { gql } from "graphql-request";
import WebSocket from "ws";
import { requestReader } from "../src/database/readers";
import { ServiceProviderMandate } from "../src/domain/entities";
import { sweepExpiredRights } from "../src/management/sweep-expired-rights";
import { TestClock } from "./support/clock";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { ssin } from "./support/identities";
import { accessChanged, listening, quiet, subscribe, within, type Subscriber } from "./support/live";
import { describeWithRedis, testRedisUrl, uniqueRedisPrefix } from "./support/redis";

const m = {
  activateCapacity: gql`
    mutation ($e: EnterpriseNumber!, $c: String!) {
      activateCapacity(enterprise: $e, capacity: $c) {
        status
      }
    }
  `,
  activateEBox: gql`
    mutation ($e: EnterpriseNumber!) {
      activateEBox(input: { enterprise: $e, notificationEmail: "ebox@example.be" }) {
        status
      }
    }
  `,
  addUser: gql`
    mutation ($input: AddUserInput!) {
      addUser(input: $input) {
        id
      }
    }
  `,
  removeUser: gql`
    mutation ($a: ID!) {
      removeUser(assignment: $a) {
        id
      }
    }
  `,
  endMandate: gql`
    mutation ($m: ID!) {
      endServiceProviderMandate(mandate: $m) {
        status
      }
    }
  `,
  appointProvider: gql`
    mutation ($input: AppointServiceProviderInput!) {
      appointServiceProvider(input: $input) {
        id
      }
    }
  `,
  deleteAccess: gql`
    mutation ($input: DeleteEnterpriseAccessInput!) {
      deleteEnterpriseAccess(input: $input) {
        status
      }
    }
  `,
};

/** A graphql-ws connection, and how its initialisation ended: acknowledged, or closed with a code and reason. */
function connect(
  gw: TestGateway,
  token: string,
): { client: Client; outcome: Promise<"acknowledged" | { code: number; reason: string }>; dispose(): Promise<void> } {
  let settle!: (outcome: "acknowledged" | { code: number; reason: string }) => void;
  const outcome = new Promise<"acknowledged" | { code: number; reason: string }>((resolve) => (settle = resolve));
  const client = createClient({
    url: gw.url.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}` },
    on: {
      connected: () => settle("acknowledged"),
      closed: (event) => settle({ code: (event as { code: number }).code, reason: (event as { reason: string }).reason }),
    },
    onNonLazyError: () => undefined,
  });
  return { client, outcome, dispose: () => client.dispose() as Promise<void> };
}

/** Subscribes on an open connection; resolves with the refusal's errors, or "listening" when none came within the wait. */
function trySubscribe(client: Client, variables: Record<string, unknown> = {}, waitMs = 1_500): Promise<unknown> {
  return within(
    new Promise<unknown>((resolve) =>
      client.subscribe({ query: accessChanged, variables }, { next: () => undefined, error: resolve, complete: () => resolve("complete") }),
    ),
    waitMs,
    "listening",
  );
}

/** Counts the SQL statements the gateway sends while `work` runs (on SQLite, through either connection). */
async function statementsDuring(gw: TestGateway, work: () => Promise<void>): Promise<number> {
  const spies = [...new Set([gw.dataSource, requestReader(gw.dataSource)].map((d) => d.logger))].map((logger) =>
    jest.spyOn(logger, "logQuery"),
  );
  try {
    await work();
    return spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

describeEachDatabase("what a live subscriber costs (Subscription.accessChanged)", (dialect) => {
  describeWithRedis("a gateway holding the subscriptions, another making the changes", () => {
    let a: TestGateway;
    let b: TestGateway;
    const open: { dispose(): unknown }[] = [];
    const track = <T extends { dispose(): unknown }>(s: T) => (open.push(s), s);

    beforeAll(async () => {
      const prefix = uniqueRedisPrefix();
      a = await startTestGateway(dialect, { REDIS_URL: testRedisUrl, REDIS_PREFIX: prefix });
      b = await startTestGateway(
        dialect,
        { REDIS_URL: testRedisUrl, REDIS_PREFIX: prefix, DEV_KEY_FILE: a.config.devKeyFile },
        { database: a.database },
      );
    });
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.dispose()));
      await listening(a, 0);
    });
    afterAll(async () => {
      await b?.stop();
      await a?.stop();
    });

    it("refuses a viewer's sixth connection with 4429, and their twenty-first subscription across connections with BAD_REQUEST", async () => {
      const token = await a.token(ssin());
      const connections = Array.from({ length: 5 }, () => track(connect(a, token)));
      expect(await Promise.all(connections.map((c) => c.outcome))).toEqual(Array(5).fill("acknowledged"));
      const sixth = track(connect(a, token));
      expect(await sixth.outcome).toEqual({ code: 4429, reason: expect.stringMatching(/at most 5 connections/) });
      // Another viewer is not counted with them.
      expect(await track(connect(a, await a.token(ssin()))).outcome).toBe("acknowledged");

      for (const { client } of connections)
        for (let i = 0; i < 4; i++)
          client.subscribe({ query: accessChanged }, { next: () => undefined, error: () => undefined, complete: () => undefined });
      await listening(a, 20);
      const refused = await trySubscribe(connections[2].client);
      expect(refused).toEqual([
        expect.objectContaining({
          extensions: expect.objectContaining({
            code: "BAD_REQUEST",
            messageKey: "live.tooManySubscriptionsPerViewer",
            params: { max: 20 },
          }),
        }),
      ]);
      await listening(a, 20);

      // A connection closed makes room for another.
      await connections[0].client.dispose();
      await listening(a, 16);
      expect(await track(connect(a, token)).outcome).toBe("acknowledged");
    });

    it("costs no SQL statement for five changes that cannot concern a person with no role, however many subscriptions they hold", async () => {
      const e = await a.seed.enterprise().withMainAccessManager().active().build();
      const control = track(subscribe(b, await b.token(e.legalRepresentative), e.number));
      const attacker = await a.token(ssin());
      // The attack as found: 90 sockets of 20 subscriptions each; the caps let a few of them through.
      const accepted: Client[] = [];
      const received: unknown[] = [];
      let listeningCount = 0;
      const setUp = await statementsDuring(a, async () => {
        const sockets = Array.from({ length: 90 }, () => track(connect(a, attacker)));
        for (const socket of sockets) if ((await socket.outcome) === "acknowledged") accepted.push(socket.client);
        const outcomes = await Promise.all(
          accepted.flatMap((client) =>
            Array.from({ length: 20 }, () =>
              within(
                new Promise<unknown>((resolve) =>
                  client.subscribe(
                    { query: accessChanged },
                    { next: (r: unknown) => received.push(r), error: resolve, complete: () => resolve("complete") },
                  ),
                ),
                1_500,
                "listening",
              ),
            ),
          ),
        );
        listeningCount = outcomes.filter((o) => o === "listening").length;
        await listening(a, listeningCount);
      });
      await listening(b, 1);
      console.log(
        `[${dialect}] the attack: ${accepted.length} of 90 sockets accepted, ${listeningCount} of ${accepted.length * 20} subscriptions listening, ${setUp} SQL statements to set it up`,
      );

      const main = await b.client(e.mainAccessManager!);
      const statements = await statementsDuring(a, async () => {
        await main.request(m.activateCapacity, { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF" });
        await (await b.client(e.legalRepresentative)).request(m.activateEBox, { e: e.number });
        let lastSent = 0;
        for (let i = 0; i < 3; i++) {
          lastSent = Date.now();
          await main.request(m.addUser, {
            input: {
              enterprise: e.number,
              capacity: "EMPLOYER_NSSO",
              onlineServices: ["DIMONA"],
              person: { ssin: ssin(), givenName: "New", familyName: `User ${i}` },
            },
          });
        }
        // The positive control, on the other gateway, heard of the last change (by its instant: changes judged together
        // under load are told once per enterprise and kind, so counting events would wait for ever); then a while for
        // this gateway to judge.
        await control.next((x) => x.kind === "ASSIGNMENT" && Date.parse(x.at) >= lastSent);
        await quiet();
        await quiet();
      });
      console.log(`[${dialect}] SQL statements on the subscribers' gateway for the five changes: ${statements}`);
      expect(statements).toBeLessThanOrEqual(5);
      expect(received).toEqual([]);
    }, 120_000);

    it("judges a change once for all of a viewer's subscriptions: twenty cost the statements of one", async () => {
      const e = await a.seed.enterprise().withMainAccessManager().active().build();
      const { client } = track(connect(a, await a.token(e.legalRepresentative)));
      const received: number[] = [];
      const listen = () => {
        const index = received.push(0) - 1;
        client.subscribe(
          { query: accessChanged, variables: { enterprise: e.number } },
          { next: () => void (received[index] += 1), error: () => undefined, complete: () => undefined },
        );
      };
      const main = await b.client(e.mainAccessManager!);
      const addUser = () =>
        main.request(m.addUser, {
          input: {
            enterprise: e.number,
            capacity: "EMPLOYER_NSSO",
            onlineServices: ["DIMONA"],
            person: { ssin: ssin(), givenName: "New", familyName: "User" },
          },
        });
      /** The statements this gateway sends while every subscription hears of one change. */
      const statementsOfOneChange = (heard: number) =>
        statementsDuring(a, async () => {
          await addUser();
          for (let waited = 0; !received.every((n) => n === heard); waited += 20) {
            if (waited > 5_000) throw new Error(`events received: ${JSON.stringify(received)}`);
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        });

      listen();
      await listening(a, 1);
      const one = await statementsOfOneChange(1);
      for (let i = 1; i < 20; i++) listen();
      await listening(a, 20);
      received.fill(1);
      const twenty = await statementsOfOneChange(2);
      console.log(`[${dialect}] statements to judge one change: ${one} for one subscription, ${twenty} for twenty of the same viewer`);
      expect(one).toBeGreaterThan(0);
      expect(twenty).toBe(one);
    });

    it("tells a provider's staff member subscribed to a client that the mandate ended, then completes the subscription", async () => {
      const provider = await a.seed
        .enterprise()
        .withMainAccessManager()
        .active()
        .withCapacity("SOCIAL_SERVICE_PROVIDER")
        .withUser("SOCIAL_SERVICE_PROVIDER", ["DIMONA"])
        .build();
      const client = await a.seed.enterprise().withMainAccessManager().active().withServiceProvider(provider, "EMPLOYER_NSSO").build();
      const staff = track(subscribe(a, await a.token(provider.users[0].ssin), client.number));
      const own = track(subscribe(a, await a.token(provider.users[0].ssin)));
      await listening(a, 2);
      const mandate = await b.dataSource
        .getRepository(ServiceProviderMandate)
        .findOneByOrFail({ clientId: client.id, providerId: provider.id, status: "ACTIVE" });
      await (await b.client(client.legalRepresentative)).request(m.endMandate, { m: String(mandate.id) });
      expect(await within(staff.completed, 5_000, "still open")).toEqual([
        { enterprise: client.display, kind: "MANDATE", at: expect.any(String) },
      ]);
      // Without an enterprise, the staff member's own rights: they hear of it on both sides and stay subscribed.
      await own.next((x) => x.enterprise === provider.display);
      await listening(a, 1);
      expect(staff.errors).toEqual([]);
    });

    it("completes a staff member's subscription to a client when their role at the provider ends, telling the change on their own subscription", async () => {
      const provider = await a.seed
        .enterprise()
        .withMainAccessManager()
        .active()
        .withCapacity("SOCIAL_SERVICE_PROVIDER")
        .withUser("SOCIAL_SERVICE_PROVIDER", ["DIMONA"])
        .build();
      const client = await a.seed.enterprise().withMainAccessManager().active().withServiceProvider(provider, "EMPLOYER_NSSO").build();
      const token = await a.token(provider.users[0].ssin);
      const staff = track(subscribe(a, token, client.number));
      const own = track(subscribe(a, token));
      await listening(a, 2);
      await (await b.client(provider.mainAccessManager!)).request(m.removeUser, { a: String(provider.users[0].assignmentId) });
      // The client's subscription hears only of the client: the change was the provider's.
      expect(await within(staff.completed, 5_000, "still open")).toEqual([]);
      expect(await own.next()).toMatchObject({ enterprise: provider.display, kind: "ASSIGNMENT" });
      await listening(a, 1);
    });

    it("ends a subscription to an enterprise with the subscriber's sight of it: their role removed, its access deleted", async () => {
      const e = await a.seed
        .enterprise()
        .withMainAccessManager()
        .active()
        .withUser("EMPLOYER_NSSO", ["DIMONA"])
        .withUser("EMPLOYER_NSSO", ["DMFA"])
        .build();
      const removed = track(subscribe(a, await a.token(e.users[0].ssin), e.number));
      const colleague = track(subscribe(a, await a.token(e.users[1].ssin), e.number));
      await listening(a, 2);
      const main = await b.client(e.mainAccessManager!);
      await main.request(m.removeUser, { a: String(e.users[0].assignmentId) });
      expect(await within(removed.completed, 5_000, "still open")).toEqual([
        { enterprise: e.display, kind: "ASSIGNMENT", at: expect.any(String) },
      ]);
      await listening(a, 1);

      await (await b.client(e.legalRepresentative)).request(m.deleteAccess, { input: { enterprise: e.number, reason: "Closed" } });
      expect(await within(colleague.completed, 5_000, "still open")).toEqual([
        { enterprise: e.display, kind: "STATUS", at: expect.any(String) },
      ]);
      await listening(a, 0);
    });

    it("tells a subscriber who gains a role of their new enterprise's changes from then on", async () => {
      const e = await a.seed.enterprise().withMainAccessManager().active().build();
      const newcomer = ssin();
      const own = track(subscribe(a, await a.token(newcomer)));
      await listening(a, 1);
      const main = await b.client(e.mainAccessManager!);
      await main.request(m.addUser, {
        input: {
          enterprise: e.number,
          capacity: "EMPLOYER_NSSO",
          onlineServices: ["DIMONA"],
          person: { ssin: newcomer, givenName: "New", familyName: "Comer" },
        },
      });
      expect(await own.next()).toMatchObject({ enterprise: e.display, kind: "ASSIGNMENT" });
      // Their decisions there now depend on its capacities: the index knows them as a member.
      await main.request(m.activateCapacity, { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF" });
      expect(await own.next((x) => x.kind === "CAPACITY")).toMatchObject({ enterprise: e.display });
    });
  });

  describe("rights that expire", () => {
    const clock = new TestClock();
    let gw: TestGateway;
    const open: Subscriber[] = [];
    beforeAll(async () => {
      gw = await startTestGateway(dialect, {}, { clock });
    });
    afterAll(async () => {
      await Promise.all(open.map((s) => s.dispose()));
      await gw?.stop();
    });

    it("tells a provider's staff member subscribed to a client that the mandate expired, once the sweep writes it down, then completes", async () => {
      const provider = await gw.seed
        .enterprise()
        .withMainAccessManager()
        .active()
        .withCapacity("SOCIAL_SERVICE_PROVIDER")
        .withUser("SOCIAL_SERVICE_PROVIDER", ["DIMONA"])
        .build();
      const client = await gw.seed.enterprise().withMainAccessManager().active().build();
      const until = new Date(clock.now().getTime() + 24 * 60 * 60 * 1000).toISOString();
      await (
        await gw.client(client.legalRepresentative)
      ).request(m.appointProvider, {
        input: { enterprise: client.number, provider: provider.number, capacity: "EMPLOYER_NSSO", validUntil: until },
      });
      const staff = subscribe(gw, await gw.token(provider.users[0].ssin), client.number);
      open.push(staff);
      await listening(gw, 1);
      clock.passes(until);
      expect(await sweepExpiredRights({ dataSource: gw.dataSource, clock, changes: gw.gateway.changes })).toBe(1);
      expect(await within(staff.completed, 5_000, "still open")).toEqual([
        { enterprise: client.display, kind: "MANDATE", at: expect.any(String) },
      ]);
      await listening(gw, 0);
    });
  });
});
