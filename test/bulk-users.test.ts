import { gql, type GraphQLClient } from "graphql-request";
import { IsNull } from "typeorm";
import { verifyAuditChains } from "../src/audit/verify";
import { accessChangeTable } from "../src/database/access-changes";
import type { AccessChange } from "../src/database/change-feed";
import { AuditEvent, RoleAssignment } from "../src/domain/entities";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { expectError, expectRefusedUnchanged, type ExpectedError } from "./support/graphql";
import { ssin } from "./support/identities";
import type { SeededEnterprise } from "./support/seed";
import { snapshot } from "./support/snapshot";
import { listening, quiet, subscribe } from "./support/live";

const item = `
  index
  assignment {
    id
    validUntil
    person {
      ssin
      givenName
      familyName
    }
    onlineServices {
      code
    }
  }
  error {
    code
    reason
    field
    messageKey
    message
  }
`;

const m = {
  addUsers: gql`
    mutation ($input: AddUsersInput!, $atomic: Boolean, $dryRun: Boolean) {
      addUsers(input: $input, atomic: $atomic, dryRun: $dryRun) {
        atomic
        done
        refused
        items {
          ${item}
        }
      }
    }
  `,
  setServices: gql`
    mutation ($input: SetUsersOnlineServicesInput!, $atomic: Boolean, $dryRun: Boolean) {
      setUsersOnlineServices(input: $input, atomic: $atomic, dryRun: $dryRun) {
        atomic
        done
        refused
        items {
          ${item}
        }
      }
    }
  `,
  removeUsers: gql`
    mutation ($input: RemoveUsersInput!, $atomic: Boolean, $dryRun: Boolean) {
      removeUsers(input: $input, atomic: $atomic, dryRun: $dryRun) {
        atomic
        done
        refused
        items {
          ${item}
        }
      }
    }
  `,
};

interface ItemAnswer {
  index: number;
  assignment: {
    id: string;
    validUntil: string | null;
    person: { ssin: string; givenName: string; familyName: string } | null;
    onlineServices: { code: string }[];
  } | null;
  error: { code: string; reason: string | null; field: string; messageKey: string; message: string } | null;
}
interface BulkAnswer {
  atomic: boolean;
  done: number;
  refused: number;
  items: ItemAnswer[];
}

const person = (s: string, givenName = "Bulk", familyName = `User ${s.slice(-4)}`) => ({ ssin: s, givenName, familyName });
const capacity = "EMPLOYER_NSSO";

describeEachDatabase("bulk provisioning of users", (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.stop());

  const employer = () => gw.seed.enterprise().withMainAccessManager().active().withAccessManager(capacity).withEBox();

  async function addUsers(client: GraphQLClient, variables: Record<string, unknown>): Promise<BulkAnswer> {
    return (await client.request<{ addUsers: BulkAnswer }>(m.addUsers, variables)).addUsers;
  }

  async function refused(client: GraphQLClient, document: string, variables: Record<string, unknown>, expected: ExpectedError) {
    return expectRefusedUnchanged(gw.dataSource, () => client.request(document, variables), expected);
  }

  const currentUsers = (e: SeededEnterprise) =>
    gw.dataSource.getRepository(RoleAssignment).countBy({ enterpriseId: e.id, role: "USER", endedAt: IsNull() });

  it("adds 1,000 users in one call, with one audit event each on a chain that verifies", async () => {
    const e = await employer().build();
    const manager = await gw.client(e.accessManagers[capacity]);
    const users = Array.from({ length: 1000 }, (_, i) => ({
      person: person(ssin()),
      onlineServices: i % 2 === 0 ? ["DIMONA", "DMFA"] : ["DRS"],
      ...(i % 10 === 0 ? { validUntil: "2030-01-01T00:00:00.000Z" } : {}),
    }));
    const eventsBefore = await gw.dataSource.getRepository(AuditEvent).countBy({ enterpriseId: e.id });
    const response = await manager.rawRequest<{ addUsers: BulkAnswer }>(m.addUsers, { input: { enterprise: e.number, capacity, users } });
    const answer = response.data.addUsers;
    expect(answer).toMatchObject({ atomic: true, done: 1000, refused: 0 });
    // Costed by its items, as a page of 1,000: within MAX_COST, and at least what the answer really held.
    const cost = (response.extensions as { cost: { requested: number; actual: number } }).cost;
    // 5 per item: the item, its assignment, person and services, its error (docs/clients.md, "Bulk provisioning").
    expect(cost.requested).toBe(1 + 1000 * 5);
    expect(cost.requested).toBeLessThanOrEqual(gw.config.limits.maxCost);
    expect(cost.actual).toBeGreaterThanOrEqual(3000);
    expect(cost.requested).toBeGreaterThanOrEqual(cost.actual);
    expect(answer.items.map((i) => i.index)).toEqual(users.map((_, i) => i));
    expect(answer.items[0].assignment).toMatchObject({
      person: users[0].person,
      onlineServices: [{ code: "DIMONA" }, { code: "DMFA" }],
      validUntil: "2030-01-01T00:00:00.000Z",
    });
    expect(answer.items[999].assignment).toMatchObject({ person: users[999].person, onlineServices: [{ code: "DRS" }], validUntil: null });
    expect(answer.items.every((i) => i.error === null)).toBe(true);

    expect(await currentUsers(e)).toBe(1000);
    const ids = answer.items.map((i) => Number(i.assignment!.id));
    expect(new Set(ids).size).toBe(1000);
    const [{ services }] = await gw.dataSource.query(
      `SELECT COUNT(*) AS services FROM role_assignment_online_service WHERE assignment_id IN (${ids.join(",")})`,
    );
    expect(Number(services)).toBe(1500);
    const [{ spans }] = await gw.dataSource.query(
      `SELECT COUNT(*) AS spans FROM role_assignment_online_service_history WHERE assignment_id IN (${ids.join(",")}) AND valid_to IS NULL`,
    );
    expect(Number(spans)).toBe(1500);

    const events = await gw.dataSource.getRepository(AuditEvent).find({ where: { enterpriseId: e.id }, order: { id: "ASC" } });
    const added = events.slice(eventsBefore);
    expect(added).toHaveLength(1000);
    expect(new Set(added.map((event) => event.action))).toEqual(new Set(["MANAGE_USERS"]));
    expect(added.map((event) => JSON.parse(event.details).after.person.ssin)).toEqual(users.map((u) => u.person.ssin));
    expect(JSON.parse(added[0].details)).toMatchObject({ mutation: "addUsers", before: null, after: { role: "USER", capacity } });
    expect(await verifyAuditChains({ dataSource: gw.dataSource, enterpriseId: e.id })).toMatchObject({ broken: [] });
    // The delta sync's change log, written by triggers, names every assignment the multi-row inserts wrote.
    const logged: { row_id: number | string }[] = await gw.dataSource.query(
      `SELECT DISTINCT row_id FROM ${accessChangeTable} WHERE kind = 'ROLE_ASSIGNMENT' AND enterprise_id = ? AND row_id IN (${ids.join(",")})`,
      [e.id],
    );
    expect(logged.map((row) => Number(row.row_id)).sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
  });

  it("stores the people it adds with their folded search keys, so that a search finds them", async () => {
    const e = await employer().build();
    const manager = await gw.client(e.accessManagers[capacity]);
    const users = [person(ssin(), "Élise", "De Smet"), person(ssin(), "Jan", "Ørsted")].map((p) => ({
      person: p,
      onlineServices: ["DIMONA"],
    }));
    expect(await addUsers(manager, { input: { enterprise: e.number, capacity, users } })).toMatchObject({ done: 2 });
    const search = `query ($n: EnterpriseNumber!, $s: String!) { enterprise(number: $n) { roleAssignments(search: $s) { nodes { person { givenName familyName } } } } }`;
    const found = async (s: string) =>
      (await manager.request<{ enterprise: { roleAssignments: { nodes: unknown[] } } }>(search, { n: e.number, s })).enterprise
        .roleAssignments.nodes;
    expect(await found("eli")).toEqual([{ person: { givenName: "Élise", familyName: "De Smet" } }]);
    expect(await found("de s")).toEqual([{ person: { givenName: "Élise", familyName: "De Smet" } }]);
    expect(await found("ORS")).toEqual([{ person: { givenName: "Jan", familyName: "Ørsted" } }]);
  });

  it("refuses an atomic call at its first refused item, named by index, and changes nothing", async () => {
    const e = await employer().withUser(capacity, ["DIMONA"]).build();
    const manager = await gw.client(e.accessManagers[capacity]);
    const users = Array.from({ length: 50 }, () => ({ person: person(ssin()), onlineServices: ["DIMONA"] }));
    users[37] = { person: person(e.users[0].ssin), onlineServices: ["DMFA"] };
    const conflict = await refused(
      manager,
      m.addUsers,
      { input: { enterprise: e.number, capacity, users } },
      { code: "CONFLICT", reason: "ALREADY_ASSIGNED", field: "input.users[37]" },
    );
    expect(conflict.extensions.index).toBe(37);

    const badInput = users.map((u) => ({ ...u }));
    badInput[12] = { person: person(ssin(), " "), onlineServices: ["DIMONA"] };
    badInput[30] = { person: person(ssin()), onlineServices: ["LIMOSA"] };
    const error = await refused(
      manager,
      m.addUsers,
      { input: { enterprise: e.number, capacity, users: badInput } },
      { code: "BAD_USER_INPUT", field: "input.users[12].person.givenName", variable: "input.users[12].person.givenName" },
    );
    expect(error.extensions.index).toBe(12);
    // Bad input is refused before the state is read: the conflict at 37 comes after.
    expect(error.extensions.messageKey).not.toBe("conflict.roleHeldInCapacity");
  });

  it("answers each item with its result or its error when not atomic, and commits the good ones", async () => {
    const e = await employer().withUser(capacity, ["DIMONA"]).build();
    const manager = await gw.client(e.accessManagers[capacity]);
    const twice = ssin();
    const users = [
      { person: person(ssin()), onlineServices: ["DIMONA"] },
      { person: person(e.users[0].ssin), onlineServices: ["DMFA"] },
      { person: person(twice), onlineServices: ["DMFA"] },
      { person: person(ssin()), onlineServices: ["LIMOSA"] },
      { person: person(twice), onlineServices: ["DRS"] },
      { person: person(ssin(), "A".repeat(101)), onlineServices: [] },
      { person: person(ssin()), onlineServices: [], validUntil: "2020-01-01T00:00:00.000Z" },
      { person: person(ssin()), onlineServices: ["CHAMAN"] },
    ];
    const before = await currentUsers(e);
    const eventsBefore = await gw.dataSource.getRepository(AuditEvent).countBy({ enterpriseId: e.id });
    const answer = await addUsers(manager, { input: { enterprise: e.number, capacity, users }, atomic: false });
    expect(answer).toMatchObject({ atomic: false, done: 3, refused: 5 });
    expect(answer.items.map((i) => i.error && [i.error.code, i.error.reason, i.error.field])).toEqual([
      null,
      ["CONFLICT", "ALREADY_ASSIGNED", "input.users[1]"],
      null,
      ["BAD_USER_INPUT", null, "input.users[3].onlineServices"],
      ["BAD_USER_INPUT", null, "input.users[4].person.ssin"],
      ["BAD_USER_INPUT", null, "input.users[5].person.givenName"],
      ["BAD_USER_INPUT", null, "input.users[6].validUntil"],
      null,
    ]);
    expect(answer.items[4].error).toMatchObject({ messageKey: "input.duplicatePerson", message: expect.stringContaining("2") });
    expect(answer.items.filter((i) => i.assignment).map((i) => i.assignment!.person!.ssin)).toEqual([
      users[0].person.ssin,
      twice,
      users[7].person.ssin,
    ]);
    expect(await currentUsers(e)).toBe(before + 3);
    expect(await gw.dataSource.getRepository(AuditEvent).countBy({ enterpriseId: e.id })).toBe(eventsBefore + 3);
  });

  it("words an item's error in the request's language", async () => {
    const e = await employer().withUser(capacity, ["DIMONA"]).build();
    const manager = await gw.client(e.accessManagers[capacity], { "accept-language": "fr-BE" });
    const answer = await addUsers(manager, {
      input: { enterprise: e.number, capacity, users: [{ person: person(e.users[0].ssin), onlineServices: [] }] },
      atomic: false,
    });
    expect(answer.items[0].error).toMatchObject({ code: "CONFLICT", messageKey: "conflict.roleHeldInCapacity" });
    expect(answer.items[0].error!.message).toMatch(/employeur|Employeur/);
  });

  it("previews a bulk call with a dry run that changes nothing", async () => {
    const e = await employer().build();
    const manager = await gw.client(e.accessManagers[capacity]);
    const users = Array.from({ length: 20 }, () => ({ person: person(ssin()), onlineServices: ["DIMONA"] }));
    const before = await snapshot(gw.dataSource);
    const response = await manager.rawRequest<{ addUsers: BulkAnswer }>(m.addUsers, {
      input: { enterprise: e.number, capacity, users },
      dryRun: true,
    });
    expect(response.data.addUsers).toMatchObject({ done: 20, refused: 0 });
    expect(response.data.addUsers.items[5].assignment!.person).toEqual(users[5].person);
    const dryRun = response.extensions as {
      dryRun: { rolledBack: boolean; auditEvents: { action: string; details: { mutation: string } }[] };
    };
    expect(dryRun.dryRun.rolledBack).toBe(true);
    expect(dryRun.dryRun.auditEvents).toHaveLength(20);
    expect(dryRun.dryRun.auditEvents[0]).toMatchObject({ action: "MANAGE_USERS", details: { mutation: "addUsers" } });
    expect(await snapshot(gw.dataSource)).toEqual(before);
  });

  it("refuses more than 1,000 items, or none, before anything is locked", async () => {
    const e = await employer().build();
    const manager = await gw.client(e.accessManagers[capacity]);
    const users = Array.from({ length: 1001 }, () => ({ person: person(ssin()), onlineServices: [] }));
    await refused(
      manager,
      m.addUsers,
      { input: { enterprise: e.number, capacity, users } },
      { code: "BAD_USER_INPUT", field: "input.users" },
    );
    await refused(
      manager,
      m.addUsers,
      { input: { enterprise: e.number, capacity, users: [] } },
      { code: "BAD_USER_INPUT", field: "input.users" },
    );
    await refused(
      manager,
      m.removeUsers,
      { input: { enterprise: e.number, capacity, assignments: Array.from({ length: 1001 }, (_, i) => String(i + 1)) } },
      { code: "BAD_USER_INPUT", field: "input.assignments" },
    );
  });

  it("refuses the same person twice in an atomic call, naming the repeat and the first", async () => {
    const e = await employer().build();
    const manager = await gw.client(e.accessManagers[capacity]);
    const twice = ssin();
    const error = await refused(
      manager,
      m.addUsers,
      {
        input: {
          enterprise: e.number,
          capacity,
          users: [
            { person: person(ssin()), onlineServices: [] },
            { person: person(twice), onlineServices: [] },
            { person: person(twice, "Other"), onlineServices: ["DIMONA"] },
          ],
        },
      },
      { code: "BAD_USER_INPUT", field: "input.users[2].person.ssin" },
    );
    expect(error.extensions).toMatchObject({ index: 2, messageKey: "input.duplicatePerson", params: { first: 1 } });
  });

  it("changes the online services of many users at once, and refuses unknown, ended and repeated ones per item", async () => {
    const e = await employer().withUser(capacity, ["DIMONA"]).withUser(capacity, ["DIMONA"]).withUser(capacity, ["DMFA"]).build();
    const manager = await gw.client(e.accessManagers[capacity]);
    const [a, b, c] = e.users.map((u) => String(u.assignmentId));
    const answer = (
      await manager.request<{ setUsersOnlineServices: BulkAnswer }>(m.setServices, {
        input: {
          enterprise: e.number,
          capacity,
          users: [
            { assignment: a, onlineServices: ["DRS", "DIMONA"], validUntil: "2029-06-01T00:00:00.000Z" },
            { assignment: b, onlineServices: [] },
            { assignment: a, onlineServices: ["MAHIS"] },
            { assignment: "999999999", onlineServices: [] },
          ],
        },
        atomic: false,
      })
    ).setUsersOnlineServices;
    expect(answer).toMatchObject({ done: 2, refused: 2 });
    expect(answer.items[0].assignment).toMatchObject({
      id: a,
      onlineServices: [{ code: "DIMONA" }, { code: "DRS" }],
      validUntil: "2029-06-01T00:00:00.000Z",
    });
    expect(answer.items[1].assignment).toMatchObject({ id: b, onlineServices: [] });
    expect(answer.items[2].error).toMatchObject({ code: "BAD_USER_INPUT", field: "input.users[2].assignment" });
    expect(answer.items[3].error).toMatchObject({ code: "NOT_FOUND", field: "input.users[3]", messageKey: "notFound.user" });

    const removed = (
      await manager.request<{ removeUsers: BulkAnswer }>(m.removeUsers, {
        input: { enterprise: e.number, capacity, assignments: [c] },
      })
    ).removeUsers;
    expect(removed).toMatchObject({ atomic: true, done: 1 });
    const error = await refused(
      manager,
      m.setServices,
      {
        input: {
          enterprise: e.number,
          capacity,
          users: [
            { assignment: a, onlineServices: [] },
            { assignment: c, onlineServices: [] },
          ],
        },
      },
      { code: "CONFLICT", reason: "ALREADY_ENDED", field: "input.users[1]" },
    );
    expect(error.extensions.index).toBe(1);
  });

  it("removes many users at once, one audit event each, and refuses an ended one atomically", async () => {
    const e = await employer().withUser(capacity, ["DIMONA"]).withUser(capacity, ["DMFA"]).withUser(capacity, []).build();
    const manager = await gw.client(e.accessManagers[capacity]);
    const ids = e.users.map((u) => String(u.assignmentId));
    const before = await gw.dataSource.getRepository(AuditEvent).countBy({ enterpriseId: e.id });
    const answer = (
      await manager.request<{ removeUsers: BulkAnswer }>(m.removeUsers, {
        input: { enterprise: e.number, capacity, assignments: ids.slice(0, 2) },
      })
    ).removeUsers;
    expect(answer).toMatchObject({ atomic: true, done: 2, refused: 0 });
    expect(await currentUsers(e)).toBe(1);
    expect(await gw.dataSource.getRepository(AuditEvent).countBy({ enterpriseId: e.id })).toBe(before + 2);
    await refused(
      manager,
      m.removeUsers,
      { input: { enterprise: e.number, capacity, assignments: [ids[2], ids[0]] } },
      { code: "CONFLICT", reason: "ALREADY_ENDED", field: "input.assignments[1]" },
    );
    expect(await currentUsers(e)).toBe(1);
  });

  it("tells live subscribers of a bulk call once, and each added person of their own new role", async () => {
    const e = await employer().withUser(capacity, ["DIMONA"]).build();
    const added = ssin();
    // Known before the call (signed in once), so that they can subscribe to their own rights.
    await (
      await gw.client(added)
    ).request(gql`
      {
        me {
          id
        }
      }
    `);
    const lr = subscribe(gw, await gw.token(e.legalRepresentative), e.number);
    const colleague = subscribe(gw, await gw.token(e.users[0].ssin), e.number);
    const own = subscribe(gw, await gw.token(added));
    // What the subscribers' index has to judge: one change for the call, naming everyone it added.
    const published: AccessChange[] = [];
    const stop = gw.gateway.changes.subscribe((changes) => published.push(...changes.filter((c) => c.enterpriseId === e.id)));
    try {
      await listening(gw, 3);
      const users = [...Array.from({ length: 199 }, () => ssin()), added].map((s) => ({ person: person(s), onlineServices: ["DIMONA"] }));
      await addUsers(await gw.client(e.accessManagers[capacity]), { input: { enterprise: e.number, capacity, users } });
      await lr.next((x) => x.kind === "ASSIGNMENT");
      await own.next((x) => x.kind === "ASSIGNMENT");
      await quiet();
      expect(lr.events.map((x) => x.kind)).toEqual(["ASSIGNMENT"]);
      expect(published).toHaveLength(1);
      expect(published[0]).toMatchObject({ kind: "ASSIGNMENT", assignment: { role: "USER", capacityCode: capacity } });
      expect(published[0].personIds).toHaveLength(200);
      expect(own.events.map((x) => x.enterprise)).toEqual([e.display]);
      // A user sees no colleague's assignment, a thousand of them no more than one.
      expect(colleague.events).toEqual([]);
    } finally {
      stop();
      await Promise.all([lr, colleague, own].map((s) => s.dispose()));
      await listening(gw, 0);
    }
  });

  it("runs a bulk call sent again with the same Idempotency-Key once, and answers the retry with the stored answer", async () => {
    const e = await employer().build();
    const client = await gw.client(e.accessManagers[capacity], { "idempotency-key": `bulk-${ssin()}` });
    const users = Array.from({ length: 300 }, () => ({ person: person(ssin()), onlineServices: ["DIMONA"] }));
    const variables = { input: { enterprise: e.number, capacity, users } };
    const first = await client.rawRequest<{ addUsers: BulkAnswer }>(m.addUsers, variables);
    const events = await gw.dataSource.getRepository(AuditEvent).countBy({ enterpriseId: e.id });
    const again = await client.rawRequest<{ addUsers: BulkAnswer }>(m.addUsers, variables);
    expect(again.data).toEqual(first.data);
    expect(again.extensions).toMatchObject({ idempotentReplay: true });
    expect(await currentUsers(e)).toBe(300);
    expect(await gw.dataSource.getRepository(AuditEvent).countBy({ enterpriseId: e.id })).toBe(events);
  });

  describe("an attacker", () => {
    it("a user of the capacity may not add users", async () => {
      const e = await employer().withUser(capacity, ["DIMONA"]).build();
      await refused(
        await gw.client(e.users[0].ssin),
        m.addUsers,
        { input: { enterprise: e.number, capacity, users: [{ person: person(ssin()), onlineServices: [] }] } },
        { code: "FORBIDDEN" },
      );
    });

    it("an access manager of one capacity may not add users into another", async () => {
      const e = await employer().withCapacity("ENTERPRISE_WITHOUT_STAFF").build();
      await refused(
        await gw.client(e.accessManagers[capacity]),
        m.addUsers,
        { input: { enterprise: e.number, capacity: "ENTERPRISE_WITHOUT_STAFF", users: [{ person: person(ssin()), onlineServices: [] }] } },
        { code: "FORBIDDEN" },
      );
    });

    it("ids of another enterprise's users are answered as unknown, exactly as ids that do not exist", async () => {
      const mine = await employer().withUser(capacity, ["DIMONA"]).build();
      const theirs = await employer().withUser(capacity, ["DIMONA"]).build();
      const manager = await gw.client(mine.accessManagers[capacity]);
      const input = {
        enterprise: mine.number,
        capacity,
        assignments: [String(theirs.users[0].assignmentId), "999999999", String(mine.users[0].assignmentId)],
      };
      const before = await snapshot(gw.dataSource);
      const answer = (await manager.request<{ removeUsers: BulkAnswer }>(m.removeUsers, { input, atomic: false })).removeUsers;
      expect(answer).toMatchObject({ done: 1, refused: 2 });
      const { field: _0, ...foreign } = answer.items[0].error!;
      const { field: _1, ...unknown } = answer.items[1].error!;
      expect(foreign).toEqual(unknown);
      expect(foreign).toMatchObject({ code: "NOT_FOUND" });
      const after = await snapshot(gw.dataSource);
      expect(after.role_assignment.filter((row) => Number((row as { enterprise_id: number }).enterprise_id) === theirs.id)).toEqual(
        before.role_assignment.filter((row) => Number((row as { enterprise_id: number }).enterprise_id) === theirs.id),
      );
      await expectError(manager.request(m.removeUsers, { input: { ...input, assignments: [String(theirs.users[0].assignmentId)] } }), {
        code: "NOT_FOUND",
        field: "input.assignments[0]",
      });
    });

    it("a provider's staff may not manage the client's users through a mandate (the table gives a mandate no MANAGE_USERS)", async () => {
      const provider = await gw.seed
        .enterprise()
        .withMainAccessManager()
        .active()
        .withCapacity("SOCIAL_SERVICE_PROVIDER")
        .withAccessManager("SOCIAL_SERVICE_PROVIDER")
        .build();
      const client = await employer().withUser(capacity, ["DIMONA"]).withServiceProvider(provider, capacity).build();
      const staff = await gw.client(provider.accessManagers.SOCIAL_SERVICE_PROVIDER);
      await refused(
        staff,
        m.addUsers,
        { input: { enterprise: client.number, capacity, users: [{ person: person(ssin()), onlineServices: [] }] } },
        { code: "FORBIDDEN" },
      );
      await refused(
        staff,
        m.removeUsers,
        { input: { enterprise: client.number, capacity, assignments: [String(client.users[0].assignmentId)] } },
        { code: "FORBIDDEN" },
      );
    });
  });
});
