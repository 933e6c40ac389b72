import type { GraphQLClient } from "graphql-request";
import { verifyAuditChains } from "../src/audit/verify";
import { AccessReview, AccessReviewItem, AuditEvent, Enterprise, RoleAssignment } from "../src/domain/entities";
import { sweepExpiredRights } from "../src/management/sweep-expired-rights";
import { nextDueAt } from "../src/management/access-reviews";
import { TestClock } from "./support/clock";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { expectRefusedUnchanged, type ExpectedError } from "./support/graphql";
import { ssin } from "./support/identities";
import { snapshot } from "./support/snapshot";
import { listening, quiet, subscribe } from "./support/live";
import type { SeededEnterprise } from "./support/seed";

const capacity = "EMPLOYER_NSSO";

const m = {
  start: `mutation ($input: StartAccessReviewInput!, $dryRun: Boolean) {
    startAccessReview(input: $input, dryRun: $dryRun) { id status dueAt defaultDecision reviewers recurrence capacities { code } }
  }`,
  decide: `mutation ($id: ID!, $decision: AccessReviewDecision!, $validUntil: DateTime, $note: String) {
    decideAccessReviewItem(id: $id, decision: $decision, validUntil: $validUntil, note: $note) { id status decision byDefault note }
  }`,
  complete: `mutation ($id: ID!) { completeAccessReview(id: $id) { id status completedAt } }`,
  review: `query ($n: EnterpriseNumber!, $id: ID!, $decided: Boolean) {
    enterprise(number: $n) {
      accessReview(id: $id) {
        id status
        items(decided: $decided) { totalCount nodes { id role status decision byDefault assignmentId capacity { code } person { ssin } } }
      }
    }
  }`,
  reviews: `query ($n: EnterpriseNumber!) { enterprise(number: $n) { accessReviews { totalCount nodes { id status dueAt recurrence } } } }`,
  removeUser: `mutation ($a: ID!) { removeUser(assignment: $a) { id } }`,
  revoke: `mutation ($a: ID!) { revokeAccessManager(assignment: $a) { id } }`,
  deleteAccess: `mutation ($input: DeleteEnterpriseAccessInput!) { deleteEnterpriseAccess(input: $input) { status } }`,
};

interface Item {
  id: string;
  role: string;
  status: string;
  decision: string | null;
  byDefault: boolean;
  assignmentId: string;
  capacity: { code: string };
  person: { ssin: string };
}

describe("the next due date of a recurring review", () => {
  it("is one period later at the same time, on the last day of a shorter month, and after now", () => {
    const at = (iso: string) => new Date(iso);
    expect(nextDueAt(at("2026-03-31T22:00:00Z"), "QUARTERLY", at("2026-04-01T00:00:00Z"))).toEqual(at("2026-06-30T22:00:00Z"));
    expect(nextDueAt(at("2026-11-30T23:00:00Z"), "QUARTERLY", at("2026-12-01T00:00:00Z"))).toEqual(at("2027-02-28T23:00:00Z"));
    expect(nextDueAt(at("2028-02-29T23:00:00Z"), "YEARLY", at("2028-03-01T00:00:00Z"))).toEqual(at("2029-02-28T23:00:00Z"));
    // A sweep that comes by long after the due date starts the next one still ahead.
    expect(nextDueAt(at("2026-01-15T08:00:00Z"), "QUARTERLY", at("2026-05-01T00:00:00Z"))).toEqual(at("2026-07-15T08:00:00Z"));
  });
});

describeEachDatabase("access reviews", (dialect) => {
  const clock = new TestClock();
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect, {}, { clock });
  });
  afterAll(() => gw?.stop());

  const days = (n: number) => new Date(clock.now().getTime() + n * 24 * 60 * 60 * 1000).toISOString();

  /** An employer with two access managers and three users of one capacity. */
  async function employer() {
    const managers = [ssin(), ssin()];
    const e = await gw.seed
      .enterprise()
      .withMainAccessManager()
      .active()
      .withAccessManager(capacity, managers[0])
      .withAccessManager(capacity, managers[1])
      .withUser(capacity, ["DIMONA"])
      .withUser(capacity, ["DMFA"])
      .withUser(capacity, ["DRS"])
      .build();
    return { e, managers };
  }

  async function start(client: GraphQLClient, e: SeededEnterprise, input: Record<string, unknown> = {}) {
    const answer = await client.request<{ startAccessReview: { id: string; dueAt: string } }>(m.start, {
      input: { enterprise: e.number, dueAt: days(14), defaultDecision: "REMOVE", ...input },
    });
    return answer.startAccessReview;
  }

  async function items(client: GraphQLClient, e: SeededEnterprise, id: string, decided?: boolean): Promise<Item[] | null> {
    const answer = await client.request<{ enterprise: { accessReview: { items: { nodes: Item[] } } | null } | null }>(m.review, {
      n: e.number,
      id,
      decided,
    });
    return answer.enterprise?.accessReview?.items.nodes ?? null;
  }

  const decide = (client: GraphQLClient, id: string, decision: string, extra: Record<string, unknown> = {}) =>
    client.request<{ decideAccessReviewItem: { status: string } }>(m.decide, { id, decision, ...extra });

  const refused = (request: () => Promise<unknown>, expected: ExpectedError) => expectRefusedUnchanged(gw.dataSource, request, expected);

  const current = async (assignmentId: number | string) =>
    (await gw.dataSource.getRepository(RoleAssignment).findOneByOrFail({ id: Number(assignmentId) })).endedAt === null;

  it("runs a quarterly review: one manager keeps, one removes, one forgets, and the default applies at the due date", async () => {
    const { e, managers } = await employer();
    const main = await gw.client(e.mainAccessManager!);
    const review = await start(main, e, { recurrence: "QUARTERLY", capacities: [capacity] });
    expect(review).toMatchObject({ status: "OPEN", defaultDecision: "REMOVE", reviewers: "CAPACITY_MANAGERS", recurrence: "QUARTERLY" });

    // The main access manager sees every item: both access managers and the three users, never their own roles.
    const all = (await items(main, e, review.id))!;
    expect(all.map((i) => i.role).sort()).toEqual(["ACCESS_MANAGER", "ACCESS_MANAGER", "USER", "USER", "USER"]);
    expect(all.map((i) => i.person.ssin)).not.toContain(e.mainAccessManager);

    // An access manager sees the users they may decide, and no access manager's item (theirs or a colleague's).
    const first = await gw.client(managers[0]);
    const second = await gw.client(managers[1]);
    const users = (await items(first, e, review.id))!;
    expect(users.map((i) => i.person.ssin).sort()).toEqual(e.users.map((u) => u.ssin).sort());

    const [kept, removed, forgotten] = e.users.map((u) => users.find((i) => i.person.ssin === u.ssin)!);
    const validUntil = days(200);
    expect(
      (await decide(first, kept.id, "KEEP", { validUntil, note: "Still files the Dimona declarations" })).decideAccessReviewItem,
    ).toMatchObject({ status: "KEPT", decision: "KEEP", byDefault: false, note: "Still files the Dimona declarations" });
    expect((await gw.dataSource.getRepository(RoleAssignment).findOneByOrFail({ id: Number(kept.assignmentId) })).validUntil).toEqual(
      new Date(validUntil),
    );
    expect((await decide(second, removed.id, "REMOVE")).decideAccessReviewItem).toMatchObject({ status: "REMOVED" });
    expect(await current(removed.assignmentId)).toBe(false);

    // Deciding twice is CONFLICT, whoever tries.
    await refused(() => decide(first, removed.id, "KEEP"), { code: "CONFLICT", reason: "ALREADY_DECIDED" });

    // The main access manager keeps one access manager and forgets the other.
    const [firstManagerItem, secondManagerItem] = managers.map((s) => all.find((i) => i.role === "ACCESS_MANAGER" && i.person.ssin === s)!);
    await decide(main, firstManagerItem.id, "KEEP");

    // Past the due date nobody decides any more, even before the sweep has come by.
    clock.passes(review.dueAt);
    await refused(() => decide(main, secondManagerItem.id, "KEEP"), { code: "CONFLICT", reason: "REVIEW_COMPLETED" });
    const eventsBefore = await gw.dataSource.getRepository(AuditEvent).countBy({ enterpriseId: e.id });
    await sweepExpiredRights({ dataSource: gw.dataSource, clock });

    // The default (REMOVE) ended what nobody vouched for: the forgotten user and the second access manager.
    expect(await current(forgotten.assignmentId)).toBe(false);
    expect(await current(secondManagerItem.assignmentId)).toBe(false);
    expect(await current(kept.assignmentId)).toBe(true);
    expect(await current(firstManagerItem.assignmentId)).toBe(true);
    const settled = (await items(main, e, review.id, true))!;
    expect(settled).toHaveLength(5);
    expect(
      settled
        .filter((i) => i.byDefault)
        .map((i) => i.id)
        .sort(),
    ).toEqual([forgotten.id, secondManagerItem.id].sort());
    expect(await items(main, e, review.id, false)).toEqual([]);

    // One event per default decision, no actor, the review named; then the completion.
    const events = (await gw.dataSource.getRepository(AuditEvent).find({ where: { enterpriseId: e.id }, order: { id: "ASC" } })).slice(
      eventsBefore,
    );
    const defaults = events.filter((ev) => JSON.parse(ev.details).byDefault === true);
    expect(defaults).toHaveLength(2);
    for (const ev of defaults) {
      expect(ev.actorId).toBeNull();
      expect(JSON.parse(ev.details)).toMatchObject({ accessReview: Number(review.id), decision: "REMOVE", byDefault: true });
    }
    expect(defaults.map((ev) => ev.action).sort()).toEqual(["APPOINT_ACCESS_MANAGER", "MANAGE_USERS"]);
    expect(await verifyAuditChains({ dataSource: gw.dataSource, enterpriseId: e.id })).toMatchObject({ broken: [] });

    // Quarterly: the next review is open, due one quarter after this one's due date, of the roles still held.
    const listed = (
      await main.request<{ enterprise: { accessReviews: { nodes: { id: string; status: string; dueAt: string }[] } } }>(m.reviews, {
        n: e.number,
      })
    ).enterprise.accessReviews.nodes;
    expect(listed.map((r) => r.status)).toEqual(["OPEN", "COMPLETED"]);
    expect(listed[0].dueAt).toBe(nextDueAt(new Date(review.dueAt), "QUARTERLY", clock.now()).toISOString());
    expect((await items(main, e, listed[0].id))!.map((i) => i.assignmentId).sort()).toEqual(
      [kept.assignmentId, firstManagerItem.assignmentId].sort(),
    );
  });

  it("shows a user none of a review, and a stranger or another enterprise's manager nothing of it", async () => {
    const { e } = await employer();
    const other = await gw.seed.enterprise().withMainAccessManager().active().withAccessManager(capacity).build();
    const review = await start(await gw.client(e.mainAccessManager!), e);
    const user = await gw.client(e.users[0].ssin);
    expect(await items(user, e, review.id)).toBeNull();
    expect(
      (await user.request<{ enterprise: { accessReviews: { totalCount: number } } }>(m.reviews, { n: e.number })).enterprise.accessReviews
        .totalCount,
    ).toBe(0);
    const item = (await gw.dataSource.getRepository(AccessReviewItem).findOneByOrFail({ reviewId: Number(review.id), role: "USER" })).id;
    // Ids of another enterprise's review: NOT_FOUND, as for an id that does not exist.
    const otherMain = await gw.client(other.mainAccessManager!);
    const otherManager = await gw.client(other.accessManagers[capacity]);
    await refused(() => decide(otherManager, String(item), "REMOVE"), { code: "NOT_FOUND" });
    await refused(() => decide(otherMain, String(item), "REMOVE"), { code: "NOT_FOUND" });
    await refused(() => otherMain.request(m.complete, { id: review.id }), { code: "NOT_FOUND" });
    await refused(() => decide(user, String(item), "REMOVE"), { code: "NOT_FOUND" });
    expect(
      (await otherMain.request<{ enterprise: { accessReview: unknown } }>(m.review, { n: other.number, id: review.id })).enterprise
        .accessReview,
    ).toBeNull();
    // Starting one is the main access manager's: an access manager and a user are refused.
    for (const who of [e.accessManagers[capacity], e.users[0].ssin]) {
      const client = await gw.client(who);
      await refused(() => start(client, e), { code: "FORBIDDEN", reason: "ROLE_LACKS_TASK" });
    }
  });

  it("keeps a reviewer within their capacities and away from their own role", async () => {
    const managers = [ssin(), ssin()];
    const e = await gw.seed
      .enterprise()
      .withMainAccessManager()
      .active()
      .withCapacity("APPROVED_SOCIAL_SECRETARIAT")
      .withAccessManager(capacity, managers[0])
      .withAccessManager("APPROVED_SOCIAL_SECRETARIAT", managers[1])
      .withUser(capacity, ["DIMONA"])
      .withUser("APPROVED_SOCIAL_SECRETARIAT", ["DIMONA"])
      .withUser(capacity, ["DMFA"], managers[0])
      .build();
    const review = await start(await gw.client(e.mainAccessManager!), e);
    const first = await gw.client(managers[0]);
    const seen = (await items(first, e, review.id))!;
    // Their own capacity's users, not the other capacity's, and not their own USER role.
    expect(seen.map((i) => i.person.ssin)).toEqual([e.users[0].ssin]);
    const all = await gw.dataSource.getRepository(AccessReviewItem).findBy({ reviewId: Number(review.id) });
    const beyond = all.find((i) => i.capacityCode === "APPROVED_SOCIAL_SECRETARIAT" && i.role === "USER")!;
    const own = all.find((i) => i.role === "USER" && i.capacityCode === capacity && i.id !== Number(seen[0].id))!;
    await refused(() => decide(first, String(beyond.id), "REMOVE"), { code: "NOT_FOUND" });
    await refused(() => decide(first, String(own.id), "KEEP"), { code: "NOT_FOUND" });
    const ownManagerItem = all.find((i) => i.role === "ACCESS_MANAGER" && i.capacityCode === capacity)!;
    await refused(() => decide(first, String(ownManagerItem.id), "KEEP"), { code: "NOT_FOUND" });
    // The legal representative sees every item but decides none: the table gives them no MANAGE_USERS.
    const representative = await gw.client(e.legalRepresentative);
    expect((await items(representative, e, review.id))!.length).toBe(all.length);
    await refused(() => decide(representative, String(beyond.id), "KEEP"), { code: "FORBIDDEN", reason: "ROLE_LACKS_TASK" });
  });

  it("refuses a removed reviewer, and an item whose role already ended is ALREADY_ENDED", async () => {
    const { e, managers } = await employer();
    const main = await gw.client(e.mainAccessManager!);
    const review = await start(main, e, { defaultDecision: "KEEP" });
    const first = await gw.client(managers[0]);
    const users = (await items(first, e, review.id))!;
    const managerItem = (await items(main, e, review.id))!.find((i) => i.role === "ACCESS_MANAGER" && i.person.ssin === managers[0])!;
    await main.request(m.revoke, { a: managerItem.assignmentId });
    await refused(() => decide(first, users[0].id, "REMOVE"), { code: "NOT_FOUND" });
    expect(await current(users[0].assignmentId)).toBe(true);

    // Removed outside the review: deciding it is CONFLICT, and completion closes it as ALREADY_ENDED with no event.
    await main.request(m.removeUser, { a: users[1].assignmentId });
    await refused(() => decide(main, users[1].id, "KEEP"), { code: "CONFLICT", reason: "ALREADY_ENDED" });
    await refused(() => decide(main, managerItem.id, "KEEP"), { code: "CONFLICT", reason: "ALREADY_ENDED" });

    // Completed early: the default (KEEP) applies to every item still pending, with the main access manager as actor.
    const completed = (await main.request<{ completeAccessReview: { status: string } }>(m.complete, { id: review.id }))
      .completeAccessReview;
    expect(completed.status).toBe("COMPLETED");
    const settled = (await items(main, e, review.id))!;
    const byId = new Map(settled.map((i) => [i.id, i]));
    expect(byId.get(users[1].id)).toMatchObject({ status: "ALREADY_ENDED", decision: null });
    expect(byId.get(managerItem.id)).toMatchObject({ status: "ALREADY_ENDED" });
    expect(byId.get(users[0].id)).toMatchObject({ status: "KEPT", decision: "KEEP", byDefault: true });
    expect(await current(users[0].assignmentId)).toBe(true);
    await refused(() => main.request(m.complete, { id: review.id }), { code: "CONFLICT", reason: "REVIEW_COMPLETED" });
    await refused(() => decide(main, users[0].id, "REMOVE"), { code: "CONFLICT", reason: "REVIEW_COMPLETED" });
  });

  it("races a decision with deleteEnterpriseAccess: one order or the other, never half of each", async () => {
    const { e, managers } = await employer();
    const main = await gw.client(e.mainAccessManager!);
    const review = await start(main, e, { recurrence: "YEARLY" });
    const first = await gw.client(managers[0]);
    const [item] = (await items(first, e, review.id))!;
    const representative = await gw.client(e.legalRepresentative);
    const [decided, deleted] = await Promise.allSettled([
      decide(first, item.id, "KEEP"),
      representative.request(m.deleteAccess, { input: { enterprise: e.number, reason: "The enterprise stopped trading" } }),
    ]);
    expect(deleted.status).toBe("fulfilled");
    const row = await gw.dataSource.getRepository(AccessReviewItem).findOneByOrFail({ id: Number(item.id) });
    if (decided.status === "fulfilled") expect(row.status).toBe("KEPT");
    else {
      // After the deletion the reviewer holds no role there: the item is out of their sight (NOT_FOUND), or, read before
      // the deletion and decided after, refused for the enterprise's state.
      const refusal = (decided.reason as { response?: { errors?: { extensions: Record<string, unknown> }[] } }).response?.errors?.[0];
      expect([
        ["NOT_FOUND", undefined],
        ["FORBIDDEN", "ENTERPRISE_ACCESS_DELETED"],
      ]).toContainEqual([refusal?.extensions.code, refusal?.extensions.reason]);
      expect(row.status).toBe("PENDING");
    }
    expect(await current(item.assignmentId)).toBe(false);
    // At the due date the review completes with nothing left to apply, and does not repeat for an enterprise without access.
    clock.passes(review.dueAt);
    await sweepExpiredRights({ dataSource: gw.dataSource, clock });
    const reviews = await gw.dataSource.getRepository(AccessReview).findBy({ enterpriseId: e.id });
    expect(reviews.map((r) => r.status)).toEqual(["COMPLETED"]);
    const left = await gw.dataSource.getRepository(AccessReviewItem).findBy({ reviewId: Number(review.id) });
    expect(left.every((i) => i.status !== "PENDING")).toBe(true);
    expect((await gw.dataSource.getRepository(Enterprise).findOneByOrFail({ id: e.id })).status).toBe("ACCESS_DELETED");
  });

  it("tells the person whose role a decision ends through accessChanged, at the decision and at the due date", async () => {
    const { e, managers } = await employer();
    const review = await start(await gw.client(e.mainAccessManager!), e);
    const first = await gw.client(managers[0]);
    const seen = (await items(first, e, review.id))!;
    const [removed, forgotten, kept] = e.users.map((u) => seen.find((i) => i.person.ssin === u.ssin)!);
    await decide(first, kept.id, "KEEP");
    const removedOwn = subscribe(gw, await gw.token(e.users[0].ssin));
    const forgottenOwn = subscribe(gw, await gw.token(e.users[1].ssin));
    try {
      await listening(gw, 2);
      await decide(first, removed.id, "REMOVE");
      expect(await removedOwn.next((x) => x.kind === "ASSIGNMENT")).toMatchObject({ enterprise: e.display });
      clock.passes(review.dueAt);
      await sweepExpiredRights({ dataSource: gw.dataSource, clock, changes: gw.gateway.changes });
      expect(await forgottenOwn.next((x) => x.kind === "ASSIGNMENT")).toMatchObject({ enterprise: e.display });
      expect(await current(forgotten.assignmentId)).toBe(false);
    } finally {
      await Promise.all([removedOwn, forgottenOwn].map((x) => x.dispose()));
      await listening(gw, 0);
    }
  });

  it("answers a review and its items as they stood at a past instant, to the enterprise's history readers only", async () => {
    const { e, managers } = await employer();
    const other = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await gw.client(e.mainAccessManager!);
    clock.advance({ hours: 1 });
    const beforeStart = clock.now().toISOString();
    clock.advance({ hours: 1 });
    const review = await start(main, e, { defaultDecision: "KEEP", capacities: [capacity] });
    clock.advance({ hours: 1 });
    const opened = clock.now().toISOString();
    clock.advance({ hours: 1 });
    const first = await gw.client(managers[0]);
    const [kept, removed] = (await items(first, e, review.id))!;
    await decide(first, kept.id, "KEEP", { note: "Still needed" });
    await decide(first, removed.id, "REMOVE");
    clock.advance({ hours: 1 });
    const decided = clock.now().toISOString();
    clock.advance({ hours: 1 });
    await main.request(m.complete, { id: review.id });
    clock.advance({ hours: 1 });

    const q = `query ($n: EnterpriseNumber!, $id: ID!, $asOf: DateTime, $decided: Boolean) {
      enterprise(number: $n) {
        accessReviews(asOf: $asOf) { totalCount nodes { id status completedAt } }
        accessReview(id: $id, asOf: $asOf) {
          id status completedAt
          items(decided: $decided) { totalCount nodes { id status decision byDefault decidedAt note } }
        }
      }
    }`;
    type Then = {
      accessReviews: { totalCount: number; nodes: { id: string; status: string; completedAt: string | null }[] };
      accessReview: {
        status: string;
        completedAt: string | null;
        items: { totalCount: number; nodes: { id: string; status: string; decision: string | null; note: string | null }[] };
      } | null;
    };
    const then = async (who: GraphQLClient, asOf: string | null, decidedFilter?: boolean) =>
      (await who.request<{ enterprise: Then }>(q, { n: e.number, id: review.id, asOf, decided: decidedFilter })).enterprise;

    // Before it started there was no such review.
    for (const reader of [main, await gw.client(e.legalRepresentative)]) {
      const past = await then(reader, beforeStart);
      expect(past.accessReview).toBeNull();
      expect(past.accessReviews.nodes.map((r) => r.id)).not.toContain(review.id);
    }
    // Open, and every item pending: the decisions came later.
    const whileOpen = await then(main, opened);
    expect(whileOpen.accessReview).toMatchObject({ status: "OPEN", completedAt: null });
    expect(whileOpen.accessReviews.nodes.find((r) => r.id === review.id)).toMatchObject({ status: "OPEN", completedAt: null });
    const total = whileOpen.accessReview!.items.totalCount;
    expect(whileOpen.accessReview!.items.nodes.every((i) => i.status === "PENDING" && i.decision === null && i.note === null)).toBe(true);
    expect((await then(main, opened, true)).accessReview!.items.totalCount).toBe(0);
    expect((await then(main, opened, false)).accessReview!.items.totalCount).toBe(total);
    // After the two decisions, still open: those two settled, the rest pending.
    const afterDecisions = await then(main, decided);
    expect(afterDecisions.accessReview).toMatchObject({ status: "OPEN", completedAt: null });
    const byId = new Map(afterDecisions.accessReview!.items.nodes.map((i) => [i.id, i]));
    expect(byId.get(kept.id)).toMatchObject({ status: "KEPT", decision: "KEEP", note: "Still needed" });
    expect(byId.get(removed.id)).toMatchObject({ status: "REMOVED", decision: "REMOVE" });
    expect((await then(main, decided, true)).accessReview!.items.nodes.map((i) => i.id).sort()).toEqual([kept.id, removed.id].sort());
    expect((await then(main, decided, false)).accessReview!.items.totalCount).toBe(total - 2);
    // Now: completed, the default (KEEP) applied to the rest.
    const now = await then(main, null);
    expect(now.accessReview).toMatchObject({ status: "COMPLETED" });
    expect(now.accessReview!.items.nodes.filter((i) => i.status === "PENDING")).toEqual([]);

    // A reviewer (access manager) and a user may not ask the past; another enterprise's main access manager sees no enterprise.
    const otherMain = await gw.client(other.mainAccessManager!);
    expect((await otherMain.request<{ enterprise: Then | null }>(q, { n: e.number, id: review.id, asOf: opened })).enterprise).toBeNull();
    for (const who of [managers[0], e.users[2].ssin]) {
      const client = await gw.client(who);
      await refused(() => client.request(q, { n: e.number, id: review.id, asOf: opened }), {
        code: "FORBIDDEN",
        reason: "NOT_HISTORY_READER",
      });
    }
    // Another enterprise's review id asked as of then, through one's own enterprise: nothing.
    expect(
      (await otherMain.request<{ enterprise: Then }>(q, { n: other.number, id: review.id, asOf: decided })).enterprise.accessReview,
    ).toBeNull();
    // The future is not history.
    await refused(() => main.request(q, { n: e.number, id: review.id, asOf: days(1) }), { code: "BAD_USER_INPUT", field: "asOf" });
  });

  it("tells the reviewers through accessChanged that a review started, and no one who does not see it", async () => {
    const { e, managers } = await employer();
    const other = await gw.seed.enterprise().withMainAccessManager().active().withAccessManager(capacity).build();
    const main = await gw.client(e.mainAccessManager!);
    const reviewer = subscribe(gw, await gw.token(managers[0]), e.number);
    const representative = subscribe(gw, await gw.token(e.legalRepresentative), e.number);
    const user = subscribe(gw, await gw.token(e.users[0].ssin), e.number);
    const otherManager = subscribe(gw, await gw.token(other.accessManagers[capacity]), other.number);
    const ownRights = subscribe(gw, await gw.token(managers[1]));
    const all = [reviewer, representative, user, otherManager, ownRights];
    try {
      await listening(gw, all.length);
      await start(main, e, { capacities: [capacity] });
      expect(await reviewer.next((x) => x.kind === "ACCESS_REVIEW")).toMatchObject({ enterprise: e.display });
      await representative.next((x) => x.kind === "ACCESS_REVIEW");
      // One the main access manager reviews alone: its access managers do not see it, the legal representative does.
      await start(main, e, { reviewers: "MAIN_ACCESS_MANAGER" });
      await representative.next(() => representative.events.filter((x) => x.kind === "ACCESS_REVIEW").length === 2);
      await quiet();
      expect(reviewer.events.map((x) => x.kind)).toEqual(["ACCESS_REVIEW"]);
      expect(representative.events.map((x) => x.kind)).toEqual(["ACCESS_REVIEW", "ACCESS_REVIEW"]);
      // A user sees no review, another enterprise's manager nothing of this one, and a review changes no one's rights.
      for (const x of [user, otherManager, ownRights]) expect(x.events).toEqual([]);
    } finally {
      await Promise.all(all.map((x) => x.dispose()));
      await listening(gw, 0);
    }
  });

  it("refuses bad input with the field named, and a dry run changes nothing", async () => {
    const { e } = await employer();
    const main = await gw.client(e.mainAccessManager!);
    const input = (extra: Record<string, unknown>) => ({
      input: { enterprise: e.number, dueAt: days(14), defaultDecision: "KEEP", ...extra },
    });
    await refused(() => main.request(m.start, input({ capacities: ["NOPE"] })), { code: "BAD_USER_INPUT", field: "input.capacities" });
    await refused(() => main.request(m.start, input({ capacities: [] })), { code: "BAD_USER_INPUT", field: "input.capacities" });
    await refused(() => main.request(m.start, input({ dueAt: days(-1) })), { code: "BAD_USER_INPUT", field: "input.dueAt" });
    const before = await snapshot(gw.dataSource);
    const preview = await main.request<{ startAccessReview: { status: string } }>(m.start, { ...input({}), dryRun: true });
    expect(preview.startAccessReview.status).toBe("OPEN");
    expect(await snapshot(gw.dataSource)).toEqual(before);
    const review = await start(main, e);
    const [item] = (await items(main, e, review.id))!;
    await refused(() => decide(main, item.id, "KEEP", { note: "x".repeat(501) }), { code: "BAD_USER_INPUT", field: "note" });
  });
});
