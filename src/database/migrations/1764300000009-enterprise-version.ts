import { type MigrationInterface, type QueryRunner, TableIndex } from "typeorm";
import { createVersionTriggers, dropVersionTriggers, type VersionedTableName } from "../enterprise-versions";

/**
 * The tables this migration versions, named here rather than read from the list: replayed on a new database, it must
 * not meet a table that a later migration creates (that migration adds its own triggers).
 */
const tables: readonly VersionedTableName[] = [
  "role_assignment",
  "role_assignment_online_service",
  "enterprise_capacity",
  "ebox",
  "service_provider_mandate",
  "structured_messaging_config",
  "person",
];

/**
 * `enterprise.version`, moved by triggers in the transaction of every change of data shown as part
 * of the enterprise, whoever writes it (src/database/enterprise-versions.ts states the guarantee and generates the
 * triggers). The column is added in place, not through TypeORM's addColumn, which on SQLite copies the whole table:
 * SQLite adds a NOT NULL column with a constant default without touching the rows, and so do MariaDB 10.3+ and MySQL 8
 * (an instant ALTER). INT UNSIGNED on MySQL: mysql2 reads a BIGINT as a string. Existing enterprises start at 0, which
 * no cache has seen yet.
 *
 * The index on `service_provider_mandate.appointed_by_id` serves the person trigger, which finds the mandates a person
 * appointed; without it each update of a person would read every mandate.
 */
export class EnterpriseVersion1764300000009 implements MigrationInterface {
  name = "EnterpriseVersion1764300000009";

  async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.connection.options.type === "better-sqlite3";
    await queryRunner.query(`ALTER TABLE enterprise ADD COLUMN version ${sqlite ? "INTEGER" : "INT UNSIGNED"} NOT NULL DEFAULT 0`);
    await queryRunner.createIndex(
      "service_provider_mandate",
      new TableIndex({ name: "ix_mandate_appointed_by", columnNames: ["appointed_by_id"] }),
    );
    await createVersionTriggers(queryRunner, tables);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropVersionTriggers(queryRunner, tables);
    await queryRunner.dropIndex("service_provider_mandate", "ix_mandate_appointed_by");
    await queryRunner.query("ALTER TABLE enterprise DROP COLUMN version");
  }
}
