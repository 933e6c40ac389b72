import { addUser } from "../src/management/add-user";
import { requestReader } from "../src/database/readers";
import { viewerFor } from "../src/identity/viewer";
import type { Identity } from "../src/identity/tokens";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { graphql } from "./support/http";
import { ssin } from "./support/identities";
import type { SeededEnterprise } from "./support/seed";

type Me = { ssin: string; roles: { role: string; enterprise: { number: string } }[] };
const meQuery = "{ me { ssin roles { role enterprise { number } } } }";

/**
 * The parameters of each viewer statement (the one that reads the person by national number with their roles) that
 * `run` sends through the gateway's data sources.
 */
async function viewerStatementsOf(gw: TestGateway, run: () => Promise<unknown>): Promise<unknown[][]> {
  const spies = [...new Set([gw.dataSource, requestReader(gw.dataSource)].map((d) => d.logger))].map((logger) =>
    jest.spyOn(logger, "logQuery"),
  );
  try {
    await run();
    return spies.flatMap((spy) =>
      spy.mock.calls.filter((call) => String(call[0]).includes("p__id")).map((call) => (call[1] ?? []) as unknown[]),
    );
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/**
 * The viewer's lookup at the front door (src/identity/viewer.ts): on MySQL/MariaDB, requests that arrive together
 * share one statement, and each gets its own viewer, never another's, never older than a write acknowledged before
 * it was sent; on SQLite each has its own.
 */
describeEachDatabase("viewer lookup", (dialect) => {
  let gw: TestGateway;
  const enterprises: SeededEnterprise[] = [];
  const viewers: string[] = [];

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    for (let i = 0; i < 3; i++) {
      const e = await gw.seed.enterprise().withMainAccessManager().active().withUser("EMPLOYER_NSSO", ["DIMONA"]).build();
      enterprises.push(e);
      viewers.push(e.legalRepresentative, e.mainAccessManager!, e.users[0].ssin);
    }
  });
  afterAll(() => gw?.stop());

  const me = async (viewer: string): Promise<Me> => {
    const answer = await graphql(gw.url, meQuery, { token: await gw.token(viewer) });
    expect(answer.json?.errors).toBeUndefined();
    return answer.json!.data!.me as Me;
  };
  const sorted = (answer: Me) => ({
    ...answer,
    roles: [...answer.roles].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  });

  const viewerStatements = (run: () => Promise<unknown>) => viewerStatementsOf(gw, run);

  it("answers each of many requests sent together with its own viewer, whoever else's lookup shares its statement", async () => {
    const alone = new Map<string, Me>();
    for (const viewer of viewers) alone.set(viewer, sorted(await me(viewer)));
    // Every viewer three times, interleaved, and a person never seen before (created by their first request).
    const newcomer = ssin();
    const sent = [...viewers, ...viewers, newcomer, ...viewers];
    // Tokens first: the requests then leave together.
    const tokens = await Promise.all(sent.map((viewer) => gw.token(viewer)));
    let answers: Me[] = [];
    const statements = await viewerStatements(async () => {
      answers = await Promise.all(
        tokens.map(async (token) => {
          const answer = await graphql(gw.url, meQuery, { token });
          expect(answer.json?.errors).toBeUndefined();
          return answer.json!.data!.me as Me;
        }),
      );
    });
    sent.forEach((viewer, i) => {
      if (viewer === newcomer) expect(answers[i]).toEqual({ ssin: newcomer, roles: [] });
      else expect(sorted(answers[i])).toEqual(alone.get(viewer));
    });
    for (const params of statements) expect(params.length).toBeLessThanOrEqual(64);
    if (dialect === "sqlite") expect(statements.every((params) => params.length === 1)).toBe(true);
  });

  it("shares a statement among the lookups that arrive while two are out, on MySQL/MariaDB; at most one each on SQLite", async () => {
    // 100 lookups at once (the front door's call), every viewer several times, a newcomer among them: the first two go
    // alone, the others wait for the next statements, which name up to 64 viewers each.
    const newcomer = ssin();
    const wanted = Array.from({ length: 100 }, (_, i) => (i === 50 ? newcomer : viewers[i % viewers.length]));
    let found: Awaited<ReturnType<typeof viewerFor>>[] = [];
    const statements = await viewerStatements(async () => {
      found = await Promise.all(wanted.map((who) => viewerFor(gw.dataSource, { ssin: who } as Identity)));
    });
    wanted.forEach((who, i) => expect(found[i].person.ssin).toBe(who));
    // Requests of the same viewer share no object, as with statements of their own.
    const ofOne = found.filter((f) => f.person.ssin === viewers[0]);
    expect(ofOne.length).toBeGreaterThan(1);
    expect(new Set(ofOne.map((f) => f.person)).size).toBe(ofOne.length);
    expect(new Set(ofOne.map((f) => f.assignments[0])).size).toBe(ofOne.length);
    const alone = await viewerFor(gw.dataSource, { ssin: viewers[1] } as Identity);
    for (const [i, who] of wanted.entries())
      if (who === viewers[1]) expect(found[i].assignments.map((a) => a.id)).toEqual(alone.assignments.map((a) => a.id));
    for (const params of statements) expect(params.length).toBeLessThanOrEqual(64);
    if (dialect === "mysql") {
      expect(statements.slice(0, 2).map((params) => params.length)).toEqual([1, 1]);
      expect(statements.length).toBeLessThanOrEqual(4);
      expect(new Set(statements.flat())).toEqual(new Set(wanted));
    } else {
      // Each lookup reads the data version first, all before any statement, and one not kept sends a statement of its
      // own: never a shared one, never one for someone it was not asked for.
      expect(statements.length).toBeGreaterThan(0);
      expect(statements.length).toBeLessThanOrEqual(wanted.length);
      for (const params of statements) expect(params).toEqual([expect.any(String)]);
      for (const who of statements.flat()) expect(wanted).toContain(who);
      // The newcomer's first lookup created them (a commit): the same lookups again read once more, then not at all.
      await Promise.all(wanted.map((who) => viewerFor(gw.dataSource, { ssin: who } as Identity)));
      let kept: Awaited<ReturnType<typeof viewerFor>>[] = [];
      const none = await viewerStatements(async () => {
        kept = await Promise.all(wanted.map((who) => viewerFor(gw.dataSource, { ssin: who } as Identity)));
      });
      expect(none).toEqual([]);
      wanted.forEach((who, i) => expect(kept[i].person.ssin).toBe(who));
    }
  });

  it("shows every request a role granted before it was sent, however its lookup was shared", async () => {
    const e = enterprises[0];
    const person = ssin();
    // The person's first requests, together: no role yet.
    const before = await Promise.all(Array.from({ length: 6 }, () => me(person)));
    expect(before.every((answer) => answer.roles.length === 0)).toBe(true);
    await gw.seed.as(e.mainAccessManager!, (s) =>
      addUser(s, {
        enterprise: e.number,
        capacity: "EMPLOYER_NSSO",
        onlineServices: ["DIMONA"],
        person: { ssin: person, givenName: "Granted", familyName: "Before" },
      }),
    );
    // Acknowledged: every request sent from now on sees it, alone or among others' lookups.
    const after = await Promise.all([...Array.from({ length: 6 }, () => me(person)), ...viewers.map((viewer) => me(viewer))]);
    for (const answer of after.slice(0, 6)) expect(answer.roles).toEqual([{ role: "USER", enterprise: { number: e.display } }]);
  });
});

/**
 * SQLite keeps each viewer's rows until the database's data version moves (src/identity/viewer.ts, KeptViewerRows):
 * a commit by any other connection, the gateway's own writer included, makes the next lookup read again.
 */
describe("viewer lookup on SQLite, kept until the database changes", () => {
  let gw: TestGateway;
  let e: SeededEnterprise;
  beforeAll(async () => {
    gw = await startTestGateway("sqlite");
    e = await gw.seed.enterprise().withMainAccessManager().active().withUser("EMPLOYER_NSSO", ["DIMONA"]).build();
  });
  afterAll(() => gw?.stop());

  const query = "{ me { ssin givenName roles { role enterprise { number } } } }";
  type Answer = { ssin: string; givenName: string; roles: { role: string; enterprise: { number: string } }[] };
  /** How many viewer statements `run` sends. */
  const viewerStatements = async (run: () => Promise<unknown>): Promise<number> => (await viewerStatementsOf(gw, run)).length;
  /** `me` of the user, and the viewer statements its request sent. */
  const meOfUser = async (): Promise<{ me: Answer; statements: number }> => {
    const token = await gw.token(e.users[0].ssin);
    let me!: Answer;
    const statements = await viewerStatements(async () => {
      const answer = await graphql(gw.url, query, { token });
      expect(answer.json?.errors).toBeUndefined();
      me = answer.json!.data!.me as Answer;
    });
    return { me, statements };
  };

  it("answers a viewer read since the last commit without a statement, and reads again after any commit", async () => {
    const first = await meOfUser();
    expect(first.me.roles).toEqual([{ role: "USER", enterprise: { number: e.display } }]);
    const again = await meOfUser();
    expect(again).toEqual({ me: first.me, statements: 0 });

    // A commit through another connection (the gateway's writer; an operator's SQL or another process the same).
    await gw.dataSource.query("UPDATE person SET given_name = ? WHERE ssin = ?", ["Renamed", e.users[0].ssin]);
    const renamed = await meOfUser();
    expect(renamed.statements).toBe(1);
    expect(renamed.me.givenName).toBe("Renamed");

    // The role ended in SQL: the next request has none, and cannot use it.
    await gw.dataSource.query("UPDATE role_assignment SET ended_at = ? WHERE person_id = (SELECT id FROM person WHERE ssin = ?)", [
      new Date().toISOString().replace("T", " ").slice(0, 23),
      e.users[0].ssin,
    ]);
    const ended = await meOfUser();
    expect(ended.statements).toBe(1);
    expect(ended.me.roles).toEqual([]);
  });

  it("hands each request objects of its own, from the kept rows", async () => {
    const identity = { ssin: e.mainAccessManager! } as Identity;
    const one = await viewerFor(gw.dataSource, identity);
    let two!: Awaited<ReturnType<typeof viewerFor>>;
    expect(await viewerStatements(async () => (two = await viewerFor(gw.dataSource, identity)))).toBe(0);
    expect(two.person).toEqual(one.person);
    expect(two.person).not.toBe(one.person);
    expect(two.assignments.map((a) => a.id)).toEqual(one.assignments.map((a) => a.id));
    expect(two.assignments[0]).not.toBe(one.assignments[0]);
    expect(two.enterprises[0]).not.toBe(one.enterprises[0]);
    // What one request does to its objects (the second's came from the kept rows), the next request does not see.
    const { givenName } = two.person;
    const ids = two.assignments.map((a) => a.id);
    const names = two.enterprises.map((x) => x.name);
    for (const changed of [one, two]) {
      changed.person.givenName = "Changed by a request";
      changed.assignments.length = 0;
      changed.enterprises[0].name = "Changed by a request";
    }
    let three!: Awaited<ReturnType<typeof viewerFor>>;
    expect(await viewerStatements(async () => (three = await viewerFor(gw.dataSource, identity)))).toBe(0);
    expect(three.person.givenName).toBe(givenName);
    expect(three.assignments.map((a) => a.id)).toEqual(ids);
    expect(three.enterprises.map((x) => x.name)).toEqual(names);
  });
});
