import { addUser } from "../src/management/add-user";
import { appointServiceProvider } from "../src/management/appoint-service-provider";
import { Enterprise, Person } from "../src/domain/entities";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { graphql } from "./support/http";
import { enterpriseNumber, formatted, ssin } from "./support/identities";
import { scratchDirectory } from "./support/scratch";
import { importRegister } from "../src/register/import-register";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SeededEnterprise } from "./support/seed";
import { DataSource } from "typeorm";
import { buildDataSourceOptions } from "../src/database/data-source-options";
import { migrations } from "../src/database/migrations";
import { missingNameKeyTriggers } from "../src/database/name-keys";
import { storedDateTime } from "../src/read/row-reader";
import { createTestDatabase } from "./support/databases";
import { databaseBefore, undoMigrationsThrough } from "./support/migrations";

type Named = { ssin: string; givenName: string; familyName: string };
type PageInfo = { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
type AssignmentPage = {
  totalCount: number;
  pageInfo: PageInfo;
  nodes: { id: string; person: { ssin: string; familyName: string; givenName: string }; validUntil: string | null }[];
};
type MandatePage = {
  totalCount: number;
  pageInfo: PageInfo;
  nodes: { id: string; status: string; client: { number: string }; provider: { number: string } }[];
};

const assignments = `query ($e: EnterpriseNumber!, $search: String, $onlineService: String, $expiringBefore: DateTime, $orderBy: RoleAssignmentOrder, $role: Role, $first: Int, $after: String, $last: Int, $before: String) {
  enterprise(number: $e) {
    roleAssignments(search: $search, onlineService: $onlineService, expiringBefore: $expiringBefore, orderBy: $orderBy, role: $role, first: $first, after: $after, last: $last, before: $before) {
      totalCount nodes { id person { ssin familyName givenName } validUntil }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}`;
const mandates = (
  field: "clientsConnection" | "serviceProvidersConnection",
) => `query ($e: EnterpriseNumber!, $search: String, $capacity: String, $status: MandateStatus, $validBefore: DateTime, $first: Int, $after: String, $last: Int, $before: String) {
  enterprise(number: $e) {
    list: ${field}(search: $search, capacity: $capacity, status: $status, validBefore: $validBefore, first: $first, after: $after, last: $last, before: $before) {
      totalCount nodes { id status client { number } provider { number } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}`;

/**
 * Search and filters on the lists that grow (roleAssignments, clientsConnection, serviceProvidersConnection), through
 * HTTP: folding of case and accents, exact numbers, the filters, the counts, and need-to-know for every kind of viewer.
 */
describeEachDatabase("search", (dialect) => {
  let gw: TestGateway;
  let employer: SeededEnterprise;
  let provider: SeededEnterprise;
  let otherProvider: SeededEnterprise;
  const clients: SeededEnterprise[] = [];
  const people: Record<"elise" | "desmet" | "eline" | "smet" | "other", Named> = {
    elise: { ssin: ssin(), givenName: "Élise", familyName: "Dubois" },
    desmet: { ssin: ssin(), givenName: "Jan", familyName: "De Smet" },
    eline: { ssin: ssin(), givenName: "Eline", familyName: "Van Dam" },
    smet: { ssin: ssin(), givenName: "Marc", familyName: "Smet" },
    other: { ssin: ssin(), givenName: "Otto", familyName: "Ørsted" },
  };
  const later = new Date(Date.now() + 10 * 24 * 3600 * 1000);
  const muchLater = new Date(Date.now() + 100 * 24 * 3600 * 1000);

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    provider = await gw.seed
      .enterprise({ name: "Sociaal Secretariaat Ëxpert", defaultCapacity: "SOCIAL_SERVICE_PROVIDER" })
      .withMainAccessManager()
      .active()
      .withUser("SOCIAL_SERVICE_PROVIDER", ["DIMONA"])
      .build();
    otherProvider = await gw.seed
      .enterprise({ name: "Other Bureau", defaultCapacity: "SOCIAL_SERVICE_PROVIDER" })
      .withMainAccessManager()
      .active()
      .build();
    employer = await gw.seed
      .enterprise({ name: "Bakkerij De Smet" })
      .withMainAccessManager()
      .active()
      .withCapacity("ENTERPRISE_WITHOUT_STAFF")
      .withAccessManager("EMPLOYER_NSSO")
      .withAccessManager("ENTERPRISE_WITHOUT_STAFF")
      .withServiceProvider(provider, "EMPLOYER_NSSO")
      .build();
    const add = (who: Named, capacity: string, onlineServices: string[], validUntil: Date | null = null) =>
      gw.seed.as(employer.mainAccessManager!, (s) =>
        addUser(s, { enterprise: employer.number, capacity, onlineServices, validUntil, person: who }),
      );
    await add(people.elise, "EMPLOYER_NSSO", ["DIMONA"], later);
    await add(people.desmet, "EMPLOYER_NSSO", ["DMFA"], muchLater);
    await add(people.eline, "EMPLOYER_NSSO", ["DIMONA", "DMFA"]);
    await add(people.smet, "EMPLOYER_NSSO", []);
    await add(people.other, "ENTERPRISE_WITHOUT_STAFF", ["LIMOSA"]);
    for (const name of ["Boulangerie Éclair", "Brouwerij Eclipse", "Garage Zénith"]) {
      const client = await gw.seed
        .enterprise({ name })
        .withMainAccessManager()
        .active()
        .withServiceProvider(provider, "EMPLOYER_NSSO")
        .build();
      clients.push(client);
    }
    // An ended mandate: the client appoints another provider for the same capacity.
    await gw.seed.as(clients[2].legalRepresentative, (s) =>
      appointServiceProvider(s, { enterprise: clients[2].number, provider: otherProvider.number, capacity: "EMPLOYER_NSSO" }),
    );
    // Another provider, then the first one again, until ten days from now: an ended mandate and a dated one.
    await gw.seed.as(clients[1].legalRepresentative, (s) =>
      appointServiceProvider(s, { enterprise: clients[1].number, provider: otherProvider.number, capacity: "EMPLOYER_NSSO" }),
    );
    await gw.seed.as(clients[1].legalRepresentative, (s) =>
      appointServiceProvider(s, { enterprise: clients[1].number, provider: provider.number, capacity: "EMPLOYER_NSSO", validUntil: later }),
    );
  });
  afterAll(() => gw?.stop());

  async function ask<T>(viewer: string, query: string, variables: Record<string, unknown>) {
    const answer = await graphql(gw.url, query, { token: await gw.token(viewer), variables });
    return answer.json as { data: { enterprise: T | null } | null; errors?: { extensions: { code: string; field?: string } }[] };
  }
  const search = async (viewer: string, variables: Record<string, unknown>) => {
    const answer = await ask<{ roleAssignments: AssignmentPage }>(viewer, assignments, { e: employer.number, ...variables });
    expect(answer.errors).toBeUndefined();
    return answer.data!.enterprise!.roleAssignments;
  };
  const found = (page: AssignmentPage) => page.nodes.map((n) => `${n.person.givenName} ${n.person.familyName}`).sort();

  it("writes the folded names with every writer: the actions, the first sign-in and the seeds", async () => {
    await gw.client(ssin()).then((c) => c.request("{ me { id } }"));
    const persons = await gw.dataSource.getRepository(Person).find();
    expect(persons.filter((p) => p.familyName !== "" && p.familyKey === "")).toEqual([]);
    const elise = persons.find((p) => p.ssin === people.elise.ssin)!;
    expect([elise.givenKey, elise.familyKey]).toEqual(["elise", "dubois"]);
    expect(persons.find((p) => p.ssin === people.other.ssin)!.familyKey).toBe("orsted");
    const enterprise = await gw.dataSource.getRepository(Enterprise).findOneByOrFail({ id: provider.id });
    expect(enterprise.searchKey).toBe("sociaal secretariaat expert");
  });

  it("keeps the folded names of the register import and of names filled in by an appointment", async () => {
    const number = enterpriseNumber();
    const representative = ssin();
    const file = join(scratchDirectory("search-register-"), "register.csv");
    writeFileSync(
      file,
      "enterprise_number,name,default_capacity,legal_representative_ssin,given_name,family_name\n" +
        `${formatted(number)},Ébénisterie Çà Et Là,EMPLOYER_NSSO,${representative},Søren,D'Hondt\n`,
    );
    await importRegister({ dataSource: gw.dataSource, catalog: gw.catalog, file });
    const imported = await gw.dataSource.getRepository(Enterprise).findOneByOrFail({ number });
    expect(imported.searchKey).toBe("ebenisterie ca et la");
    const person = await gw.dataSource.getRepository(Person).findOneByOrFail({ ssin: representative });
    expect([person.givenKey, person.familyKey]).toEqual(["soren", "d hondt"]);
    // A person first seen through a token without names, then added with names: the filled names are folded too.
    const unnamed = ssin();
    await (await gw.client(unnamed)).request("{ me { id } }");
    const elsewhere = clients[0];
    await gw.seed.as(elsewhere.mainAccessManager!, (s) =>
      addUser(s, {
        enterprise: elsewhere.number,
        capacity: "EMPLOYER_NSSO",
        onlineServices: [],
        person: { ssin: unnamed, givenName: "Zoë", familyName: "Filled" },
      }),
    );
    const answer = await ask<{ roleAssignments: AssignmentPage }>(elsewhere.legalRepresentative, assignments, {
      e: elsewhere.number,
      search: "zoe",
    });
    expect(found(answer.data!.enterprise!.roleAssignments)).toEqual(["Zoë Filled"]);
    const filled = await gw.dataSource.getRepository(Person).findOneByOrFail({ ssin: unnamed });
    expect([filled.givenKey, filled.familyKey]).toEqual(["zoe", "filled"]);
  });

  it("keeps each enterprise's name keys with every writer, an operator's SQL included, and rebuilds them when their triggers were lost", async () => {
    const e = await gw.seed.enterprise({ name: "Name Keys" }).withMainAccessManager().active().build();
    const owner = e.legalRepresentative;
    const named = async (text: string, dialectOfGateway = gw) =>
      found(
        (
          (
            await graphql(dialectOfGateway.url, assignments, {
              token: await dialectOfGateway.token(owner),
              variables: { e: e.number, search: text },
            })
          ).json as { data: { enterprise: { roleAssignments: AssignmentPage } } }
        ).data.enterprise.roleAssignments,
      );
    const quentin = { ssin: ssin(), givenName: "Quentin", familyName: "Quist" };
    const { id: assignmentId } = await gw.seed.as(e.mainAccessManager!, (s) =>
      addUser(s, { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: [], person: quentin }),
    );
    const entries = async () =>
      (await gw.dataSource.query(
        "SELECT assignment_id AS id, family_key AS f, given_key AS g FROM assignment_name_key WHERE enterprise_id = ?",
        [e.id],
      )) as { id: number; f: string; g: string }[];
    expect(await named("quis")).toEqual(["Quentin Quist"]);
    // An operator renames the person (the folded name with it): the search follows.
    await gw.dataSource.query("UPDATE person SET family_name = 'Zwart', family_key = 'zwart' WHERE ssin = ?", [quentin.ssin]);
    expect(await named("quis")).toEqual([]);
    expect(await named("zwa")).toEqual(["Quentin Zwart"]);
    // An assignment written by SQL is found; ended or deleted by SQL, it is not, and its entry is gone.
    const [{ personId }] = await gw.dataSource.query("SELECT id AS personId FROM person WHERE ssin = ?", [quentin.ssin]);
    const now = new Date().toISOString().replace("T", " ").slice(0, 23);
    await gw.dataSource.query(
      "INSERT INTO role_assignment (person_id, enterprise_id, role, capacity_code, granted_at, automatic) VALUES (?, ?, 'USER', 'ENTERPRISE_WITHOUT_STAFF', ?, 0)",
      [personId, e.id, now],
    );
    expect(await named("zwa")).toEqual(["Quentin Zwart", "Quentin Zwart"]);
    expect((await entries()).filter((k) => k.f === "zwart")).toHaveLength(2);
    await gw.dataSource.query("UPDATE role_assignment SET ended_at = ? WHERE id = ?", [now, Number(assignmentId)]);
    expect(await named("zwa")).toEqual(["Quentin Zwart"]);
    expect((await entries()).map((k) => Number(k.id))).not.toContain(Number(assignmentId));
    await gw.dataSource.query(
      "DELETE FROM role_assignment_online_service WHERE assignment_id IN (SELECT id FROM role_assignment WHERE person_id = ? AND enterprise_id = ?)",
      [personId, e.id],
    );
    await gw.dataSource.query("DELETE FROM role_assignment WHERE person_id = ? AND enterprise_id = ? AND ended_at IS NULL", [
      personId,
      e.id,
    ]);
    expect(await named("zwa")).toEqual([]);
    expect((await entries()).filter((k) => k.f === "zwart")).toEqual([]);

    // Lost triggers: writes meanwhile leave the keys behind, until a gateway's start creates them again and rebuilds.
    await gw.dataSource.query("DROP TRIGGER tr_role_assignment_name_key_insert");
    await gw.dataSource.query("DROP TRIGGER tr_person_name_key_update");
    expect(await missingNameKeyTriggers(gw.dataSource)).toEqual(["tr_role_assignment_name_key_insert", "tr_person_name_key_update"]);
    await gw.dataSource.query(
      "INSERT INTO role_assignment (person_id, enterprise_id, role, capacity_code, granted_at, automatic) VALUES (?, ?, 'USER', 'ENTERPRISE_WITHOUT_STAFF', ?, 0)",
      [personId, e.id, now],
    );
    expect(await named("zwa")).toEqual([]);
    const restarted = await startTestGateway(dialect, { DEV_KEY_FILE: gw.config.devKeyFile }, { database: gw.database });
    try {
      expect(await missingNameKeyTriggers(gw.dataSource)).toEqual([]);
      expect(await named("zwa", restarted)).toEqual(["Quentin Zwart"]);
      await gw.dataSource.query("UPDATE person SET given_name = 'Quinten', given_key = 'quinten' WHERE ssin = ?", [quentin.ssin]);
      expect(await named("quint", restarted)).toEqual(["Quinten Zwart"]);
    } finally {
      await restarted.stop();
    }
  });

  it("fills the name keys of the assignments there are when the migration runs, and undoes", async () => {
    const database = await createTestDatabase(dialect);
    const { dataSource: previous, insert } = await databaseBefore(database.url, "AssignmentNameKeys1764300000018");
    const now = storedDateTime(new Date());
    let migrated: DataSource | undefined;
    try {
      const enterpriseId = await insert("enterprise", {
        number: enterpriseNumber(),
        name: "Before",
        status: "ACTIVE",
        default_capacity: "EMPLOYER_NSSO",
        created_at: now,
        updated_at: now,
      });
      const people = [
        ["Anna", "Aerts", "anna", "aerts"],
        ["Bert", "Baert", "bert", "baert"],
      ].map(([given, family, givenKey, familyKey]) => ({
        ssin: ssin(),
        given_name: given,
        family_name: family,
        given_key: givenKey,
        family_key: familyKey,
        language: "NL",
        created_at: now,
      }));
      const ids: number[] = [];
      for (const person of people) {
        const personId = await insert("person", person);
        ids.push(
          await insert("role_assignment", {
            person_id: personId,
            enterprise_id: enterpriseId,
            role: "USER",
            capacity_code: "EMPLOYER_NSSO",
            granted_at: now,
            automatic: 0,
          }),
        );
      }
      await previous.query("UPDATE role_assignment SET ended_at = ? WHERE id = ?", [now, ids[1]]);
      await previous.destroy();

      migrated = new DataSource({ ...(await buildDataSourceOptions({ url: database.url })), migrations });
      await migrated.initialize();
      await migrated.runMigrations({ transaction: "each" });
      expect(await missingNameKeyTriggers(migrated)).toEqual([]);
      const rows = (await migrated.query(
        "SELECT assignment_id AS id, enterprise_id AS e, family_key AS f, given_key AS g FROM assignment_name_key",
      )) as {
        id: number;
        e: number;
        f: string;
        g: string;
      }[];
      expect(rows.map((r) => [Number(r.id), Number(r.e), r.f, r.g])).toEqual([[ids[0], enterpriseId, "aerts", "anna"]]);

      await undoMigrationsThrough(migrated, "AssignmentNameKeys1764300000018");
      expect(await missingNameKeyTriggers(migrated)).toHaveLength(4);
      const runner = migrated.createQueryRunner();
      try {
        expect(await runner.hasTable("assignment_name_key")).toBe(false);
      } finally {
        await runner.release();
      }
      await migrated.query("UPDATE person SET family_name = 'Other', family_key = 'other'");
    } finally {
      if (previous.isInitialized) await previous.destroy();
      if (migrated?.isInitialized) await migrated.destroy();
      await database.drop();
    }
  });

  it("finds people by a prefix of the family or given name, regardless of case and accents", async () => {
    const owner = employer.legalRepresentative;
    expect(found(await search(owner, { search: "eli" }))).toEqual(["Eline Van Dam", "Élise Dubois"]);
    expect(found(await search(owner, { search: "ÉLI" }))).toEqual(["Eline Van Dam", "Élise Dubois"]);
    expect(found(await search(owner, { search: "élise" }))).toEqual(["Élise Dubois"]);
    expect(found(await search(owner, { search: "de s" }))).toEqual(["Jan De Smet"]);
    expect(found(await search(owner, { search: "De-Sm" }))).toEqual(["Jan De Smet"]);
    expect(found(await search(owner, { search: "smet" }))).toEqual(["Marc Smet"]);
    expect(found(await search(owner, { search: "ors" }))).toEqual(["Otto Ørsted"]);
    const page = await search(owner, { search: "e", first: 1 });
    expect(page.totalCount).toBe(2);
    expect(page.nodes).toHaveLength(1);
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it("finds a person by their exact national number, in any accepted format, and never by part of one", async () => {
    const owner = employer.legalRepresentative;
    const { ssin: number } = people.desmet;
    expect(found(await search(owner, { search: number }))).toEqual(["Jan De Smet"]);
    const dotted = `${number.slice(0, 2)}.${number.slice(2, 4)}.${number.slice(4, 6)}-${number.slice(6, 9)}.${number.slice(9)}`;
    expect(found(await search(owner, { search: dotted }))).toEqual(["Jan De Smet"]);
    expect((await search(owner, { search: number.slice(0, 6) })).totalCount).toBe(0);
    expect(found(await search(owner, { search: number, orderBy: { field: "FAMILY_NAME", direction: "DESC" } }))).toEqual(["Jan De Smet"]);
  });

  it("filters by online service and by expiry, and combines the filters", async () => {
    const owner = employer.legalRepresentative;
    expect(found(await search(owner, { onlineService: "DIMONA" }))).toEqual(["Eline Van Dam", "Élise Dubois"]);
    expect(found(await search(owner, { onlineService: "DMFA", search: "jan" }))).toEqual(["Jan De Smet"]);
    expect(found(await search(owner, { expiringBefore: new Date(Date.now() + 20 * 24 * 3600 * 1000).toISOString() }))).toEqual([
      "Élise Dubois",
    ]);
    expect(found(await search(owner, { expiringBefore: new Date(Date.now() + 200 * 24 * 3600 * 1000).toISOString() }))).toEqual([
      "Jan De Smet",
      "Élise Dubois",
    ]);
  });

  it("orders by family name, granted at and valid until, both ways", async () => {
    const owner = employer.legalRepresentative;
    const users = { role: "USER" };
    const names = async (field: string, direction: string) =>
      (await search(owner, { ...users, orderBy: { field, direction } })).nodes.map((n) => n.person.familyName);
    expect(await names("FAMILY_NAME", "ASC")).toEqual(["De Smet", "Dubois", "Ørsted", "Smet", "Van Dam"]);
    expect(await names("FAMILY_NAME", "DESC")).toEqual(["Van Dam", "Smet", "Ørsted", "Dubois", "De Smet"]);
    expect(await names("GRANTED_AT", "ASC")).toEqual(["Dubois", "De Smet", "Van Dam", "Smet", "Ørsted"]);
    expect(await names("GRANTED_AT", "DESC")).toEqual(["Ørsted", "Smet", "Van Dam", "De Smet", "Dubois"]);
    expect(await names("VALID_UNTIL", "ASC")).toEqual(["Dubois", "De Smet", "Van Dam", "Smet", "Ørsted"]);
    expect(await names("VALID_UNTIL", "DESC")).toEqual(["Ørsted", "Smet", "Van Dam", "De Smet", "Dubois"]);
  });

  it("refuses a cursor of another ordering, naming after or before, and a search without a letter or digit", async () => {
    const owner = employer.legalRepresentative;
    const byName = { field: "FAMILY_NAME", direction: "ASC" };
    const named = await search(owner, { orderBy: byName, first: 1 });
    const plain = await search(owner, { first: 1 });
    const refusals = [
      { orderBy: { field: "FAMILY_NAME", direction: "DESC" }, after: named.pageInfo.endCursor },
      { orderBy: { field: "GRANTED_AT", direction: "ASC" }, before: named.pageInfo.endCursor, last: 1 },
      { orderBy: byName, after: plain.pageInfo.endCursor },
      { after: named.pageInfo.endCursor },
      { search: "eli", before: named.pageInfo.startCursor, last: 2 },
    ];
    for (const variables of refusals) {
      const answer = await ask(owner, assignments, { e: employer.number, ...variables });
      expect(answer.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" in variables ? "after" : "before" });
    }
    for (const text of ["", " -- ", "x".repeat(201)]) {
      const answer = await ask(owner, assignments, { e: employer.number, search: text });
      expect(answer.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "search" });
    }
    const unknown = await ask(owner, assignments, { e: employer.number, onlineService: "NOPE" });
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "onlineService" });
  });

  it("pages both ways under each ordering, every item once", async () => {
    const owner = employer.legalRepresentative;
    for (const orderBy of [
      null,
      { field: "FAMILY_NAME", direction: "ASC" },
      { field: "FAMILY_NAME", direction: "DESC" },
      { field: "GRANTED_AT", direction: "DESC" },
      { field: "VALID_UNTIL", direction: "ASC" },
      { field: "VALID_UNTIL", direction: "DESC" },
    ]) {
      const all = (await search(owner, { orderBy, first: 100 })).nodes.map((n) => n.id);
      expect(all.length).toBeGreaterThanOrEqual(8);
      const forward: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 20; i++) {
        const page: AssignmentPage = await search(owner, { orderBy, first: 3, after });
        forward.push(...page.nodes.map((n) => n.id));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(forward).toEqual(all);
      const backward: string[] = [];
      let before: string | null = null;
      for (let i = 0; i < 20; i++) {
        const page: AssignmentPage = await search(owner, {
          orderBy,
          last: 3,
          before,
        });
        backward.unshift(...page.nodes.map((n) => n.id));
        if (!page.pageInfo.hasPreviousPage) break;
        before = page.pageInfo.startCursor;
      }
      expect(backward).toEqual(all);
    }
  });

  describe("obeys need-to-know", () => {
    it("a USER finds only themself and the enterprise's leadership, and nothing by a colleague's national number", async () => {
      const user = people.elise.ssin;
      expect(found(await search(user, { search: "eli" }))).toEqual(["Élise Dubois"]);
      const colleague = await search(user, { search: people.eline.ssin });
      expect(colleague).toMatchObject({ totalCount: 0, nodes: [] });
      expect((await search(user, { onlineService: "DIMONA" })).totalCount).toBe(1);
      expect((await search(user, { search: "user" })).totalCount).toBe(0);
    });

    it("an access manager of another capacity finds only the people of their own capacity", async () => {
      const manager = employer.accessManagers.ENTERPRISE_WITHOUT_STAFF;
      expect(found(await search(manager, { search: "eli" }))).toEqual([]);
      expect((await search(manager, { search: people.desmet.ssin })).totalCount).toBe(0);
      expect(found(await search(manager, { search: "ors" }))).toEqual(["Otto Ørsted"]);
      const own = employer.accessManagers.EMPLOYER_NSSO;
      expect(found(await search(own, { search: "eli" }))).toEqual(["Eline Van Dam", "Élise Dubois"]);
      expect((await search(own, { search: people.other.ssin })).totalCount).toBe(0);
    });

    it("a provider's staff acting through a mandate finds no person of the client", async () => {
      const staff = provider.users[0].ssin;
      for (const term of ["eli", people.desmet.ssin, "a"]) {
        expect(await search(staff, { search: term })).toMatchObject({ totalCount: 0, nodes: [] });
      }
      // The provider's leadership does not act for the client: the enterprise is not theirs to see at all.
      const leadership = await ask(provider.legalRepresentative, assignments, { e: employer.number, search: people.desmet.ssin });
      expect(leadership.data?.enterprise).toBeNull();
    });

    it("a stranger finds nothing: the enterprise is not theirs to see", async () => {
      const answer = await ask(ssin(), assignments, { e: employer.number, search: people.desmet.ssin });
      expect(answer.data?.enterprise).toBeNull();
    });
  });

  describe("clientsConnection and serviceProvidersConnection", () => {
    const list = async (viewer: string, field: "clientsConnection" | "serviceProvidersConnection", e: SeededEnterprise, variables = {}) => {
      const answer = await ask<{ list: MandatePage }>(viewer, mandates(field), { e: e.number, ...variables });
      expect(answer.errors).toBeUndefined();
      return answer.data!.enterprise!.list;
    };
    const clientNumbers = (page: MandatePage) => page.nodes.map((n) => n.client.number);

    it("lists a provider's clients as `clients` does, oldest first, with their count", async () => {
      const viewer = provider.mainAccessManager!;
      const all = await list(viewer, "clientsConnection", provider);
      const v1 = await (
        await gw.client(viewer)
      ).request<{ enterprise: { clients: { id: string }[] } }>(
        `query ($e: EnterpriseNumber!) { enterprise(number: $e) { clients { id } } }`,
        { e: provider.number },
      );
      expect(all.nodes.map((n) => n.id)).toEqual(v1.enterprise.clients.map((c) => c.id));
      expect(all.totalCount).toBe(5);
      expect(clientNumbers(all)).toEqual([employer, ...clients, clients[1]].map((c) => c.display));
      expect(all.nodes.map((n) => n.status)).toEqual(["ACTIVE", "ACTIVE", "ENDED", "ENDED", "ACTIVE"]);
    });

    it("searches clients by number in any format or by a folded name prefix", async () => {
      const viewer = provider.users[0].ssin;
      expect(clientNumbers(await list(viewer, "clientsConnection", provider, { search: clients[0].number }))).toEqual([clients[0].display]);
      expect(clientNumbers(await list(viewer, "clientsConnection", provider, { search: `BE ${clients[0].display}` }))).toEqual([
        clients[0].display,
      ]);
      expect(clientNumbers(await list(viewer, "clientsConnection", provider, { search: "boulangerie ec" }))).toEqual([clients[0].display]);
      expect(clientNumbers(await list(viewer, "clientsConnection", provider, { search: "GARAGE zé" }))).toEqual([clients[2].display]);
      expect(clientNumbers(await list(viewer, "clientsConnection", provider, { search: "b" }))).toEqual(
        [employer, clients[0], clients[1], clients[1]].map((c) => c.display),
      );
      expect((await list(viewer, "clientsConnection", provider, { search: otherProvider.number })).totalCount).toBe(0);
    });

    it("filters by status, capacity and validBefore", async () => {
      const viewer = provider.legalRepresentative;
      const ended = await list(viewer, "clientsConnection", provider, { status: "ENDED" });
      expect(clientNumbers(ended)).toEqual([clients[1].display, clients[2].display]);
      expect(ended.nodes.every((n) => n.status === "ENDED")).toBe(true);
      expect(clientNumbers(await list(viewer, "clientsConnection", provider, { status: "ACTIVE" }))).toEqual(
        [employer, clients[0], clients[1]].map((c) => c.display),
      );
      expect((await list(viewer, "clientsConnection", provider, { capacity: "ENTERPRISE_WITHOUT_STAFF" })).totalCount).toBe(0);
      expect((await list(viewer, "clientsConnection", provider, { capacity: "EMPLOYER_NSSO" })).totalCount).toBe(5);
      const soon = await list(viewer, "clientsConnection", provider, {
        validBefore: new Date(Date.now() + 20 * 24 * 3600 * 1000).toISOString(),
        status: "ACTIVE",
      });
      expect(clientNumbers(soon)).toEqual([clients[1].display]);
      const unknown = await ask(viewer, mandates("clientsConnection"), { e: provider.number, capacity: "NOPE" });
      expect(unknown.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "capacity" });
    });

    it("lists a client's providers, and to a provider's people only their own mandates", async () => {
      const c = clients[2];
      const own = await list(c.legalRepresentative, "serviceProvidersConnection", c);
      expect(own.nodes.map((n) => n.provider.number)).toEqual([provider.display, otherProvider.display]);
      expect((await list(c.legalRepresentative, "serviceProvidersConnection", c, { search: "other" })).nodes).toHaveLength(1);
      // The provider's staff see the client (through the active mandate of... none here: it ended): only through a live mandate.
      const seenByStaff = await list(provider.users[0].ssin, "serviceProvidersConnection", clients[0]);
      expect(seenByStaff.nodes.map((n) => n.provider.number)).toEqual([provider.display]);
    });

    it("shows a client's people only their own mandates of a provider, and the client's users none", async () => {
      // The employer's legal representative reaches the provider through the mandate and, of its clients, sees only the employer.
      const through = `query ($e: EnterpriseNumber!, $search: String) { enterprise(number: $e) { serviceProvidersConnection {
        nodes { provider { clientsConnection(search: $search) { totalCount nodes { client { number } } } } } } } }`;
      type Through = { serviceProvidersConnection: { nodes: { provider: { clientsConnection: MandatePage } }[] } };
      const seen = await ask<Through>(employer.legalRepresentative, through, { e: employer.number });
      const [mandate] = seen.data!.enterprise!.serviceProvidersConnection.nodes;
      expect(clientNumbers(mandate.provider.clientsConnection)).toEqual([employer.display]);
      expect(mandate.provider.clientsConnection.totalCount).toBe(1);
      const probe = await ask<Through>(employer.legalRepresentative, through, { e: employer.number, search: clients[0].number });
      expect(probe.data!.enterprise!.serviceProvidersConnection.nodes[0].provider.clientsConnection.totalCount).toBe(0);
      const user = people.elise.ssin;
      expect(await list(user, "serviceProvidersConnection", employer)).toMatchObject({ totalCount: 0, nodes: [] });
      const stranger = await ask(ssin(), mandates("clientsConnection"), { e: provider.number });
      expect(stranger.data?.enterprise).toBeNull();
      expect(formatted(provider.number)).toBe(provider.display);
    });

    it("pages both ways, every item once", async () => {
      const viewer = provider.mainAccessManager!;
      const all = (await list(viewer, "clientsConnection", provider)).nodes.map((n) => n.id);
      const backward: string[] = [];
      let before: string | null = null;
      for (let i = 0; i < 10; i++) {
        const page: MandatePage = await list(viewer, "clientsConnection", provider, {
          last: 2,
          before,
        });
        backward.unshift(...page.nodes.map((n) => n.id));
        if (!page.pageInfo.hasPreviousPage) break;
        before = page.pageInfo.startCursor;
      }
      expect(backward).toEqual(all);
    });
  });
});
