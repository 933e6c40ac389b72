import type { DataSource } from "typeorm";
import { primaryReader, retryWhileBusy } from "../database/data-source";
import { Person } from "../model/entities";
import type { Identity } from "./tokens";

/**
 * The person behind a verified token. A person seen for the first time is created from the token's name claims
 * (SPEC, Identity); two first requests racing each other meet at the unique SSIN and both get the same row.
 */
export async function personFor(dataSource: DataSource, identity: Identity): Promise<Person> {
  const repository = dataSource.getRepository(Person);
  const existing = await repository.findOneBy({ ssin: identity.ssin });
  if (existing) return existing;
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
