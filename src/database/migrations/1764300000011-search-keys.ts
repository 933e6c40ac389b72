import { type MigrationInterface, type QueryRunner, TableIndex } from "typeorm";
import { searchKey } from "../../domain/search-key";

const rowsPerStatement = 500;

/** The folded columns and their indexes: prefix search is a range scan of one of them, on either database. */
const keyColumns = [
  { table: "person", column: "family_key", source: "family_name" },
  { table: "person", column: "given_key", source: "given_name" },
  { table: "enterprise", column: "search_key", source: "name" },
] as const;

/**
 * Paged, searchable lists at national scale: a name prefix is found case- and accent-insensitively through a folded
 * key (src/domain/search-key.ts) kept beside the name, indexed, and compared byte for byte, so that neither database
 * needs a collation that folds (SQLite has none that folds accents) nor a function in the WHERE clause (which would
 * read every row). The folding is the application's, so the backfill reads each name and writes its key, in batches.
 *
 * The columns are added in place (a constant default: SQLite and MariaDB add them without copying the table, and the
 * version triggers stay). The mandates' keyset indexes (provider or client, then id) let the 500th page of a
 * provider's clients start with an index seek rather than a sort of all of them.
 */
export class SearchKeys1764300000011 implements MigrationInterface {
  name = "SearchKeys1764300000011";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const { table, column } of keyColumns) {
      await queryRunner.query(`ALTER TABLE ${table} ADD COLUMN ${column} varchar(200) NOT NULL DEFAULT ''`);
    }
    await backfill(queryRunner, "person", ["given_name", "family_name"], ["given_key", "family_key"]);
    await backfill(queryRunner, "enterprise", ["name"], ["search_key"]);
    // The family name's index holds the given name too: ordered by name, a page of people reads it in order.
    for (const { table, column } of keyColumns) {
      const columnNames = column === "family_key" ? [column, "given_key"] : [column];
      await queryRunner.createIndex(table, new TableIndex({ name: `ix_${table}_${column}`, columnNames }));
    }
    for (const party of ["provider", "client"]) {
      await queryRunner.createIndex(
        "service_provider_mandate",
        new TableIndex({ name: `ix_mandate_${party}_id`, columnNames: [`${party}_id`, "id"] }),
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const party of ["provider", "client"]) await queryRunner.dropIndex("service_provider_mandate", `ix_mandate_${party}_id`);
    for (const { table, column } of keyColumns) {
      await queryRunner.dropIndex(table, `ix_${table}_${column}`);
      await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN ${column}`);
    }
  }
}

/** Writes the keys of every row, by id, a bounded number of rows per statement whatever the table's size. */
async function backfill(queryRunner: QueryRunner, table: string, sources: readonly string[], keys: readonly string[]): Promise<void> {
  let after = 0;
  for (;;) {
    const rows = (await queryRunner.query(
      `SELECT id, ${sources.join(", ")} FROM ${table} WHERE id > ? ORDER BY id LIMIT ${rowsPerStatement}`,
      [after],
    )) as Record<string, unknown>[];
    if (rows.length === 0) return;
    const ids = rows.map((row) => Number(row.id));
    const sets = keys.map((key) => `${key} = CASE id ${rows.map(() => "WHEN ? THEN ?").join(" ")} END`);
    const params = sources.flatMap((source) => rows.flatMap((row) => [Number(row.id), searchKey(String(row[source] ?? ""))]));
    await queryRunner.query(`UPDATE ${table} SET ${sets.join(", ")} WHERE id IN (${ids.map(() => "?").join(", ")})`, [...params, ...ids]);
    after = ids[ids.length - 1];
  }
}
