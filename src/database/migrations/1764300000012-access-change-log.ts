import { type MigrationInterface, type QueryRunner } from "typeorm";
import {
  accessChangeStateTable,
  accessChangeTable,
  createAccessChangeTriggers,
  dropAccessChangeTriggers,
  newTokenKey,
} from "../access-changes";

/** The tables this migration logs, named here so that replaying it never meets a table a later migration creates. */
const tables = [
  "role_assignment",
  "role_assignment_online_service",
  "service_provider_mandate",
  "enterprise_capacity",
  "ebox",
  "enterprise",
];

/**
 * The access change log that `accessDelta` reads (src/database/access-changes.ts states what it guarantees), its
 * triggers, and the one row of its state: how far it is pruned, and the key that signs delta tokens, made here once
 * per database so that every gateway on it shares it. The log starts empty: a delta starts with a full sync anyway.
 * The index on `changed_at` serves the settled position and the pruning.
 */
export class AccessChangeLog1764300000012 implements MigrationInterface {
  name = "AccessChangeLog1764300000012";

  async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.connection.options.type === "better-sqlite3";
    await queryRunner.query(
      sqlite
        ? `CREATE TABLE ${accessChangeTable} (id INTEGER PRIMARY KEY AUTOINCREMENT, kind VARCHAR(24) NOT NULL, row_id BIGINT NOT NULL, enterprise_id INTEGER NOT NULL, other_enterprise_id INTEGER NULL, operation VARCHAR(6) NOT NULL, changed_at DATETIME NOT NULL)`
        : `CREATE TABLE ${accessChangeTable} (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, kind VARCHAR(24) NOT NULL, row_id BIGINT NOT NULL, enterprise_id INT NOT NULL, other_enterprise_id INT NULL, operation VARCHAR(6) NOT NULL, changed_at DATETIME(6) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(`CREATE INDEX ix_access_change_changed_at ON ${accessChangeTable} (changed_at)`);
    await queryRunner.query(
      `CREATE TABLE ${accessChangeStateTable} (id INTEGER NOT NULL PRIMARY KEY, pruned_through BIGINT NOT NULL DEFAULT 0, token_key VARCHAR(64) NOT NULL)${sqlite ? "" : " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"}`,
    );
    await queryRunner.query(`INSERT INTO ${accessChangeStateTable} (id, pruned_through, token_key) VALUES (1, 0, ?)`, [newTokenKey()]);
    await createAccessChangeTriggers(queryRunner, tables);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropAccessChangeTriggers(queryRunner, tables);
    await queryRunner.query(`DROP TABLE ${accessChangeStateTable}`);
    await queryRunner.query(`DROP TABLE ${accessChangeTable}`);
  }
}
