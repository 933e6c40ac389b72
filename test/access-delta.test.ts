import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gql, type GraphQLClient } from "graphql-request";
import { DataSource } from "typeorm";
import { missingAccessChangeTriggers } from "../src/database/access-changes";
import { buildDataSourceOptions } from "../src/database/data-source-options";
import { migrations } from "../src/database/migrations";
import { sweepExpiredRights } from "../src/management/sweep-expired-rights";
import { storedDateTime } from "../src/read/row-reader";
import { TestClock } from "./support/clock";
import { createTestDatabase, describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { expectError } from "./support/graphql";
import { graphql } from "./support/http";
import { enterpriseNumber, ssin } from "./support/identities";
import { databaseBefore, undoMigrationsThrough } from "./support/migrations";
import { runScript } from "./support/processes";

const delta = gql`
  query ($token: String, $enterprises: [EnterpriseNumber!], $first: Int) {
    accessDelta(token: $token, enterprises: $enterprises, first: $first) {
      changes {
        change
        at
        enterprise
        item {
          __typename
          ... on Enterprise {
            id
            enterpriseStatus: status
          }
          ... on RoleAssignment {
            id
            role
            capacity {
              code
            }
            validUntil
            onlineServices {
              code
            }
            person {
              ssin
              email
            }
          }
          ... on ServiceProviderMandate {
            id
            mandateStatus: status
          }
          ... on EnterpriseCapacity {
            status
          }
          ... on EBox {
            eBoxStatus: status
          }
          ... on AccessRequest {
            id
            requestStatus: status
          }
          ... on AccessDeltaRemoval {
            kind
            id
          }
        }
      }
      nextToken
      deltaToken
    }
  }
`;

const m = {
  addUser: gql`
    mutation ($input: AddUserInput!) {
      addUser(input: $input) {
        id
      }
    }
  `,
  setServices: gql`
    mutation ($input: SetUserOnlineServicesInput!) {
      setUserOnlineServices(input: $input) {
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
  activateCapacity: gql`
    mutation ($e: EnterpriseNumber!, $c: String!) {
      activateCapacity(enterprise: $e, capacity: $c) {
        status
      }
    }
  `,
  requestAccess: gql`
    mutation ($input: RequestAccessInput!) {
      requestAccess(input: $input) {
        id
        enterprise
      }
    }
  `,
  deny: gql`
    mutation ($id: ID!) {
      denyAccessRequest(id: $id) {
        status
      }
    }
  `,
  endMandate: gql`
    mutation ($id: ID!) {
      endServiceProviderMandate(mandate: $id) {
        status
      }
    }
  `,
};

interface Item {
  __typename: string;
  id?: string;
  kind?: string;
  role?: string;
  status?: string;
  validUntil?: string | null;
  onlineServices?: { code: string }[];
  person?: { ssin: string; email: string | null };
  requestStatus?: string;
}
interface Change {
  change: string;
  at: string | null;
  enterprise: string;
  item: Item;
}
interface Page {
  changes: Change[];
  nextToken: string | null;
  deltaToken: string | null;
}

/** Pages through a delta as a back-end does: every page until the delta token. */
async function drain(
  client: GraphQLClient,
  { token = null, enterprises, first }: { token?: string | null; enterprises?: string[]; first?: number } = {},
): Promise<{ changes: Change[]; deltaToken: string; pages: number }> {
  const changes: Change[] = [];
  let next: string | null = token;
  for (let pages = 1; pages < 1000; pages++) {
    const { accessDelta: page } = await client.request<{ accessDelta: Page }>(delta, { token: next, enterprises, first });
    changes.push(...page.changes);
    if (page.deltaToken) return { changes, deltaToken: page.deltaToken, pages };
    expect(page.nextToken).not.toBeNull();
    next = page.nextToken;
  }
  throw new Error("the delta did not end");
}

const user = (s: string) => ({ ssin: s, givenName: "Delia", familyName: "Delta" });
const assignmentChange = (changes: Change[], id: number | string) =>
  changes.filter((c) => c.item.id === String(id) && c.item.__typename !== "Enterprise");

describeEachDatabase("accessDelta", (dialect) => {
  const clock = new TestClock();
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway(dialect, { DELTA_SETTLE_SECONDS: "0", ACCESS_REQUEST_TTL_DAYS: "1" }, { clock });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it("a full sync lists, page by page, what the caller sees of each enterprise, then a delta token; other enterprises stay out", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().withEBox().withUser("EMPLOYER_NSSO", ["DIMONA"]).build();
    const other = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await gw.client(e.mainAccessManager!);
    const { changes, pages } = await drain(main, { first: 2 });
    expect(pages).toBeGreaterThan(2);
    expect(changes.every((c) => c.change === "CURRENT" && c.at === null && c.enterprise === e.display)).toBe(true);
    const types = changes.map((c) => c.item.__typename);
    expect(types).toEqual(expect.arrayContaining(["Enterprise", "EnterpriseCapacity", "EBox", "RoleAssignment"]));
    const userItem = changes.find((c) => c.item.role === "USER")!.item;
    expect(userItem).toMatchObject({ id: String(e.users[0].assignmentId), onlineServices: [{ code: "DIMONA" }] });
    // Need to know: the same as roleAssignments, no one's e-mail but one's own.
    expect(
      changes.filter((c) => c.item.person && c.item.person.ssin !== e.mainAccessManager).every((c) => c.item.person!.email === null),
    ).toBe(true);
    expect(changes.some((c) => c.enterprise === other.display)).toBe(false);
    // Paged or not, the same items.
    const whole = await drain(main);
    expect(whole.pages).toBe(1);
    expect(whole.changes).toEqual(changes);
  });

  it("answers what actions changed since the token: created, updated, removed, each once, with its instant", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await gw.client(e.mainAccessManager!);
    // The legal representative reads: the main access manager's own profiles change with a capacity (see below).
    const rep = await gw.client(e.legalRepresentative);
    const { deltaToken } = await drain(rep);
    const mainToken = (await drain(main)).deltaToken;
    expect((await drain(rep, { token: deltaToken })).changes).toEqual([]);

    const { addUser } = await main.request<{ addUser: { id: string } }>(m.addUser, {
      input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: user(ssin()) },
    });
    const added = await drain(rep, { token: deltaToken });
    expect(added.changes).toHaveLength(1);
    expect(added.changes[0]).toMatchObject({
      change: "CREATED",
      enterprise: e.display,
      item: { __typename: "RoleAssignment", id: addUser.id },
    });
    expect(Date.parse(added.changes[0].at!)).not.toBeNaN();

    await main.request(m.setServices, { input: { assignment: addUser.id, onlineServices: ["DIMONA", "DMFA"] } });
    const updated = await drain(rep, { token: added.deltaToken });
    expect(updated.changes).toEqual([
      expect.objectContaining({
        change: "UPDATED",
        item: expect.objectContaining({ onlineServices: [{ code: "DIMONA" }, { code: "DMFA" }] }),
      }),
    ]);

    await main.request(m.removeUser, { a: addUser.id });
    await main.request(m.activateCapacity, { e: e.number, c: "SOCIAL_SERVICE_PROVIDER" });
    const later = await drain(rep, { token: updated.deltaToken });
    expect(later.changes.map((c) => [c.change, c.item.__typename, c.item.kind ?? c.item.status ?? c.item.role])).toEqual([
      ["REMOVED", "AccessDeltaRemoval", "ROLE_ASSIGNMENT"],
      ["CREATED", "EnterpriseCapacity", "ACTIVE"],
      // The main access manager's automatic profile in the new capacity.
      ["CREATED", "RoleAssignment", "ACCESS_MANAGER"],
    ]);
    expect(later.changes[0].item.id).toBe(addUser.id);
    // The first token still answers everything since it, each item once, as it is now.
    const since = await drain(rep, { token: deltaToken });
    expect(since.changes.map((c) => [c.change, c.item.__typename])).toEqual([
      ["REMOVED", "AccessDeltaRemoval"],
      ["CREATED", "EnterpriseCapacity"],
      ["CREATED", "RoleAssignment"],
    ]);
    // The main access manager's own sight changed (a profile in a provider capacity): their delta syncs the enterprise again.
    const own = await drain(main, { token: mainToken });
    const resync = own.changes.findIndex((c) => c.item.kind === "ENTERPRISE");
    expect(own.changes[resync]).toMatchObject({ change: "REMOVED", item: { id: String(e.id) } });
    expect(own.changes.slice(resync + 1).every((c) => c.change === "CREATED")).toBe(true);
    expect(own.changes.filter((c) => c.item.role === "ACCESS_MANAGER")).toHaveLength(2);
  });

  it("does not show a change the caller could not see: another enterprise, a colleague of a USER", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().withUser("EMPLOYER_NSSO", ["DIMONA"]).build();
    const other = await gw.seed.enterprise().withMainAccessManager().active().build();
    const asUser = await gw.client(e.users[0].ssin);
    const start = await drain(asUser);
    // The USER sees the enterprise, its leadership and themself: no colleague.
    expect(start.changes.filter((c) => c.item.role === "USER").map((c) => c.item.id)).toEqual([String(e.users[0].assignmentId)]);
    const main = await gw.client(e.mainAccessManager!);
    await main.request(m.addUser, {
      input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DMFA"], person: user(ssin()) },
    });
    const otherMain = await gw.client(other.mainAccessManager!);
    await otherMain.request(m.addUser, {
      input: { enterprise: other.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DMFA"], person: user(ssin()) },
    });
    expect((await drain(asUser, { token: start.deltaToken })).changes).toEqual([]);
    // A change made before the caller could see the enterprise is not shown either: their sight starts with their role.
    const newcomer = ssin();
    const before = await drain(await gw.client(newcomer));
    expect(before.changes).toEqual([]);
    await main.request(m.addUser, {
      input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DMFA"], person: user(newcomer) },
    });
    const gained = await drain(await gw.client(newcomer), { token: before.deltaToken });
    expect(gained.changes[0]).toMatchObject({ change: "REMOVED", item: { kind: "ENTERPRISE", id: String(e.id) } });
    expect(gained.changes.slice(1).every((c) => c.change === "CREATED" && c.enterprise === e.display)).toBe(true);
    expect(gained.changes.filter((c) => c.item.role === "USER").map((c) => c.item.person!.ssin)).toEqual([newcomer]);
  });

  it("shows losing sight of an enterprise as its removal: the caller's role removed, a provider's mandate ended", async () => {
    const provider = await gw.seed.enterprise().withMainAccessManager().active().withCapacity("SOCIAL_SERVICE_PROVIDER").build();
    const staff = ssin();
    const p = await gw.seed.enterprise().withMainAccessManager().active().build();
    const providerFull = await gw.seed
      .enterprise()
      .withMainAccessManager()
      .active()
      .withCapacity("SOCIAL_SERVICE_PROVIDER")
      .withUser("SOCIAL_SERVICE_PROVIDER", ["DIMONA"], staff)
      .build();
    const client = await gw.seed.enterprise().withMainAccessManager().active().withServiceProvider(providerFull, "EMPLOYER_NSSO").build();
    expect(p.id).not.toBe(provider.id);
    const asStaff = await gw.client(staff);
    const start = await drain(asStaff);
    expect(new Set(start.changes.map((c) => c.enterprise))).toEqual(new Set([providerFull.display, client.display]));
    // The client's people are not the provider's staff's to see.
    expect(start.changes.filter((c) => c.enterprise === client.display && c.item.__typename === "RoleAssignment")).toEqual([]);

    const mandates = await gw.dataSource.query("SELECT id FROM service_provider_mandate WHERE client_id = ?", [client.id]);
    await (await gw.client(client.legalRepresentative)).request(m.endMandate, { id: String(mandates[0].id) });
    const ended = await drain(asStaff, { token: start.deltaToken });
    expect(ended.changes).toEqual([
      expect.objectContaining({
        change: "REMOVED",
        enterprise: client.display,
        item: { __typename: "AccessDeltaRemoval", kind: "ENTERPRISE", id: String(client.id) },
      }),
    ]);

    await (await gw.client(providerFull.mainAccessManager!)).request(m.removeUser, { a: providerFull.users[0].assignmentId });
    const gone = await drain(asStaff, { token: ended.deltaToken });
    expect(gone.changes).toEqual([
      expect.objectContaining({ change: "REMOVED", item: expect.objectContaining({ kind: "ENTERPRISE", id: String(providerFull.id) }) }),
    ]);
    expect((await drain(asStaff, { token: gone.deltaToken })).changes).toEqual([]);
  });

  it("brings a requester their own access requests, filed under the number they gave, and their close; no one else", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().withAccessManager("EMPLOYER_NSSO").build();
    const requester = ssin();
    const asRequester = await gw.client(requester);
    const ask = async (enterprise: string) =>
      (
        await asRequester.request<{ requestAccess: { id: string; enterprise: string } }>(m.requestAccess, {
          input: { enterprise, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"] },
        })
      ).requestAccess;
    const manager = await gw.client(e.accessManagers.EMPLOYER_NSSO);
    const managerStart = await drain(manager);
    const known = await ask(e.number);
    const nowhere = await ask(enterpriseNumber());
    const requests = (changes: Change[]) => changes.filter((c) => c.item.__typename === "AccessRequest");

    // A full sync: the requester sees no enterprise, and lists their requests, existing enterprise or not.
    const start = await drain(asRequester, { first: 1 });
    expect(start.changes.map((c) => [c.change, c.enterprise, c.item.id, c.item.requestStatus])).toEqual([
      ["CURRENT", e.display, known.id, "PENDING"],
      ["CURRENT", nowhere.enterprise, nowhere.id, "PENDING"],
    ]);
    // Limited to enterprises, a sync has none: requests are filed by person.
    expect(requests((await drain(asRequester, { enterprises: [e.number] })).changes)).toEqual([]);

    // A decision reaches the requester's delta; a request made since is no news to its requester.
    await manager.request(m.deny, { id: known.id });
    const later = await ask(enterpriseNumber());
    const denied = await drain(asRequester, { token: start.deltaToken });
    expect(denied.changes).toEqual([
      expect.objectContaining({
        change: "UPDATED",
        enterprise: e.display,
        item: { __typename: "AccessRequest", id: known.id, requestStatus: "DENIED" },
      }),
    ]);
    expect(Date.parse(denied.changes[0].at!)).not.toBeNaN();

    // The expiry the sweep writes down, for an enterprise that exists or not.
    clock.advance({ days: 2 });
    await sweepExpiredRights({ dataSource: gw.dataSource, clock });
    const expired = await drain(asRequester, { token: denied.deltaToken });
    expect(expired.changes.map((c) => [c.change, c.enterprise, c.item.id, c.item.requestStatus]).sort()).toEqual(
      [
        ["UPDATED", nowhere.enterprise, nowhere.id, "EXPIRED"],
        ["UPDATED", later.enterprise, later.id, "EXPIRED"],
      ].sort(),
    );

    // Nobody else's delta holds them: not the manager who decided, not the enterprise's main access manager.
    expect(requests((await drain(manager, { token: managerStart.deltaToken })).changes)).toEqual([]);
    expect(requests((await drain(manager)).changes)).toEqual([]);
    expect(requests((await drain(await gw.client(e.mainAccessManager!))).changes)).toEqual([]);
    const entries = (await gw.dataSource.query(
      "SELECT person_id AS p, enterprise_id AS e FROM access_change WHERE kind = 'ACCESS_REQUEST'",
    )) as {
      p: unknown;
      e: unknown;
    }[];
    expect(entries.length).toBeGreaterThanOrEqual(3);
    expect(entries.every((r) => Number(r.e) === 0 && Number(r.p) > 0)).toBe(true);
  });

  it("pages a delta larger than a page, each change once", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await gw.client(e.mainAccessManager!);
    const { deltaToken } = await drain(main);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const { addUser } = await main.request<{ addUser: { id: string } }>(m.addUser, {
        input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: user(ssin()) },
      });
      ids.push(addUser.id);
    }
    const paged = await drain(main, { token: deltaToken, first: 3 });
    expect(paged.pages).toBe(3);
    expect(paged.changes.map((c) => c.item.id)).toEqual(ids);
    expect((await drain(main, { token: paged.deltaToken })).changes).toEqual([]);
  });

  it("is costed by its page size before it runs, and by the items it returned after; a page holds at most 100", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const token = await gw.token(e.mainAccessManager!);
    const query = "query ($n: Int) { accessDelta(first: $n) { changes { change item { __typename } } deltaToken } }";
    // accessDelta 1 + first x (changes 1 + item 1).
    const answer = await graphql(gw.url, query, { token, variables: { n: 10 } });
    const { changes } = (answer.json?.data as { accessDelta: { changes: unknown[] } }).accessDelta;
    expect(changes.length).toBeGreaterThan(0);
    expect(answer.cost).toMatchObject({ requested: 21, actual: 1 + 2 * changes.length });
    expect((await graphql(gw.url, query, { token, variables: { n: null } })).cost).toMatchObject({ requested: 201 });
    const refused = await graphql(gw.url, query, { token, variables: { n: 101 } });
    expect(refused.json?.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "first" });
  });

  it("limits a sync to the enterprises named, and refuses another list with the token", async () => {
    const a = await gw.seed.enterprise().withMainAccessManager().build();
    const b = await gw.seed.enterprise({ legalRepresentative: a.legalRepresentative }).withMainAccessManager().build();
    const rep = await gw.client(a.legalRepresentative);
    const all = await drain(rep);
    expect(new Set(all.changes.map((c) => c.enterprise))).toEqual(new Set([a.display, b.display]));
    const one = await drain(rep, { enterprises: [b.number, enterpriseNumber()] });
    expect(new Set(one.changes.map((c) => c.enterprise))).toEqual(new Set([b.display]));
    await expectError(rep.request(delta, { token: one.deltaToken, enterprises: [a.number] }), {
      code: "BAD_USER_INPUT",
      field: "enterprises",
    });
  });

  it("answers SYNC_TOKEN_EXPIRED to a malformed, altered, another viewer's or expired token", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().build();
    const rep = await gw.client(e.legalRepresentative);
    const { deltaToken } = await drain(rep);
    // Sealed: nothing of it reads as text, and any bit changed breaks its tag.
    expect(Buffer.from(deltaToken, "base64url").toString("latin1")).not.toMatch(/"f"|"v"/);
    const bytes = Buffer.from(deltaToken, "base64url");
    const flipped = (at: number) => Buffer.from(bytes.map((b, i) => (i === at ? b ^ 1 : b))).toString("base64url");
    for (const token of ["nonsense", flipped(0), flipped(20), flipped(bytes.length - 1), `${deltaToken}.x`, deltaToken.slice(0, -4)]) {
      const error = await expectError(rep.request(delta, { token }), { code: "SYNC_TOKEN_EXPIRED" });
      expect(error.extensions.englishMessage).toMatch(/start over/);
    }
    await expectError((await gw.client(e.mainAccessManager!)).request(delta, { token: deltaToken }), { code: "SYNC_TOKEN_EXPIRED" });
    clock.advance({ days: 31 });
    await expectError(rep.request(delta, { token: deltaToken }), { code: "SYNC_TOKEN_EXPIRED" });
    // Starting over works.
    expect((await drain(rep)).changes.length).toBeGreaterThan(0);
  });

  it("shows the register import's changes and the sweep's expiries; prunes the log past the retention", async () => {
    const e = await gw.seed.enterprise({ name: "Delta Bakery" }).withMainAccessManager().active().build();
    const rep = await gw.client(e.legalRepresentative);
    const main = await gw.client(e.mainAccessManager!);
    const { deltaToken } = await drain(rep);

    const dir = mkdtempSync(join(tmpdir(), "access-delta-"));
    const second = ssin();
    try {
      const file = join(dir, "register.csv");
      writeFileSync(
        file,
        [
          "enterprise_number,name,default_capacity,legal_representative_ssin,given_name,family_name",
          `${e.number},Delta Bakery,EMPLOYER_NSSO,${e.legalRepresentative},Legal,Representative ${e.legalRepresentative.slice(-4)}`,
          `${e.number},Delta Bakery,EMPLOYER_NSSO,${second},Second,Representative`,
        ].join("\n") + "\n",
      );
      expect(
        await runScript("src/cli/register-import.ts", [file], { DATABASE_URL: gw.config.databaseUrl, NODE_ENV: "test" }),
      ).toMatchObject({ code: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const imported = await drain(rep, { token: deltaToken });
    expect(imported.changes).toEqual([
      expect.objectContaining({
        change: "CREATED",
        item: expect.objectContaining({ role: "LEGAL_REPRESENTATIVE", person: { ssin: second, email: null } }),
      }),
    ]);

    const validUntil = new Date(clock.now().getTime() + 2 * 24 * 60 * 60 * 1000).toISOString();
    const { addUser } = await main.request<{ addUser: { id: string } }>(m.addUser, {
      input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: user(ssin()), validUntil },
    });
    const added = await drain(rep, { token: imported.deltaToken });
    expect(added.changes.map((c) => [c.change, c.item.id])).toEqual([["CREATED", addUser.id]]);
    clock.passes(validUntil);
    // Nothing is written at the instant itself: the delta tells the expiry once the sweep writes it down. (Its retention
    // is longer here: earlier tests moved the clock on by a month.)
    expect((await drain(rep, { token: added.deltaToken })).changes).toEqual([]);
    await sweepExpiredRights({ dataSource: gw.dataSource, clock, deltaRetentionDays: 3650 });
    const expired = await drain(rep, { token: added.deltaToken });
    expect(expired.changes.map((c) => [c.change, c.item.kind, c.item.id])).toEqual([["REMOVED", "ROLE_ASSIGNMENT", addUser.id]]);

    // Past the retention, the sweep prunes the log, and a token that needs what it pruned must start over.
    const [{ count }] = await gw.dataSource.query("SELECT COUNT(*) AS count FROM access_change");
    expect(Number(count)).toBeGreaterThan(0);
    clock.advance({ days: 25 });
    const young = (await drain(rep)).deltaToken;
    await main.request(m.addUser, {
      input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: user(ssin()) },
    });
    clock.advance({ days: 6 });
    await sweepExpiredRights({ dataSource: gw.dataSource, clock });
    const [{ count: left }] = await gw.dataSource.query("SELECT COUNT(*) AS count FROM access_change");
    expect(Number(left)).toBe(0);
    await expectError(rep.request(delta, { token: young }), { code: "SYNC_TOKEN_EXPIRED" });
  });

  it("keeps tokens across a restart and on two gateways of one database, which answer the same; a token of another database is foreign", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await gw.client(e.mainAccessManager!);
    const { deltaToken } = await drain(main);
    await main.request(m.addUser, {
      input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: user(ssin()) },
    });
    const here = await drain(main, { token: deltaToken });
    expect(here.changes).toHaveLength(1);
    const second = await startTestGateway(
      dialect,
      { DELTA_SETTLE_SECONDS: "0", DEV_KEY_FILE: gw.config.devKeyFile },
      { database: gw.database, clock },
    );
    try {
      const there = await drain(await second.client(e.mainAccessManager!), { token: deltaToken });
      expect(there.changes).toEqual(here.changes);
      // And each takes the other's new token.
      expect((await drain(await second.client(e.mainAccessManager!), { token: here.deltaToken })).changes).toEqual([]);
      expect((await drain(main, { token: there.deltaToken })).changes).toEqual([]);
    } finally {
      await second.stop();
    }
    // A gateway started afresh on the database (a restart) takes the tokens it issued before.
    const restarted = await startTestGateway(
      dialect,
      { DELTA_SETTLE_SECONDS: "0", DEV_KEY_FILE: gw.config.devKeyFile },
      { database: gw.database, clock },
    );
    try {
      expect((await drain(await restarted.client(e.mainAccessManager!), { token: deltaToken })).changes).toEqual(here.changes);
    } finally {
      await restarted.stop();
    }
    const foreign = await startTestGateway(dialect, { DELTA_SETTLE_SECONDS: "0" }, { clock });
    try {
      const f = await foreign.seed.enterprise({ legalRepresentative: e.mainAccessManager! }).build();
      expect(f.id).toBeGreaterThan(0);
      await expectError((await foreign.client(e.mainAccessManager!)).request(delta, { token: deltaToken }), { code: "SYNC_TOKEN_EXPIRED" });
    } finally {
      await foreign.stop();
    }
  });

  it("repeats, until they are settled, the changes of the last DELTA_SETTLE_SECONDS on MySQL (never on SQLite, whose commits keep id order)", async () => {
    const settling = await startTestGateway(
      dialect,
      { DELTA_SETTLE_SECONDS: "3600", DEV_KEY_FILE: gw.config.devKeyFile },
      { database: gw.database, clock },
    );
    try {
      const e = await gw.seed.enterprise().withMainAccessManager().active().build();
      const main = await settling.client(e.mainAccessManager!);
      const { deltaToken } = await drain(main);
      const { addUser } = await main.request<{ addUser: { id: string } }>(m.addUser, {
        input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: user(ssin()) },
      });
      const first = await drain(main, { token: deltaToken });
      expect(assignmentChange(first.changes, addUser.id)).toHaveLength(1);
      const again = await drain(main, { token: first.deltaToken });
      expect(assignmentChange(again.changes, addUser.id)).toHaveLength(dialect === "mysql" ? 1 : 0);
    } finally {
      await settling.stop();
    }
  });

  it("creates lost log triggers again at a gateway's start, and then refuses every token issued before (a full sync brings the missed writes)", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const rep = await gw.client(e.legalRepresentative);
    const { deltaToken } = await drain(rep);
    await gw.dataSource.query("DROP TRIGGER tr_ebox_delta_insert");
    expect(await missingAccessChangeTriggers(gw.dataSource)).toEqual(["tr_ebox_delta_insert"]);
    const restarted = await startTestGateway(
      dialect,
      { DELTA_SETTLE_SECONDS: "0", DEV_KEY_FILE: gw.config.devKeyFile },
      { database: gw.database, clock },
    );
    try {
      expect(await missingAccessChangeTriggers(gw.dataSource)).toEqual([]);
      await expectError(rep.request(delta, { token: deltaToken }), { code: "SYNC_TOKEN_EXPIRED" });
      const again = await drain(await restarted.client(e.legalRepresentative));
      expect(again.changes.some((c) => c.item.__typename === "Enterprise")).toBe(true);
    } finally {
      await restarted.stop();
    }
  });

  it("logs every write of the tables it shows, an operator's SQL included, from the migration on; and undoes", async () => {
    const database = await createTestDatabase(dialect);
    const { dataSource: previous, insert } = await databaseBefore(database.url, "AccessChangeLog1764300000012");
    const now = storedDateTime(new Date());
    let migrated: DataSource | undefined;
    try {
      const enterprise = { number: enterpriseNumber(), name: "Logged Enterprise", status: "REGISTERED", default_capacity: "EMPLOYER_NSSO" };
      const clientId = await insert("enterprise", { ...enterprise, created_at: now, updated_at: now });
      const providerId = await insert("enterprise", { ...enterprise, number: enterpriseNumber(), created_at: now, updated_at: now });
      const personId = await insert("person", { ssin: ssin(), given_name: "Old", family_name: "Writer", language: "NL", created_at: now });
      await previous.destroy();

      migrated = new DataSource({ ...(await buildDataSourceOptions({ url: database.url })), migrations });
      await migrated.initialize();
      const db = migrated;
      await db.runMigrations({ transaction: "each" });
      expect(await missingAccessChangeTriggers(db)).toEqual([]);
      const [{ tokenKey }] = await db.query("SELECT token_key AS tokenKey FROM access_change_state WHERE id = 1");
      expect(tokenKey).toMatch(/^[0-9a-f]{64}$/);
      expect(await db.query("SELECT id FROM access_change")).toEqual([]);

      const writes: [string, unknown[]][] = [
        [
          "INSERT INTO role_assignment (person_id, enterprise_id, role, capacity_code, granted_at, automatic) VALUES (?, ?, 'USER', 'EMPLOYER_NSSO', ?, ?)",
          [personId, clientId, now, 0],
        ],
        [
          "INSERT INTO role_assignment_online_service (assignment_id, online_service_code) SELECT MAX(id), 'DIMONA' FROM role_assignment",
          [],
        ],
        ["DELETE FROM role_assignment_online_service", []],
        ["UPDATE role_assignment SET ended_at = ?", [now]],
        [
          "INSERT INTO service_provider_mandate (client_id, provider_id, capacity_code, status, appointed_by_id, starts_at) VALUES (?, ?, 'EMPLOYER_NSSO', 'ACTIVE', ?, ?)",
          [clientId, providerId, personId, now],
        ],
        [
          "INSERT INTO enterprise_capacity (enterprise_id, capacity_code, status, activated_at) VALUES (?, 'EMPLOYER_NSSO', 'ACTIVE', ?)",
          [clientId, now],
        ],
        ["INSERT INTO ebox (enterprise_id, status) VALUES (?, 'ACTIVE')", [clientId]],
        ["UPDATE enterprise SET status = 'ACTIVE' WHERE id = ?", [clientId]],
        // Neither the version nor the dates are shown: no entry.
        ["UPDATE enterprise SET updated_at = ? WHERE id = ?", [now, clientId]],
        // An access request: its close only, filed by its requester (enterprise 0), not its arrival nor another change.
        [
          "INSERT INTO access_request (person_id, enterprise_number, capacity_code, online_services, status, open_key, created_at, expires_at) VALUES (?, '0123456749', 'EMPLOYER_NSSO', 'DIMONA', 'PENDING', 1, ?, ?)",
          [personId, now, now],
        ],
        ["UPDATE access_request SET message = 'Hello'", []],
        ["UPDATE access_request SET status = 'EXPIRED', open_key = NULL", []],
      ];
      for (const [sql, params] of writes) await db.query(sql, params);
      const entries = (await db.query(
        "SELECT kind, operation, enterprise_id AS e, other_enterprise_id AS o, person_id AS p FROM access_change ORDER BY id",
      )) as {
        kind: string;
        operation: string;
        e: number;
        o: number | null;
        p: number | null;
      }[];
      expect(
        entries.map((r) => [r.kind, r.operation, Number(r.e), r.o === null ? null : Number(r.o), r.p === null ? null : Number(r.p)]),
      ).toEqual([
        ["ROLE_ASSIGNMENT", "INSERT", clientId, null, null],
        ["ROLE_ASSIGNMENT", "INSERT", clientId, null, null],
        ["ROLE_ASSIGNMENT", "DELETE", clientId, null, null],
        ["ROLE_ASSIGNMENT", "UPDATE", clientId, null, null],
        ["MANDATE", "INSERT", clientId, providerId, null],
        ["CAPACITY", "INSERT", clientId, null, null],
        ["EBOX", "INSERT", clientId, null, null],
        ["ENTERPRISE", "UPDATE", clientId, null, null],
        ["ACCESS_REQUEST", "UPDATE", 0, null, personId],
      ]);
      // A write that fails leaves no entry.
      await expect(db.query("INSERT INTO ebox (enterprise_id, status) VALUES (?, 'ACTIVE')", [clientId])).rejects.toThrow();
      expect(await db.query("SELECT id FROM access_change")).toHaveLength(entries.length);

      await undoMigrationsThrough(db, "AccessChangeLog1764300000012");
      expect(await missingAccessChangeTriggers(db)).toHaveLength(17);
      await db.query("UPDATE enterprise SET status = 'REGISTERED' WHERE id = ?", [clientId]);
      await expect(db.query("SELECT id FROM access_change")).rejects.toThrow();
    } finally {
      if (previous.isInitialized) await previous.destroy();
      if (migrated?.isInitialized) await migrated.destroy();
      await database.drop();
    }
  });
});
