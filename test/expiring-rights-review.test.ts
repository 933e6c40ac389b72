import { gql, type GraphQLClient } from "graphql-request";
import { databaseBefore, undoMigrationsThrough } from "./support/migrations";
import { In } from "typeorm";
import { verifyAuditChains } from "../src/audit/verify";
import { openDatabase } from "../src/database/data-source";
import { sweepExpiredRights } from "../src/management/sweep-expired-rights";
import { Catalog } from "../src/domain/catalog";
import { RoleAssignment, ServiceProviderMandate } from "../src/domain/entities";
import { TestClock } from "./support/clock";
import { createTestDatabase, describeEachDatabase, type DialectName } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { expectError } from "./support/graphql";
import { spawnGateway, type GatewayProcess } from "./support/gateway-process";
import { runScript } from "./support/processes";
import { enterpriseNumber, ssin } from "./support/identities";
import { Seed, type SeededEnterprise } from "./support/seed";

/**
 * The attacker's and production reviewer's pass over rights that expire: every path that could
 * still treat an expired row as current, or record its end as something else than the expiry.
 */

const person = (s: string) => ({ ssin: s, givenName: "Tim", familyName: "Limited" });

const m = {
  appointManager: gql`
    mutation ($input: AppointAccessManagerInput!) {
      appointAccessManager(input: $input) {
        id
        validUntil
      }
    }
  `,
  appointMain: gql`
    mutation ($input: AppointMainAccessManagerInput!) {
      appointMainAccessManager(input: $input) {
        id
      }
    }
  `,
  addUser: gql`
    mutation ($input: AddUserInput!) {
      addUser(input: $input) {
        id
        validUntil
      }
    }
  `,
  setServices: gql`
    mutation ($input: SetUserOnlineServicesInput!) {
      setUserOnlineServices(input: $input) {
        id
        validUntil
      }
    }
  `,
  removeUser: gql`
    mutation ($assignment: ID!) {
      removeUser(assignment: $assignment) {
        id
      }
    }
  `,
  appointProvider: gql`
    mutation ($input: AppointServiceProviderInput!) {
      appointServiceProvider(input: $input) {
        id
        status
        validUntil
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
  audit: gql`
    query ($e: EnterpriseNumber!) {
      enterprise(number: $e) {
        auditTrail(first: 100) {
          nodes {
            action
            details
            actor {
              ssin
            }
          }
        }
      }
    }
  `,
};

const days = (n: number, from: Date) => new Date(from.getTime() + n * 24 * 60 * 60 * 1000).toISOString();

/** A stored DATETIME as an ISO instant: SQLite keeps "YYYY-MM-DD HH:MM:SS.SSS" (UTC), mysql2 answers a Date. */
const instant = (dialect: DialectName, value: unknown) =>
  value === null ? null : new Date(dialect === "sqlite" ? `${String(value).replace(" ", "T")}Z` : (value as Date)).toISOString();

type AuditNode = { action: string; details: string; actor: { ssin: string } | null };

describeEachDatabase("rights that expire, reviewed", (dialect) => {
  const clock = new TestClock();
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect, {}, { clock });
  });
  afterAll(() => gw?.stop());

  const inDays = (n: number) => days(n, clock.now());
  const trail = async (lr: GraphQLClient, e: string) =>
    (await lr.request<{ enterprise: { auditTrail: { nodes: AuditNode[] } } }>(q.audit, { e })).enterprise.auditTrail.nodes.map((n) => ({
      action: n.action,
      actor: n.actor,
      details: JSON.parse(n.details) as Record<string, unknown>,
    }));
  const newProvider = (): Promise<SeededEnterprise> =>
    gw.seed
      .enterprise({ name: "Payroll Provider" })
      .withMainAccessManager()
      .active()
      .withCapacity("SOCIAL_SERVICE_PROVIDER")
      .withAccessManager("SOCIAL_SERVICE_PROVIDER")
      .build();

  it("a provider that deletes its access does not record a mandate that had already expired as ended by it; the expiry is written once, on the client's trail", async () => {
    const provider = await newProvider();
    const client = await gw.seed.enterprise().withMainAccessManager().active().build();
    const clientLr = await gw.client(client.legalRepresentative);
    const until = inDays(2);
    const { appointServiceProvider: mandate } = await clientLr.request<{ appointServiceProvider: { id: string } }>(m.appointProvider, {
      input: { enterprise: client.number, provider: provider.number, capacity: "EMPLOYER_NSSO", validUntil: until },
    });
    clock.passes(until);

    // The provider's legal representative deletes its access: the mandate it still holds (as provider) had expired.
    const providerLr = await gw.client(provider.legalRepresentative);
    await providerLr.request(m.deleteAccess, { input: { enterprise: provider.number, reason: "Closing down" } });
    const mandateRow = async () => {
      const [row] = await gw.dataSource.query("SELECT status, ended_at, ended_by_id FROM service_provider_mandate WHERE id = ?", [
        Number(mandate.id),
      ]);
      return { status: row.status as string, endedAt: instant(dialect, row.ended_at), endedById: row.ended_by_id as number | null };
    };
    // The deletion did not end it (it was over before), nor count it among what it ended.
    expect((await mandateRow()).endedById).toBeNull();
    const deletion = (await trail(providerLr, provider.number)).find((x) => x.action === "DELETE_ENTERPRISE_ACCESS")!;
    expect(deletion.details.before).toMatchObject({ mandates: [], mandateCount: 0 });
    // The client's side writes the expiry down (here the sweep; the client's next action would too): ended when it expired, by no one, once.
    expect(await sweepExpiredRights({ dataSource: gw.dataSource, clock })).toBe(1);
    expect(await sweepExpiredRights({ dataSource: gw.dataSource, clock })).toBe(0);
    expect(await mandateRow()).toEqual({ status: "ENDED", endedAt: until, endedById: null });
    const expiries = (await trail(clientLr, client.number)).filter((x) => x.action === "EXPIRE_RIGHT");
    expect(expiries).toEqual([
      {
        action: "EXPIRE_RIGHT",
        actor: null,
        details: expect.objectContaining({
          kind: "SERVICE_PROVIDER_MANDATE",
          after: expect.objectContaining({ id: Number(mandate.id), endedAt: until }),
        }),
      },
    ]);
    for (const id of [client.id, provider.id])
      expect((await verifyAuditChains({ dataSource: gw.dataSource, enterpriseId: id })).broken).toEqual([]);
  });

  it("a main access manager whose separately appointed access-manager profile had an expiry stays access manager of that capacity after it", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await gw.client(e.mainAccessManager!);
    const lr = await gw.client(e.legalRepresentative);
    const nextMain = ssin();
    const until = inDays(3);
    await main.request(m.appointManager, {
      input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", person: person(nextMain), validUntil: until },
    });
    await lr.request(m.appointMain, { input: { enterprise: e.number, person: person(nextMain) } });
    clock.passes(until);

    // The main access manager is access manager of every active capacity, whatever expiry the profile
    // they held before had.
    const newMain = await gw.client(nextMain);
    expect((await newMain.request<{ canUseOnlineService: unknown }>(q.canUse, { e: e.number, s: "DIMONA" })).canUseOnlineService).toEqual({
      allowed: true,
      reason: "GRANTED_BY_ROLE",
    });
    expect(
      (await newMain.request<{ can: unknown }>(q.can, { e: e.number, t: "CONFIGURE_STRUCTURED_MESSAGES", c: "EMPLOYER_NSSO" })).can,
    ).toEqual({ allowed: true, reason: "GRANTED_BY_ROLE" });
    const rows: { automatic: number | boolean; valid_until: unknown; ended_at: unknown }[] = await gw.dataSource.query(
      "SELECT ra.automatic, ra.valid_until, ra.ended_at FROM role_assignment ra JOIN person p ON p.id = ra.person_id WHERE p.ssin = ? AND ra.role = 'ACCESS_MANAGER' AND ra.enterprise_id = ?",
      [nextMain, e.id],
    );
    // One profile, held by the function (it ends when they are replaced), and no expiry left to take it away.
    expect(rows.map((r) => ({ automatic: Boolean(Number(r.automatic)), validUntil: r.valid_until, endedAt: r.ended_at }))).toEqual([
      { automatic: true, validUntil: null, endedAt: null },
    ]);

    const appointed = (await trail(lr, e.number)).filter((x) => x.action === "APPOINT_MAIN_ACCESS_MANAGER").at(-1)!;
    expect(appointed.details.before).toMatchObject({
      expiringProfilesTakenOver: [expect.objectContaining({ role: "ACCESS_MANAGER", capacity: "EMPLOYER_NSSO", validUntil: until })],
    });

    // Replaced, they lose the profile with the function, as any automatic profile.
    await lr.request(m.appointMain, { input: { enterprise: e.number, person: person(ssin()) } });
    expect(
      (await newMain.request<{ canUseOnlineService: { allowed: boolean } }>(q.canUse, { e: e.number, s: "DIMONA" })).canUseOnlineService
        .allowed,
    ).toBe(false);
  });

  it("no one revives an expired user: not by setting a new validUntil, not by removing them, and a validUntil of exactly now is refused", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await gw.client(e.mainAccessManager!);
    const userSsin = ssin();
    const until = inDays(1);
    const { addUser: user } = await main.request<{ addUser: { id: string } }>(m.addUser, {
      input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: person(userSsin), validUntil: until },
    });
    clock.passes(until);
    const ended = { code: "CONFLICT", reason: "ALREADY_ENDED" };
    await expectError(
      main.request(m.setServices, { input: { assignment: user.id, onlineServices: ["DIMONA"], validUntil: inDays(30) } }),
      ended,
    );
    await expectError(main.request(m.removeUser, { assignment: user.id }), ended);
    // A refused action changes nothing, not even the write-down of the expiry it met (the next successful one does that).
    const [row] = await gw.dataSource.query("SELECT ended_at, ended_by_id, valid_until FROM role_assignment WHERE id = ?", [
      Number(user.id),
    ]);
    expect({ endedAt: row.ended_at, endedById: row.ended_by_id, validUntil: instant(dialect, row.valid_until) }).toEqual({
      endedAt: null,
      endedById: null,
      validUntil: until,
    });
    expect(
      (await (await gw.client(userSsin)).request<{ canUseOnlineService: { allowed: boolean } }>(q.canUse, { e: e.number, s: "DIMONA" }))
        .canUseOnlineService.allowed,
    ).toBe(false);

    // "Now" is the gateway's clock, which the test holds still for this request: a validUntil equal to it is not in the future.
    const frozen = clock.now();
    const still = await startTestGateway(dialect, {}, { database: gw.database, clock: { now: () => frozen } });
    try {
      const atNow = await (
        await still.client(e.mainAccessManager!)
      )
        .request(m.addUser, {
          input: {
            enterprise: e.number,
            capacity: "EMPLOYER_NSSO",
            onlineServices: ["DIMONA"],
            person: person(ssin()),
            validUntil: frozen.toISOString(),
          },
        })
        .catch((error: unknown) => error);
      expect(atNow).toMatchObject({
        response: {
          errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: "BAD_USER_INPUT", field: "input.validUntil" }) })],
        },
      });
      // Five years to the millisecond, in UTC, is the furthest allowed; one millisecond more is refused.
      const latest = new Date(frozen.getTime());
      latest.setUTCFullYear(latest.getUTCFullYear() + 5);
      const stillMain = await still.client(e.mainAccessManager!);
      await expectError(
        stillMain.request(m.addUser, {
          input: {
            enterprise: e.number,
            capacity: "EMPLOYER_NSSO",
            onlineServices: ["DIMONA"],
            person: person(ssin()),
            validUntil: new Date(latest.getTime() + 1).toISOString(),
          },
        }),
        { code: "BAD_USER_INPUT", field: "input.validUntil" },
      );
      const { addUser: furthest } = await stillMain.request<{ addUser: { validUntil: string } }>(m.addUser, {
        input: {
          enterprise: e.number,
          capacity: "EMPLOYER_NSSO",
          onlineServices: ["DIMONA"],
          person: person(ssin()),
          validUntil: latest.toISOString(),
        },
      });
      expect(furthest.validUntil).toBe(latest.toISOString());
    } finally {
      await still.stop();
    }
  });

  it("a right ends at the very instant of its validUntil, in SQL and in memory alike", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const until = new Date(clock.now().getTime() + 60 * 60 * 1000);
    until.setUTCMilliseconds(0);
    const userSsin = ssin();
    await (
      await gw.client(e.mainAccessManager!)
    ).request(m.addUser, {
      input: {
        enterprise: e.number,
        capacity: "EMPLOYER_NSSO",
        onlineServices: ["DIMONA"],
        person: person(userSsin),
        validUntil: until.toISOString(),
      },
    });
    let at = new Date(until.getTime() - 1);
    const exact = await startTestGateway(dialect, {}, { database: gw.database, clock: { now: () => at } });
    try {
      const user = await exact.client(userSsin);
      const main = await exact.client(e.mainAccessManager!);
      const state = async () => ({
        // In memory: the decision over the loaders' rows.
        allowed: (await user.request<{ canUseOnlineService: { allowed: boolean } }>(q.canUse, { e: e.number, s: "DIMONA" }))
          .canUseOnlineService.allowed,
        // In SQL: the page of current assignments and its count.
        listed: (
          await main.request<{ enterprise: { roleAssignments: { totalCount: number } } }>(
            gql`
              query ($e: EnterpriseNumber!) {
                enterprise(number: $e) {
                  roleAssignments(role: USER) {
                    totalCount
                  }
                }
              }
            `,
            { e: e.number },
          )
        ).enterprise.roleAssignments.totalCount,
      });
      expect(await state()).toEqual({ allowed: true, listed: 1 });
      at = until;
      expect(await state()).toEqual({ allowed: false, listed: 0 });
    } finally {
      await exact.stop();
    }
  });

  it("expiringSoon shows an access manager no one outside their capacities: not as the holder, not as who granted, not through the holder's other roles", async () => {
    const e = await gw.seed
      .enterprise()
      .withMainAccessManager()
      .active()
      .withCapacity("ENTERPRISE_WITHOUT_STAFF")
      .withAccessManager("EMPLOYER_NSSO")
      .build();
    const main = await gw.client(e.mainAccessManager!);
    // A second access manager of EMPLOYER_NSSO adds an expiring user, then leaves the capacity; they stay a user elsewhere.
    const formerSsin = ssin();
    const { appointAccessManager: former } = await main.request<{ appointAccessManager: { id: string } }>(m.appointManager, {
      input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", person: person(formerSsin) },
    });
    await main.request(m.addUser, {
      input: { enterprise: e.number, capacity: "ENTERPRISE_WITHOUT_STAFF", onlineServices: ["LIMOSA"], person: person(formerSsin) },
    });
    const userSsin = ssin();
    await (
      await gw.client(formerSsin)
    ).request(m.addUser, {
      input: {
        enterprise: e.number,
        capacity: "EMPLOYER_NSSO",
        onlineServices: ["DIMONA"],
        person: person(userSsin),
        validUntil: inDays(5),
      },
    });
    await main.request(m.addUser, {
      input: { enterprise: e.number, capacity: "ENTERPRISE_WITHOUT_STAFF", onlineServices: ["LIMOSA"], person: person(userSsin) },
    });
    await main.request(
      gql`
        mutation ($assignment: ID!) {
          revokeAccessManager(assignment: $assignment) {
            id
          }
        }
      `,
      { assignment: former.id },
    );

    const manager = await gw.client(e.accessManagers.EMPLOYER_NSSO);
    const { enterprise } = await manager.request<{ enterprise: { expiringSoon: unknown[] } }>(
      gql`
        query ($e: EnterpriseNumber!) {
          enterprise(number: $e) {
            expiringSoon {
              assignment {
                capacity {
                  code
                }
                person {
                  ssin
                  email
                  roles {
                    capacity {
                      code
                    }
                  }
                }
                grantedBy {
                  ssin
                }
              }
              mandate {
                id
              }
            }
          }
        }
      `,
      { e: e.number },
    );
    expect(enterprise.expiringSoon).toEqual([
      // The user's role in ENTERPRISE_WITHOUT_STAFF is not theirs to see; the former manager now holds no role they may list.
      {
        assignment: {
          capacity: { code: "EMPLOYER_NSSO" },
          person: { ssin: userSsin, email: null, roles: [{ capacity: { code: "EMPLOYER_NSSO" } }] },
          grantedBy: null,
        },
        mandate: null,
      },
    ]);
    // The main access manager sees who granted it.
    const { enterprise: full } = await main.request<{
      enterprise: { expiringSoon: { assignment: { grantedBy: { ssin: string } | null } }[] };
    }>(
      gql`
        query ($e: EnterpriseNumber!) {
          enterprise(number: $e) {
            expiringSoon {
              assignment {
                grantedBy {
                  ssin
                }
              }
            }
          }
        }
      `,
      { e: e.number },
    );
    expect(full.expiringSoon).toEqual([{ assignment: { grantedBy: { ssin: formerSsin } } }]);
  });

  it("a dry run shows an access manager no expiry outside what they may see; the enterprise's audit readers see it", async () => {
    const e = await gw.seed
      .enterprise()
      .withMainAccessManager()
      .active()
      .withCapacity("ENTERPRISE_WITHOUT_STAFF")
      .withAccessManager("EMPLOYER_NSSO")
      .build();
    const main = await gw.client(e.mainAccessManager!);
    const until = inDays(1);
    await main.request(m.addUser, {
      input: {
        enterprise: e.number,
        capacity: "ENTERPRISE_WITHOUT_STAFF",
        onlineServices: ["LIMOSA"],
        person: person(ssin()),
        validUntil: until,
      },
    });
    clock.passes(until);
    type Preview = { dryRun: { auditEvents: { action: string; details: Record<string, unknown> }[] } };
    const dryAdd = async (client: GraphQLClient) =>
      (
        (
          await client.rawRequest(
            gql`
              mutation ($input: AddUserInput!) {
                addUser(input: $input, dryRun: true) {
                  id
                }
              }
            `,
            {
              input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: person(ssin()) },
            },
          )
        ).extensions as Preview
      ).dryRun.auditEvents.map((x) => x.action);

    // The access manager of EMPLOYER_NSSO does not see the users of ENTERPRISE_WITHOUT_STAFF, nor their expiry.
    expect(await dryAdd(await gw.client(e.accessManagers.EMPLOYER_NSSO))).toEqual(["MANAGE_USERS"]);
    // The main access manager reads the audit trail: the preview shows what the real action would write, the expiry included.
    expect(await dryAdd(main)).toEqual(["EXPIRE_RIGHT", "MANAGE_USERS"]);
  });

  it("counts expiringSoon in the cost budget at its page size, whether `first` is left out, null or given", async () => {
    const tight = await startTestGateway(dialect, { MAX_COST: "10" }, { database: gw.database, clock });
    try {
      const client = await tight.client(ssin());
      const costOf = async (first: string) =>
        (
          await expectError(
            client.request(`query ($e: EnterpriseNumber!) { enterprise(number: $e) { expiringSoon${first} { assignment { id } } } }`, {
              e: enterpriseNumber(),
            }),
            {
              code: "QUERY_TOO_COMPLEX",
            },
          )
        ).extensions.actual;
      // enterprise (1) + expiringSoon (1) + one assignment per item, up to 100 by default.
      expect(await costOf("")).toBe(102);
      expect(await costOf("(first: null)")).toBe(102);
      expect(await costOf("(first: 20)")).toBe(22);
    } finally {
      await tight.stop();
    }
  });
});

describeEachDatabase("the migrations to rights that expire", (dialect) => {
  it("add valid_until (null: no expiry) and the index of the rows due to a database with assignments and mandates, keep their rows and unique keys, and undo cleanly", async () => {
    const database = await createTestDatabase(dialect);
    try {
      const { dataSource: previous, insert } = await databaseBefore(database.url, "ValidUntil1764300000005");
      const at = "2026-01-01 12:00:00";
      const enterprise = () =>
        insert("enterprise", {
          number: enterpriseNumber(),
          name: "E",
          status: "ACTIVE",
          default_capacity: "EMPLOYER_NSSO",
          created_at: at,
          updated_at: at,
        });
      const [client, provider] = [await enterprise(), await enterprise()];
      const personId = await insert("person", {
        ssin: ssin(),
        given_name: "A",
        family_name: "B",
        email: null,
        phone: null,
        language: "NL",
        created_at: at,
      });
      const key = `${client}:USER:EMPLOYER_NSSO:${personId}`;
      const assignment = await insert("role_assignment", {
        person_id: personId,
        enterprise_id: client,
        role: "USER",
        capacity_code: "EMPLOYER_NSSO",
        granted_by_id: null,
        granted_at: at,
        ended_at: null,
        ended_by_id: null,
        active_key: key,
        exclusive_key: null,
      });
      await previous.query("INSERT INTO role_assignment_online_service (assignment_id, online_service_code) VALUES (?, ?)", [
        assignment,
        "DIMONA",
      ]);
      const mandate = await insert("service_provider_mandate", {
        client_id: client,
        provider_id: provider,
        capacity_code: "EMPLOYER_NSSO",
        status: "ACTIVE",
        appointed_by_id: personId,
        starts_at: at,
        ended_at: null,
        ended_by_id: null,
        active_key: `${client}:EMPLOYER_NSSO`,
      });
      await previous.destroy();

      const migrated = await openDatabase({ url: database.url });
      try {
        const [a] = await migrated.query("SELECT id, active_key, ended_at, valid_until FROM role_assignment WHERE id = ?", [assignment]);
        expect({ id: Number(a.id), activeKey: a.active_key, endedAt: a.ended_at, validUntil: a.valid_until }).toEqual({
          id: assignment,
          activeKey: key,
          endedAt: null,
          validUntil: null,
        });
        const [md] = await migrated.query("SELECT id, status, valid_until FROM service_provider_mandate WHERE id = ?", [mandate]);
        expect({ id: Number(md.id), status: md.status, validUntil: md.valid_until }).toEqual({
          id: mandate,
          status: "ACTIVE",
          validUntil: null,
        });
        expect(
          await migrated.query("SELECT assignment_id FROM role_assignment_online_service WHERE assignment_id = ?", [assignment]),
        ).toHaveLength(1);
        // The unique keys survived the change of the table (SQLite rebuilds it to add a column).
        await expect(
          migrated.query(
            "INSERT INTO role_assignment (person_id, enterprise_id, role, capacity_code, granted_at, active_key, automatic) VALUES (?, ?, 'USER', 'EMPLOYER_NSSO', ?, ?, 0)",
            [personId, client, at, key],
          ),
        ).rejects.toThrow(/UNIQUE|Duplicate/i);
        // The index of the rows due (0006) replaced the one on valid_until alone, and the sweep finds nothing to end in rows without an expiry.
        const indices = async (table: string) => {
          const queryRunner = migrated.createQueryRunner();
          try {
            return (await queryRunner.getTable(table))!.indices.map((i) => i.name);
          } finally {
            await queryRunner.release();
          }
        };
        for (const table of ["role_assignment", "service_provider_mandate"]) {
          expect(await indices(table)).toContain(`ix_${table}_due`);
          expect(await indices(table)).not.toContain(`ix_${table}_valid_until`);
        }
        // The indexes the readers use survived as well.
        expect(await indices("role_assignment")).toEqual(
          expect.arrayContaining(["ix_role_assignment_person", "ix_role_assignment_enterprise"]),
        );
        expect(await indices("service_provider_mandate")).toEqual(expect.arrayContaining(["ix_mandate_client", "ix_mandate_provider"]));
        expect(await sweepExpiredRights({ dataSource: migrated })).toBe(0);

        // Back to before the due-rights index (the migrations after it first).
        await undoMigrationsThrough(migrated, "DueRightsIndex1764300000006");
        for (const table of ["role_assignment", "service_provider_mandate"]) {
          expect(await indices(table)).toContain(`ix_${table}_valid_until`);
          expect(await indices(table)).not.toContain(`ix_${table}_due`);
        }
        await migrated.undoLastMigration({ transaction: "each" });
        const undone = migrated.createQueryRunner();
        try {
          for (const table of ["role_assignment", "service_provider_mandate"])
            expect(await undone.hasColumn(table, "valid_until")).toBe(false);
        } finally {
          await undone.release();
        }
        const [kept] = await migrated.query("SELECT active_key FROM role_assignment WHERE id = ?", [assignment]);
        expect(kept.active_key).toBe(key);
        await migrated.runMigrations({ transaction: "each" });
        const again = migrated.createQueryRunner();
        try {
          expect(await again.hasColumn("role_assignment", "valid_until")).toBe(true);
          expect((await again.getTable("role_assignment"))!.indices.map((i) => i.name)).toContain("ix_role_assignment_due");
        } finally {
          await again.release();
        }
      } finally {
        await migrated.destroy();
      }
    } finally {
      await database.drop();
    }
  });
});

describeEachDatabase("the sweep of expired rights in two gateway processes", (dialect) => {
  it("writes each expiry down exactly once, on chains that still verify", async () => {
    const database = await createTestDatabase(dialect);
    const dataSource = await openDatabase({ url: database.url });
    const gateways: GatewayProcess[] = [];
    try {
      const seed = new Seed(dataSource, await Catalog.load(dataSource));
      const provider = await seed.enterprise().withMainAccessManager().active().withCapacity("SOCIAL_SERVICE_PROVIDER").build();
      const assignmentIds: number[] = [];
      const mandateIds: number[] = [];
      for (let i = 0; i < 6; i++) {
        const e = await seed
          .enterprise()
          .withMainAccessManager()
          .active()
          .withUser("EMPLOYER_NSSO", ["DIMONA"])
          .withUser("EMPLOYER_NSSO", ["DMFA"])
          .withAccessManager("EMPLOYER_NSSO")
          .withServiceProvider(provider, "EMPLOYER_NSSO")
          .build();
        assignmentIds.push(...e.users.map((u) => u.assignmentId));
        mandateIds.push(Number((await dataSource.query("SELECT id FROM service_provider_mandate WHERE client_id = ?", [e.id]))[0].id));
      }
      // Rights that expired a minute ago (set directly: the API refuses a validUntil in the past), met by no request yet.
      const expired = new Date(Date.now() - 60_000);
      await dataSource.getRepository(RoleAssignment).update({ id: In(assignmentIds) }, { validUntil: expired });
      await dataSource.getRepository(ServiceProviderMandate).update({ id: In(mandateIds) }, { validUntil: expired });

      gateways.push(
        ...(await Promise.all(
          [1, 2].map(() => spawnGateway({ DATABASE_URL: database.url, EXPIRY_SWEEP_SECONDS: "1", LOG_LEVEL: "error" })),
        )),
      );
      const due = async () =>
        Number(
          (await dataSource.query("SELECT COUNT(*) AS n FROM role_assignment WHERE valid_until IS NOT NULL AND ended_at IS NULL"))[0].n,
        ) +
        Number(
          (
            await dataSource.query("SELECT COUNT(*) AS n FROM service_provider_mandate WHERE valid_until IS NOT NULL AND ended_at IS NULL")
          )[0].n,
        );
      // Generous: each process sweeps every second, and a loaded machine may delay both.
      for (let waited = 0; (await due()) > 0 && waited < 60_000; waited += 250) await new Promise((r) => setTimeout(r, 250));
      expect(await due()).toBe(0);

      const events: { details: string }[] = await dataSource.query(
        "SELECT details FROM audit_event WHERE action = 'EXPIRE_RIGHT' ORDER BY id",
      );
      const written = events.map((x) => JSON.parse(x.details) as { kind: string; expiredBy: string; after: { id: number } });
      expect(written.every((x) => x.expiredBy === "sweep")).toBe(true);
      const ids = (kind: string) =>
        written
          .filter((x) => x.kind === kind)
          .map((x) => x.after.id)
          .sort((a, b) => a - b);
      expect(ids("ROLE_ASSIGNMENT")).toEqual([...assignmentIds].sort((a, b) => a - b));
      expect(ids("SERVICE_PROVIDER_MANDATE")).toEqual([...mandateIds].sort((a, b) => a - b));
      // What an operator runs: `npm run audit:verify` over the whole database.
      const verified = await runScript("src/cli/audit-verify.ts", [], {
        DATABASE_URL: database.url,
        NODE_ENV: "test",
        LOG_LEVEL: "silent",
      });
      expect(verified).toMatchObject({ code: 0, stdout: expect.stringMatching(/^OK: \d+ events in \d+ chains, 0 broken\n$/) });
      for (const g of gateways) expect(g.output()).not.toMatch(/sweep of expired rights failed/);
    } finally {
      await Promise.all(gateways.map((g) => g.stop()));
      await dataSource.destroy();
      await database.drop();
    }
  }, 180_000);
});
