import type { DataSource } from "typeorm";
import { requestReader } from "../database/data-source";
import { runMaintenance } from "../management/action";
import { Person } from "../model/entities";
import { RowReader } from "../model/row-reader";
import type { Identity } from "./tokens";

const readers = new WeakMap<DataSource, RowReader>();

/**
 * The person behind a verified token, looked up on every request with the read side's prepared statement, among the
 * committed rows only: a person an open transaction creates or changes (a dry run's appointment) is not yet anyone's.
 * A person seen for the first time is created from the token's name claims (SPEC, Identity) in a transaction of its
 * own that takes its turn with the management actions' (on SQLite one connection writes, and a statement sent beside
 * an open transaction would run inside it), looking again inside it: two first requests racing each other meet at the
 * unique SSIN and both get the same row, and a first request beside a transaction that creates the same person waits
 * for it to end.
 */
export async function personFor(dataSource: DataSource, identity: Identity): Promise<Person> {
  let reader = readers.get(dataSource);
  if (!reader) readers.set(dataSource, (reader = new RowReader(requestReader(dataSource).manager)));
  const [existing] = await reader.whereIn(Person, { ssin: [identity.ssin] });
  if (existing) return existing;
  // SQLite busy (another process, a register import, writing) and the SSIN race are retried there.
  return runMaintenance(dataSource, async (em) => {
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
