import type { DataSource } from "typeorm";
import { openDatabase } from "../src/database/data-source";
import { Person } from "../src/domain/entities";
import { maxKeysPerStatement, RowReader } from "../src/read/row-reader";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "./support/databases";
import { ssin } from "./support/identities";

/**
 * The read side's statements bind their keys: a batch longer than a statement may bind (SQLite refuses more than
 * 32,766 parameters, MariaDB 65,535) is read in parts and answers the same rows, in the same order.
 */
describeEachDatabase("row reader: batches longer than a statement binds", (dialect) => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const ids: number[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    dataSource = await openDatabase({ url: database.url });
    for (let i = 0; i < 5; i++) {
      const person = await dataSource.getRepository(Person).save({
        ssin: ssin(),
        givenName: "Batch",
        familyName: `Person ${i}`,
        email: null,
        phone: null,
        language: "NL",
        createdAt: new Date(),
      });
      ids.push(person.id);
    }
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it("answers 40,000 keys (past both databases' limits) with exactly the rows that exist, in id order", async () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => 1_000_000 + i);
    // The rows that exist sit in different parts, the last one past the first part's end.
    keys[3] = ids[4];
    keys[maxKeysPerStatement + 7] = ids[0];
    keys[39_999] = ids[2];
    const rows = await new RowReader(dataSource.manager).whereIn(Person, { id: keys }, { orderById: true });
    expect(rows.map((p) => p.id)).toEqual([ids[0], ids[2], ids[4]].sort((a, b) => a - b));
    expect(rows.every((p) => p.givenName === "Batch")).toBe(true);
  });
});
