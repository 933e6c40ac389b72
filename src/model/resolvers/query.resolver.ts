import { Arg, Ctx, Query, Resolver } from "type-graphql";
import { roleDescriptions, roleTasks, roles, type Task } from "../../access/role-tasks";
import type { Context } from "../../context";
import { CatalogCapacity, CatalogOnlineService } from "../catalog";
import { Enterprise, Person } from "../entities";
import { TaskEnum } from "../enums";
import { EnterpriseNumberScalar } from "../scalars";
import { Decision } from "../types/decision.type";
import { RoleDefinition } from "../types/role-definition.type";

/** The entry points of the read side. Who may call each is in src/access/shield.ts (every field has its rule). */
@Resolver()
export class QueryResolver {
  @Query(() => Person, { description: "The authenticated caller: their account and their roles." })
  me(@Ctx() { viewer }: Context): Person {
    return viewer!;
  }

  @Query(() => [RoleDefinition], { description: "The role-task table: which tasks each role includes." })
  roleTasks(): RoleDefinition[] {
    return roles.map((role) => ({ role, tasks: [...roleTasks[role]], description: roleDescriptions[role] }));
  }

  @Query(() => [CatalogCapacity], { description: "Every capacity of the catalog, in catalog order." })
  capacities(@Ctx() { catalog }: Context): CatalogCapacity[] {
    return [...catalog.capacities.values()];
  }

  @Query(() => [CatalogOnlineService], { description: "Every online service of the catalog, in catalog order." })
  onlineServices(@Ctx() { catalog }: Context): CatalogOnlineService[] {
    return [...catalog.onlineServices.values()];
  }

  @Query(() => [Enterprise], { description: "Enterprises in which the caller holds any role (or acts for as a service provider's staff), by enterprise number." })
  async myEnterprises(@Ctx() { access, loaders }: Context): Promise<Enterprise[]> {
    const ids = [...(await access.visibleEnterpriseIds())];
    const enterprises = (await loaders.enterprise.loadMany(ids)).filter((e): e is Enterprise => e !== null && !(e instanceof Error));
    return enterprises.sort((a, b) => a.number.localeCompare(b.number));
  }

  @Query(() => Enterprise, { nullable: true, description: "The enterprise with this number. Null where it does not exist or the caller holds no role in it." })
  async enterprise(
    @Arg("number", () => EnterpriseNumberScalar, { description: "The enterprise number, with or without dots, spaces or BE prefix." }) number: string,
    @Ctx() { access, loaders }: Context,
  ): Promise<Enterprise | null> {
    const enterprise = await loaders.enterpriseByNumber.load(number);
    return enterprise && (await access.canSee(enterprise)) ? enterprise : null;
  }

  @Query(() => Decision, { description: "May the caller perform the task in the enterprise (and capacity)? Never throws FORBIDDEN: ask before showing an action." })
  async can(
    @Arg("enterprise", () => EnterpriseNumberScalar, { description: "The enterprise to act in." }) number: string,
    @Arg("task", () => TaskEnum, { description: "The task to perform." }) task: Task,
    @Arg("capacity", () => String, {
      nullable: true,
      description: "For a capacity-scoped task, the capacity code to act in; without it, allowed if the caller may perform the task in at least one active capacity.",
    })
    capacity: string | null | undefined,
    @Ctx() { access, loaders, catalog }: Context,
  ): Promise<Decision> {
    const capacityCode = capacity ? catalog.capacity(capacity).code : null;
    return access.decideIn(await loaders.enterpriseByNumber.load(number), task, capacityCode);
  }

  @Query(() => Decision, {
    description: "May the caller use the online service for the enterprise, directly or through a service-provider mandate? For downstream online services.",
  })
  async canUseOnlineService(
    @Arg("enterprise", () => EnterpriseNumberScalar, { description: "The enterprise the service would be used for." }) number: string,
    @Arg("onlineService", () => String, { description: "The online service's code, e.g. DIMONA." }) onlineService: string,
    @Ctx() { access, loaders, catalog }: Context,
  ): Promise<Decision> {
    const service = catalog.onlineService(onlineService);
    return access.decideOnlineServiceIn(await loaders.enterpriseByNumber.load(number), service.code);
  }
}
