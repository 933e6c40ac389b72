import { In, type EntityManager } from "typeorm";
import { defaultLanguage, Person } from "../domain/entities";
import { rowsPerInsert } from "../domain/history";
import type { ActionScope } from "./action";
import type { PersonInput } from "./valid-input";

/**
 * Finds the person by SSIN or creates them. A known person keeps their own data, except names still empty
 * (first seen through a token without name claims), which the appointment fills. Their e-mail is
 * never filled, even when empty: whoever knows a national number could otherwise point someone's mail at themself.
 */
export async function upsertPerson(scope: ActionScope, input: PersonInput): Promise<Person> {
  const [person] = await upsertPeople(scope, [input]);
  return person;
}

/**
 * `upsertPerson` for several people (distinct national numbers), in a few statements whatever their number: one
 * lookup of the known, one multi-row insert of the new, read back by national number. Returns them in input order.
 */
export async function upsertPeople(
  { em, now }: ActionScope,
  inputs: readonly PersonInput[],
  /** The people of these numbers already looked up (peopleBySsin), when the caller has. */
  known?: ReadonlyMap<string, Person>,
): Promise<Person[]> {
  known ??= await peopleBySsin(
    em,
    inputs.map((input) => input.ssin),
  );
  const fresh = inputs.filter((input) => !known.has(input.ssin));
  const rows = fresh.map((input) => ({
    ssin: input.ssin,
    givenName: input.givenName,
    familyName: input.familyName,
    email: input.email ?? null,
    phone: null,
    language: defaultLanguage,
    createdAt: now,
  }));
  for (let i = 0; i < rows.length; i += rowsPerInsert)
    await em
      .createQueryBuilder()
      .insert()
      .into(Person)
      .values(rows.slice(i, i + rowsPerInsert))
      .updateEntity(false)
      .execute();
  const created = await peopleBySsin(
    em,
    fresh.map((input) => input.ssin),
  );
  const people: Person[] = [];
  for (const input of inputs) {
    const existing = known.get(input.ssin);
    if (!existing) {
      people.push(created.get(input.ssin)!);
      continue;
    }
    const fill: Partial<Person> = {};
    if (existing.givenName === "") fill.givenName = input.givenName;
    if (existing.familyName === "") fill.familyName = input.familyName;
    if (Object.keys(fill).length > 0) {
      await em.update(Person, { id: existing.id }, fill);
      Object.assign(existing, fill);
    }
    people.push(existing);
  }
  return people;
}

/** The known people of these national numbers, by number: one read per 500. */
export async function peopleBySsin(em: EntityManager, ssins: readonly string[]): Promise<Map<string, Person>> {
  const found = new Map<string, Person>();
  for (let i = 0; i < ssins.length; i += rowsPerInsert)
    for (const person of await em.findBy(Person, { ssin: In(ssins.slice(i, i + rowsPerInsert)) })) found.set(person.ssin, person);
  return found;
}
