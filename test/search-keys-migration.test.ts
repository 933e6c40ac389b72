import { DataSource } from "typeorm";
import { buildDataSourceOptions } from "../src/database/data-source-options";
import { missingVersionTriggers } from "../src/database/enterprise-versions";
import { migrations } from "../src/database/migrations";
import { createTestDatabase, describeEachDatabase } from "./support/databases";
import { enterpriseNumber, ssin } from "./support/identities";
import { databaseBefore, undoMigrationsThrough } from "./support/migrations";

const migration = "SearchKeys1764300000011";

describeEachDatabase("search keys migration", (dialect) => {
  it("folds the names of people and enterprises written before it, past a batch, keeps the version triggers, and undoes cleanly", async () => {
    const database = await createTestDatabase(dialect);
    const { dataSource: previous, insert } = await databaseBefore(database.url, migration);
    const now = "2026-03-02 08:00:00.000";
    try {
      // More people than one statement of the backfill writes, in one multi-row insert.
      const people = Array.from({ length: 620 }, (_, i) => [ssin(), `Émile ${i}`, `De Smet-Ørsted ${i}`]);
      await previous.query(
        `INSERT INTO person (ssin, given_name, family_name, language, created_at) VALUES ${people.map(() => "(?, ?, ?, 'NL', ?)").join(", ")}`,
        people.flatMap((p) => [...p, now]),
      );
      const unnamed = await insert("person", { ssin: ssin(), given_name: "", family_name: "", language: "NL", created_at: now });
      const enterprise = await insert("enterprise", {
        number: enterpriseNumber(),
        name: "Brasserie Ÿ-Café",
        status: "REGISTERED",
        default_capacity: "EMPLOYER_NSSO",
        created_at: now,
        updated_at: now,
      });
      await previous.destroy();

      const migrated = new DataSource({ ...(await buildDataSourceOptions({ url: database.url })), migrations });
      await migrated.initialize();
      try {
        await migrated.runMigrations({ transaction: "each" });
        const keys = (await migrated.query(
          "SELECT given_key, family_key, family_name FROM person WHERE family_name <> '' ORDER BY id",
        )) as {
          given_key: string;
          family_key: string;
        }[];
        expect(keys).toHaveLength(620);
        expect(keys[0]).toMatchObject({ given_key: "emile 0", family_key: "de smet orsted 0" });
        expect(keys[619]).toMatchObject({ given_key: "emile 619", family_key: "de smet orsted 619" });
        expect(await migrated.query("SELECT given_key, family_key FROM person WHERE id = ?", [unnamed])).toEqual([
          { given_key: "", family_key: "" },
        ]);
        expect(await migrated.query("SELECT search_key FROM enterprise WHERE id = ?", [enterprise])).toEqual([
          { search_key: "brasserie y cafe" },
        ]);
        expect(await missingVersionTriggers(migrated)).toEqual([]);
        await undoMigrationsThrough(migrated, migration);
        expect(await missingVersionTriggers(migrated)).toEqual([]);
        await expect(migrated.query("SELECT search_key FROM enterprise")).rejects.toThrow();
      } finally {
        await migrated.destroy();
      }
    } finally {
      if (previous.isInitialized) await previous.destroy();
      await database.drop();
    }
  });
});
