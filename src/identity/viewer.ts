import type { DataSource } from "typeorm";
import { primaryReader, retryWhileBusy } from "../database/data-source";
import { Person } from "../model/entities";
import { RowReader } from "../model/row-reader";
import type { Identity } from "./tokens";

const readers = new WeakMap<DataSource, RowReader>();

/**
 * The person behind a verified token, looked up on every request with the read side's prepared statement. A person
 * seen for the first time is created from the token's name claims (SPEC, Identity); two first requests racing each
 * other meet at the unique SSIN and both get the same row.
 */
export async function personFor(dataSource: DataSource, identity: Identity): Promise<Person> {
  let reader = readers.get(dataSource);
  if (!reader) readers.set(dataSource, (reader = new RowReader(dataSource.manager)));
  const [existing] = await reader.whereIn(Person, { ssin: [identity.ssin] });
  if (existing) return existing;
  const repository = dataSource.getRepository(Person);
  try {
    // SQLite: another process (a register import) may hold the write lock for a moment.
    return await retryWhileBusy(() => repository.save(
      repository.create({
        ssin: identity.ssin,
        givenName: identity.givenName ?? "",
        familyName: identity.familyName ?? "",
        email: null,
        phone: null,
        language: "NL",
        createdAt: new Date(),
      }),
    ));
  } catch (error) {
    // The row that won may not have reached a replica yet: look for it on the primary.
    const winner = await primaryReader(dataSource).getRepository(Person).findOneBy({ ssin: identity.ssin });
    if (winner) return winner;
    throw error;
  }
}
