import type { DataSource } from "typeorm";
import { BadUserInputError } from "../errors";
import { CapacityOnlineServiceRow, CapacityRow, OnlineServiceRow } from "./entities";
import type { Language } from "./entities/person.entity";
import type { Names } from "./catalog-data";

export interface CatalogCapacity {
  kind: "capacity";
  code: string;
  names: Names;
  onlineServiceCodes: readonly string[];
}

export interface CatalogOnlineService {
  kind: "onlineService";
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
        {
          kind: "capacity" as const,
          code: row.code,
          names: namesOf(row),
          onlineServiceCodes: links
            .filter((l) => l.capacityCode === row.code)
            .map((l) => l.onlineServiceCode)
            .sort((a, b) => servicePosition.get(a)! - servicePosition.get(b)!),
        },
      ]),
    );
    const onlineServices = new Map(
      serviceRows.map((row) => [
        row.code,
        {
          kind: "onlineService" as const,
          code: row.code,
          names: namesOf(row),
          capacityCodes: links
            .filter((l) => l.onlineServiceCode === row.code)
            .map((l) => l.capacityCode)
            .sort((a, b) => capacityPosition.get(a)! - capacityPosition.get(b)!),
        },
      ]),
    );
    return new Catalog(capacities, onlineServices);
  }

  /** The capacity with this code, or BAD_USER_INPUT naming `field`. */
  capacity(code: string, field = "capacity"): CatalogCapacity {
    const capacity = this.capacities.get(code.trim());
    if (!capacity) throw new BadUserInputError(field, `Unknown capacity "${code.slice(0, 60)}": expected one of ${[...this.capacities.keys()].join(", ")}`);
    return capacity;
  }

  onlineService(code: string, field = "onlineService"): CatalogOnlineService {
    const service = this.onlineServices.get(code.trim());
    if (!service) throw new BadUserInputError(field, `Unknown online service "${code.slice(0, 60)}"`);
    return service;
  }

  capacitiesOffering(serviceCode: string): ReadonlySet<string> {
    return new Set(this.onlineServices.get(serviceCode)?.capacityCodes ?? []);
  }
}

export function localName(names: Names, language: Language): string {
  return names[language];
}
