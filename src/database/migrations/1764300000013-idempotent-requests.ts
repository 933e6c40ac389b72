import { type MigrationInterface, type QueryRunner, Table, TableIndex } from "typeorm";

/**
 * The answers of mutations sent with an `Idempotency-Key` (src/database/idempotent-requests.ts): one row per viewer and
 * key, written in the transaction of the change it answers, so that a retry finds it whenever the change committed, on
 * any instance. Instants are milliseconds since 1970 (BIGINT): the row is compared with the gateway's clock only, the
 * same on both dialects. The key and the request are kept as their SHA-256, never as sent.
 */
export class IdempotentRequests1764300000013 implements MigrationInterface {
  name = "IdempotentRequests1764300000013";

  async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.connection.options.type === "better-sqlite3";
    await queryRunner.createTable(
      new Table({
        name: "idempotent_request",
        columns: [
          { name: "viewer_id", type: sqlite ? "integer" : "int", isPrimary: true },
          { name: "key_hash", type: "char", length: "64", isPrimary: true },
          { name: "request_hash", type: "char", length: "64" },
          { name: "created_at", type: "bigint" },
          { name: "expires_at", type: "bigint" },
          { name: "status", type: sqlite ? "integer" : "int", isNullable: true },
          { name: "answer", type: sqlite ? "text" : "longtext", isNullable: true },
          { name: "consistency_token", type: "varchar", length: "1024", isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex(
      "idempotent_request",
      new TableIndex({ name: "ix_idempotent_request_expires_at", columnNames: ["expires_at"] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("idempotent_request");
  }
}
