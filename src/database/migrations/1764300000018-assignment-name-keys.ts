import type { MigrationInterface, QueryRunner } from "typeorm";
import { createNameKeyTable, createNameKeyTriggers, dropNameKeyTriggers, nameKeyTable, rebuildNameKeys } from "../name-keys";

/**
 * The folded names of each enterprise's assignments, by enterprise (src/database/name-keys.ts): a search of
 * `roleAssignments` by a name prefix, and its order by family name, read a range of the enterprise's own entries
 * instead of every person of the database whose name starts so (1.8 s at 1,000,000 people on MariaDB).
 *
 * The triggers come first, then the fill, in batches of assignment ids: a gateway still serving on the schema before
 * writes assignments meanwhile, and each write lands in the table by its trigger, or in a batch not yet run.
 */
export class AssignmentNameKeys1764300000018 implements MigrationInterface {
  name = "AssignmentNameKeys1764300000018";

  async up(queryRunner: QueryRunner): Promise<void> {
    await createNameKeyTable(queryRunner);
    await createNameKeyTriggers(queryRunner);
    await rebuildNameKeys(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropNameKeyTriggers(queryRunner);
    await queryRunner.query(`DROP TABLE ${nameKeyTable}`);
  }
}
