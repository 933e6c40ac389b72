import type { MigrationInterface, QueryRunner } from "typeorm";
import {
  createVersionTriggers,
  dropVersionTriggers,
  nextVersionSql,
  versionStateTable,
  type VersionedTableName,
} from "../enterprise-versions";

/** The tables versioned when this migration runs, named here for the same reason as in migration 1764300000009. */
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
 * Enterprise versions that a restore cannot bring back, and a record of their loss.
 *
 * - The triggers move a version past the database's clock in microseconds instead of by one
 *   (src/database/enterprise-versions.ts says why), so the column is BIGINT UNSIGNED on MySQL (a table copy of
 *   `enterprise`: seconds for a million rows). SQLite's INTEGER has 64 bits already.
 * - Every enterprise gets such a version now: no counter value of before can name a state again.
 * - `enterprise_version_state` holds whether the versions are trusted; created trusted, since the triggers are just
 *   made.
 */
export class EnterpriseVersionClock1764300000010 implements MigrationInterface {
  name = "EnterpriseVersionClock1764300000010";

  async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.connection.options.type === "better-sqlite3";
    const dialect = sqlite ? "sqlite" : "mysql";
    if (!sqlite) await queryRunner.query("ALTER TABLE enterprise MODIFY version BIGINT UNSIGNED NOT NULL DEFAULT 0");
    // The table first: createVersionTriggers makes clock triggers once it exists.
    await queryRunner.query(
      `CREATE TABLE ${versionStateTable} (id INTEGER NOT NULL PRIMARY KEY, lost_at ${sqlite ? "DATETIME" : "DATETIME(3)"} NULL, lost_reason VARCHAR(1000) NULL)`,
    );
    await queryRunner.query(`INSERT INTO ${versionStateTable} (id, lost_at, lost_reason) VALUES (1, NULL, NULL)`);
    await dropVersionTriggers(queryRunner, tables);
    await createVersionTriggers(queryRunner, tables);
    await queryRunner.query(`UPDATE enterprise SET version = ${nextVersionSql(dialect, "version")}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.connection.options.type === "better-sqlite3";
    await queryRunner.query(`DROP TABLE ${versionStateTable}`);
    await dropVersionTriggers(queryRunner, tables);
    // Back to counters from 0, as migration 1764300000009 started them (without the table, the triggers count).
    await queryRunner.query("UPDATE enterprise SET version = 0");
    if (!sqlite) await queryRunner.query("ALTER TABLE enterprise MODIFY version INT UNSIGNED NOT NULL DEFAULT 0");
    await createVersionTriggers(queryRunner, tables);
  }
}
