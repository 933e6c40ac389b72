import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gql } from "graphql-request";
import { DataSource } from "typeorm";
import { buildDataSourceOptions } from "../src/database/data-source-options";
import {
  createVersionTriggers,
  dropVersionTriggers,
  missingVersionTriggers,
  unversionedTables,
  versionedTables,
  versionTriggerName,
  versionsLost,
  type VersionedTableName,
} from "../src/database/enterprise-versions";
import { migrations } from "../src/database/migrations";
import { sweepExpiredRights } from "../src/management/sweep-expired-rights";
import { Enterprise, entities } from "../src/domain/entities";
import { createLoaders } from "../src/read/loaders";
import { storedDateTime } from "../src/read/row-reader";
import { TestClock } from "./support/clock";
import { createTestDatabase, describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { expectError } from "./support/graphql";
import { enterpriseNumber, ssin } from "./support/identities";
import { databaseBefore, undoMigrationsThrough } from "./support/migrations";
import { runScript } from "./support/processes";
import type { SeededEnterprise } from "./support/seed";

const person = (s: string) => ({ ssin: s, givenName: "Vera", familyName: "Version" });

const m = {
  appointMain: gql`
    mutation ($input: AppointMainAccessManagerInput!) {
      appointMainAccessManager(input: $input) {
        id
      }
    }
  `,
  activateAccount: gql`
    mutation ($e: EnterpriseNumber!) {
      activateEnterpriseAccount(enterprise: $e) {
        status
      }
    }
  `,
  activateCapacity: gql`
    mutation ($e: EnterpriseNumber!, $c: String!, $dryRun: Boolean) {
      activateCapacity(enterprise: $e, capacity: $c, dryRun: $dryRun) {
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
  addUser: gql`
    mutation ($input: AddUserInput!, $dryRun: Boolean) {
      addUser(input: $input, dryRun: $dryRun) {
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
  addUsers: gql`
    mutation ($input: AddUsersInput!, $atomic: Boolean, $dryRun: Boolean) {
      addUsers(input: $input, atomic: $atomic, dryRun: $dryRun) {
        done
        items {
          assignment {
            id
          }
        }
      }
    }
  `,
  setUsersServices: gql`
    mutation ($input: SetUsersOnlineServicesInput!) {
      setUsersOnlineServices(input: $input) {
        done
      }
    }
  `,
  removeUsers: gql`
    mutation ($input: RemoveUsersInput!) {
      removeUsers(input: $input) {
        done
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
  revokeManager: gql`
    mutation ($a: ID!) {
      revokeAccessManager(assignment: $a) {
        id
      }
    }
  `,
  activateEBox: gql`
    mutation ($input: ActivateEBoxInput!) {
      activateEBox(input: $input) {
        status
      }
    }
  `,
  markRead: gql`
    mutation ($e: EnterpriseNumber!, $m: ID!) {
      markEBoxMessageRead(enterprise: $e, message: $m) {
        id
      }
    }
  `,
  configure: gql`
    mutation ($input: ConfigureStructuredMessagingInput!) {
      configureStructuredMessaging(input: $input) {
        senderNumber
      }
    }
  `,
  appointProvider: gql`
    mutation ($input: AppointServiceProviderInput!, $dryRun: Boolean) {
      appointServiceProvider(input: $input, dryRun: $dryRun) {
        id
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
  updateMe: gql`
    mutation ($input: UpdateMyAccountInput!) {
      updateMyAccount(input: $input) {
        language
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
  requestAccess: gql`
    mutation ($input: RequestAccessInput!) {
      requestAccess(input: $input) {
        id
      }
    }
  `,
  approveRequest: gql`
    mutation ($id: ID!) {
      approveAccessRequest(id: $id) {
        id
      }
    }
  `,
  denyRequest: gql`
    mutation ($id: ID!) {
      denyAccessRequest(id: $id) {
        id
      }
    }
  `,
  withdrawRequest: gql`
    mutation ($id: ID!) {
      withdrawAccessRequest(id: $id) {
        id
      }
    }
  `,
};

const days = (n: number, from: Date) => new Date(from.getTime() + n * 24 * 60 * 60 * 1000).toISOString();

describeEachDatabase("enterprise versions", (dialect) => {
  const clock = new TestClock();
  let gw: TestGateway;
  /** Watched in every test and changed by none: a write that moved every enterprise would show here. */
  let bystander: SeededEnterprise;
  let provider: SeededEnterprise;
  beforeAll(async () => {
    gw = await startTestGateway(dialect, {}, { clock });
    bystander = await gw.seed.enterprise().withMainAccessManager().active().withUser("EMPLOYER_NSSO", ["DIMONA"]).build();
    provider = await gw.seed
      .enterprise({ name: "Versioned Provider" })
      .withMainAccessManager()
      .active()
      .withCapacity("SOCIAL_SERVICE_PROVIDER")
      .build();
  });
  afterAll(() => gw?.stop());

  const versions = async (ids: readonly number[]): Promise<Map<number, number>> => {
    const rows: { id: number | string; version: number }[] = await gw.dataSource.query(
      `SELECT id, version FROM enterprise WHERE id IN (${ids.map(() => "?").join(", ")})`,
      [...ids],
    );
    return new Map(rows.map((r) => [Number(r.id), Number(r.version)]));
  };

  /**
   * Runs `change` and expects exactly the enterprises `moved` (ids) to have a higher version afterwards, among those
   * watched (the bystander and the provider always are); none goes down.
   */
  async function expectMoves(change: () => Promise<unknown>, moved: readonly number[], watched: readonly number[] = []): Promise<void> {
    const ids = [...new Set([...moved, ...watched, bystander.id, provider.id])];
    const before = await versions(ids);
    await change();
    const after = await versions(ids);
    for (const id of ids) expect(after.get(id)).toBeGreaterThanOrEqual(before.get(id)!);
    expect(ids.filter((id) => after.get(id)! > before.get(id)!).sort((a, b) => a - b)).toEqual([...new Set(moved)].sort((a, b) => a - b));
  }

  it("moves, with every management mutation, the version of each enterprise whose data it changed and of no other", async () => {
    const e = await gw.seed.enterprise().build();
    // The legal representative also holds a role elsewhere: their own account's change is shown there too.
    const elsewhere = await gw.seed.enterprise({ legalRepresentative: e.legalRepresentative }).build();
    const lr = await gw.client(e.legalRepresentative);
    const mainSsin = ssin();
    const watched = [e.id, elsewhere.id];
    const moves = (change: () => Promise<unknown>, moved: readonly number[]) => expectMoves(change, moved, watched);

    await moves(() => lr.request(m.appointMain, { input: { enterprise: e.number, person: person(mainSsin) } }), [e.id]);
    const main = await gw.client(mainSsin);
    await moves(() => main.request(m.activateAccount, { e: e.number }), [e.id]);
    await moves(() => main.request(m.activateCapacity, { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF" }), [e.id]);
    let managerId = "";
    await moves(async () => {
      managerId = (
        await main.request<{ appointAccessManager: { id: string } }>(m.appointManager, {
          input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", person: person(ssin()) },
        })
      ).appointAccessManager.id;
    }, [e.id]);
    let userId = "";
    await moves(async () => {
      userId = (
        await main.request<{ addUser: { id: string } }>(m.addUser, {
          input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: person(ssin()) },
        })
      ).addUser.id;
    }, [e.id]);
    await moves(() => main.request(m.setServices, { input: { assignment: userId, onlineServices: ["DMFA", "DRS"] } }), [e.id]);
    await moves(() => main.request(m.removeUser, { a: userId }), [e.id]);
    const bulk = { enterprise: e.number, capacity: "EMPLOYER_NSSO" };
    let bulkIds: string[] = [];
    await moves(async () => {
      bulkIds = (
        await main.request<{ addUsers: { items: { assignment: { id: string } }[] } }>(m.addUsers, {
          input: { ...bulk, users: [ssin(), ssin()].map((s) => ({ person: person(s), onlineServices: ["DIMONA"] })) },
        })
      ).addUsers.items.map((i) => i.assignment.id);
    }, [e.id]);
    await moves(
      () => main.request(m.setUsersServices, { input: { ...bulk, users: bulkIds.map((id) => ({ assignment: id, onlineServices: [] })) } }),
      [e.id],
    );
    await moves(() => main.request(m.removeUsers, { input: { ...bulk, assignments: bulkIds } }), [e.id]);
    await moves(() => main.request(m.revokeManager, { a: managerId }), [e.id]);
    await moves(() => lr.request(m.activateEBox, { input: { enterprise: e.number, notificationEmail: "ebox@example.be" } }), [e.id]);
    // Reading a message changes only the message, which is not part of the read model (unversionedTables).
    const [message] = await gw.dataSource.query("SELECT id FROM ebox_message WHERE enterprise_id = ?", [e.id]);
    await moves(() => main.request(m.markRead, { e: e.number, m: String(message.id) }), []);
    // Access requests are not part of the read model: asking, denying and withdrawing move nothing; approving adds a user.
    const requester = await gw.client(ssin());
    let requestId = "";
    const ask = async () => {
      requestId = (
        await requester.request<{ requestAccess: { id: string } }>(m.requestAccess, {
          input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"] },
        })
      ).requestAccess.id;
    };
    await moves(ask, []);
    await moves(() => requester.request(m.withdrawRequest, { id: requestId }), []);
    await ask();
    await moves(() => main.request(m.denyRequest, { id: requestId }), []);
    await ask();
    await moves(() => main.request(m.approveRequest, { id: requestId }), [e.id]);
    await moves(
      () =>
        main.request(m.configure, {
          input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", channel: "SOAP", technicalContactEmail: "it@example.be" },
        }),
      [e.id],
    );
    let mandateId = "";
    await moves(async () => {
      mandateId = (
        await lr.request<{ appointServiceProvider: { id: string } }>(m.appointProvider, {
          input: { enterprise: e.number, provider: provider.number, capacity: "EMPLOYER_NSSO" },
        })
      ).appointServiceProvider.id;
    }, [e.id, provider.id]);
    // Their roles in both enterprises, and the provider that shows them as the mandate's appointedBy.
    await moves(() => lr.request(m.updateMe, { input: { language: "FR" } }), [e.id, elsewhere.id, provider.id]);
    await moves(() => lr.request(m.endMandate, { id: mandateId }), [e.id, provider.id]);
    await moves(
      () => lr.request(m.appointProvider, { input: { enterprise: e.number, provider: provider.number, capacity: "EMPLOYER_NSSO" } }),
      [e.id, provider.id],
    );
    await moves(() => lr.request(m.deleteAccess, { input: { enterprise: e.number, reason: "Closing down" } }), [e.id, provider.id]);
    // Each of them checked that the versions it had to move moved (src/management/versions-moved.ts), and none saw otherwise.
    expect(await versionsLost(gw.dataSource.manager)).toBeNull();
  });

  it("moves nothing for a refused mutation, a dry run, or an account update that changes nothing", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await gw.client(e.mainAccessManager!);
    const lr = await gw.client(e.legalRepresentative);
    const stranger = await gw.client(ssin());
    // Signing in for the first time creates the person, part of no enterprise yet.
    await expectMoves(
      () =>
        stranger.request(gql`
          {
            me {
              ssin
            }
          }
        `),
      [],
      [e.id],
    );
    await expectMoves(
      () => expectError(main.request(m.activateAccount, { e: e.number }), { code: "CONFLICT", reason: "ALREADY_ACTIVE" }),
      [],
      [e.id],
    );
    await expectMoves(
      () => expectError(stranger.request(m.activateCapacity, { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF" }), { code: "FORBIDDEN" }),
      [],
      [e.id],
    );
    await expectMoves(
      () =>
        expectError(
          main.request(m.addUser, {
            input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["NO_SUCH_SERVICE"], person: person(ssin()) },
          }),
          { code: "BAD_USER_INPUT" },
        ),
      [],
      [e.id],
    );
    await expectMoves(() => main.request(m.activateCapacity, { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF", dryRun: true }), [], [e.id]);
    await expectMoves(
      () =>
        main.request(m.addUser, {
          input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: person(ssin()) },
          dryRun: true,
        }),
      [],
      [e.id],
    );
    await expectMoves(
      () =>
        lr.request(m.appointProvider, {
          input: { enterprise: e.number, provider: provider.number, capacity: "EMPLOYER_NSSO" },
          dryRun: true,
        }),
      [],
      [e.id],
    );
    await expectMoves(() => main.request(m.updateMe, { input: {} }), [], [e.id]);
    // A bulk call previewed, or not atomic with every item refused, changes nothing.
    const users = [{ person: person(ssin()), onlineServices: ["DIMONA"] }];
    await expectMoves(
      () => main.request(m.addUsers, { input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", users }, dryRun: true }),
      [],
      [e.id],
    );
    await expectMoves(
      () =>
        main.request(m.addUsers, {
          input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", users: [{ ...users[0], onlineServices: ["LIMOSA"] }] },
          atomic: false,
        }),
      [],
      [e.id],
    );
  });

  it("moves with the register import, in its own process, and not when the same file changes nothing", async () => {
    const e = await gw.seed.enterprise({ name: "Registered Bakery" }).build();
    const dir = mkdtempSync(join(tmpdir(), "enterprise-versions-"));
    try {
      const newcomer = enterpriseNumber();
      const file = join(dir, "register.csv");
      writeFileSync(
        file,
        [
          "enterprise_number,name,default_capacity,legal_representative_ssin,given_name,family_name",
          // Its known representative again, and a second one: one new assignment.
          `${e.number},Registered Bakery,EMPLOYER_NSSO,${e.legalRepresentative},Legal,Representative ${e.legalRepresentative.slice(-4)}`,
          `${e.number},Registered Bakery,EMPLOYER_NSSO,${ssin()},Second,Representative`,
          `${newcomer},New Enterprise,EMPLOYER_NSSO,${ssin()},First,Representative`,
        ].join("\n") + "\n",
      );
      const run = () => runScript("src/cli/register-import.ts", [file], { DATABASE_URL: gw.config.databaseUrl, NODE_ENV: "test" });
      await expectMoves(async () => expect(await run()).toMatchObject({ code: 0 }), [e.id], [e.id]);
      const [created] = await gw.dataSource.query("SELECT version FROM enterprise WHERE number = ?", [newcomer]);
      expect(Number(created.version)).toBeGreaterThan(0);
      await expectMoves(async () => expect((await run()).stdout).toMatch(/legal representatives 0 created/), [], [e.id]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("moves when an expiry is written down, by the sweep or by the next action, not at the instant itself", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().withEBox().build();
    const other = await gw.seed.enterprise().withMainAccessManager().active().withEBox().build();
    for (const enterprise of [e, other]) {
      await (
        await gw.client(enterprise.mainAccessManager!)
      ).request(m.addUser, {
        input: {
          enterprise: enterprise.number,
          capacity: "EMPLOYER_NSSO",
          onlineServices: ["DIMONA"],
          person: person(ssin()),
          validUntil: days(1, clock.now()),
        },
      });
    }
    await (
      await gw.client(e.legalRepresentative)
    ).request(m.appointProvider, {
      input: { enterprise: e.number, provider: provider.number, capacity: "EMPLOYER_NSSO", validUntil: days(1, clock.now()) },
    });
    // Readers see the rights ended from the instant on, but nothing is written then: no version moves (a cache must
    // not keep a read model past the earliest validUntil it holds).
    await expectMoves(async () => clock.advance({ days: 2 }), [], [e.id, other.id]);
    // Reading a message moves nothing by itself (above); here its lock writes the expired user down first.
    const [message] = await gw.dataSource.query("SELECT id FROM ebox_message WHERE enterprise_id = ?", [other.id]);
    const otherMain = await gw.client(other.mainAccessManager!);
    await expectMoves(() => otherMain.request(m.markRead, { e: other.number, m: String(message.id) }), [other.id], [e.id]);
    await expectMoves(() => sweepExpiredRights({ dataSource: gw.dataSource, clock }), [e.id, provider.id], [other.id]);
    expect(await versionsLost(gw.dataSource.manager)).toBeNull();
  });

  /** One plain SQL write and the enterprises whose versions it must move. */
  interface Write {
    sql: string;
    params: unknown[];
    moves: number[];
  }

  it("moves with plain SQL inserts, updates and deletes on every versioned table, for the old and the new enterprise of a row", async () => {
    const [a, b, c] = await Promise.all([gw.seed.enterprise().build(), gw.seed.enterprise().build(), gw.seed.enterprise().build()]);
    const now = storedDateTime(clock.now());
    const someone = (await gw.seed.person(ssin())).id;
    const insertedId = async (table: string) => Number((await gw.dataSource.query(`SELECT MAX(id) AS id FROM ${table}`))[0].id);
    const assignmentIn = async (enterpriseId: number) => {
      await gw.dataSource.query(
        "INSERT INTO role_assignment (person_id, enterprise_id, role, granted_at, automatic) VALUES (?, ?, 'USER', ?, ?)",
        [someone, enterpriseId, now, 0],
      );
      return insertedId("role_assignment");
    };
    // Typed by the list: a table added to versionedTables does not compile until it is written here.
    const writes: Record<VersionedTableName, () => Promise<Write[]>> = {
      role_assignment: async () => [
        {
          sql: "INSERT INTO role_assignment (person_id, enterprise_id, role, granted_at, automatic) VALUES (?, ?, 'USER', ?, ?)",
          params: [someone, a.id, now, 0],
          moves: [a.id],
        },
        {
          sql: "UPDATE role_assignment SET enterprise_id = ? WHERE enterprise_id = ? AND role = 'USER'",
          params: [b.id, a.id],
          moves: [a.id, b.id],
        },
        { sql: "UPDATE role_assignment SET role = 'USER' WHERE enterprise_id = ? AND role = 'USER'", params: [b.id], moves: [b.id] },
        { sql: "DELETE FROM role_assignment WHERE enterprise_id = ? AND role = 'USER'", params: [b.id], moves: [b.id] },
      ],
      role_assignment_online_service: async () => {
        const [inA, inB] = [await assignmentIn(a.id), await assignmentIn(b.id)];
        return [
          {
            sql: "INSERT INTO role_assignment_online_service (assignment_id, online_service_code) VALUES (?, 'DIMONA')",
            params: [inA],
            moves: [a.id],
          },
          {
            sql: "UPDATE role_assignment_online_service SET assignment_id = ? WHERE assignment_id = ?",
            params: [inB, inA],
            moves: [a.id, b.id],
          },
          { sql: "DELETE FROM role_assignment_online_service WHERE assignment_id = ?", params: [inB], moves: [b.id] },
        ];
      },
      enterprise_capacity: async () => [
        {
          sql: "INSERT INTO enterprise_capacity (enterprise_id, capacity_code, status) VALUES (?, 'EMPLOYER_NSSO', 'ACTIVE')",
          params: [a.id],
          moves: [a.id],
        },
        { sql: "UPDATE enterprise_capacity SET enterprise_id = ? WHERE enterprise_id = ?", params: [b.id, a.id], moves: [a.id, b.id] },
        { sql: "DELETE FROM enterprise_capacity WHERE enterprise_id = ?", params: [b.id], moves: [b.id] },
      ],
      ebox: async () => [
        { sql: "INSERT INTO ebox (enterprise_id, status) VALUES (?, 'ACTIVE')", params: [a.id], moves: [a.id] },
        { sql: "UPDATE ebox SET enterprise_id = ? WHERE enterprise_id = ?", params: [b.id, a.id], moves: [a.id, b.id] },
        { sql: "DELETE FROM ebox WHERE enterprise_id = ?", params: [b.id], moves: [b.id] },
      ],
      service_provider_mandate: async () => [
        {
          sql: "INSERT INTO service_provider_mandate (client_id, provider_id, capacity_code, status, appointed_by_id, starts_at) VALUES (?, ?, 'EMPLOYER_NSSO', 'ACTIVE', ?, ?)",
          params: [a.id, b.id, someone, now],
          moves: [a.id, b.id],
        },
        { sql: "UPDATE service_provider_mandate SET provider_id = ? WHERE client_id = ?", params: [c.id, a.id], moves: [a.id, b.id, c.id] },
        { sql: "DELETE FROM service_provider_mandate WHERE client_id = ?", params: [a.id], moves: [a.id, c.id] },
      ],
      structured_messaging_config: async () => [
        {
          sql: "INSERT INTO structured_messaging_config (enterprise_id, capacity_code, channel, technical_contact_email, configured_by_id, configured_at) VALUES (?, 'EMPLOYER_NSSO', 'SOAP', 'it@example.be', ?, ?)",
          params: [a.id, someone, now],
          moves: [a.id],
        },
        {
          sql: "UPDATE structured_messaging_config SET enterprise_id = ? WHERE enterprise_id = ?",
          params: [b.id, a.id],
          moves: [a.id, b.id],
        },
        { sql: "DELETE FROM structured_messaging_config WHERE enterprise_id = ?", params: [b.id], moves: [b.id] },
      ],
      person: async () => {
        const insert: Write = {
          sql: "INSERT INTO person (ssin, given_name, family_name, language, created_at) VALUES (?, 'Plain', 'Sql', 'NL', ?)",
          params: [ssin(), now],
          moves: [],
        };
        await gw.dataSource.query(insert.sql, insert.params);
        const id = await insertedId("person");
        // A role in a (ended: still shown as of then), and the appointer of b's mandate with c, which c shows.
        await gw.dataSource.query(
          "INSERT INTO role_assignment (person_id, enterprise_id, role, granted_at, ended_at, automatic) VALUES (?, ?, 'USER', ?, ?, ?)",
          [id, a.id, now, now, 0],
        );
        await gw.dataSource.query(
          "INSERT INTO service_provider_mandate (client_id, provider_id, capacity_code, status, appointed_by_id, starts_at) VALUES (?, ?, 'EMPLOYER_NSSO', 'ACTIVE', ?, ?)",
          [b.id, c.id, id, now],
        );
        return [
          { sql: "UPDATE person SET given_name = 'Plainer' WHERE id = ?", params: [id], moves: [a.id, b.id, c.id] },
          { sql: "DELETE FROM person WHERE id = ?", params: [id], moves: [a.id, b.id, c.id] },
        ];
      },
    };
    for (const { table } of versionedTables) {
      for (const write of await writes[table]()) {
        await expectMoves(() => gw.dataSource.query(write.sql, write.params), write.moves, [a.id, b.id, c.id]);
      }
    }
  });

  it("places every table that names an enterprise or an assignment: versioned, or not part of the read model for a stated reason", async () => {
    const keys = new Set(["enterprise_id", "client_id", "provider_id", "assignment_id"]);
    const tables = new Map(
      entities
        .map((entity) => gw.dataSource.getMetadata(entity))
        .map((meta) => [meta.tableName, new Set(meta.columns.map((c) => c.databaseName))]),
    );
    const versioned = new Set<string>(versionedTables.map((t) => t.table));
    const naming = [...tables].filter(([, columns]) => [...columns].some((column) => keys.has(column))).map(([table]) => table);
    expect(naming.filter((table) => !versioned.has(table) && !(table in unversionedTables))).toEqual([]);
    // A table without an entity (read and written by SQL of its own, as idempotent_request) exists in the database.
    const runner = gw.dataSource.createQueryRunner();
    const missing: string[] = [];
    try {
      for (const table of Object.keys(unversionedTables))
        if (versioned.has(table) || !(tables.has(table) || (await runner.hasTable(table)))) missing.push(table);
    } finally {
      await runner.release();
    }
    expect(missing).toEqual([]);
    for (const reason of Object.values(unversionedTables)) expect(reason.length).toBeGreaterThan(20);
    // Every column the triggers name exists, as the entities describe the tables.
    for (const { table, enterprises } of versionedTables) {
      for (const e of enterprises) {
        expect([table, tables.get(table)?.has(e.column)]).toEqual([table, true]);
        if ("through" in e)
          for (const column of [e.through.match, e.through.enterprise])
            expect([e.through.table, tables.get(e.through.table)?.has(column)]).toEqual([e.through.table, true]);
      }
    }
    // After every migration, newer ones included (on SQLite, rebuilding a table drops its triggers).
    expect(await missingVersionTriggers(gw.dataSource)).toEqual([]);
  });

  it("reads the version as a number through TypeORM and the read side, and never writes it from the application", async () => {
    const e = await gw.seed.enterprise().build();
    const stale = await gw.dataSource.manager.findOneByOrFail(Enterprise, { id: e.id });
    expect(typeof stale.version).toBe("number");
    await (await gw.client(e.legalRepresentative)).request(m.appointMain, { input: { enterprise: e.number, person: person(ssin()) } });
    const row = await createLoaders(gw.dataSource.manager, clock.now()).enterprise.load(e.id);
    expect(typeof row!.version).toBe("number");
    expect(row!.version).toBeGreaterThan(stale.version!);
    // A save of an entity read before the change must not write its older version back.
    await gw.dataSource.manager.save(Object.assign(stale, { name: "Saved Later" }));
    expect((await versions([e.id])).get(e.id)).toBe(row!.version);
  });

  if (dialect === "mysql") {
    it("refuses a write that would move a version past the column's largest value, whatever the SQL mode of the session that migrated", async () => {
      const runner = gw.dataSource.createQueryRunner();
      try {
        // A server whose default mode is not strict: the triggers are created in strict mode all the same.
        await runner.query("SET SESSION sql_mode = ''");
        await dropVersionTriggers(runner);
        await createVersionTriggers(runner);
        expect((await runner.query("SELECT @@SESSION.sql_mode AS mode"))[0].mode).toBe("");
        const modes: { mode: string }[] = await runner.query(
          "SELECT SQL_MODE AS mode FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()",
        );
        expect(modes.filter((t) => !t.mode.split(",").includes("STRICT_ALL_TABLES"))).toEqual([]);

        const e = await gw.seed.enterprise().build();
        const largest = "18446744073709551615";
        const exactVersion = async () =>
          String((await runner.query("SELECT CAST(version AS CHAR) AS version FROM enterprise WHERE id = ?", [e.id]))[0].version);
        await runner.query(`UPDATE enterprise SET version = ${largest} WHERE id = ?`, [e.id]);
        // Clamped, the version would stay where it is and a cache would keep serving what it holds.
        await expect(runner.query("UPDATE role_assignment SET granted_at = granted_at WHERE enterprise_id = ?", [e.id])).rejects.toThrow(
          /out of range/i,
        );
        expect(await exactVersion()).toBe(largest);
      } finally {
        await runner.query("SET SESSION sql_mode = DEFAULT");
        await runner.release();
      }
      expect(await missingVersionTriggers(gw.dataSource)).toEqual([]);
    });
  }
});

describeEachDatabase("the enterprise version migration", (dialect) => {
  it("starts existing enterprises at 0, moves them from then on, and undoes to a database where writes work without it", async () => {
    const database = await createTestDatabase(dialect);
    const { dataSource: previous, insert } = await databaseBefore(database.url, "EnterpriseVersion1764300000009");
    const now = storedDateTime(new Date());
    let migrated: DataSource | undefined;
    try {
      const enterpriseId = await insert("enterprise", {
        number: enterpriseNumber(),
        name: "Old Enterprise",
        status: "REGISTERED",
        default_capacity: "EMPLOYER_NSSO",
        created_at: now,
        updated_at: now,
      });
      const personId = await insert("person", { ssin: ssin(), given_name: "Old", family_name: "Person", language: "NL", created_at: now });
      const assign = (db: DataSource) =>
        db.query("INSERT INTO role_assignment (person_id, enterprise_id, role, granted_at, automatic) VALUES (?, ?, 'USER', ?, ?)", [
          personId,
          enterpriseId,
          now,
          0,
        ]);
      await assign(previous);
      await previous.destroy();

      // Through this migration only: the next one (1764300000010) moves versions past the clock instead of by one.
      migrated = new DataSource({
        ...(await buildDataSourceOptions({ url: database.url })),
        migrations: migrations.slice(0, migrations.findIndex((m) => m.name === "EnterpriseVersion1764300000009") + 1),
      });
      await migrated.initialize();
      const db = migrated;
      const version = async () => Number((await db.query("SELECT version FROM enterprise WHERE id = ?", [enterpriseId]))[0].version);
      await db.runMigrations({ transaction: "each" });
      expect(await version()).toBe(0);
      expect(await missingVersionTriggers(db)).toEqual([]);
      await assign(db);
      expect(await version()).toBe(1);

      await undoMigrationsThrough(db, "EnterpriseVersion1764300000009");
      const allTriggers = versionedTables.flatMap((t) => t.events.map((event) => versionTriggerName(t.table, event)));
      expect(await missingVersionTriggers(db)).toEqual(allTriggers);
      expect(Object.keys((await db.query("SELECT * FROM enterprise WHERE id = ?", [enterpriseId]))[0])).not.toContain("version");
      await assign(db);
      await db.query("UPDATE person SET given_name = 'Still' WHERE id = ?", [personId]);

      await db.runMigrations({ transaction: "each" });
      expect(await missingVersionTriggers(db)).toEqual([]);
      await db.query("DELETE FROM role_assignment WHERE enterprise_id = ?", [enterpriseId]);
      expect(await version()).toBe(3);
    } finally {
      if (previous.isInitialized) await previous.destroy();
      if (migrated?.isInitialized) await migrated.destroy();
      await database.drop();
    }
  });

  it("moves every existing enterprise past the clock, makes clock triggers on a 64-bit column, trusts the versions, and undoes to counters", async () => {
    const database = await createTestDatabase(dialect);
    const { dataSource: previous, insert } = await databaseBefore(database.url, "EnterpriseVersionClock1764300000010");
    const now = storedDateTime(new Date());
    let migrated: DataSource | undefined;
    try {
      const enterpriseId = await insert("enterprise", {
        number: enterpriseNumber(),
        name: "Counted Enterprise",
        status: "REGISTERED",
        default_capacity: "EMPLOYER_NSSO",
        created_at: now,
        updated_at: now,
      });
      const personId = await insert("person", { ssin: ssin(), given_name: "Old", family_name: "Counter", language: "NL", created_at: now });
      const assign = (db: DataSource) =>
        db.query("INSERT INTO role_assignment (person_id, enterprise_id, role, granted_at, automatic) VALUES (?, ?, 'USER', ?, ?)", [
          personId,
          enterpriseId,
          now,
          0,
        ]);
      await assign(previous);
      expect(Number((await previous.query("SELECT version FROM enterprise WHERE id = ?", [enterpriseId]))[0].version)).toBe(1);
      await previous.destroy();

      migrated = new DataSource({ ...(await buildDataSourceOptions({ url: database.url })), migrations });
      await migrated.initialize();
      const db = migrated;
      const version = async () => Number((await db.query("SELECT version FROM enterprise WHERE id = ?", [enterpriseId]))[0].version);
      const started = Date.now() * 1000;
      await db.runMigrations({ transaction: "each" });
      const relabelled = await version();
      expect(relabelled).toBeGreaterThanOrEqual(started - 60_000_000);
      expect(Number.isSafeInteger(relabelled)).toBe(true);
      expect(await missingVersionTriggers(db)).toEqual([]);
      expect(await versionsLost(db.manager)).toBeNull();
      await assign(db);
      expect(await version()).toBeGreaterThan(relabelled);
      // Reset by hand to an old counter value: the next write still jumps past every label issued (once the clock has
      // ticked since the last one: a millisecond on SQLite).
      const latest = await version();
      await db.query("UPDATE enterprise SET version = 1 WHERE id = ?", [enterpriseId]);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await db.query("UPDATE person SET given_name = 'Again' WHERE id = ?", [personId]);
      expect(await version()).toBeGreaterThan(latest);

      await undoMigrationsThrough(db, "EnterpriseVersionClock1764300000010");
      expect(await version()).toBe(0);
      await assign(db);
      expect(await version()).toBe(1);
      expect((await db.query("SELECT name FROM migrations WHERE name = 'EnterpriseVersionClock1764300000010'")).length).toBe(0);
    } finally {
      if (previous.isInitialized) await previous.destroy();
      if (migrated?.isInitialized) await migrated.destroy();
      await database.drop();
    }
  });
});
