import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Every table in utf8mb4, whatever the database's default was when it was created: a table created in a latin1
 * database refused "Łukasz" (an INTERNAL_SERVER_ERROR). The database's default becomes utf8mb4 too, so that tables
 * created after this one are. SQLite always stores UTF-8: nothing to do there.
 */
export class Utf8mb4Tables1764300000003 implements MigrationInterface {
  name = "Utf8mb4Tables1764300000003";

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === "better-sqlite3") return;
    await queryRunner.query("ALTER DATABASE CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    const tables: { name: string }[] = await queryRunner.query(
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' AND TABLE_COLLATION <> 'utf8mb4_unicode_ci' ORDER BY TABLE_NAME",
    );
    // Text keys referenced across tables (capacity codes) change one table at a time: the references are checked
    // again once all of them are converted, not between two conversions.
    await queryRunner.query("SET SESSION foreign_key_checks = 0");
    try {
      for (const { name } of tables) {
        await queryRunner.query(`ALTER TABLE \`${name.replace(/`/g, "``")}\` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      }
    } finally {
      await queryRunner.query("SET SESSION foreign_key_checks = 1");
    }
  }

  /** Converting back to a narrower character set would lose every character it lacks: there is no way down. */
  async down(): Promise<void> {}
}
