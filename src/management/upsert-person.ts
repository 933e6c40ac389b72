import { Person } from "../domain/entities";
import type { ActionScope } from "./action";
import type { PersonInput } from "./valid-input";

/**
 * Finds the person by SSIN or creates them. A known person keeps their own data, except names still empty
 * (first seen through a token without name claims), which the appointment fills. Their e-mail is
 * never filled, even when empty: whoever knows a national number could otherwise point someone's mail at themself.
 */
export async function upsertPerson({ em, now }: ActionScope, input: PersonInput): Promise<Person> {
  const existing = await em.findOneBy(Person, { ssin: input.ssin });
  if (!existing) {
    const person = em.create(Person, {
      ssin: input.ssin,
      givenName: input.givenName,
      familyName: input.familyName,
      email: input.email ?? null,
      phone: null,
      language: "NL",
      createdAt: now,
    });
    return em.save(person);
  }
  const fill: Partial<Person> = {};
  if (existing.givenName === "") fill.givenName = input.givenName;
  if (existing.familyName === "") fill.familyName = input.familyName;
  if (Object.keys(fill).length > 0) {
    await em.update(Person, { id: existing.id }, fill);
    Object.assign(existing, fill);
  }
  return existing;
}
