import { DataSource, type DataSourceOptions } from "typeorm";
import { buildDataSourceOptions } from "../src/database/data-source-options";
import { InitialSchema1764300000000 } from "../src/database/migrations/1764300000000-initial-schema";
import { SeedCatalog1764300000001 } from "../src/database/migrations/1764300000001-seed-catalog";
import { Person } from "../src/domain/entities";
import { createTestDatabase, describeEachDatabase, describeMysql, type DialectName, type TestDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { graphql } from "./support/http";
import { ssin } from "./support/identities";

const givenName = "Łukasz";
const familyName = "Żółć 😀";

/**
 * A database as a deployment from before utf8mb4 tables has it: created with CHARACTER SET latin1 (MySQL), its tables
 * made by the first migrations, and a person whose name fits latin1 already stored.
 */
async function olderDatabase(dialect: DialectName, { knownSsin }: { knownSsin: string }): Promise<TestDatabase> {
  const database = await createTestDatabase(dialect, { characterSet: "latin1 COLLATE latin1_swedish_ci" });
  if (dialect === "mysql") {
    const older = new DataSource({
      ...(await buildDataSourceOptions({ url: database.url })),
      migrations: [InitialSchema1764300000000, SeedCatalog1764300000001],
    } as DataSourceOptions);
    await older.initialize();
    await older.runMigrations();
    await older.query("INSERT INTO person (ssin, given_name, family_name, language, created_at) VALUES (?, 'Zoë', 'Müller', 'NL', NOW())", [
      knownSsin,
    ]);
    await older.destroy();
  }
  return database;
}

describeEachDatabase("names beyond latin1", (dialect) => {
  let database: TestDatabase;
  let gw: TestGateway;
  beforeAll(async () => {
    database = await olderDatabase(dialect, { knownSsin: ssin() });
    gw = await startTestGateway(dialect, {}, { database });
  });
  afterAll(async () => {
    await gw?.stop();
    await database?.drop();
  });

  it("stores and returns a person named Łukasz Żółć 😀 exactly, in a database created latin1", async () => {
    const enterprise = await gw.seed.enterprise().withMainAccessManager().active().build();
    const added = ssin();
    const answer = await graphql(
      gw.url,
      "mutation ($input: AddUserInput!) { addUser(input: $input) { person { ssin givenName familyName } } }",
      {
        token: await gw.token(enterprise.mainAccessManager!),
        variables: {
          input: {
            enterprise: enterprise.number,
            capacity: "EMPLOYER_NSSO",
            onlineServices: ["DIMONA"],
            person: { ssin: added, givenName, familyName },
          },
        },
      },
    );
    expect(answer.json).toEqual({
      data: { addUser: { person: { ssin: expect.any(String), givenName, familyName } } },
      extensions: { consistencyToken: expect.any(String) },
    });

    const me = await graphql(gw.url, "{ me { givenName familyName } }", { token: await gw.token(added) });
    expect(me.json).toEqual({ data: { me: { givenName, familyName } } });
    expect(await gw.dataSource.getRepository(Person).findOneByOrFail({ ssin: added })).toMatchObject({ givenName, familyName });
  });
});

describeMysql("the utf8mb4 migration [mysql]", () => {
  const knownSsin = ssin();
  let database: TestDatabase;
  let gw: TestGateway;
  beforeAll(async () => {
    database = await olderDatabase("mysql", { knownSsin });
    gw = await startTestGateway("mysql", {}, { database });
  });
  afterAll(async () => {
    await gw?.stop();
    await database?.drop();
  });

  it("converts every table of a database created latin1, and the database's default, keeping what was stored", async () => {
    const tables: { name: string; collation: string }[] = await gw.dataSource.query(
      "SELECT TABLE_NAME AS name, TABLE_COLLATION AS collation FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
    );
    expect(tables.length).toBeGreaterThanOrEqual(10);
    expect(tables.filter((table) => table.collation !== "utf8mb4_unicode_ci")).toEqual([]);
    const [defaults]: { charset: string }[] = await gw.dataSource.query(
      "SELECT DEFAULT_CHARACTER_SET_NAME AS charset FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()",
    );
    expect(defaults.charset).toBe("utf8mb4");
    expect(await gw.dataSource.getRepository(Person).findOneByOrFail({ ssin: knownSsin })).toMatchObject({
      givenName: "Zoë",
      familyName: "Müller",
    });
  });
});
