import type { DataSource } from "typeorm";
import { Enterprise, Person, RoleAssignment } from "../domain/entities";
import { formatEnterpriseNumber } from "../domain/identifiers";
import type { Role } from "../domain/roles";
import { currentAtSql } from "../domain/validity";

export interface PersonToActAs {
  ssin: string;
  givenName: string;
  familyName: string;
  /** Their current roles, oldest first. */
  roles: { role: Role; capacity: string | null; enterprise: { number: string; name: string } }[];
}

/** The most people the list holds: the demo register has five; a development database rarely more than a few dozen. */
export const maxPeopleToActAs = 50;

interface Row {
  personId: number;
  ssin: string;
  givenName: string;
  familyName: string;
  role: Role;
  capacity: string | null;
  enterpriseNumber: string;
  enterpriseName: string;
}

/**
 * The people a developer may act as in the playground (development only, src/http/act-as.ts): those with a role
 * current at `now`, in the order they were first registered, each with their current roles and enterprises; only the
 * person of `ssin` when given. Two statements: the people, then their roles.
 */
export async function peopleToActAs(
  dataSource: DataSource,
  { now, ssin, limit = maxPeopleToActAs }: { now: Date; ssin?: string; limit?: number },
): Promise<PersonToActAs[]> {
  const people = dataSource
    .createQueryBuilder(RoleAssignment, "ra")
    .select("ra.person_id", "personId")
    .distinct(true)
    .where(currentAtSql("ra"), { validAt: now })
    .orderBy("ra.person_id")
    .limit(limit);
  if (ssin !== undefined) people.innerJoin(Person, "p", "p.id = ra.person_id").andWhere("p.ssin = :ssin", { ssin });
  const ids = (await people.getRawMany<{ personId: number }>()).map((row) => Number(row.personId));
  if (ids.length === 0) return [];
  const rows = await dataSource
    .createQueryBuilder(RoleAssignment, "ra")
    .innerJoin(Person, "p", "p.id = ra.person_id")
    .innerJoin(Enterprise, "e", "e.id = ra.enterprise_id")
    .select("p.id", "personId")
    .addSelect("p.ssin", "ssin")
    .addSelect("p.given_name", "givenName")
    .addSelect("p.family_name", "familyName")
    .addSelect("ra.role", "role")
    .addSelect("ra.capacity_code", "capacity")
    .addSelect("e.number", "enterpriseNumber")
    .addSelect("e.name", "enterpriseName")
    .where("ra.person_id IN (:...ids)", { ids })
    .andWhere(currentAtSql("ra"), { validAt: now })
    .orderBy("ra.person_id")
    .addOrderBy("ra.id")
    .getRawMany<Row>();
  const byPerson = new Map<number, PersonToActAs>();
  for (const row of rows) {
    const id = Number(row.personId);
    let person = byPerson.get(id);
    if (!person) byPerson.set(id, (person = { ssin: row.ssin, givenName: row.givenName, familyName: row.familyName, roles: [] }));
    person.roles.push({
      role: row.role,
      capacity: row.capacity,
      enterprise: { number: formatEnterpriseNumber(row.enterpriseNumber), name: row.enterpriseName },
    });
  }
  return [...byPerson.values()];
}
