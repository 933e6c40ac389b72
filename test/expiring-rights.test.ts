import { gql, type GraphQLClient } from "graphql-request";
import type { DataSource } from "typeorm";
import { verifyAuditChains } from "../src/audit/verify";
import { openDatabase } from "../src/database/data-source";
import { sweepExpiredRights } from "../src/management/sweep-expired-rights";
import { TestClock } from "./support/clock";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { expectError, expectRefusedUnchanged, outcomes } from "./support/graphql";
import { ssin } from "./support/identities";
import type { SeededEnterprise } from "./support/seed";
import { snapshot } from "./support/snapshot";

const person = (s: string) => ({ ssin: s, givenName: "Tim", familyName: "Limited" });

const m = {
  appointManager: gql`
    mutation ($input: AppointAccessManagerInput!, $dryRun: Boolean) {
      appointAccessManager(input: $input, dryRun: $dryRun) {
        id
        validUntil
        person {
          ssin
        }
      }
    }
  `,
  addUser: gql`
    mutation ($input: AddUserInput!, $dryRun: Boolean) {
      addUser(input: $input, dryRun: $dryRun) {
        id
        validUntil
        onlineServices {
          code
        }
      }
    }
  `,
  setServices: gql`
    mutation ($input: SetUserOnlineServicesInput!, $dryRun: Boolean) {
      setUserOnlineServices(input: $input, dryRun: $dryRun) {
        id
        validUntil
        onlineServices {
          code
        }
      }
    }
  `,
  appointProvider: gql`
    mutation ($input: AppointServiceProviderInput!, $dryRun: Boolean) {
      appointServiceProvider(input: $input, dryRun: $dryRun) {
        id
        status
        validUntil
        endedAt
      }
    }
  `,
};

const q = {
  can: gql`
    query ($e: EnterpriseNumber!, $t: Task!, $c: String) {
      can(enterprise: $e, task: $t, capacity: $c) {
        allowed
        reason
      }
    }
  `,
  canUse: gql`
    query ($e: EnterpriseNumber!, $s: String!) {
      canUseOnlineService(enterprise: $e, onlineService: $s) {
        allowed
        reason
      }
    }
  `,
  myEnterprises: gql`
    {
      myEnterprises {
        number
      }
    }
  `,
  me: gql`
    {
      me {
        roles {
          id
          validUntil
          enterprise {
            number
          }
        }
      }
    }
  `,
  enterprise: gql`
    query ($e: EnterpriseNumber!) {
      enterprise(number: $e) {
        myTasks
        roleAssignments(first: 100) {
          totalCount
          nodes {
            id
            validUntil
          }
        }
      }
    }
  `,
  node: gql`
    query ($id: ID!) {
      node(id: $id) {
        nodeId
      }
    }
  `,
  nodeIdOf: gql`
    query ($e: EnterpriseNumber!) {
      enterprise(number: $e) {
        roleAssignments(first: 100) {
          nodes {
            id
            nodeId
          }
        }
      }
    }
  `,
  mandates: gql`
    query ($e: EnterpriseNumber!) {
      enterprise(number: $e) {
        serviceProviders {
          id
          status
          validUntil
          endedAt
        }
      }
    }
  `,
  expiring: gql`
    query ($e: EnterpriseNumber!, $within: Int) {
      enterprise(number: $e) {
        expiringSoon(within: $within) {
          kind
          validUntil
          assignment {
            id
          }
          mandate {
            id
          }
        }
      }
    }
  `,
  usersAsOf: gql`
    query ($e: EnterpriseNumber!, $asOf: DateTime) {
      enterprise(number: $e) {
        roleAssignments(asOf: $asOf, role: USER, first: 100) {
          nodes {
            id
          }
        }
      }
    }
  `,
  canAsOf: gql`
    query ($e: EnterpriseNumber!, $t: Task!, $asOf: DateTime) {
      can(enterprise: $e, task: $t, asOf: $asOf) {
        allowed
        reason
      }
    }
  `,
  audit: gql`
    query ($e: EnterpriseNumber!) {
      enterprise(number: $e) {
        auditTrail(first: 100) {
          edges {
            node {
              action
              details
              actor {
                ssin
              }
            }
          }
        }
      }
    }
  `,
};

const days = (n: number, from: Date) => new Date(from.getTime() + n * 24 * 60 * 60 * 1000).toISOString();

describeEachDatabase("rights that expire", (dialect) => {
  const clock = new TestClock();
  let gw: TestGateway;
  let provider: SeededEnterprise;
  beforeAll(async () => {
    gw = await startTestGateway(dialect, {}, { clock });
    provider = await gw.seed
      .enterprise({ name: "Payroll Provider" })
      .withMainAccessManager()
      .active()
      .withCapacity("SOCIAL_SERVICE_PROVIDER")
      .withAccessManager("SOCIAL_SERVICE_PROVIDER")
      .build();
  });
  afterAll(() => gw?.stop());

  const inDays = (n: number) => days(n, clock.now());

  const expiryEvents = async (lr: GraphQLClient, e: string) => {
    const { enterprise } = await lr.request<{
      enterprise: { auditTrail: { edges: { node: { action: string; details: string; actor: unknown } }[] } };
    }>(q.audit, { e });
    return enterprise.auditTrail.edges
      .map((edge) => edge.node)
      .filter((n) => n.action === "EXPIRE_RIGHT")
      .map((n) => ({
        actor: n.actor,
        details: JSON.parse(n.details) as { expiredBy: string; kind: string; after: { id: number; endedAt: string } },
      }));
  };

  it("ends an access manager's role at its validUntil for every reader, with no job having run", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().withUser("EMPLOYER_NSSO", ["DIMONA"]).build();
    const main = await gw.client(e.mainAccessManager!);
    const managerSsin = ssin();
    const until = inDays(3);
    const { appointAccessManager: appointed } = await main.request<{ appointAccessManager: { id: string; validUntil: string } }>(
      m.appointManager,
      {
        input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", person: person(managerSsin), validUntil: until },
      },
    );
    expect(appointed.validUntil).toBe(until);
    const manager = await gw.client(managerSsin);
    const { enterprise: before } = await main.request<{
      enterprise: { roleAssignments: { totalCount: number; nodes: { id: string; validUntil: string | null }[] } };
    }>(q.enterprise, { e: e.number });
    expect(before.roleAssignments.nodes).toContainEqual({ id: appointed.id, validUntil: until });
    const { nodeId } = (
      await main.request<{ enterprise: { roleAssignments: { nodes: { id: string; nodeId: string }[] } } }>(q.nodeIdOf, { e: e.number })
    ).enterprise.roleAssignments.nodes.find((n) => n.id === appointed.id)!;

    // Current until then: everything the manager may do and see.
    const asManager = async () => ({
      can: (
        await manager.request<{ can: { allowed: boolean; reason: string } }>(q.can, { e: e.number, t: "MANAGE_USERS", c: "EMPLOYER_NSSO" })
      ).can,
      canUse: (await manager.request<{ canUseOnlineService: { allowed: boolean } }>(q.canUse, { e: e.number, s: "DIMONA" }))
        .canUseOnlineService.allowed,
      myEnterprises: (await manager.request<{ myEnterprises: { number: string }[] }>(q.myEnterprises)).myEnterprises.map((x) => x.number),
      roles: (await manager.request<{ me: { roles: { id: string; validUntil: string | null }[] } }>(q.me)).me.roles.map((r) => r.id),
      enterprise:
        (await manager.request<{ enterprise: { myTasks: string[] } | null }>(q.enterprise, { e: e.number })).enterprise?.myTasks ?? null,
    });
    const current = await asManager();
    expect(current).toEqual({
      can: { allowed: true, reason: "GRANTED_BY_ROLE" },
      canUse: true,
      myEnterprises: [e.display],
      roles: [appointed.id],
      enterprise: expect.arrayContaining(["MANAGE_USERS"]),
    });
    expect((await main.request<{ node: unknown }>(q.node, { id: nodeId })).node).toEqual({ nodeId });
    await manager.request(m.addUser, {
      input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DMFA"], person: person(ssin()) },
    });

    clock.advance({ days: 3, hours: -1 });
    expect((await asManager()).can.allowed).toBe(true);
    clock.passes(until);

    // Ended for every reader, though nothing has been written yet.
    expect(await asManager()).toEqual({
      can: { allowed: false, reason: "NO_ROLE_IN_ENTERPRISE" },
      canUse: false,
      myEnterprises: [],
      roles: [],
      enterprise: null,
    });
    const { enterprise: after } = await main.request<{ enterprise: { roleAssignments: { totalCount: number; nodes: { id: string }[] } } }>(
      q.enterprise,
      { e: e.number },
    );
    expect(after.roleAssignments.nodes.map((n) => n.id)).not.toContain(appointed.id);
    // The manager's user stays; the manager is gone.
    expect(after.roleAssignments.totalCount).toBe(before.roleAssignments.totalCount);
    expect((await main.request<{ node: unknown }>(q.node, { id: nodeId })).node).toBeNull();
    await expectError(
      manager.request(m.addUser, {
        input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DMFA"], person: person(ssin()) },
      }),
      {
        code: "FORBIDDEN",
        reason: "NO_ROLE_IN_ENTERPRISE",
      },
    );
    const [row] = await gw.dataSource.query("SELECT ended_at, active_key FROM role_assignment WHERE id = ?", [Number(appointed.id)]);
    expect(row.ended_at).toBeNull();
    const lr = await gw.client(e.legalRepresentative);
    expect(await expiryEvents(lr, e.number)).toEqual([]);

    // The same person can be appointed again: the expired row no longer holds the unique key, and its end is written once.
    const again = await main.request<{ appointAccessManager: { id: string; validUntil: string | null } }>(m.appointManager, {
      input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", person: person(managerSsin) },
    });
    expect(again.appointAccessManager.validUntil).toBeNull();
    const [ended] = await gw.dataSource.query("SELECT ended_at, ended_by_id, active_key FROM role_assignment WHERE id = ?", [
      Number(appointed.id),
    ]);
    expect(new Date(dialect === "sqlite" ? `${String(ended.ended_at).replace(" ", "T")}Z` : ended.ended_at).toISOString()).toBe(until);
    expect(ended).toMatchObject({ ended_by_id: null, active_key: null });
    const events = await expiryEvents(lr, e.number);
    expect(events).toEqual([
      {
        actor: null,
        details: expect.objectContaining({
          expiredBy: "request",
          kind: "ROLE_ASSIGNMENT",
          after: expect.objectContaining({ id: Number(appointed.id), endedAt: until }),
        }),
      },
    ]);
    expect((await asManager()).can.allowed).toBe(true);
  });

  it("ends a user's role and a mandate at their validUntil, for the user, the provider's staff and the client", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const lr = await gw.client(e.legalRepresentative);
    const main = await gw.client(e.mainAccessManager!);
    const userSsin = ssin();
    const userUntil = inDays(10);
    const mandateUntil = inDays(20);
    const { addUser: user } = await main.request<{ addUser: { id: string; validUntil: string } }>(m.addUser, {
      input: {
        enterprise: e.number,
        capacity: "EMPLOYER_NSSO",
        onlineServices: ["DIMONA"],
        person: person(userSsin),
        validUntil: userUntil,
      },
    });
    const { appointServiceProvider: mandate } = await lr.request<{
      appointServiceProvider: { id: string; status: string; validUntil: string; endedAt: null };
    }>(m.appointProvider, {
      input: { enterprise: e.number, provider: provider.number, capacity: "EMPLOYER_NSSO", validUntil: mandateUntil },
    });
    expect(mandate).toMatchObject({ status: "ACTIVE", validUntil: mandateUntil, endedAt: null });
    const userClient = await gw.client(userSsin);
    const staff = await gw.client(provider.accessManagers.SOCIAL_SERVICE_PROVIDER);
    const canUse = async (client: GraphQLClient) =>
      (await client.request<{ canUseOnlineService: { allowed: boolean; reason: string } }>(q.canUse, { e: e.number, s: "DIMONA" }))
        .canUseOnlineService;
    const sees = async (client: GraphQLClient) =>
      (await client.request<{ myEnterprises: { number: string }[] }>(q.myEnterprises)).myEnterprises.map((x) => x.number);
    expect(await canUse(userClient)).toEqual({ allowed: true, reason: "GRANTED_BY_ROLE" });
    expect(await canUse(staff)).toEqual({ allowed: true, reason: "GRANTED_BY_MANDATE" });
    expect(await sees(staff)).toContain(e.display);

    // Extending a user goes through setUserOnlineServices; adding them again is refused, nothing is extended silently.
    await expectError(
      main.request(m.addUser, {
        input: {
          enterprise: e.number,
          capacity: "EMPLOYER_NSSO",
          onlineServices: ["DIMONA"],
          person: person(userSsin),
          validUntil: inDays(30),
        },
      }),
      {
        code: "CONFLICT",
        reason: "ALREADY_ASSIGNED",
      },
    );
    await expectError(
      lr.request(m.appointProvider, {
        input: { enterprise: e.number, provider: provider.number, capacity: "EMPLOYER_NSSO", validUntil: inDays(40) },
      }),
      {
        code: "CONFLICT",
        reason: "ALREADY_ASSIGNED",
      },
    );
    const extended = inDays(15);
    const { setUserOnlineServices } = await main.request<{ setUserOnlineServices: { validUntil: string } }>(m.setServices, {
      input: { assignment: user.id, onlineServices: ["DIMONA"], validUntil: extended },
    });
    expect(setUserOnlineServices.validUntil).toBe(extended);

    clock.passes(userUntil);
    expect(await canUse(userClient)).toEqual({ allowed: true, reason: "GRANTED_BY_ROLE" });
    clock.passes(extended);
    expect(await canUse(userClient)).toEqual({ allowed: false, reason: "NO_ROLE_IN_ENTERPRISE" });
    expect(await sees(userClient)).toEqual([]);
    expect(await canUse(staff)).toEqual({ allowed: true, reason: "GRANTED_BY_MANDATE" });

    clock.passes(mandateUntil);
    expect((await canUse(staff)).allowed).toBe(false);
    expect(await sees(staff)).not.toContain(e.display);
    expect(
      (await lr.request<{ enterprise: { serviceProviders: unknown[] } }>(q.mandates, { e: e.number })).enterprise.serviceProviders,
    ).toEqual([{ id: mandate.id, status: "ENDED", validUntil: mandateUntil, endedAt: mandateUntil }]);

    // A new mandate for the capacity is no CONFLICT with the expired one, whose end is written down first.
    const renewed = await lr.request<{ appointServiceProvider: { id: string; status: string } }>(m.appointProvider, {
      input: { enterprise: e.number, provider: provider.number, capacity: "EMPLOYER_NSSO" },
    });
    expect(renewed.appointServiceProvider.status).toBe("ACTIVE");
    expect(await canUse(staff)).toEqual({ allowed: true, reason: "GRANTED_BY_MANDATE" });
    const events = await expiryEvents(lr, e.number);
    expect(events.map((x) => [x.details.kind, x.details.after.id])).toEqual([
      ["ROLE_ASSIGNMENT", Number(user.id)],
      ["SERVICE_PROVIDER_MANDATE", Number(mandate.id)],
    ]);
  });

  it("writes each expiry down exactly once under concurrent requests and sweeps in two connections", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const other = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await gw.client(e.mainAccessManager!);
    const otherMain = await gw.client(other.mainAccessManager!);
    const until = inDays(1);
    const expiring = [];
    for (let i = 0; i < 4; i++) {
      expiring.push(
        (
          await main.request<{ addUser: { id: string } }>(m.addUser, {
            input: {
              enterprise: e.number,
              capacity: "EMPLOYER_NSSO",
              onlineServices: ["DIMONA"],
              person: person(ssin()),
              validUntil: until,
            },
          })
        ).addUser.id,
      );
    }
    expiring.push(
      (
        await otherMain.request<{ addUser: { id: string } }>(m.addUser, {
          input: {
            enterprise: other.number,
            capacity: "EMPLOYER_NSSO",
            onlineServices: ["DMFA"],
            person: person(ssin()),
            validUntil: until,
          },
        })
      ).addUser.id,
    );
    clock.passes(until);

    // A second connection to the same database, as another gateway process has: its sweeps race this process's.
    const second: DataSource = await openDatabase({ url: gw.config.databaseUrl });
    try {
      const requests = Array.from({ length: 4 }, () =>
        main.request(m.addUser, {
          input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: person(ssin()) },
        }),
      );
      const [answers, swept] = await Promise.all([
        outcomes(requests),
        Promise.all([
          sweepExpiredRights({ dataSource: gw.dataSource, clock }),
          sweepExpiredRights({ dataSource: second, clock }),
          sweepExpiredRights({ dataSource: second, clock }),
        ]),
      ]);
      expect(answers).toEqual(["ok", "ok", "ok", "ok"]);
      expect(swept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(expiring.length);
      expect(await sweepExpiredRights({ dataSource: second, clock })).toBe(0);
    } finally {
      await second.destroy();
    }
    const rows: { details: string; enterprise_id: number | string }[] = await gw.dataSource.query(
      "SELECT details, enterprise_id FROM audit_event WHERE action = 'EXPIRE_RIGHT' AND enterprise_id IN (?, ?)",
      [e.id, other.id],
    );
    const ids = rows.map((r) => (JSON.parse(r.details) as { after: { id: number } }).after.id).sort((a, b) => a - b);
    expect(ids).toEqual(expiring.map(Number).sort((a, b) => a - b));
    // No request met the other enterprise's expired user: a sweep wrote it down.
    expect(
      rows.filter((r) => Number(r.enterprise_id) === other.id).map((r) => (JSON.parse(r.details) as { expiredBy: string }).expiredBy),
    ).toEqual(["sweep"]);
    const ended = await gw.dataSource.query(
      `SELECT COUNT(*) AS n FROM role_assignment WHERE id IN (${expiring.map(() => "?").join(", ")}) AND ended_at IS NOT NULL AND active_key IS NULL`,
      expiring.map(Number),
    );
    expect(Number(ended[0].n)).toBe(expiring.length);
    for (const id of [e.id, other.id])
      expect((await verifyAuditChains({ dataSource: gw.dataSource, enterpriseId: id })).broken).toEqual([]);
  });

  it("writes down, with the server's own sweep (EXPIRY_SWEEP_SECONDS), an expiry that no request met", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await gw.client(e.mainAccessManager!);
    const until = inDays(2);
    const { addUser } = await main.request<{ addUser: { id: string } }>(m.addUser, {
      input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: person(ssin()), validUntil: until },
    });
    clock.passes(until);
    // A second gateway on the same database, with its sweep every second (tests run none unless they ask).
    const sweeping = await startTestGateway(dialect, { EXPIRY_SWEEP_SECONDS: "1" }, { database: gw.database, clock });
    try {
      const written = async () =>
        (await gw.dataSource.query("SELECT details FROM audit_event WHERE action = 'EXPIRE_RIGHT' AND enterprise_id = ?", [e.id])) as {
          details: string;
        }[];
      // Generous: the timer fires each second, and a loaded machine may delay it.
      for (let waited = 0; (await written()).length === 0 && waited < 30_000; waited += 200) await new Promise((r) => setTimeout(r, 200));
      expect((await written()).map((r) => JSON.parse(r.details) as { expiredBy: string; after: { id: number } })).toEqual([
        expect.objectContaining({ expiredBy: "sweep", after: expect.objectContaining({ id: Number(addUser.id) }) }),
      ]);
    } finally {
      await sweeping.stop();
    }
  }, 60_000);

  it("refuses a validUntil in the past, beyond five years or malformed, naming the field, and changes nothing", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().withUser("EMPLOYER_NSSO", ["DIMONA"]).build();
    const main = await gw.client(e.mainAccessManager!);
    const lr = await gw.client(e.legalRepresentative);
    const now = clock.now();
    const bad: { value: unknown; message: RegExp }[] = [
      { value: new Date(now.getTime() - 60_000).toISOString(), message: /future/ },
      { value: now.toISOString().replace(/^\d{4}/, (y) => String(Number(y) - 1)), message: /future/ },
      { value: days(5 * 366, now), message: /5 years/ },
      { value: "next tuesday", message: /date/i },
      { value: "2030-02-30T10:00:00Z", message: /date/i },
      { value: 12, message: /date/i },
    ];
    const requests = (validUntil: unknown) => [
      () =>
        main.request(m.appointManager, { input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", person: person(ssin()), validUntil } }),
      () =>
        main.request(m.addUser, {
          input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: person(ssin()), validUntil },
        }),
      () => main.request(m.setServices, { input: { assignment: String(e.users[0].assignmentId), onlineServices: ["DMFA"], validUntil } }),
      () =>
        lr.request(m.appointProvider, {
          input: { enterprise: e.number, provider: provider.number, capacity: "EMPLOYER_NSSO", validUntil },
        }),
    ];
    for (const { value, message } of bad) {
      for (const request of requests(value)) {
        const error = await expectRefusedUnchanged(gw.dataSource, request, { code: "BAD_USER_INPUT", field: "input.validUntil" });
        // The message is in the viewer's language (NL by default); the English text travels in extensions.
        expect({ value, english: error.extensions?.englishMessage }).toEqual({ value, english: expect.stringMatching(message) });
      }
    }
    // Written inline in the document rather than as a variable: a bad literal fails validation, as for every scalar (README, errors).
    const inline = gql`mutation { addUser(input: { enterprise: "${e.number}", capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: { ssin: "${ssin()}", givenName: "A", familyName: "B" }, validUntil: "soon" }) { id } }`;
    const before = await snapshot(gw.dataSource);
    expect((await expectError(main.request(inline), { code: "GRAPHQL_VALIDATION_FAILED" })).message).toMatch(/datum en tijd/);
    expect(await snapshot(gw.dataSource)).toEqual(before);
  });

  it("lists what expires soon to those who manage it: all to the legal representative and main access manager, their own capacities to an access manager", async () => {
    const e = await gw.seed
      .enterprise()
      .withMainAccessManager()
      .active()
      .withCapacity("ENTERPRISE_WITHOUT_STAFF")
      .withAccessManager("EMPLOYER_NSSO")
      .withAccessManager("ENTERPRISE_WITHOUT_STAFF")
      .withUser("EMPLOYER_NSSO", ["DIMONA"])
      .build();
    const main = await gw.client(e.mainAccessManager!);
    const lr = await gw.client(e.legalRepresentative);
    const add = async (capacity: string, services: string[], validUntil: string) =>
      (
        await main.request<{ addUser: { id: string } }>(m.addUser, {
          input: { enterprise: e.number, capacity, onlineServices: services, person: person(ssin()), validUntil },
        })
      ).addUser.id;
    const soonUntil = inDays(5);
    const nssoSoon = await add("EMPLOYER_NSSO", ["DIMONA"], soonUntil);
    const otherSoon = await add("ENTERPRISE_WITHOUT_STAFF", ["LIMOSA"], inDays(10));
    const nssoLater = await add("EMPLOYER_NSSO", ["DMFA"], inDays(45));
    const mandate = (
      await lr.request<{ appointServiceProvider: { id: string } }>(m.appointProvider, {
        input: { enterprise: e.number, provider: provider.number, capacity: "EMPLOYER_NSSO", validUntil: inDays(7) },
      })
    ).appointServiceProvider.id;
    type Item = { kind: string; assignment: { id: string } | null; mandate: { id: string } | null };
    const listed = async (client: GraphQLClient, within?: number) =>
      (await client.request<{ enterprise: { expiringSoon: Item[] } }>(q.expiring, { e: e.number, within })).enterprise.expiringSoon.map(
        (i) => i.assignment?.id ?? `mandate:${i.mandate!.id}`,
      );

    expect(await listed(lr)).toEqual([nssoSoon, `mandate:${mandate}`, otherSoon]);
    expect(await listed(main)).toEqual([nssoSoon, `mandate:${mandate}`, otherSoon]);
    expect(await listed(main, 60)).toEqual([nssoSoon, `mandate:${mandate}`, otherSoon, nssoLater]);
    expect(await listed(main, 6)).toEqual([nssoSoon]);
    expect(await listed(await gw.client(e.accessManagers.EMPLOYER_NSSO), 60)).toEqual([nssoSoon, nssoLater]);
    expect(await listed(await gw.client(e.accessManagers.ENTERPRISE_WITHOUT_STAFF))).toEqual([otherSoon]);

    const refused = { code: "FORBIDDEN", reason: "ROLE_LACKS_TASK" };
    await expectError((await gw.client(e.users[0].ssin)).request(q.expiring, { e: e.number }), refused);
    // The provider's staff see the client (through the mandate), but nothing of what expires there.
    await expectError((await gw.client(provider.accessManagers.SOCIAL_SERVICE_PROVIDER)).request(q.expiring, { e: e.number }), refused);
    // The provider's legal representative (not staff acting for clients) and a stranger do not reach the enterprise at all.
    expect(await (await gw.client(provider.legalRepresentative)).request(q.expiring, { e: e.number })).toEqual({ enterprise: null });
    expect(await (await gw.client(ssin())).request(q.expiring, { e: e.number })).toEqual({ enterprise: null });

    for (const within of [0, 367, -1])
      await expectError(main.request(q.expiring, { e: e.number, within }), { code: "BAD_USER_INPUT", field: "within" });

    clock.passes(soonUntil);
    expect(await listed(main)).toEqual([`mandate:${mandate}`, otherSoon]);
  });

  it("answers asOf across an expiry: current before its validUntil, ended from that instant, whether or not the expiry is written down yet", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const lr = await gw.client(e.legalRepresentative);
    const main = await gw.client(e.mainAccessManager!);
    const userSsin = ssin();
    const until = inDays(2);
    const { addUser } = await main.request<{ addUser: { id: string } }>(m.addUser, {
      input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: person(userSsin), validUntil: until },
    });
    const whileCurrent = clock.now().toISOString();
    clock.passes(until);
    const justBefore = new Date(new Date(until).getTime() - 1).toISOString();
    const afterExpiry = clock.now().toISOString();
    const usersAsOf = async (asOf: string) =>
      (
        await lr.request<{ enterprise: { roleAssignments: { nodes: { id: string }[] } } }>(q.usersAsOf, { e: e.number, asOf })
      ).enterprise.roleAssignments.nodes.map((n) => n.id);
    const answers = async () => ({
      whileCurrent: await usersAsOf(whileCurrent),
      justBefore: await usersAsOf(justBefore),
      atExpiry: await usersAsOf(until),
      afterExpiry: await usersAsOf(afterExpiry),
    });
    const expected = { whileCurrent: [addUser.id], justBefore: [addUser.id], atExpiry: [], afterExpiry: [] };
    // Not written down yet: the reader's predicate alone ends it at its validUntil.
    expect(await answers()).toEqual(expected);
    // A management action of the enterprise writes the expiry down (ended_at = validUntil): the past reads the same.
    await main.request(m.addUser, {
      input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DMFA"], person: person(ssin()) },
    });
    expect((await expiryEvents(lr, e.number)).map((x) => x.details.after.id)).toEqual([Number(addUser.id)]);
    expect(await answers()).toEqual(expected);
    // The expired user may not ask about the past (not a legal representative or the main access manager).
    const user = await gw.client(userSsin);
    await expectError(user.request(q.canAsOf, { e: e.number, t: "MANAGE_USERS", asOf: whileCurrent }), {
      code: "FORBIDDEN",
      reason: "NOT_HISTORY_READER",
    });
  }, 60_000);

  it("previews an appointment with validUntil as a dry run, answering as the real one and changing nothing", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await gw.client(e.mainAccessManager!);
    const lr = await gw.client(e.legalRepresentative);
    const until = inDays(90);
    const cases: [GraphQLClient, string, Record<string, unknown>][] = [
      [main, m.appointManager, { input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", person: person(ssin()), validUntil: until } }],
      [
        main,
        m.addUser,
        {
          input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: person(ssin()), validUntil: until },
        },
      ],
      [lr, m.appointProvider, { input: { enterprise: e.number, provider: provider.number, capacity: "EMPLOYER_NSSO", validUntil: until } }],
    ];
    for (const [client, document, variables] of cases) {
      const before = await snapshot(gw.dataSource);
      const dry = await client.rawRequest<Record<string, { id: string; validUntil: string }>>(document, { ...variables, dryRun: true });
      expect(await snapshot(gw.dataSource)).toEqual(before);
      const events = (dry.extensions as { dryRun: { auditEvents: { details: { after: { validUntil?: string } } }[] } }).dryRun.auditEvents;
      expect(events.map((x) => x.details.after.validUntil)).toEqual([until]);
      const real = await client.rawRequest<Record<string, { id: string; validUntil: string }>>(document, variables);
      const [field] = Object.keys(real.data);
      expect(dry.data[field].validUntil).toBe(until);
      expect({ ...dry.data[field], id: "*" }).toEqual({ ...real.data[field], id: "*" });
    }
    // A refused dry run is refused like the real one.
    const past = {
      input: {
        enterprise: e.number,
        capacity: "EMPLOYER_NSSO",
        person: person(ssin()),
        validUntil: new Date(clock.now().getTime() - 1000).toISOString(),
      },
    };
    await expectRefusedUnchanged(gw.dataSource, () => main.request(m.appointManager, { ...past, dryRun: true }), {
      code: "BAD_USER_INPUT",
      field: "input.validUntil",
    });
  });
});
