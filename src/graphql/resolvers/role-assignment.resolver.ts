import { Ctx, FieldResolver, ID, Resolver, Root } from "type-graphql";
import { roleTasks, type Task } from "../../access/role-tasks";
import type { Context } from "../../context";
import { CatalogCapacity, CatalogOnlineService, type Catalog } from "../../domain/catalog";
import { Enterprise, Person, RoleAssignment, type RoleAssignmentOnlineService } from "../../domain/entities";
import { TaskEnum } from "../../domain/enums";
import { encodeGlobalId } from "../global-ids";
import { nodeIdDescription } from "../../domain/node.type";

const grantedLists = new WeakMap<Catalog, Map<string, CatalogOnlineService[]>>();

/**
 * The catalog's online services among `codes`, in the catalog's order: one list per distinct set of codes, shared by
 * every row that holds that set (a page of users holds a handful). Read-only.
 */
function grantedServices(catalog: Catalog, codes: readonly string[]): CatalogOnlineService[] {
  let lists = grantedLists.get(catalog);
  if (!lists) grantedLists.set(catalog, (lists = new Map()));
  const key = codes.length === 1 ? codes[0] : [...codes].sort().join(",");
  let list = lists.get(key);
  if (!list) {
    const codeSet = new Set(codes);
    list = [...catalog.onlineServices.values()].filter((s) => codeSet.has(s.code));
    // Bounded by the catalog's subsets in use; a catalog of n services has at most 2^n, in practice a few dozen.
    if (lists.size < 4096) lists.set(key, list);
  }
  return list;
}

const grantedByRows = new WeakMap<readonly RoleAssignmentOnlineService[], CatalogOnlineService[]>();

/** `grantedServices` of an enterprise read model's rows (frozen, shared by requests): remembered with the rows. */
function grantedOfRows(catalog: Catalog, rows: readonly RoleAssignmentOnlineService[]): CatalogOnlineService[] {
  let list = grantedByRows.get(rows);
  if (!list)
    grantedByRows.set(
      rows,
      (list = grantedServices(
        catalog,
        rows.map((s) => s.onlineServiceCode),
      )),
    );
  return list;
}

@Resolver(() => RoleAssignment)
export class RoleAssignmentResolver {
  @FieldResolver(() => ID, { description: nodeIdDescription })
  nodeId(@Root() a: RoleAssignment): string {
    return encodeGlobalId("RoleAssignment", a.id);
  }

  // From the enterprise's read model when the request has it (no promise per row), else the loader's promise as it
  // is (a row exists for every key of a current assignment): no async wrapper per row.
  @FieldResolver(() => Person, { description: "Who holds the role." })
  person(@Root() a: RoleAssignment, @Ctx() { loaders }: Context): Person | Promise<Person> {
    return loaders.known.person(a.enterpriseId, a.personId) ?? (loaders.person.load(a.personId) as Promise<Person>);
  }

  @FieldResolver(() => Enterprise, { description: "The enterprise in which the role is held." })
  enterprise(@Root() a: RoleAssignment, @Ctx() { loaders }: Context): Promise<Enterprise> {
    return loaders.enterprise.load(a.enterpriseId) as Promise<Enterprise>;
  }

  @FieldResolver(() => CatalogCapacity, {
    nullable: true,
    description: "Set for ACCESS_MANAGER and USER: the capacity the role is scoped to.",
  })
  capacity(@Root() a: RoleAssignment, @Ctx() { catalog }: Context): CatalogCapacity | null {
    return a.capacityCode ? catalog.capacities.get(a.capacityCode)! : null;
  }

  @FieldResolver(() => [CatalogOnlineService], {
    description: "USER: the online services granted; ACCESS_MANAGER: every online service of the capacity; others: empty.",
  })
  onlineServices(
    @Root() a: RoleAssignment,
    @Ctx() { loaders, catalog }: Context,
  ): CatalogOnlineService[] | Promise<CatalogOnlineService[]> {
    if (a.role === "ACCESS_MANAGER" && a.capacityCode) {
      return catalog.capacities.get(a.capacityCode)!.onlineServiceCodes.map((code) => catalog.onlineServices.get(code)!);
    }
    if (a.role !== "USER") return [];
    if (a.servicesAsOf) return grantedServices(catalog, a.servicesAsOf);
    const known = loaders.known.onlineServices(a.enterpriseId, a.id);
    if (known) return grantedOfRows(catalog, known);
    return loaders.onlineServicesOfAssignment.load(a.id).then((rows) =>
      grantedServices(
        catalog,
        rows.map((s) => s.onlineServiceCode),
      ),
    );
  }

  @FieldResolver(() => [TaskEnum], { description: "The tasks the role includes, from the role-task table." })
  tasks(@Root() a: RoleAssignment): Task[] {
    return [...roleTasks[a.role]];
  }

  @FieldResolver(() => Person, {
    nullable: true,
    description: "Who granted the role; null for legal representatives (granted by the register) and to those who may not see that person.",
  })
  async grantedBy(@Root() a: RoleAssignment, @Ctx() { access, loaders }: Context): Promise<Person | null> {
    return a.grantedById && (await access.canSeePersonIn(a.enterpriseId, a.grantedById)) ? loaders.person.load(a.grantedById) : null;
  }
}
