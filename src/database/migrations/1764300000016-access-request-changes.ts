import type { MigrationInterface, QueryRunner } from "typeorm";
import { accessChangeTable, createAccessChangeTriggers, dropAccessChangeTriggers } from "../access-changes";

/** The table this migration logs, named here so that replaying it never meets a table a later migration logs. */
const tables = ["access_request"];

/**
 * Access requests in the access change log, so that `accessDelta` brings a requester the close of their own requests
 * (src/read/access-delta.ts): a column `person_id` for the entries filed by person rather than by enterprise (a
 * request's enterprise may not exist; its entry names enterprise 0 and is shown to its requester alone), and the
 * trigger that appends one when a request's status changes. Adding a nullable column keeps the table (and, on SQLite,
 * the triggers that write it) as it is; the older triggers leave it null.
 */
export class AccessRequestChanges1764300000016 implements MigrationInterface {
  name = "AccessRequestChanges1764300000016";

  async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.connection.options.type === "better-sqlite3";
    await queryRunner.query(`ALTER TABLE ${accessChangeTable} ADD COLUMN person_id ${sqlite ? "INTEGER" : "INT"} NULL`);
    await createAccessChangeTriggers(queryRunner, tables);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropAccessChangeTriggers(queryRunner, tables);
    await queryRunner.query(`DELETE FROM ${accessChangeTable} WHERE person_id IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE ${accessChangeTable} DROP COLUMN person_id`);
  }
}
