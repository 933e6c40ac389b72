import type { DataSource } from "typeorm";
import { requestReader } from "../database/readers";
import { policies } from "../database/retry-policies";
import { runTransaction } from "../database/transaction";
import { Enterprise, Person, RoleAssignment } from "../domain/entities";
import { RowReader } from "../read/row-reader";
import type { Identity } from "./tokens";

const readers = new WeakMap<DataSource, RowReader>();

/**
 * The person behind a verified token, looked up on every request with the read side's prepared statement, among the
 * committed rows only: a person an open transaction creates or changes (a dry run's appointment) is not yet anyone's.
 * A person seen for the first time is created from the token's name claims (`given_name`, `family_name`) in a
 * transaction of its own that takes its turn with the management actions' (on SQLite one connection writes, and a
 * statement sent beside an open transaction would run inside it), looking again inside it: two first requests racing
 * each other meet at the unique SSIN and both get the same row, and a first request beside a transaction that creates
 * the same person waits for it to end.
 */
export async function personFor(dataSource: DataSource, identity: Identity): Promise<Person> {
  return (await viewerFor(dataSource, identity)).person;
}

/** The viewer, with what almost every request of theirs reads next: their assignments not ended, and those enterprises. */
export interface ViewerRows {
  person: Person;
  /** Not ended, by id; the request keeps those current at its instant (src/context.ts). Empty for a person just created. */
  assignments: RoleAssignment[];
  /** The enterprises of `assignments` (with their versions: src/read/enterprise-cache.ts). */
  enterprises: Enterprise[];
}

/**
 * `personFor`, and in the same statement the viewer's assignments not ended and their enterprises, which the request
 * would otherwise read with two more (its roles for every decision, the enterprises' rows for their versions). Read
 * from `readFrom`, where the rest of the request reads (src/database/fresh-reads.ts); a new person is written to
 * `dataSource`.
 */
export async function viewerFor(dataSource: DataSource, identity: Identity, readFrom = requestReader(dataSource)): Promise<ViewerRows> {
  let reader = readers.get(readFrom);
  if (!reader) readers.set(readFrom, (reader = new RowReader(readFrom.manager)));
  const rows = await reader.joined(
    "viewer",
    { p: Person, a: RoleAssignment, e: Enterprise },
    ({ p, a, e }) =>
      `SELECT ${p.prefixedColumns("p")}, ${a.prefixedColumns("a")}, ${e.prefixedColumns("e")} FROM ${p.table} p` +
      ` LEFT JOIN ${a.table} a ON a.${a.column("personId")} = p.${p.column("id")} AND a.${a.column("endedAt")} IS NULL` +
      ` LEFT JOIN ${e.table} e ON e.${e.column("id")} = a.${a.column("enterpriseId")}` +
      ` WHERE p.${p.column("ssin")} = ? ORDER BY a.${a.column("id")}`,
    [identity.ssin],
  );
  if (rows.length > 0) {
    const enterprises = new Map<number, Enterprise>();
    for (const row of rows) if (row.e) enterprises.set((row.e as unknown as Enterprise).id, row.e as unknown as Enterprise);
    return {
      person: rows[0].p as unknown as Person,
      assignments: rows.flatMap((row) => (row.a ? [row.a as unknown as RoleAssignment] : [])),
      enterprises: [...enterprises.values()],
    };
  }
  return { person: await createPerson(dataSource, identity), assignments: [], enterprises: [] };
}

async function createPerson(dataSource: DataSource, identity: Identity): Promise<Person> {
  // SQLite busy (another process, a register import, writing) and the SSIN race are retried there.
  return runTransaction({ dataSource, policy: policies.firstSignIn }, async (em) => {
    const winner = await em.findOneBy(Person, { ssin: identity.ssin });
    if (winner) return winner;
    return em.save(
      em.create(Person, {
        ssin: identity.ssin,
        givenName: identity.givenName ?? "",
        familyName: identity.familyName ?? "",
        email: null,
        phone: null,
        language: "NL",
        createdAt: new Date(),
      }),
    );
  });
}
