import type { MigrationInterface, QueryRunner } from "typeorm";
import { capacityCatalog, onlineServiceCatalog } from "../../domain/catalog-data";

/** Seeds the capacity and online-service catalog, with stable codes. A later catalog change is a new migration. */
export class SeedCatalog1764300000001 implements MigrationInterface {
  name = "SeedCatalog1764300000001";

  async up(queryRunner: QueryRunner): Promise<void> {
    // Plain parameterized INSERTs: a migration must not depend on today's entity classes.
    const insert = async (table: string, row: Record<string, string | number>) => {
      const columns = Object.keys(row);
      await queryRunner.query(
        `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
        Object.values(row),
      );
    };
    const named = (code: string, position: number, n: Record<"NL" | "FR" | "DE" | "EN", string>) => ({
      code,
      position,
      name_nl: n.NL,
      name_fr: n.FR,
      name_de: n.DE,
      name_en: n.EN,
    });
    for (const [i, s] of onlineServiceCatalog.entries()) await insert("online_service", named(s.code, i, s.names));
    for (const [i, c] of capacityCatalog.entries()) {
      await insert("capacity", named(c.code, i, c.names));
      for (const service of c.onlineServices)
        await insert("capacity_online_service", { capacity_code: c.code, online_service_code: service });
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DELETE FROM capacity_online_service");
    await queryRunner.query("DELETE FROM capacity");
    await queryRunner.query("DELETE FROM online_service");
  }
}
