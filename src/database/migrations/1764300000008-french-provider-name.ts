import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The French name of the SOCIAL_SERVICE_PROVIDER capacity is the portal's "Prestataire de services sociaux" (the seed
 * had "Prestataire de services social", which French messages then showed). Only a row still holding the old seeded
 * name is changed: a name an operator edited stays theirs. A fresh database gets the right name from the seed.
 */
export class FrenchProviderName1764300000008 implements MigrationInterface {
  name = "FrenchProviderName1764300000008";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("UPDATE capacity SET name_fr = ? WHERE code = ? AND name_fr = ?", [
      "Prestataire de services sociaux",
      "SOCIAL_SERVICE_PROVIDER",
      "Prestataire de services social",
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("UPDATE capacity SET name_fr = ? WHERE code = ? AND name_fr = ?", [
      "Prestataire de services social",
      "SOCIAL_SERVICE_PROVIDER",
      "Prestataire de services sociaux",
    ]);
  }
}
