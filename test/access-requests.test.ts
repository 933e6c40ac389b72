import { AccessRequest, AuditEvent, RoleAssignment } from "../src/domain/entities";
import { IsNull } from "typeorm";
import { sweepExpiredRights } from "../src/management/sweep-expired-rights";
import { TestClock } from "./support/clock";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { expectError, expectRefusedUnchanged, outcomes } from "./support/graphql";
import { enterpriseNumber, ssin } from "./support/identities";
import { listening, quiet, subscribe } from "./support/live";

const capacity = "EMPLOYER_NSSO";
const request = `id enterprise capacity onlineServices message validUntil status createdAt expiresAt decidedAt reason requester { givenName familyName ssin }`;
const m = {
  requestAccess: `mutation ($input: RequestAccessInput!, $dryRun: Boolean) { requestAccess(input: $input, dryRun: $dryRun) { ${request} } }`,
  approve: `mutation ($id: ID!, $services: [String!], $validUntil: DateTime) { approveAccessRequest(id: $id, onlineServices: $services, validUntil: $validUntil) { id role capacity { code } validUntil person { ssin } onlineServices { code } } }`,
  deny: `mutation ($id: ID!, $reason: String) { denyAccessRequest(id: $id, reason: $reason) { ${request} } }`,
  withdraw: `mutation ($id: ID!) { withdrawAccessRequest(id: $id) { ${request} } }`,
  mine: `query ($status: AccessRequestStatus) { myAccessRequests(status: $status) { totalCount nodes { ${request} } } }`,
  listed: `query ($e: EnterpriseNumber!, $status: AccessRequestStatus) { enterprise(number: $e) { accessRequests(status: $status) { totalCount nodes { ${request} } } } }`,
  can: `query ($e: EnterpriseNumber!, $s: String!) { canUseOnlineService(enterprise: $e, onlineService: $s) { allowed reason } }`,
  next: `query ($e: EnterpriseNumber!, $s: String!, $c: String) {
    service: canUseOnlineService(enterprise: $e, onlineService: $s) { allowed accessRequest { possible status } }
    task: can(enterprise: $e, task: USE_ONLINE_SERVICES, capacity: $c) { allowed accessRequest { possible status } }
  }`,
};

type Answer = {
  id: string;
  enterprise: string;
  status: string;
  reason: string | null;
  requester: { givenName: string; familyName: string; ssin: string | null };
} & Record<string, unknown>;

describeEachDatabase("access requests", (dialect) => {
  let gw: TestGateway;
  const clock = new TestClock();
  beforeAll(async () => {
    gw = await startTestGateway(dialect, { ACCESS_REQUESTS_PER_DAY: "3", ACCESS_REQUEST_TTL_DAYS: "30" }, { clock });
  });
  afterAll(() => gw?.stop());

  const employer = () => gw.seed.enterprise().withMainAccessManager().active().withAccessManager(capacity);

  /** A client whose person exists already (the first request creates it), so that a refusal's snapshot compares like with like. */
  async function signedIn(asSsin: string) {
    const client = await gw.client(asSsin);
    await client.request("{ me { id } }");
    return client;
  }

  async function ask(asSsin: string, input: Record<string, unknown>): Promise<Answer> {
    const client = await gw.client(asSsin);
    return (await client.request<{ requestAccess: Answer }>(m.requestAccess, { input: { capacity, onlineServices: ["DIMONA"], ...input } }))
      .requestAccess;
  }
  async function listed(asSsin: string, number: string, status?: string): Promise<{ totalCount: number; nodes: Answer[] }> {
    const client = await gw.client(asSsin);
    return (
      await client.request<{ enterprise: { accessRequests: { totalCount: number; nodes: Answer[] } } }>(m.listed, { e: number, status })
    ).enterprise.accessRequests;
  }

  it("a user without DIMONA asks, the access manager approves, the user files", async () => {
    const e = await employer().withUser(capacity, ["DMFA"]).build();
    const user = e.users[0].ssin;
    const client = await gw.client(user);
    expect((await client.request<{ canUseOnlineService: unknown }>(m.can, { e: e.number, s: "DIMONA" })).canUseOnlineService).toEqual({
      allowed: false,
      reason: "ONLINE_SERVICE_NOT_GRANTED",
    });
    const asked = await ask(user, { enterprise: e.number, message: "I file the Dimona declarations from Monday." });
    expect(asked).toMatchObject({ status: "PENDING", capacity, onlineServices: ["DIMONA"], decidedAt: null });
    // Already a user of the capacity: approving would add them again (addUser's own rule).
    const manager = await gw.client(e.accessManagers[capacity]);
    await expectRefusedUnchanged(gw.dataSource, () => manager.request(m.approve, { id: asked.id }), {
      code: "CONFLICT",
      reason: "ALREADY_ASSIGNED",
    });
    await client.request(m.withdraw, { id: asked.id });

    const newcomer = ssin();
    await gw.seed.person(newcomer, { givenName: "Nora", familyName: "Newcomer" });
    const fresh = await ask(newcomer, { enterprise: e.number, message: "New in payroll" });
    const queue = await listed(e.accessManagers[capacity], e.number, "PENDING");
    expect(queue.nodes.map((r) => r.id)).toEqual([fresh.id]);
    // Names to the access manager, no national number before approval; the main access manager sees it.
    expect(queue.nodes[0].requester).toEqual({ givenName: "Nora", familyName: "Newcomer", ssin: null });
    expect((await listed(e.mainAccessManager!, e.number, "PENDING")).nodes[0].requester.ssin).toBe(newcomer);

    const approved = await manager.request<{ approveAccessRequest: { id: string; person: { ssin: string } } }>(m.approve, { id: fresh.id });
    expect(approved.approveAccessRequest).toMatchObject({ role: "USER", person: { ssin: newcomer }, onlineServices: [{ code: "DIMONA" }] });
    const filer = await gw.client(newcomer);
    expect((await filer.request<{ canUseOnlineService: unknown }>(m.can, { e: e.number, s: "DIMONA" })).canUseOnlineService).toEqual({
      allowed: true,
      reason: "GRANTED_BY_ROLE",
    });
    expect(await filer.request(m.next, { e: e.number, s: "DIMONA", c: capacity })).toEqual({
      service: { allowed: true, accessRequest: { possible: false, status: "APPROVED" } },
      task: { allowed: true, accessRequest: { possible: false, status: "APPROVED" } },
    });
    const mine = (await filer.request<{ myAccessRequests: { nodes: Answer[] } }>(m.mine, {})).myAccessRequests.nodes;
    expect(mine).toEqual([
      expect.objectContaining({ id: fresh.id, status: "APPROVED", requester: expect.objectContaining({ ssin: newcomer }) }),
    ]);
    expect((await listed(e.accessManagers[capacity], e.number, "APPROVED")).nodes[0].requester.ssin).toBe(newcomer);

    // The same audit as addUser, with the request named.
    const event = await gw.dataSource.getRepository(AuditEvent).findOne({ where: { enterpriseId: e.id }, order: { id: "DESC" } });
    expect(event!.action).toBe("MANAGE_USERS");
    expect(JSON.parse(event!.details)).toMatchObject({
      mutation: "approveAccessRequest",
      before: null,
      after: { role: "USER", capacity, person: { ssin: newcomer } },
      accessRequest: { id: Number(fresh.id), status: "APPROVED" },
    });

    // Approving twice: the request is no longer open.
    await expectRefusedUnchanged(gw.dataSource, () => manager.request(m.approve, { id: fresh.id }), {
      code: "CONFLICT",
      reason: "REQUEST_CLOSED",
    });
  });

  it("answers a stranger the same for an enterprise that exists and one that does not", async () => {
    const e = await employer().build();
    const stranger = ssin();
    const real = await ask(stranger, { enterprise: e.number });
    const invented = await ask(stranger, { enterprise: enterpriseNumber() });
    const shape = ({ id: _id, enterprise: _e, createdAt: _c, expiresAt: _x, ...rest }: Answer) => rest;
    expect(shape(real)).toEqual(shape(invented));
    // What `can` tells of next steps is the same for both too: a request is open, none is possible.
    const asking = await gw.client(stranger);
    const next = (number: string) => asking.request(m.next, { e: number, s: "DIMONA", c: capacity });
    const pending = { allowed: false, accessRequest: { possible: false, status: "PENDING" } };
    expect(await next(e.number)).toEqual({ service: pending, task: pending });
    expect(await next(invented.enterprise)).toEqual({ service: pending, task: pending });
    const none = { allowed: false, accessRequest: { possible: true, status: null } };
    expect(await next(enterpriseNumber())).toEqual({ service: none, task: none });
    expect(real.status).toBe("PENDING");
    // A malformed number is the only refusal, before anything is read.
    const client = await gw.client(stranger);
    await expectError(client.request(m.requestAccess, { input: { enterprise: "0123.456.789", capacity, onlineServices: ["DIMONA"] } }), {
      code: "BAD_USER_INPUT",
    });
  });

  it("keeps one open request per person, enterprise and capacity: asking again answers the open one", async () => {
    const e = await employer().build();
    const person = ssin();
    const first = await ask(person, { enterprise: e.number });
    const again = await ask(person, { enterprise: e.number, onlineServices: ["DMFA"] });
    expect(again).toEqual(first);
    expect(await gw.dataSource.getRepository(AccessRequest).countBy({ enterpriseNumber: e.number })).toBe(1);
  });

  it("limits each person to ACCESS_REQUESTS_PER_DAY requests in 24 hours", async () => {
    const flooder = ssin();
    for (let i = 0; i < 3; i++) await ask(flooder, { enterprise: enterpriseNumber() });
    const client = await gw.client(flooder);
    const refused = await expectRefusedUnchanged(
      gw.dataSource,
      () => client.request(m.requestAccess, { input: { enterprise: enterpriseNumber(), capacity, onlineServices: ["DIMONA"] } }),
      { code: "RATE_LIMITED" },
    );
    expect(refused.extensions).toMatchObject({ scope: "viewer" });
  });

  it("checks the message as names are checked, up to 500 characters", async () => {
    const client = await signedIn(ssin());
    const input = { enterprise: enterpriseNumber(), capacity, onlineServices: ["DIMONA"] };
    await expectRefusedUnchanged(gw.dataSource, () => client.request(m.requestAccess, { input: { ...input, message: "x".repeat(501) } }), {
      code: "BAD_USER_INPUT",
      field: "input.message",
    });
    await expectRefusedUnchanged(gw.dataSource, () => client.request(m.requestAccess, { input: { ...input, message: "hi\u0007there" } }), {
      code: "BAD_USER_INPUT",
      field: "input.message",
    });
    await expectRefusedUnchanged(
      gw.dataSource,
      () => client.request(m.requestAccess, { input: { ...input, onlineServices: ["LIMOSA"] } }),
      {
        code: "BAD_USER_INPUT",
        field: "input.onlineServices",
      },
    );
  });

  it("answers NOT_FOUND to whoever may not decide: a manager of another capacity, a provider's staff, the requester", async () => {
    const provider = await gw.seed
      .enterprise({ defaultCapacity: "SOCIAL_SERVICE_PROVIDER" })
      .withMainAccessManager()
      .active()
      .withAccessManager("SOCIAL_SERVICE_PROVIDER")
      .build();
    const e = await employer()
      .withCapacity("ENTERPRISE_WITHOUT_STAFF")
      .withAccessManager("ENTERPRISE_WITHOUT_STAFF")
      .withServiceProvider(provider, capacity)
      .build();
    const requester = ssin();
    const asked = await ask(requester, { enterprise: e.number });
    for (const outsider of [
      e.accessManagers.ENTERPRISE_WITHOUT_STAFF,
      provider.accessManagers.SOCIAL_SERVICE_PROVIDER,
      requester,
      ssin(),
    ]) {
      const client = await signedIn(outsider);
      await expectRefusedUnchanged(gw.dataSource, () => client.request(m.approve, { id: asked.id }), { code: "NOT_FOUND" });
      await expectRefusedUnchanged(gw.dataSource, () => client.request(m.deny, { id: asked.id }), { code: "NOT_FOUND" });
    }
    // The other capacity's access manager lists their own capacity's requests only.
    expect((await listed(e.accessManagers.ENTERPRISE_WITHOUT_STAFF, e.number)).totalCount).toBe(0);
    // A legal representative holds no MANAGE_USERS: refused, as the table says.
    const lr = await gw.client(e.legalRepresentative);
    await expectError(lr.request(m.listed, { e: e.number }), { code: "FORBIDDEN", reason: "ROLE_LACKS_TASK" });
  });

  it("approves by addUser's rules: an active capacity, services of the capacity, an expiry ahead", async () => {
    const e = await employer().build();
    const main = await gw.client(e.mainAccessManager!);
    const inactive = await ask(ssin(), { enterprise: e.number, capacity: "ENTERPRISE_WITHOUT_STAFF", onlineServices: ["LIMOSA"] });
    // The main access manager decides every capacity's requests: refused for the state, not answered as unknown.
    await expectRefusedUnchanged(gw.dataSource, () => main.request(m.approve, { id: inactive.id }), {
      code: "FORBIDDEN",
      reason: "CAPACITY_NOT_ACTIVE",
    });
    const asked = await ask(ssin(), { enterprise: e.number, validUntil: "2030-01-01T00:00:00.000Z" });
    await expectRefusedUnchanged(gw.dataSource, () => main.request(m.approve, { id: asked.id, services: ["LIMOSA"] }), {
      code: "BAD_USER_INPUT",
      field: "onlineServices",
    });
    await expectRefusedUnchanged(gw.dataSource, () => main.request(m.approve, { id: asked.id, validUntil: "2020-01-01T00:00:00.000Z" }), {
      code: "BAD_USER_INPUT",
      field: "validUntil",
    });
    await expectRefusedUnchanged(gw.dataSource, () => main.request(m.deny, { id: asked.id, reason: "x".repeat(501) }), {
      code: "BAD_USER_INPUT",
      field: "reason",
    });
    // The expiry asked for is kept unless the decider sets another; the services likewise.
    const approved = await main.request<{ approveAccessRequest: { validUntil: string; onlineServices: { code: string }[] } }>(m.approve, {
      id: asked.id,
      services: ["DIMONA", "DMFA"],
    });
    expect(approved.approveAccessRequest).toMatchObject({
      validUntil: "2030-01-01T00:00:00.000Z",
      onlineServices: [{ code: "DIMONA" }, { code: "DMFA" }],
    });
  });

  it("answers NOT_FOUND to a decider whose role was removed", async () => {
    const e = await employer().build();
    const asked = await ask(ssin(), { enterprise: e.number });
    const removed = e.accessManagers[capacity];
    const main = await gw.client(e.mainAccessManager!);
    const [profile] = await gw.dataSource
      .getRepository(RoleAssignment)
      .findBy({ enterpriseId: e.id, role: "ACCESS_MANAGER", endedAt: IsNull(), automatic: false });
    await main.request(`mutation ($a: ID!) { revokeAccessManager(assignment: $a) { id } }`, { a: String(profile.id) });
    const client = await gw.client(removed);
    await expectRefusedUnchanged(gw.dataSource, () => client.request(m.approve, { id: asked.id }), { code: "NOT_FOUND" });
  });

  it("a request racing deleteEnterpriseAccess never leaves a user behind", async () => {
    const e = await employer().build();
    const requester = ssin();
    const asked = await ask(requester, { enterprise: e.number });
    const main = await gw.client(e.mainAccessManager!);
    const lr = await gw.client(e.legalRepresentative);
    const results = await outcomes([
      main.request(m.approve, { id: asked.id }),
      lr.request(`mutation ($e: EnterpriseNumber!) { deleteEnterpriseAccess(input: { enterprise: $e, reason: "Closed" }) { status } }`, {
        e: e.number,
      }),
    ]);
    expect(results[1]).toBe("ok");
    expect(["ok", "NOT_FOUND"]).toContain(results[0]);
    expect(await gw.dataSource.getRepository(RoleAssignment).countBy({ enterpriseId: e.id, role: "USER", endedAt: IsNull() })).toBe(0);
    // After the deletion, the former main access manager no longer knows of the request.
    const later = await ask(ssin(), { enterprise: e.number });
    await expectError(main.request(m.approve, { id: later.id }), { code: "NOT_FOUND" });
  });

  it("the requester withdraws their own request; anyone else's is NOT_FOUND", async () => {
    const e = await employer().build();
    const requester = ssin();
    const asked = await ask(requester, { enterprise: e.number });
    const other = await signedIn(ssin());
    await expectRefusedUnchanged(gw.dataSource, () => other.request(m.withdraw, { id: asked.id }), { code: "NOT_FOUND" });
    const manager = await gw.client(e.accessManagers[capacity]);
    await expectRefusedUnchanged(gw.dataSource, () => manager.request(m.withdraw, { id: asked.id }), { code: "NOT_FOUND" });
    const own = await gw.client(requester);
    expect((await own.request<{ withdrawAccessRequest: Answer }>(m.withdraw, { id: asked.id })).withdrawAccessRequest.status).toBe(
      "WITHDRAWN",
    );
    await expectRefusedUnchanged(gw.dataSource, () => own.request(m.withdraw, { id: asked.id }), {
      code: "CONFLICT",
      reason: "REQUEST_CLOSED",
    });
    await expectError(manager.request(m.approve, { id: asked.id }), { code: "CONFLICT", reason: "REQUEST_CLOSED" });
  });

  it("a decider denies with a reason, which the requester reads, without the decider's name", async () => {
    const e = await employer().build();
    const requester = ssin();
    const asked = await ask(requester, { enterprise: e.number });
    const manager = await gw.client(e.accessManagers[capacity]);
    const denied = (await manager.request<{ denyAccessRequest: Answer }>(m.deny, { id: asked.id, reason: "Ask your team lead first" }))
      .denyAccessRequest;
    expect(denied).toMatchObject({ status: "DENIED", reason: "Ask your team lead first" });
    const own = await gw.client(requester);
    expect((await own.request<{ myAccessRequests: { nodes: Answer[] } }>(m.mine, { status: "DENIED" })).myAccessRequests.nodes).toEqual([
      expect.objectContaining({ id: asked.id, status: "DENIED", reason: "Ask your team lead first" }),
    ]);
  });

  it("a request left unanswered expires after ACCESS_REQUEST_TTL_DAYS, and the person may ask again", async () => {
    const e = await employer().build();
    const requester = ssin();
    const asked = await ask(requester, { enterprise: e.number });
    clock.advance({ days: 31 });
    const own = await gw.client(requester);
    expect((await own.request<{ myAccessRequests: { nodes: Answer[] } }>(m.mine, { status: "EXPIRED" })).myAccessRequests.nodes).toEqual([
      expect.objectContaining({ id: asked.id, status: "EXPIRED" }),
    ]);
    const manager = await gw.client(e.accessManagers[capacity]);
    await expectRefusedUnchanged(gw.dataSource, () => manager.request(m.approve, { id: asked.id }), {
      code: "CONFLICT",
      reason: "REQUEST_CLOSED",
    });
    await sweepExpiredRights({ dataSource: gw.dataSource, clock });
    expect(await gw.dataSource.getRepository(AccessRequest).findOneByOrFail({ id: Number(asked.id) })).toMatchObject({
      storedStatus: "EXPIRED",
      openKey: null,
    });
    const again = await ask(requester, { enterprise: e.number });
    expect(again.id).not.toBe(asked.id);
    expect(again.status).toBe("PENDING");
  });

  it("tells the deciders of the capacity of a new request, and its requester of the decision, through accessChanged", async () => {
    const e = await employer().withCapacity("ENTERPRISE_WITHOUT_STAFF").withAccessManager("ENTERPRISE_WITHOUT_STAFF").build();
    const requester = ssin();
    await signedIn(requester);
    const manager = subscribe(gw, await gw.token(e.accessManagers[capacity]), e.number);
    const otherCapacity = subscribe(gw, await gw.token(e.accessManagers.ENTERPRISE_WITHOUT_STAFF), e.number);
    const own = subscribe(gw, await gw.token(requester));
    try {
      await listening(gw, 3);
      const asked = await ask(requester, { enterprise: e.number });
      // Asking for an enterprise that does not exist tells no one: there is no one to tell.
      await ask(requester, { enterprise: enterpriseNumber() });
      await manager.next((x) => x.kind === "ACCESS_REQUEST");
      await (await gw.client(e.accessManagers[capacity])).request(m.deny, { id: asked.id });
      await own.next((x) => x.kind === "ACCESS_REQUEST");
      await quiet();
      expect(manager.events.map((x) => x.kind)).toEqual(["ACCESS_REQUEST", "ACCESS_REQUEST"]);
      // Their own request made is no news to the requester (its presence would tell that the enterprise exists): only the decision.
      expect(own.events.map((x) => [x.kind, x.enterprise])).toEqual([["ACCESS_REQUEST", e.display]]);
      expect(otherCapacity.events).toEqual([]);
    } finally {
      await Promise.all([manager, otherCapacity, own].map((x) => x.dispose()));
      await listening(gw, 0);
    }
  });

  it("tells the requester of every request the sweep closed as expired, existing enterprise or not, and the deciders of theirs", async () => {
    const e = await employer().build();
    const requester = ssin();
    await signedIn(requester);
    const asked = await ask(requester, { enterprise: e.number });
    const nowhere = await ask(requester, { enterprise: enterpriseNumber() });
    const manager = subscribe(gw, await gw.token(e.accessManagers[capacity]), e.number);
    const own = subscribe(gw, await gw.token(requester));
    try {
      await listening(gw, 2);
      clock.advance({ days: 31 });
      await sweepExpiredRights({ dataSource: gw.dataSource, clock, changes: gw.gateway.changes });
      // The requester hears of both, each under the number they gave: hearing of one and not the other would tell,
      // thirty days on, which enterprise exists.
      await own.next((x) => x.kind === "ACCESS_REQUEST" && x.enterprise === e.display);
      await own.next((x) => x.kind === "ACCESS_REQUEST" && x.enterprise === nowhere.enterprise);
      await manager.next((x) => x.kind === "ACCESS_REQUEST");
      for (const id of [asked.id, nowhere.id])
        expect(await gw.dataSource.getRepository(AccessRequest).findOneByOrFail({ id: Number(id) })).toMatchObject({
          storedStatus: "EXPIRED",
          openKey: null,
        });
      // A sweep that finds nothing more to close tells no one again.
      await sweepExpiredRights({ dataSource: gw.dataSource, clock, changes: gw.gateway.changes });
      await quiet();
      expect(own.events.map((x) => [x.kind, x.enterprise]).sort()).toEqual(
        [
          ["ACCESS_REQUEST", e.display],
          ["ACCESS_REQUEST", nowhere.enterprise],
        ].sort(),
      );
      expect(manager.events.map((x) => x.kind)).toEqual(["ACCESS_REQUEST"]);
    } finally {
      await Promise.all([manager, own].map((x) => x.dispose()));
      await listening(gw, 0);
    }
  });
});
