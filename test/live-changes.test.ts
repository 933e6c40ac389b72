import { createClient } from "graphql-ws";
import { gql, GraphQLClient } from "graphql-request";
import WebSocket from "ws";
import { accessChanges, getSdk, LiveChangesError, persistedQueryFetch } from "../src/client";
import { loadOrCreateDevKeys } from "../src/identity/dev-keys";
import { maxSubscriptionsPerConnection } from "../src/http/live";
import { signDevToken } from "../src/identity/tokens";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { expectError } from "./support/graphql";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatted, enterpriseNumber, ssin } from "./support/identities";
import { accessChanged, deliveryBoundMs, listening, quiet, subscribe, type Subscriber } from "./support/live";
import { runScript } from "./support/processes";
import { describeWithRedis, testRedisUrl, uniqueRedisPrefix } from "./support/redis";
import { snapshot } from "./support/snapshot";
import { TestClock } from "./support/clock";
import { sweepExpiredRights } from "../src/management/sweep-expired-rights";
import { scratchDirectory } from "./support/scratch";

const m = {
  activateCapacity: gql`
    mutation ($e: EnterpriseNumber!, $c: String!, $dryRun: Boolean) {
      activateCapacity(enterprise: $e, capacity: $c, dryRun: $dryRun) {
        status
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
  deleteAccess: gql`
    mutation ($input: DeleteEnterpriseAccessInput!, $dryRun: Boolean) {
      deleteEnterpriseAccess(input: $input, dryRun: $dryRun) {
        status
      }
    }
  `,
  appointManager: gql`
    mutation ($input: AppointAccessManagerInput!) {
      appointAccessManager(input: $input) {
        id
      }
    }
  `,
};

describeEachDatabase("live access changes (Subscription.accessChanged over graphql-ws)", (dialect) => {
  describeWithRedis("two gateways sharing Redis", () => {
    let a: TestGateway;
    let b: TestGateway;
    let prefix: string;
    const open: Subscriber[] = [];
    const track = (s: Subscriber) => (open.push(s), s);

    beforeAll(async () => {
      prefix = uniqueRedisPrefix();
      // A short clock tolerance, so that a token's expiry is waited out in seconds (its connection closes at exp + 2 s).
      a = await startTestGateway(dialect, { REDIS_URL: testRedisUrl, REDIS_PREFIX: prefix, TOKEN_CLOCK_TOLERANCE: "2" });
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

    it("delivers a change made on the other gateway to a subscriber who may see it, and nothing to a stranger", async () => {
      expect(a.gateway.changes.transport).toBe("redis");
      const e = await a.seed.enterprise().withMainAccessManager().active().build();
      const f = await a.seed.enterprise().withMainAccessManager().active().build();
      const lr = track(subscribe(a, await a.token(e.legalRepresentative), e.number));
      // A stranger to E: legal representative of F only, watching their own rights anywhere.
      const stranger = track(subscribe(a, await a.token(f.legalRepresentative)));
      await listening(a, 2);

      const main = await b.client(e.mainAccessManager!);
      const sent = Date.now();
      await main.request(m.activateCapacity, { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF" });
      const answered = Date.now();
      const event = await lr.next();
      expect(event).toMatchObject({ enterprise: e.display, kind: "CAPACITY" });
      expect(new Date(event.at).getTime()).toBeLessThanOrEqual(answered);
      console.log(
        `[${dialect}] access change delivered across gateways ${event.receivedAt - sent} ms after the mutation was sent (${event.receivedAt - answered} ms after its answer)`,
      );
      expect(event.receivedAt - sent).toBeLessThan(deliveryBoundMs);

      // Positive control on the same timeline: a change in F reaches the stranger, after E's would have.
      await (await b.client(f.mainAccessManager!)).request(m.activateCapacity, { e: f.number, c: "ENTERPRISE_WITHOUT_STAFF" });
      expect(await stranger.next()).toMatchObject({ enterprise: f.display, kind: "CAPACITY" });
      await quiet();
      // Activating a capacity also gives the main access manager its access-manager profile there: CAPACITY and ASSIGNMENT.
      expect(new Set(stranger.events.map((x) => x.enterprise))).toEqual(new Set([f.display]));
      expect(lr.events.map((x) => [x.enterprise, x.kind])).toEqual([
        [e.display, "CAPACITY"],
        [e.display, "ASSIGNMENT"],
      ]);
      expect([...lr.errors, ...stranger.errors]).toEqual([]);
    });

    it("refuses a subscription to an enterprise the viewer cannot see as the query does (NOT_FOUND), whether it exists or not", async () => {
      const e = await a.seed.enterprise().build();
      const stranger = track(subscribe(a, await a.token(ssin()), e.number));
      await stranger.next(() => false, 2_000).catch(() => undefined);
      expect(stranger.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: "NOT_FOUND" }) })]);
      expect(stranger.events).toEqual([]);
    });

    it("tells a person of their own rights without an enterprise, and stops telling them of an enterprise once they lose their role there", async () => {
      const e = await a.seed.enterprise().withMainAccessManager().active().withUser("EMPLOYER_NSSO", ["DIMONA"]).build();
      const user = e.users[0];
      const userToken = await a.token(user.ssin);
      const own = track(subscribe(a, userToken));
      const inE = track(subscribe(a, userToken, e.number));
      const control = track(subscribe(a, await a.token(e.legalRepresentative), e.number));
      await listening(a, 3);
      const main = await b.client(e.mainAccessManager!);

      // While a user of E, they hear of E's capacities (their decisions there depend on them).
      await main.request(m.activateCapacity, { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF" });
      expect(await inE.next((x) => x.kind === "CAPACITY")).toMatchObject({ enterprise: e.display });
      expect(await own.next((x) => x.kind === "CAPACITY")).toMatchObject({ enterprise: e.display });

      // Their removal is theirs to know, on both subscriptions.
      await main.request(m.removeUser, { a: String(user.assignmentId) });
      expect(await own.next((x) => x.kind === "ASSIGNMENT")).toMatchObject({ enterprise: e.display });
      expect(await inE.next((x) => x.kind === "ASSIGNMENT")).toMatchObject({ enterprise: e.display });

      // Afterwards, E's changes reach the legal representative (the control) and no longer the former user.
      await main.request(m.activateCapacity, { e: e.number, c: "APPROVED_SOCIAL_SECRETARIAT" });
      await control.next((x) => x.kind === "CAPACITY" && control.events.filter((y) => y.kind === "CAPACITY").length === 2);
      await quiet();
      expect(inE.events.map((x) => x.kind)).toEqual(["CAPACITY", "ASSIGNMENT"]);
      expect(own.events.map((x) => x.kind)).toEqual(["CAPACITY", "ASSIGNMENT"]);
    });

    it("shows an assignment's change only to those who may list it: not to a user of another capacity", async () => {
      const e = await a.seed
        .enterprise()
        .withMainAccessManager()
        .active()
        .withCapacity("ENTERPRISE_WITHOUT_STAFF")
        .withUser("EMPLOYER_NSSO", ["DIMONA"])
        .build();
      const user = track(subscribe(a, await a.token(e.users[0].ssin), e.number));
      const control = track(subscribe(a, await a.token(e.legalRepresentative), e.number));
      await listening(a, 2);
      const main = await b.client(e.mainAccessManager!);
      await main.request(m.appointManager, {
        input: {
          enterprise: e.number,
          capacity: "ENTERPRISE_WITHOUT_STAFF",
          person: { ssin: ssin(), givenName: "New", familyName: "Manager" },
        },
      });
      expect(await control.next()).toMatchObject({ enterprise: e.display, kind: "ASSIGNMENT" });
      // Then a change the user may see, on the same timeline.
      await main.request(m.activateCapacity, { e: e.number, c: "APPROVED_SOCIAL_SECRETARIAT" });
      expect(await user.next()).toMatchObject({ kind: "CAPACITY" });
      await quiet();
      expect(user.events.map((x) => x.kind)).toEqual(["CAPACITY"]);
    });

    it("publishes nothing for a dry run or a refused action", async () => {
      const e = await a.seed.enterprise().withMainAccessManager().active().build();
      const lr = track(subscribe(a, await a.token(e.legalRepresentative), e.number));
      await listening(a, 1);
      const lrClient = await b.client(e.legalRepresentative);
      const main = await b.client(e.mainAccessManager!);
      const before = await snapshot(b.dataSource);
      const dry = await lrClient.rawRequest<{ deleteEnterpriseAccess: { status: string } }>(m.deleteAccess, {
        input: { enterprise: e.number, reason: "Preview" },
        dryRun: true,
      });
      expect(dry.data.deleteEnterpriseAccess.status).toBe("ACCESS_DELETED");
      await main.request(m.activateCapacity, { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF", dryRun: true });
      // Refused (the capacity is not active): rolled back.
      await expectError(
        main.request(m.appointManager, {
          input: {
            enterprise: e.number,
            capacity: "SOCIAL_SERVICE_PROVIDER",
            person: { ssin: ssin(), givenName: "No", familyName: "Body" },
          },
        }),
        {
          code: "FORBIDDEN",
        },
      );
      expect(await snapshot(b.dataSource)).toEqual(before);
      // The positive control: the real change after them is all there is (the capacity, and the main access manager's profile in it).
      await main.request(m.activateCapacity, { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF" });
      await lr.next((x) => x.kind === "ASSIGNMENT");
      await quiet();
      expect(lr.events.map((x) => x.kind)).toEqual(["CAPACITY", "ASSIGNMENT"]);
    });

    it("tells everyone who held a role of an enterprise whose access is deleted, and its provider's staff of the mandate that ended", async () => {
      const provider = await a.seed
        .enterprise()
        .withMainAccessManager()
        .active()
        .withCapacity("SOCIAL_SERVICE_PROVIDER")
        .withUser("SOCIAL_SERVICE_PROVIDER", ["DIMONA"])
        .build();
      const e = await a.seed.enterprise().withMainAccessManager().active().withServiceProvider(provider, "EMPLOYER_NSSO").build();
      const main = track(subscribe(a, await a.token(e.mainAccessManager!)));
      const staff = track(subscribe(a, await a.token(provider.users[0].ssin)));
      await listening(a, 2);
      await (await b.client(e.legalRepresentative)).request(m.deleteAccess, { input: { enterprise: e.number, reason: "Closed" } });
      expect(await main.next()).toMatchObject({ enterprise: e.display, kind: "STATUS" });
      expect(await staff.next()).toMatchObject({ enterprise: provider.display, kind: "MANDATE" });
    });

    it("hears of the register import run as its own process: a new legal representative of their role, an enterprise's members of its new name", async () => {
      const e = await a.seed.enterprise().build();
      const newcomer = ssin();
      const member = track(subscribe(a, await a.token(e.legalRepresentative), e.number));
      // Subscribing makes the newcomer known (their first authenticated request), with no role anywhere yet.
      const own = track(subscribe(a, await a.token(newcomer)));
      await listening(a, 2);
      const created = enterpriseNumber();
      const file = join(scratchDirectory("live-register-"), "register.csv");
      writeFileSync(
        file,
        [
          "enterprise_number,name,default_capacity,legal_representative_ssin,given_name,family_name",
          `${formatted(e.number)},Renamed by the register,EMPLOYER_NSSO,${e.legalRepresentative},Legal,Representative`,
          `${formatted(created)},Nieuw BV,EMPLOYER_NSSO,${newcomer},Nina,Nieuw`,
        ].join("\n") + "\n",
      );
      const finished = await runScript("src/cli/register-import.ts", [file], {
        DATABASE_URL: a.config.databaseUrl,
        NODE_ENV: "test",
        REDIS_URL: testRedisUrl,
        REDIS_PREFIX: prefix,
        LOG_LEVEL: "silent",
      });
      expect(finished).toMatchObject({ code: 0 });
      expect(await member.next()).toMatchObject({ enterprise: e.display, kind: "REGISTER" });
      expect(await own.next()).toMatchObject({ enterprise: formatted(created), kind: "ASSIGNMENT" });
      await quiet();
      expect(member.events.map((x) => x.kind)).toEqual(["REGISTER"]);
      // Their new role, and not the enterprise's creation (no one's rights changed by the register's own data).
      expect(own.events.map((x) => [x.enterprise, x.kind])).toEqual([[formatted(created), "ASSIGNMENT"]]);
    });

    it("closes a connection without a valid token with 4401, and one whose token expires with 4401 when it does", async () => {
      const missing = track(subscribe(a, null));
      expect(await missing.closed).toMatchObject({ code: 4401, reason: expect.stringMatching(/connectionParams\.authorization/) });
      const malformed = track(subscribe(a, null, undefined, { authorization: "Token abc" }));
      expect((await malformed.closed).code).toBe(4401);
      const forged = track(subscribe(a, `${await a.token(ssin())}x`));
      expect(await forged.closed).toMatchObject({ code: 4401, reason: expect.stringMatching(/not valid/) });

      const e = await a.seed.enterprise().build();
      const keys = await loadOrCreateDevKeys(a.config.devKeyFile);
      const expired = track(subscribe(a, await signDevToken(keys, { ssin: e.legalRepresentative, expiresIn: "-2m" })));
      expect(await expired.closed).toMatchObject({ code: 4401, reason: expect.stringMatching(/expired/) });

      const shortLived = track(subscribe(a, await signDevToken(keys, { ssin: e.legalRepresentative, expiresIn: "3s" }), e.number));
      await listening(a, 1);
      const started = Date.now();
      const closed = await shortLived.closed;
      expect(closed).toEqual({ code: 4401, reason: "Unauthorized: the bearer token has expired" });
      expect(Date.now() - started).toBeLessThan(20_000);
      await listening(a, 0);
    });

    it("runs only subscriptions over the socket, within the document limits, and refuses a subscription over HTTP with a typed error", async () => {
      const e = await a.seed.enterprise().build();
      const token = await a.token(e.legalRepresentative);
      const client = createClient({
        url: a.url.replace(/^http/, "ws"),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${token}` },
      });
      const run = (query: string) =>
        new Promise<unknown[]>((resolve) => {
          const errors: unknown[] = [];
          client.subscribe(
            { query },
            {
              next: (r) => errors.push(...(r.errors ?? [])),
              error: (error) => resolve([...errors, ...(Array.isArray(error) ? error : [error])]),
              complete: () => resolve(errors),
            },
          );
        });
      try {
        expect(await run("{ me { ssin } }")).toEqual([
          expect.objectContaining({ extensions: expect.objectContaining({ code: "BAD_REQUEST" }) }),
        ]);
        expect(await run("subscription { accessChanged { nope } }")).toEqual([
          expect.objectContaining({ extensions: expect.objectContaining({ code: "GRAPHQL_VALIDATION_FAILED" }) }),
        ]);
        expect(await run("subscription {")).toEqual([
          expect.objectContaining({ extensions: expect.objectContaining({ code: "GRAPHQL_PARSE_FAILED" }) }),
        ]);
        const aliases = Array.from({ length: 60 }, (_, i) => `a${i}: kind`).join(" ");
        expect(await run(`subscription { accessChanged { ${aliases} } }`)).toEqual([
          expect.objectContaining({ extensions: expect.objectContaining({ code: "QUERY_TOO_COMPLEX" }) }),
        ]);
      } finally {
        await client.dispose();
      }

      const http: GraphQLClient = await a.client(e.legalRepresentative);
      const answer = await fetch(a.url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: accessChanged }),
      });
      expect(answer.status).toBe(400);
      const body = (await answer.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/WebSocket/),
          extensions: expect.objectContaining({ code: "BAD_REQUEST" }),
        }),
      ]);
      // The same gateway still answers queries.
      expect(
        await http.request(gql`
          {
            me {
              ssin
            }
          }
        `),
      ).toEqual({ me: { ssin: e.legalRepresentative } });
    });
  });

  describe("the upgrade and subscribe guards", () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startTestGateway(dialect, {
        RATE_LIMIT: "on",
        RATE_LIMIT_PER_CLIENT: "2",
        RATE_LIMIT_PER_VIEWER: "2",
        RATE_LIMIT_WINDOW: "600",
      });
    });
    afterAll(() => gw?.stop());

    /** The HTTP status a WebSocket upgrade is answered with (101 when it opens). */
    const upgrade = (headers: Record<string, string> = {}) =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(gw.url.replace(/^http/, "ws"), "graphql-transport-ws", { headers });
        socket.on("open", () => {
          socket.close();
          resolve(101);
        });
        socket.on("unexpected-response", (_request, response) => {
          resolve(response.statusCode ?? 0);
          socket.terminate();
        });
        socket.on("error", (error) => (error.message.includes("Unexpected server response") ? undefined : reject(error)));
      });

    it("refuses a page of another origin, counts connections against the client's quota and subscriptions against the viewer's", async () => {
      // Refused before counting: another origin never costs the client a connection.
      expect(await upgrade({ origin: "https://elsewhere.example" })).toBe(403);
      const e = await gw.seed.enterprise().build();
      const token = await gw.token(e.legalRepresentative);
      const client = createClient({
        url: gw.url.replace(/^http/, "ws"),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${token}` },
      });
      const ignore = { next: () => undefined, error: () => undefined, complete: () => undefined };
      try {
        // Two subscriptions start (they stay open, listening)...
        const first = client.subscribe({ query: accessChanged }, ignore);
        await listening(gw, 1);
        const second = client.subscribe({ query: accessChanged }, ignore);
        await listening(gw, 2);
        const third = await new Promise<unknown>((resolve) =>
          client.subscribe({ query: accessChanged }, { next: () => undefined, error: resolve, complete: () => resolve("complete") }),
        );
        expect(third).toEqual([
          expect.objectContaining({ extensions: expect.objectContaining({ code: "RATE_LIMITED", scope: "viewer" }) }),
        ]);
        first();
        second();
        // The client's first connection was the one above; a second opens; a third is over the quota.
        expect(await upgrade({ origin: new URL(gw.url).origin })).toBe(101);
        expect(await upgrade()).toBe(429);
      } finally {
        await client.dispose();
      }
    });
  });

  describe("a gateway whose Redis is unreachable", () => {
    let gw: TestGateway;
    beforeAll(async () => {
      // Nothing listens on port 9: every Redis command fails at once.
      gw = await startTestGateway(dialect, { REDIS_URL: "redis://127.0.0.1:9", REDIS_PREFIX: uniqueRedisPrefix() });
    });
    afterAll(() => gw?.stop());

    it("still delivers a change to the subscribers of the process that made it", async () => {
      expect(gw.gateway.changes.transport).toBe("redis");
      const e = await gw.seed.enterprise().withMainAccessManager().active().build();
      const lr = subscribe(gw, await gw.token(e.legalRepresentative), e.number);
      try {
        await listening(gw, 1);
        await (
          await gw.client(e.legalRepresentative)
        ).request(
          gql`
            mutation ($e: EnterpriseNumber!) {
              activateEBox(input: { enterprise: $e, notificationEmail: "ebox@example.be" }) {
                status
              }
            }
          `,
          { e: e.number },
        );
        expect(await lr.next()).toMatchObject({ enterprise: e.display, kind: "EBOX" });
      } finally {
        await lr.dispose();
      }
    });
  });

  describe("a gateway running only trusted documents", () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startTestGateway(dialect, { TRUSTED_DOCUMENTS: "only" });
    });
    afterAll(() => gw?.stop());

    it("runs the SDK's subscription (in its manifest) and refuses any other text with PERSISTED_QUERY_ONLY", async () => {
      const e = await gw.seed.enterprise().withMainAccessManager().active().build();
      const client = createClient({
        url: gw.url.replace(/^http/, "ws"),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${await gw.token(e.legalRepresentative)}` },
      });
      try {
        const refused = await new Promise<unknown>((resolve) =>
          client.subscribe(
            { query: accessChanged, variables: { enterprise: e.number } },
            { next: () => undefined, error: resolve, complete: () => resolve("complete") },
          ),
        );
        expect(refused).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: "PERSISTED_QUERY_ONLY" }) })]);
        const changes = accessChanges(client, { enterprise: e.number });
        const first = changes.next();
        await listening(gw, 1);
        // The change, by the SDK's trusted mutation sent by hash alone.
        const sdk = getSdk(
          new GraphQLClient(gw.url, {
            headers: { authorization: `Bearer ${await gw.token(e.legalRepresentative)}` },
            fetch: persistedQueryFetch(),
          }),
        );
        await sdk.ActivateEBox({ input: { enterprise: e.number, notificationEmail: "ebox@example.be" } });
        expect((await first).value).toMatchObject({ enterprise: e.display, kind: "EBOX" });
        await changes.return(undefined);
      } finally {
        await client.dispose();
      }
    });
  });

  describe("one gateway without Redis", () => {
    let gw: TestGateway;
    let stopped = false;
    beforeAll(async () => {
      gw = await startTestGateway(dialect);
    });
    afterAll(async () => {
      if (!stopped) await gw?.stop();
    });

    it("is what the client package's accessChanges iterates, refusals thrown as LiveChangesError", async () => {
      const e = await gw.seed.enterprise().withMainAccessManager().active().build();
      const url = gw.url.replace(/^http/, "ws");
      const client = createClient({
        url,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${await gw.token(e.legalRepresentative)}` },
      });
      const stranger = createClient({
        url,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${await gw.token(ssin())}` },
      });
      try {
        const changes = accessChanges(client, { enterprise: e.number });
        const first = changes.next();
        await listening(gw, 1);
        await (await gw.client(e.mainAccessManager!)).request(m.activateCapacity, { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF" });
        expect((await first).value).toMatchObject({ enterprise: e.display, kind: "CAPACITY" });
        await changes.return(undefined);
        await listening(gw, 0);

        const refused = accessChanges(stranger, { enterprise: e.number }).next();
        await expect(refused).rejects.toBeInstanceOf(LiveChangesError);
        await expect(refused).rejects.toMatchObject({
          errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: "NOT_FOUND" }) })],
        });
      } finally {
        await client.dispose();
        await stranger.dispose();
      }
    });

    it(`holds at most ${maxSubscriptionsPerConnection} subscriptions on one connection`, async () => {
      const e = await gw.seed.enterprise().build();
      const client = createClient({
        url: gw.url.replace(/^http/, "ws"),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${await gw.token(e.legalRepresentative)}` },
      });
      const ignore = { next: () => undefined, error: () => undefined, complete: () => undefined };
      try {
        for (let i = 0; i < maxSubscriptionsPerConnection; i++) client.subscribe({ query: accessChanged }, ignore);
        await listening(gw, maxSubscriptionsPerConnection);
        const refused = await new Promise<unknown>((resolve) =>
          client.subscribe({ query: accessChanged }, { next: () => undefined, error: resolve, complete: () => resolve("complete") }),
        );
        expect(refused).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: "BAD_REQUEST" }) })]);
        expect(gw.gateway.live.subscriptions()).toBe(maxSubscriptionsPerConnection);
      } finally {
        await client.dispose();
      }
      await listening(gw, 0);
    });

    it("delivers in process, and closes the subscriptions when the gateway shuts down", async () => {
      expect(gw.gateway.changes.transport).toBe("process");
      const e = await gw.seed.enterprise().withMainAccessManager().active().build();
      const lr = subscribe(gw, await gw.token(e.legalRepresentative), e.number);
      await listening(gw, 1);
      const sent = Date.now();
      await (await gw.client(e.mainAccessManager!)).request(m.activateCapacity, { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF" });
      const event = await lr.next();
      expect(event).toMatchObject({ enterprise: e.display, kind: "CAPACITY" });
      console.log(`[${dialect}] access change delivered in process ${event.receivedAt - sent} ms after the mutation was sent`);

      stopped = true;
      await gw.stop();
      expect((await lr.closed).code).toBe(1001);
      await lr.dispose();
    });
  });
  describe("rights that expire", () => {
    const clock = new TestClock();
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startTestGateway(dialect, {}, { clock });
    });
    afterAll(() => gw?.stop());

    it("publishes an expiry when it is written down, by the sweep or by the enterprise's next action", async () => {
      const e = await gw.seed.enterprise().withMainAccessManager().active().build();
      const main = await gw.client(e.mainAccessManager!);
      const addUser = gql`
        mutation ($input: AddUserInput!) {
          addUser(input: $input) {
            id
          }
        }
      `;
      const until = (days: number) => new Date(clock.now().getTime() + days * 24 * 60 * 60 * 1000).toISOString();
      const first = until(1);
      await main.request(addUser, {
        input: {
          enterprise: e.number,
          capacity: "EMPLOYER_NSSO",
          onlineServices: ["DIMONA"],
          person: { ssin: ssin(), givenName: "A", familyName: "B" },
          validUntil: first,
        },
      });
      const second = until(2);
      await main.request(addUser, {
        input: {
          enterprise: e.number,
          capacity: "EMPLOYER_NSSO",
          onlineServices: ["DMFA"],
          person: { ssin: ssin(), givenName: "C", familyName: "D" },
          validUntil: second,
        },
      });
      const lr = subscribe(gw, await gw.token(e.legalRepresentative), e.number);
      try {
        await listening(gw, 1);
        // The sweep writes the first expiry down and publishes it.
        clock.passes(first);
        expect(await sweepExpiredRights({ dataSource: gw.dataSource, clock, changes: gw.gateway.changes })).toBe(1);
        expect(await lr.next((x) => x.kind === "ASSIGNMENT")).toMatchObject({ enterprise: e.display, kind: "ASSIGNMENT" });
        // The enterprise's next action writes the second one down: its own change and the expiry reach the subscriber.
        clock.passes(second);
        const before = lr.events.length;
        await main.request(m.activateCapacity, { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF" });
        await lr.next((x) => x.kind === "CAPACITY");
        await lr.next((x) => lr.events.indexOf(x as (typeof lr.events)[number]) >= before && x.kind === "ASSIGNMENT");
        expect(lr.errors).toEqual([]);
      } finally {
        await lr.dispose();
      }
    }, 60_000);
  });
});
