import { type MigrationInterface, type QueryRunner, Table, TableIndex, type TableColumnOptions } from "typeorm";

/**
 * The whole schema, written with TypeORM's portable Table API so that one migration runs on SQLite and on
 * MySQL/MariaDB. Only the id column and date-time precision differ per dialect.
 */
export class InitialSchema1764300000000 implements MigrationInterface {
  name = "InitialSchema1764300000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.connection.options.type === "better-sqlite3";
    const id = (): TableColumnOptions =>
      sqlite
        ? { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" }
        : { name: "id", type: "int", isPrimary: true, isGenerated: true, generationStrategy: "increment" };
    const ref = (name: string, nullable = false): TableColumnOptions => ({ name, type: "int", isNullable: nullable });
    const str = (name: string, length: number, nullable = false): TableColumnOptions => ({
      name,
      type: "varchar",
      length: String(length),
      isNullable: nullable,
    });
    const time = (name: string, nullable = false): TableColumnOptions =>
      sqlite ? { name, type: "datetime", isNullable: nullable } : { name, type: "datetime", precision: 3, isNullable: nullable };
    const names = (): TableColumnOptions[] => ["nl", "fr", "de", "en"].map((l) => str(`name_${l}`, 200));

    await queryRunner.createTable(
      new Table({
        name: "person",
        columns: [
          id(),
          str("ssin", 11),
          { ...str("given_name", 100), default: "''" },
          { ...str("family_name", 100), default: "''" },
          str("email", 254, true),
          str("phone", 32, true),
          { ...str("language", 2), default: "'NL'" },
          time("created_at"),
        ],
        uniques: [{ name: "uq_person_ssin", columnNames: ["ssin"] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "enterprise",
        columns: [
          id(),
          str("number", 10),
          str("name", 200),
          str("status", 24),
          str("default_capacity", 40),
          time("created_at"),
          time("updated_at"),
        ],
        uniques: [{ name: "uq_enterprise_number", columnNames: ["number"] }],
      }),
    );
    await queryRunner.createTable(
      new Table({ name: "capacity", columns: [{ ...str("code", 40), isPrimary: true }, { name: "position", type: "int" }, ...names()] }),
    );
    await queryRunner.createTable(
      new Table({
        name: "online_service",
        columns: [{ ...str("code", 40), isPrimary: true }, { name: "position", type: "int" }, ...names()],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "capacity_online_service",
        columns: [
          { ...str("capacity_code", 40), isPrimary: true },
          { ...str("online_service_code", 40), isPrimary: true },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "enterprise_capacity",
        columns: [
          id(),
          ref("enterprise_id"),
          str("capacity_code", 40),
          str("status", 16),
          time("activated_at", true),
          ref("activated_by_id", true),
        ],
        uniques: [{ name: "uq_enterprise_capacity", columnNames: ["enterprise_id", "capacity_code"] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "role_assignment",
        columns: [
          id(),
          ref("person_id"),
          ref("enterprise_id"),
          str("role", 24),
          str("capacity_code", 40, true),
          ref("granted_by_id", true),
          time("granted_at"),
          time("ended_at", true),
          ref("ended_by_id", true),
          str("active_key", 120, true),
          str("exclusive_key", 120, true),
        ],
        uniques: [
          { name: "uq_role_assignment_active", columnNames: ["active_key"] },
          { name: "uq_role_assignment_exclusive", columnNames: ["exclusive_key"] },
        ],
      }),
    );
    await queryRunner.createIndices("role_assignment", [
      new TableIndex({ name: "ix_role_assignment_person", columnNames: ["person_id", "ended_at"] }),
      new TableIndex({ name: "ix_role_assignment_enterprise", columnNames: ["enterprise_id", "ended_at", "id"] }),
    ]);
    await queryRunner.createTable(
      new Table({
        name: "role_assignment_online_service",
        columns: [
          { ...ref("assignment_id"), isPrimary: true },
          { ...str("online_service_code", 40), isPrimary: true },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "service_provider_mandate",
        columns: [
          id(),
          ref("client_id"),
          ref("provider_id"),
          str("capacity_code", 40),
          str("status", 8),
          ref("appointed_by_id"),
          time("starts_at"),
          time("ended_at", true),
          ref("ended_by_id", true),
          str("active_key", 120, true),
        ],
        uniques: [{ name: "uq_mandate_active", columnNames: ["active_key"] }],
      }),
    );
    await queryRunner.createIndices("service_provider_mandate", [
      new TableIndex({ name: "ix_mandate_client", columnNames: ["client_id", "status"] }),
      new TableIndex({ name: "ix_mandate_provider", columnNames: ["provider_id", "status"] }),
    ]);
    await queryRunner.createTable(
      new Table({
        name: "ebox",
        columns: [
          id(),
          ref("enterprise_id"),
          str("status", 16),
          time("activated_at", true),
          ref("activated_by_id", true),
          str("notification_email", 254, true),
        ],
        uniques: [{ name: "uq_ebox_enterprise", columnNames: ["enterprise_id"] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "ebox_message",
        columns: [id(), ref("enterprise_id"), str("subject", 200), { name: "body", type: "text" }, time("sent_at"), time("read_at", true)],
      }),
    );
    await queryRunner.createIndex(
      "ebox_message",
      new TableIndex({ name: "ix_ebox_message_enterprise", columnNames: ["enterprise_id", "id"] }),
    );
    await queryRunner.createTable(
      new Table({
        name: "structured_messaging_config",
        columns: [
          id(),
          ref("enterprise_id"),
          str("capacity_code", 40),
          str("channel", 8),
          str("sender_number", 16, true),
          str("technical_contact_email", 254),
          ref("configured_by_id"),
          time("configured_at"),
          time("ended_at", true),
        ],
        uniques: [
          { name: "uq_structured_messaging_scope", columnNames: ["enterprise_id", "capacity_code"] },
          { name: "uq_structured_messaging_sender", columnNames: ["sender_number"] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "audit_event",
        columns: [
          id(),
          time("at"),
          ref("actor_id", true),
          str("action", 64),
          ref("enterprise_id", true),
          str("request_id", 64, true),
          { name: "details", type: "text" },
        ],
      }),
    );
    await queryRunner.createIndex(
      "audit_event",
      new TableIndex({ name: "ix_audit_event_enterprise", columnNames: ["enterprise_id", "id"] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      "audit_event",
      "structured_messaging_config",
      "ebox_message",
      "ebox",
      "service_provider_mandate",
      "role_assignment_online_service",
      "role_assignment",
      "enterprise_capacity",
      "capacity_online_service",
      "online_service",
      "capacity",
      "enterprise",
      "person",
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
