import { type MigrationInterface, type QueryRunner, Table, TableIndex, type TableColumnOptions } from "typeorm";

/**
 * Access reviews: a review per campaign and an item per assignment under review. Neither is part of an enterprise's
 * read model (no version triggers): a review is read page by page under its own rules, and the decision it applies to
 * an assignment moves the enterprise's version through `role_assignment`'s triggers. Instants have the precision of
 * `role_assignment.ended_at`, which a REMOVE sets at the decision's instant.
 */
export class AccessReviews1764300000015 implements MigrationInterface {
  name = "AccessReviews1764300000015";

  async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.connection.options.type === "better-sqlite3";
    const id: TableColumnOptions = sqlite
      ? { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" }
      : { name: "id", type: "int", isPrimary: true, isGenerated: true, generationStrategy: "increment" };
    const instant = (name: string, isNullable = false): TableColumnOptions =>
      sqlite ? { name, type: "datetime", isNullable } : { name, type: "datetime", precision: 3, isNullable };
    const int = (name: string, isNullable = false): TableColumnOptions => ({ name, type: sqlite ? "integer" : "int", isNullable });
    await queryRunner.createTable(
      new Table({
        name: "access_review",
        columns: [
          id,
          int("enterprise_id"),
          int("started_by_id", true),
          instant("started_at"),
          instant("due_at"),
          { name: "default_decision", type: "varchar", length: "8" },
          { name: "reviewers", type: "varchar", length: "24" },
          { name: "recurrence", type: "varchar", length: "16", isNullable: true },
          { name: "capacities", type: "varchar", length: "400", isNullable: true },
          { name: "status", type: "varchar", length: "16" },
          instant("completed_at", true),
          int("completed_by_id", true),
          int("previous_review_id", true),
        ],
      }),
    );
    await queryRunner.createIndex("access_review", new TableIndex({ name: "ix_access_review_enterprise", columnNames: ["enterprise_id"] }));
    await queryRunner.createIndex("access_review", new TableIndex({ name: "ix_access_review_due", columnNames: ["status", "due_at"] }));
    await queryRunner.createTable(
      new Table({
        name: "access_review_item",
        columns: [
          id,
          int("review_id"),
          int("enterprise_id"),
          int("assignment_id"),
          int("person_id"),
          { name: "role", type: "varchar", length: "24" },
          { name: "capacity_code", type: "varchar", length: "40" },
          { name: "status", type: "varchar", length: "16" },
          { name: "decision", type: "varchar", length: "8", isNullable: true },
          { name: "by_default", type: "boolean", isNullable: false, default: "0" },
          instant("decided_at", true),
          int("decided_by_id", true),
          { name: "note", type: "varchar", length: "500", isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex(
      "access_review_item",
      new TableIndex({ name: "ux_access_review_item", columnNames: ["review_id", "assignment_id"], isUnique: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("access_review_item");
    await queryRunner.dropTable("access_review");
  }
}
