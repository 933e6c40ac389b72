import type { DataSource, QueryRunner } from "typeorm";
import { dialectOf, missingTriggers, type Dialect } from "./dialect";
import { strictSqlMode } from "./enterprise-versions";

/**
 * The folded names of an enterprise's assignments, by enterprise: what a search of `roleAssignments` by a name prefix
 * and its order by family name read, as a range of one index whatever the size of the database.
 *
 * A search joined to `person` ranges over the folded names of every person of the database (`ix_person_family_key`)
 * and keeps those holding a role in the enterprise, or reads every assignment of the enterprise and looks each person
 * up: either costs the size of the database or of the enterprise, not of the answer (1.8 s for "Peet" in the 100,000
 * users of one employer, among 1,000,000 people, in the scale benchmark). `assignment_name_key` holds, for each
 * assignment not ended, its enterprise, its person and the person's folded family and given names
 * (src/domain/search-key.ts), indexed by (enterprise, family name, given name, assignment) and (enterprise, given name,
 * assignment): a prefix is a range of the enterprise's own entries, and the order by family name the index's order.
 *
 * **Database triggers keep it, as the version and the change log**: not every writer is this application (the register
 * import, an operator's SQL, migrations). An assignment written (inserted, ended, moved to another enterprise or
 * person) rewrites its entry; a person's folded names changed rewrite the entries of their assignments. The table is
 * derived data: no version and no change log entry of its own (the assignment's and the person's writes move those),
 * and a search joins it to `role_assignment`, so an entry that outlived its assignment matches nothing.
 *
 * Lost triggers (a dump restored without them, a table rebuilt by a later migration on SQLite): a gateway's start
 * creates them again and rebuilds the table (`restoreNameKeyTriggers`), as it does for the change log's.
 */
export const nameKeyTable = "assignment_name_key";

type Event = "INSERT" | "UPDATE" | "DELETE";

interface NameKeyTrigger {
  name: string;
  table: "role_assignment" | "person";
  event: Event;
  /** When the trigger acts (every row when absent), on OLD and NEW. */
  when?: string;
  statements: (dialect: Dialect) => string[];
}

/** Writes the entry of the assignment NEW, if it is not ended; replacing one left by a write the triggers missed. */
const writeEntry = (dialect: Dialect) =>
  `${dialect === "mysql" ? "REPLACE" : "INSERT OR REPLACE"} INTO ${nameKeyTable} (assignment_id, enterprise_id, person_id, family_key, given_key) ` +
  `SELECT NEW.id, NEW.enterprise_id, NEW.person_id, p.family_key, p.given_key FROM person p WHERE p.id = NEW.person_id AND NEW.ended_at IS NULL`;

export const nameKeyTriggers: readonly NameKeyTrigger[] = [
  { name: "tr_role_assignment_name_key_insert", table: "role_assignment", event: "INSERT", statements: (d) => [writeEntry(d)] },
  {
    name: "tr_role_assignment_name_key_update",
    table: "role_assignment",
    event: "UPDATE",
    // Only what places the entry: its ending (or an end undone), its enterprise, its person.
    when: "(OLD.ended_at IS NULL) <> (NEW.ended_at IS NULL) OR OLD.enterprise_id <> NEW.enterprise_id OR OLD.person_id <> NEW.person_id",
    // An assignment ended (the common case: the expiry, a deleted access ending thousands at once) only loses its
    // entry: the write of a new one is not even run for it.
    statements: (d) => [
      `DELETE FROM ${nameKeyTable} WHERE assignment_id = OLD.id`,
      d === "mysql" ? `IF NEW.ended_at IS NULL THEN ${writeEntry(d)}; END IF` : writeEntry(d),
    ],
  },
  {
    name: "tr_role_assignment_name_key_delete",
    table: "role_assignment",
    event: "DELETE",
    statements: () => [`DELETE FROM ${nameKeyTable} WHERE assignment_id = OLD.id`],
  },
  {
    name: "tr_person_name_key_update",
    table: "person",
    event: "UPDATE",
    when: "NOT (OLD.family_key = NEW.family_key AND OLD.given_key = NEW.given_key)",
    statements: () => [`UPDATE ${nameKeyTable} SET family_key = NEW.family_key, given_key = NEW.given_key WHERE person_id = NEW.id`],
  },
];

export function nameKeyTriggerSql(dialect: Dialect, trigger: NameKeyTrigger): string {
  const head = `CREATE TRIGGER ${trigger.name} AFTER ${trigger.event} ON ${trigger.table} FOR EACH ROW`;
  const body = trigger
    .statements(dialect)
    .map((s) => `${s};`)
    .join(" ");
  if (dialect === "sqlite") return `${head}${trigger.when ? ` WHEN ${trigger.when}` : ""} BEGIN ${body} END`;
  return trigger.when ? `${head} BEGIN IF ${trigger.when} THEN ${body} END IF; END` : `${head} BEGIN ${body} END`;
}

/** Creates the table and its indexes (empty). */
export async function createNameKeyTable(queryRunner: QueryRunner): Promise<void> {
  const mysql = dialectOf(queryRunner.connection) === "mysql";
  const id = mysql ? "int" : "integer";
  await queryRunner.query(
    `CREATE TABLE ${nameKeyTable} (assignment_id ${id} NOT NULL PRIMARY KEY, enterprise_id ${id} NOT NULL, person_id ${id} NOT NULL, ` +
      `family_key varchar(200) NOT NULL DEFAULT '', given_key varchar(200) NOT NULL DEFAULT '')` +
      (mysql ? " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci" : ""),
  );
  await queryRunner.query(`CREATE INDEX ix_name_key_family ON ${nameKeyTable} (enterprise_id, family_key, given_key, assignment_id)`);
  await queryRunner.query(`CREATE INDEX ix_name_key_given ON ${nameKeyTable} (enterprise_id, given_key, assignment_id)`);
  await queryRunner.query(`CREATE INDEX ix_name_key_person ON ${nameKeyTable} (person_id)`);
}

export async function createNameKeyTriggers(queryRunner: QueryRunner, { only }: { only?: ReadonlySet<string> } = {}): Promise<void> {
  const dialect = dialectOf(queryRunner.connection);
  const restore = dialect === "mysql" ? await strictSqlMode(queryRunner) : async () => {};
  try {
    for (const trigger of nameKeyTriggers) {
      if (only && !only.has(trigger.name)) continue;
      await queryRunner.query(nameKeyTriggerSql(dialect, trigger));
    }
  } finally {
    await restore();
  }
}

export async function dropNameKeyTriggers(queryRunner: QueryRunner): Promise<void> {
  for (const trigger of nameKeyTriggers) await queryRunner.query(`DROP TRIGGER IF EXISTS ${trigger.name}`);
}

/** Assignments read per statement when the table is filled: short statements, a bounded write set (Galera's too). */
const rebuildBatch = 10_000;

/**
 * Fills the table from the assignments not ended, in batches of assignment ids, each entry replacing any there (a
 * rebuild after lost triggers: the entries of assignments ended or gone meanwhile are removed first).
 */
export async function rebuildNameKeys(queryRunner: QueryRunner): Promise<void> {
  const dialect = dialectOf(queryRunner.connection);
  await queryRunner.query(
    `DELETE FROM ${nameKeyTable} WHERE NOT EXISTS (SELECT 1 FROM role_assignment t WHERE t.id = ${nameKeyTable}.assignment_id AND t.ended_at IS NULL)`,
  );
  const [{ top }] = (await queryRunner.query("SELECT COALESCE(MAX(id), 0) AS top FROM role_assignment")) as { top: unknown }[];
  for (let from = 0; from < Number(top); from += rebuildBatch) {
    await queryRunner.query(
      `${dialect === "mysql" ? "REPLACE" : "INSERT OR REPLACE"} INTO ${nameKeyTable} (assignment_id, enterprise_id, person_id, family_key, given_key) ` +
        "SELECT t.id, t.enterprise_id, t.person_id, p.family_key, p.given_key FROM role_assignment t JOIN person p ON p.id = t.person_id " +
        "WHERE t.id > ? AND t.id <= ? AND t.ended_at IS NULL",
      [from, from + rebuildBatch],
    );
  }
}

/** The table's triggers this database lacks. */
export async function missingNameKeyTriggers(dataSource: DataSource): Promise<string[]> {
  return missingTriggers(
    dataSource,
    nameKeyTriggers.map((t) => t.name),
  );
}

/**
 * At a gateway's start: creates the triggers found missing and, if it created any, rebuilds the table (the writes made
 * without them may have left it behind). Returns the triggers it created.
 */
export async function restoreNameKeyTriggers(dataSource: DataSource): Promise<string[]> {
  const missing = await missingNameKeyTriggers(dataSource);
  if (missing.length === 0) return [];
  const runner = dataSource.createQueryRunner();
  try {
    await createNameKeyTriggers(runner, { only: new Set(missing) });
    await rebuildNameKeys(runner);
  } finally {
    await runner.release();
  }
  return missing;
}
