import { Ctx, FieldResolver, ID, Resolver, Root } from "type-graphql";
import { roleTasks, type Task } from "../../access/role-tasks";
import type { Context } from "../../context";
import { CatalogCapacity, CatalogOnlineService } from "../catalog";
import { Enterprise, Person, RoleAssignment } from "../entities";
import { TaskEnum } from "../enums";
import { encodeGlobalId } from "../global-ids";
import { nodeIdDescription } from "../types/node.type";

@Resolver(() => RoleAssignment)
export class RoleAssignmentResolver {
  @FieldResolver(() => ID, { description: nodeIdDescription })
  nodeId(@Root() a: RoleAssignment): string {
    return encodeGlobalId("RoleAssignment", a.id);
  }

  // The loader's promise as it is (a row exists for every key of a current assignment): no async wrapper per row.
  @FieldResolver(() => Person, { description: "Who holds the role." })
  person(@Root() a: RoleAssignment, @Ctx() { loaders }: Context): Promise<Person> {
    return loaders.person.load(a.personId) as Promise<Person>;
  }

  @FieldResolver(() => Enterprise, { description: "The enterprise in which the role is held." })
  enterprise(@Root() a: RoleAssignment, @Ctx() { loaders }: Context): Promise<Enterprise> {
    return loaders.enterprise.load(a.enterpriseId) as Promise<Enterprise>;
  }

  @FieldResolver(() => CatalogCapacity, { nullable: true, description: "Set for ACCESS_MANAGER and USER: the capacity the role is scoped to." })
  capacity(@Root() a: RoleAssignment, @Ctx() { catalog }: Context): CatalogCapacity | null {
    return a.capacityCode ? catalog.capacities.get(a.capacityCode)! : null;
  }

  @FieldResolver(() => [CatalogOnlineService], { description: "USER: the online services granted; ACCESS_MANAGER: every online service of the capacity; others: empty." })
  onlineServices(@Root() a: RoleAssignment, @Ctx() { loaders, catalog }: Context): CatalogOnlineService[] | Promise<CatalogOnlineService[]> {
    if (a.role === "ACCESS_MANAGER" && a.capacityCode) {
      return catalog.capacities.get(a.capacityCode)!.onlineServiceCodes.map((code) => catalog.onlineServices.get(code)!);
    }
    if (a.role !== "USER") return [];
    const granted = (codes: readonly string[]) => {
      const codeSet = new Set(codes);
      return [...catalog.onlineServices.values()].filter((s) => codeSet.has(s.code));
    };
    if (a.servicesAsOf) return granted(a.servicesAsOf);
    return loaders.onlineServicesOfAssignment.load(a.id).then((rows) => granted(rows.map((s) => s.onlineServiceCode)));
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
