import { Field, ObjectType } from "type-graphql";
import type { DataSource } from "typeorm";
import { BadUserInputError } from "../errors";
import { CapacityOnlineServiceRow, CapacityRow, OnlineServiceRow } from "./entities";
import type { Language } from "./entities/person.entity";
import type { Names } from "./catalog-data";
import { message } from "../i18n/messages";

/**
 * A capacity of the catalog. A type of its own, not the capacity table: the catalog is read once into memory, and
 * the API gives one name in the caller's language where the table has a column per language.
 */
@ObjectType("Capacity", {
  description: "A capacity (hoedanigheid) in which an enterprise acts towards social security: employer, enterprise without staff, ...",
  simpleResolvers: true,
})
export class CatalogCapacity {
  kind: "capacity";

  @Field(() => String, { description: "The stable code of the capacity, e.g. EMPLOYER_NSSO: pass it where an argument names a capacity." })
  code: string;

  names: Names;
  onlineServiceCodes: readonly string[];
}

/** An online service of the catalog; a type of its own for the same reasons as CatalogCapacity. */
@ObjectType("OnlineService", {
  description: "An online service of social security (Dimona, DmfA, ...), used in the capacities that offer it.",
  simpleResolvers: true,
})
export class CatalogOnlineService {
  kind: "onlineService";

  @Field(() => String, {
    description: "The stable code of the online service, e.g. DIMONA: pass it where an argument names an online service.",
  })
  code: string;

  names: Names;
  capacityCodes: readonly string[];
}

const namesOf = (row: CapacityRow | OnlineServiceRow): Names => ({ NL: row.nameNl, FR: row.nameFr, DE: row.nameDe, EN: row.nameEn });

/**
 * The capacity and online-service catalog, read once from the database at start-up: it is seeded by a migration
 * and changes only with a new migration (and a restart), so every request reads it from memory.
 */
export class Catalog {
  private constructor(
    readonly capacities: ReadonlyMap<string, CatalogCapacity>,
    readonly onlineServices: ReadonlyMap<string, CatalogOnlineService>,
  ) {}

  static async load(dataSource: DataSource): Promise<Catalog> {
    const [capacityRows, serviceRows, links] = await Promise.all([
      dataSource.getRepository(CapacityRow).find({ order: { position: "ASC" } }),
      dataSource.getRepository(OnlineServiceRow).find({ order: { position: "ASC" } }),
      dataSource.getRepository(CapacityOnlineServiceRow).find(),
    ]);
    const servicePosition = new Map(serviceRows.map((s) => [s.code, s.position]));
    const capacityPosition = new Map(capacityRows.map((c) => [c.code, c.position]));
    const capacities = new Map(
      capacityRows.map((row) => [
        row.code,
        Object.assign(new CatalogCapacity(), {
          kind: "capacity" as const,
          code: row.code,
          names: namesOf(row),
          onlineServiceCodes: links
            .filter((l) => l.capacityCode === row.code)
            .map((l) => l.onlineServiceCode)
            .sort((a, b) => servicePosition.get(a)! - servicePosition.get(b)!),
        }),
      ]),
    );
    const onlineServices = new Map(
      serviceRows.map((row) => [
        row.code,
        Object.assign(new CatalogOnlineService(), {
          kind: "onlineService" as const,
          code: row.code,
          names: namesOf(row),
          capacityCodes: links
            .filter((l) => l.onlineServiceCode === row.code)
            .map((l) => l.capacityCode)
            .sort((a, b) => capacityPosition.get(a)! - capacityPosition.get(b)!),
        }),
      ]),
    );
    return new Catalog(capacities, onlineServices);
  }

  /** The capacity with this code, or BAD_USER_INPUT naming `field`. */
  capacity(code: string, field = "capacity"): CatalogCapacity {
    const capacity = this.capacities.get(code.trim());
    if (!capacity) throw new BadUserInputError(field, message("input.unknownCapacity", { value: code }));
    return capacity;
  }

  onlineService(code: string, field = "onlineService"): CatalogOnlineService {
    const service = this.onlineServices.get(code.trim());
    if (!service) throw new BadUserInputError(field, message("input.unknownOnlineService", { value: code }));
    return service;
  }

  capacitiesOffering(serviceCode: string): ReadonlySet<string> {
    return new Set(this.onlineServices.get(serviceCode)?.capacityCodes ?? []);
  }
}

export function localName(names: Names, language: Language): string {
  return names[language];
}
