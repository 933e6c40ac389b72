import { DataSource } from "typeorm";
import { buildDataSourceOptions } from "../src/database/data-source-options";
import { migrations } from "../src/database/migrations";
import { capacityCatalog } from "../src/domain/catalog-data";
import { createTestDatabase, describeEachDatabase } from "./support/databases";
import { databaseBefore, undoMigrationsThrough } from "./support/migrations";

const frenchName = async (dataSource: DataSource, code: string): Promise<string> =>
  ((await dataSource.query("SELECT name_fr FROM capacity WHERE code = ?", [code])) as { name_fr: string }[])[0].name_fr;

describeEachDatabase("catalog corrections", (dialect) => {
  it("renames the social service provider in French on a database seeded before, leaves an edited name alone, and undoes cleanly", async () => {
    const database = await createTestDatabase(dialect);
    const { dataSource: previous } = await databaseBefore(database.url, "FrenchProviderName1764300000008");
    try {
      // What the seed wrote before the correction, and a name an operator chose for another capacity.
      await previous.query("UPDATE capacity SET name_fr = 'Prestataire de services social' WHERE code = 'SOCIAL_SERVICE_PROVIDER'");
      await previous.query("UPDATE capacity SET name_fr = 'Secrétariat social (agréé)' WHERE code = 'APPROVED_SOCIAL_SECRETARIAT'");
      await previous.destroy();

      const migrated = new DataSource({ ...(await buildDataSourceOptions({ url: database.url })), migrations });
      await migrated.initialize();
      try {
        await migrated.runMigrations({ transaction: "each" });
        expect(await frenchName(migrated, "SOCIAL_SERVICE_PROVIDER")).toBe("Prestataire de services sociaux");
        expect(await frenchName(migrated, "APPROVED_SOCIAL_SECRETARIAT")).toBe("Secrétariat social (agréé)");
        // The seed of a fresh database and the names the messages use agree with it.
        expect(capacityCatalog.find((c) => c.code === "SOCIAL_SERVICE_PROVIDER")!.names.FR).toBe("Prestataire de services sociaux");
        await undoMigrationsThrough(migrated, "FrenchProviderName1764300000008");
        expect(await frenchName(migrated, "SOCIAL_SERVICE_PROVIDER")).toBe("Prestataire de services social");
      } finally {
        await migrated.destroy();
      }
    } finally {
      if (previous.isInitialized) await previous.destroy();
      await database.drop();
    }
  });
});
