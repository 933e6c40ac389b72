import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from "typeorm";

/**
 * Rights that expire: `valid_until` on role assignments and mandates, nullable (no expiry), with
 * the type and precision of `ended_at` (SQLite datetime text; MySQL DATETIME(3)); an index on it for the sweep that
 * finds the rows that have expired but are not ended yet (src/management/expire-rights.ts).
 */
export class ValidUntil1764300000005 implements MigrationInterface {
  name = "ValidUntil1764300000005";

  async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.connection.options.type === "better-sqlite3";
    const column = () =>
      new TableColumn(
        sqlite
          ? { name: "valid_until", type: "datetime", isNullable: true }
          : { name: "valid_until", type: "datetime", precision: 3, isNullable: true },
      );
    for (const table of ["role_assignment", "service_provider_mandate"]) {
      await queryRunner.addColumn(table, column());
      await queryRunner.createIndex(table, new TableIndex({ name: `ix_${table}_valid_until`, columnNames: ["valid_until"] }));
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["service_provider_mandate", "role_assignment"]) {
      await queryRunner.dropIndex(table, `ix_${table}_valid_until`);
      await queryRunner.dropColumn(table, "valid_until");
    }
  }
}
