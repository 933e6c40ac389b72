import { type MigrationInterface, type QueryRunner, TableIndex } from "typeorm";

/**
 * Rights that expire: the expiry write-down (src/management/expire-rights.ts) runs in every management action and in
 * the sweep, and looks for rows that are not ended and whose `valid_until` has passed. An index on `valid_until` alone
 * also holds every row that expired and was ended long ago, so those reads grew with the history (MariaDB scanned the
 * whole role_assignment table for each action). On (`ended_at`, `valid_until`) they read only the rows due now, which
 * the sweep keeps few.
 */
export class DueRightsIndex1764300000006 implements MigrationInterface {
  name = "DueRightsIndex1764300000006";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["role_assignment", "service_provider_mandate"]) {
      await queryRunner.createIndex(table, new TableIndex({ name: `ix_${table}_due`, columnNames: ["ended_at", "valid_until"] }));
      await queryRunner.dropIndex(table, `ix_${table}_valid_until`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["service_provider_mandate", "role_assignment"]) {
      await queryRunner.createIndex(table, new TableIndex({ name: `ix_${table}_valid_until`, columnNames: ["valid_until"] }));
      await queryRunner.dropIndex(table, `ix_${table}_due`);
    }
  }
}
