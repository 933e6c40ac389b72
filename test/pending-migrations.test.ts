import { readdirSync } from "node:fs";
import { join } from "node:path";
import { openDatabase } from "../src/database/data-source";
import { migrations } from "../src/database/migrations";
import { migrationsPending, migrationTimestamps } from "../src/database/pending-migrations";
import { createTestDatabase, describeEachDatabase } from "./support/databases";

describe("the migrations this code has", () => {
  it("are read from the files' names as TypeORM records them: the timestamps that end the classes' names, in order", () => {
    const files = readdirSync(join(__dirname, "..", "src", "database", "migrations")).filter((name) => name !== "index.ts");
    expect(migrationTimestamps()).toHaveLength(files.length);
    expect(migrationTimestamps()).toEqual(migrations.map((migration) => Number(/(\d{13})$/.exec(migration.name)![1])));
  });
});

describeEachDatabase("whether a database lacks a migration, asked without opening it the usual way", (dialect) => {
  it("says so of a database not made yet, not of one just migrated, and again once a migration's record is gone", async () => {
    const database = await createTestDatabase(dialect);
    try {
      await expect(migrationsPending(database.url)).resolves.toBe(true);
      const dataSource = await openDatabase({ url: database.url });
      try {
        await expect(migrationsPending(database.url)).resolves.toBe(false);
        const latest = Math.max(...migrationTimestamps());
        await dataSource.query("DELETE FROM migrations WHERE timestamp = ?", [latest]);
        await expect(migrationsPending(database.url)).resolves.toBe(true);
      } finally {
        await dataSource.destroy();
      }
    } finally {
      await database.drop();
    }
  });

  it("says so of a database it cannot ask, so that the caller opens it and reports why", async () => {
    const url = dialect === "sqlite" ? "sqlite:/nonexistent/folder/access.sqlite" : "mysql://root@127.0.0.1:9/access";
    await expect(migrationsPending(url)).resolves.toBe(true);
  });
});
