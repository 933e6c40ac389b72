import { gql, type GraphQLClient } from "graphql-request";
import { DataSource } from "typeorm";
import { buildDataSourceOptions } from "../src/database/data-source-options";
import { openDatabase } from "../src/database/data-source";
import { migrations } from "../src/database/migrations";
import { createTestDatabase, describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { expectError } from "./support/graphql";
import { enterpriseNumber, ssin } from "./support/identities";
import { snapshot } from "./support/snapshot";

const person = (s: string, givenName = "Eva", familyName = "Example") => ({ ssin: s, givenName, familyName });

const m = {
  appointMain: gql`
    mutation ($input: AppointMainAccessManagerInput!) {
      appointMainAccessManager(input: $input) {
        id
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
  revokeManager: gql`
    mutation ($a: ID!) {
      revokeAccessManager(assignment: $a) {
        id
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
};
const q = {
  eBox: gql`
    query ($e: EnterpriseNumber!) {
      enterprise(number: $e) {
        eBox {
          messages {
            totalCount
          }
        }
      }
    }
  `,
  myTasks: gql`
    query ($e: EnterpriseNumber!) {
      enterprise(number: $e) {
        myTasks
      }
    }
  `,
  can: gql`
    query ($e: EnterpriseNumber!, $c: String) {
      can(enterprise: $e, task: MANAGE_USERS, capacity: $c) {
        allowed
      }
    }
  `,
  managers: gql`
    query ($e: EnterpriseNumber!) {
      enterprise(number: $e) {
        roleAssignments(role: ACCESS_MANAGER) {
          edges {
            node {
              id
              capacity {
                code
              }
              person {
                ssin
              }
            }
          }
        }
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
            }
          }
        }
      }
    }
  `,
};

interface Summary {
  id: number;
  personId: number;
  capacity: string | null;
  automatic?: boolean;
}

describeEachDatabase("replacing the main access manager", (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.stop());

  const managers = async (client: GraphQLClient, e: string) =>
    (
      await client.request<{
        enterprise: { roleAssignments: { edges: { node: { id: string; capacity: { code: string }; person: { ssin: string } } }[] } };
      }>(q.managers, { e })
    ).enterprise.roleAssignments.edges.map((x) => x.node);

  const lastReplacement = async (lr: GraphQLClient, e: string) => {
    const { enterprise } = await lr.request<{ enterprise: { auditTrail: { edges: { node: { action: string; details: string } }[] } } }>(
      q.audit,
      { e },
    );
    const events = enterprise.auditTrail.edges.filter((x) => x.node.action === "APPOINT_MAIN_ACCESS_MANAGER");
    return JSON.parse(events.at(-1)!.node.details) as {
      before: { accessManagerProfiles: Summary[] };
      after: { accessManagerProfiles: Summary[] };
    };
  };

  it("takes from the former main access manager every task the function gave them, and gives the new one their profiles", async () => {
    const former = ssin();
    const e = await gw.seed
      .enterprise()
      .withMainAccessManager(former)
      .active()
      .withCapacity("ENTERPRISE_WITHOUT_STAFF")
      .withEBox()
      .withUser("EMPLOYER_NSSO", ["DIMONA"])
      .build();
    const old = await gw.client(former);
    const lr = await gw.client(e.legalRepresentative);
    // What the function gave them, so that the assertions below can fail.
    expect((await old.request<{ enterprise: { myTasks: string[] } }>(q.myTasks, { e: e.number })).enterprise.myTasks).toContain(
      "MANAGE_USERS",
    );
    await expect(old.request(q.eBox, { e: e.number })).resolves.toEqual({ enterprise: { eBox: { messages: { totalCount: 1 } } } });
    const formerProfiles = (await managers(lr, e.number)).filter((p) => p.person.ssin === former);
    expect(formerProfiles.map((p) => p.capacity.code)).toEqual(["EMPLOYER_NSSO", "ENTERPRISE_WITHOUT_STAFF"]);

    const successor = ssin();
    await lr.request(m.appointMain, { input: { enterprise: e.number, person: person(successor) } });

    const before = await snapshot(gw.dataSource);
    await expectError(
      old.request(m.addUser, {
        input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: person(ssin()) },
      }),
      { code: "FORBIDDEN" },
    );
    // They no longer see the enterprise: an assignment id of it reads as unknown to them.
    await expectError(old.request(m.removeUser, { a: String(e.users[0].assignmentId) }), { code: "NOT_FOUND" });
    expect(await snapshot(gw.dataSource)).toEqual(before);
    expect(await old.request(q.eBox, { e: e.number })).toEqual({ enterprise: null });
    expect(await old.request(q.can, { e: e.number, c: "EMPLOYER_NSSO" })).toEqual({ can: { allowed: false } });

    const now = await managers(lr, e.number);
    expect(now.map((p) => [p.capacity.code, p.person.ssin])).toEqual([
      ["EMPLOYER_NSSO", successor],
      ["ENTERPRISE_WITHOUT_STAFF", successor],
    ]);
    const successorClient = await gw.client(successor);
    await successorClient.request(m.addUser, {
      input: { enterprise: e.number, capacity: "ENTERPRISE_WITHOUT_STAFF", onlineServices: ["LIMOSA"], person: person(ssin()) },
    });
    await expectError(successorClient.request(m.revokeManager, { a: now[0].id }), {
      code: "CONFLICT",
      reason: "MAIN_ACCESS_MANAGER_PROFILE",
    });

    const event = await lastReplacement(lr, e.number);
    expect(event.before.accessManagerProfiles.map((p) => [String(p.id), p.capacity, p.automatic])).toEqual(
      formerProfiles.map((p) => [p.id, p.capacity.code, true]),
    );
    expect(event.after.accessManagerProfiles.map((p) => [String(p.id), p.capacity])).toEqual(now.map((p) => [p.id, p.capacity.code]));
  });

  it("lists MANAGE_USERS no more in myTasks of a former main access manager who stays a user", async () => {
    const former = ssin();
    const e = await gw.seed.enterprise().withMainAccessManager(former).active().withUser("EMPLOYER_NSSO", ["DIMONA"], former).build();
    const old = await gw.client(former);
    expect((await old.request<{ enterprise: { myTasks: string[] } }>(q.myTasks, { e: e.number })).enterprise.myTasks).toContain(
      "MANAGE_USERS",
    );
    await (await gw.client(e.legalRepresentative)).request(m.appointMain, { input: { enterprise: e.number, person: person(ssin()) } });
    expect((await old.request<{ enterprise: { myTasks: string[] } }>(q.myTasks, { e: e.number })).enterprise.myTasks).toEqual([
      "USE_ONLINE_SERVICES",
    ]);
  });

  it("keeps the access manager profile a former main access manager was appointed separately", async () => {
    const first = ssin();
    const former = ssin();
    const e = await gw.seed
      .enterprise()
      .withMainAccessManager(first)
      .active()
      .withCapacity("ENTERPRISE_WITHOUT_STAFF")
      .withAccessManager("ENTERPRISE_WITHOUT_STAFF", former)
      .build();
    const lr = await gw.client(e.legalRepresentative);
    // The separately appointed one becomes main access manager (automatic profile in EMPLOYER_NSSO only), then is replaced.
    await lr.request(m.appointMain, { input: { enterprise: e.number, person: person(former) } });
    const successor = ssin();
    await lr.request(m.appointMain, { input: { enterprise: e.number, person: person(successor) } });

    const held = (await managers(lr, e.number)).map((p) => [p.capacity.code, p.person.ssin]);
    expect(held).toContainEqual(["ENTERPRISE_WITHOUT_STAFF", former]);
    expect(held).not.toContainEqual(["EMPLOYER_NSSO", former]);
    const old = await gw.client(former);
    await old.request(m.addUser, {
      input: { enterprise: e.number, capacity: "ENTERPRISE_WITHOUT_STAFF", onlineServices: ["LIMOSA"], person: person(ssin()) },
    });
    await expectError(
      old.request(m.addUser, {
        input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: person(ssin()) },
      }),
      {
        code: "FORBIDDEN",
      },
    );
    const event = await lastReplacement(lr, e.number);
    expect(event.before.accessManagerProfiles.map((p) => p.capacity)).toEqual(["EMPLOYER_NSSO"]);
  });

  it("lets a separately appointed profile of the main access manager end, and puts their automatic one in its place", async () => {
    const main = ssin();
    const first = ssin();
    const e = await gw.seed
      .enterprise()
      .withMainAccessManager(first)
      .active()
      .withCapacity("ENTERPRISE_WITHOUT_STAFF")
      .withAccessManager("ENTERPRISE_WITHOUT_STAFF", main)
      .build();
    const lr = await gw.client(e.legalRepresentative);
    await lr.request(m.appointMain, { input: { enterprise: e.number, person: person(main) } });
    const separate = (await managers(lr, e.number)).find((p) => p.person.ssin === main && p.capacity.code === "ENTERPRISE_WITHOUT_STAFF")!;
    const mainClient = await gw.client(main);
    await mainClient.request(m.revokeManager, { a: separate.id });
    const replacement = (await managers(lr, e.number)).find(
      (p) => p.person.ssin === main && p.capacity.code === "ENTERPRISE_WITHOUT_STAFF",
    )!;
    expect(replacement.id).not.toBe(separate.id);
    await expectError(mainClient.request(m.revokeManager, { a: replacement.id }), {
      code: "CONFLICT",
      reason: "MAIN_ACCESS_MANAGER_PROFILE",
    });
  });
});

describeEachDatabase("the migration to automatic access manager profiles", (dialect) => {
  it("marks the profiles main access managers gave themselves, and ends those of former ones with one audit event per enterprise", async () => {
    const database = await createTestDatabase(dialect);
    try {
      const options = await buildDataSourceOptions({ url: database.url });
      const previous = new DataSource({ ...options, migrations: migrations.slice(0, 2) });
      await previous.initialize();
      await previous.runMigrations({ transaction: "each" });
      const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes)).toISOString().replace("T", " ").replace("Z", "");
      const insert = async (table: string, row: Record<string, string | number | null>) => {
        const columns = Object.keys(row);
        await previous.query(
          `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
          Object.values(row),
        );
        return Number((await previous.query(`SELECT MAX(id) AS id FROM ${table}`))[0].id);
      };
      const people: Record<string, number> = {};
      for (const name of ["lr", "former", "current", "other"]) {
        people[name] = await insert("person", {
          ssin: ssin(),
          given_name: "P",
          family_name: name,
          email: null,
          phone: null,
          language: "NL",
          created_at: at(0),
        });
      }
      const enterprise = async () =>
        insert("enterprise", {
          number: enterpriseNumber(),
          name: "E",
          status: "ACTIVE",
          default_capacity: "EMPLOYER_NSSO",
          created_at: at(0),
          updated_at: at(0),
        });
      const changed = await enterprise();
      const untouched = await enterprise();
      const assign = (
        enterpriseId: number,
        personName: string,
        role: string,
        capacity: string | null,
        grantedBy: string | null,
        from: number,
        to: number | null,
      ) =>
        insert("role_assignment", {
          person_id: people[personName],
          enterprise_id: enterpriseId,
          role,
          capacity_code: capacity,
          granted_by_id: grantedBy ? people[grantedBy] : null,
          granted_at: at(from),
          ended_at: to === null ? null : at(to),
          ended_by_id: to === null ? null : people.lr,
          active_key: to === null ? `${enterpriseId}:${role}:${capacity ?? "*"}:${people[personName]}` : null,
          exclusive_key: to === null && role === "MAIN_ACCESS_MANAGER" ? `${enterpriseId}:MAIN_ACCESS_MANAGER` : null,
        });
      // The former main access manager (minutes 1-10) kept two automatic profiles; one given by the current one stays.
      await assign(changed, "former", "MAIN_ACCESS_MANAGER", null, "lr", 1, 10);
      const stale = [
        await assign(changed, "former", "ACCESS_MANAGER", "EMPLOYER_NSSO", "former", 1, null),
        await assign(changed, "former", "ACCESS_MANAGER", "ENTERPRISE_WITHOUT_STAFF", "former", 5, null),
      ];
      await assign(changed, "current", "MAIN_ACCESS_MANAGER", null, "lr", 10, null);
      const currentAutomatic = await assign(changed, "current", "ACCESS_MANAGER", "EMPLOYER_NSSO", "current", 10, null);
      const separate = await assign(changed, "former", "ACCESS_MANAGER", "SOCIAL_SERVICE_PROVIDER", "current", 12, null);
      const other = await assign(changed, "other", "ACCESS_MANAGER", "ENTERPRISE_WITHOUT_STAFF", "current", 12, null);
      await assign(untouched, "current", "MAIN_ACCESS_MANAGER", null, "lr", 1, null);
      const untouchedAutomatic = await assign(untouched, "current", "ACCESS_MANAGER", "EMPLOYER_NSSO", "current", 1, null);
      await previous.destroy();

      const migrated = await openDatabase({ url: database.url });
      try {
        const rows: { id: number; automatic: number | boolean; ended_at: unknown; active_key: string | null }[] = await migrated.query(
          "SELECT id, automatic, ended_at, active_key FROM role_assignment WHERE role = 'ACCESS_MANAGER' ORDER BY id",
        );
        const state = Object.fromEntries(
          rows.map((r) => [
            Number(r.id),
            { automatic: Boolean(Number(r.automatic)), ended: r.ended_at !== null, key: r.active_key !== null },
          ]),
        );
        expect(state).toEqual({
          [stale[0]]: { automatic: true, ended: true, key: false },
          [stale[1]]: { automatic: true, ended: true, key: false },
          [currentAutomatic]: { automatic: true, ended: false, key: true },
          [separate]: { automatic: false, ended: false, key: true },
          [other]: { automatic: false, ended: false, key: true },
          [untouchedAutomatic]: { automatic: true, ended: false, key: true },
        });
        const events: { actor_id: number | null; action: string; enterprise_id: number; details: string }[] = await migrated.query(
          "SELECT actor_id, action, enterprise_id, details FROM audit_event",
        );
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({ actor_id: null, action: "END_FORMER_MAIN_ACCESS_MANAGER_PROFILES" });
        expect(Number(events[0].enterprise_id)).toBe(changed);
        const details = JSON.parse(events[0].details) as {
          before: { accessManagerProfiles: Summary[] };
          after: { accessManagerProfiles: (Summary & { endedAt: string })[] };
        };
        expect(details.before.accessManagerProfiles.map((p) => [p.id, p.personId, p.capacity])).toEqual([
          [stale[0], people.former, "EMPLOYER_NSSO"],
          [stale[1], people.former, "ENTERPRISE_WITHOUT_STAFF"],
        ]);
        expect(details.after.accessManagerProfiles.every((p) => !Number.isNaN(Date.parse(p.endedAt)))).toBe(true);
      } finally {
        await migrated.destroy();
      }
    } finally {
      await database.drop();
    }
  });
});
