import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, Info, Int, Query, Resolver } from "type-graphql";
import { asOf as past, asOfDescription } from "./as-of";
import { roleDescriptions, roleTasks, roles, type Task } from "../../access/role-tasks";
import type { Context } from "../../context";
import { BadUserInputError } from "../../errors";
import { CatalogCapacity, CatalogOnlineService } from "../../domain/catalog";
import { AccessRequest, Enterprise, Person } from "../../domain/entities";
import type { AccessRequestStatus } from "../../domain/states";
import { accessRequestPage } from "../../read/access-request-pages";
import { AccessRequestStatusEnum, TaskEnum } from "../../domain/enums";
import { type Page } from "../../read/read-models";
import { visibleEnterprisePage } from "../../read/enterprise-pages";
import { DateTimeScalar, EnterpriseNumberScalar } from "../../domain/scalars";
import { AccessRequestConnection, EnterpriseConnection } from "../types/connections";
import { Decision } from "../types/decision.type";
import { ErrorCatalog, errorCatalog } from "../types/error-catalog.type";
import { RoleDefinition } from "../types/role-definition.type";
import { RateLimit } from "../types/rate-limit.type";
import { message } from "../../i18n/messages";
import { beforeDescription, lastDescription, pageWindowOf, selectsField } from "../page-arguments";

/** The enterprises the viewer sees, ordered by number: what `myEnterprises` lists and its connection pages through. */
async function visibleEnterprises({ access, loaders }: Context): Promise<Enterprise[]> {
  const ids = [...(await access.visibleEnterpriseIds())];
  const enterprises = (await loaders.enterprise.loadMany(ids)).filter((e): e is Enterprise => e !== null && !(e instanceof Error));
  return enterprises.sort((a, b) => a.number.localeCompare(b.number));
}

/** The entry points of the read side. Who may call each is in src/graphql/shield.ts (every field has its rule). */
@Resolver()
export class QueryResolver {
  @Query(() => Person, { description: "The authenticated caller: their account and their roles." })
  me(@Ctx() { viewer }: Context): Person {
    return viewer!;
  }

  @Query(() => ErrorCatalog, {
    description:
      "Every error code and reason the gateway answers, with what each means. Answered to anyone, signed in or not: it is the published contract of the errors and tells nothing of the data.",
  })
  errorCatalog(): ErrorCatalog {
    return errorCatalog;
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

  @Query(() => [Enterprise], {
    description: "Enterprises in which the caller holds any role (or acts for as a service provider's staff), by enterprise number.",
  })
  myEnterprises(@Ctx() context: Context): Promise<Enterprise[]> {
    return visibleEnterprises(context);
  }

  @Query(() => AccessRequestConnection, {
    description: "The caller's own access requests, newest first, with where each stands.",
  })
  async myAccessRequests(
    @Arg("status", () => AccessRequestStatusEnum, { nullable: true, description: "Only requests in this status now. Without it, all." })
    status: AccessRequestStatus | null | undefined,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50, description: "How many requests to return, from 0 to 100." })
    first: number | null | undefined,
    @Arg("after", () => String, { nullable: true, description: "The `endCursor` of the previous page; omit it for the first page." })
    after: string | null | undefined,
    @Arg("last", () => Int, { nullable: true, description: lastDescription }) last: number | null | undefined,
    @Arg("before", () => String, { nullable: true, description: beforeDescription }) before: string | null | undefined,
    @Ctx() { viewer, readManager, now }: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<AccessRequest>> {
    return accessRequestPage(readManager, {
      where: { personId: viewer!.id },
      status: status ?? null,
      now,
      window: pageWindowOf({ first, after, last, before }, info),
      order: "DESC",
    });
  }

  @Query(() => EnterpriseConnection, {
    description:
      "The enterprises of `myEnterprises`, a page at a time (ordered by enterprise number): for callers who see many, such as a service provider's staff.",
  })
  async myEnterprisesConnection(
    @Arg("first", () => Int, { nullable: true, defaultValue: 50, description: "How many enterprises to return, from 0 to 100." })
    first: number | null | undefined,
    @Arg("after", () => String, { nullable: true, description: "A cursor from a previous page: the page starts after that enterprise." })
    after: string | null | undefined,
    @Arg("last", () => Int, { nullable: true, description: lastDescription }) last: number | null | undefined,
    @Arg("before", () => String, { nullable: true, description: beforeDescription }) before: string | null | undefined,
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<Enterprise>> {
    const window = pageWindowOf({ first, after, last, before }, info);
    // The keyset is the cursor's enterprise number: a page stays right when that enterprise has since left the list
    // (a mandate ended) or others joined it.
    return visibleEnterprisePage(context.readManager, {
      reach: await context.access.enterpriseReach(),
      window,
      now: context.now,
      countTotal: selectsField(info, "totalCount"),
      whole: () => visibleEnterprises(context),
      enterpriseById: async (id, field) => {
        const at = await context.loaders.enterprise.load(id);
        if (!at) throw new BadUserInputError(field, message("input.cursor"));
        return at;
      },
    });
  }

  @Query(() => RateLimit, {
    nullable: true,
    description:
      "The caller's own budget of cost points, like GitHub's `rateLimit`: what this operation costs, and what is left until when. Costs nothing itself. Null when rate limits are off (or the budget's store cannot be read); every answer also carries it in `extensions.cost`.",
  })
  rateLimit(@Ctx() { costBudget }: Context, @Info() info: GraphQLResolveInfo): RateLimit | null {
    const reserved = costBudget?.reserved.get(info.operation);
    return reserved?.state ? { cost: reserved.cost, ...reserved.state } : null;
  }

  @Query(() => Enterprise, {
    nullable: true,
    description: "The enterprise with this number. Null where it does not exist or the caller holds no role in it.",
  })
  async enterprise(
    @Arg("number", () => EnterpriseNumberScalar, { description: "The enterprise number, with or without dots, spaces or BE prefix." })
    number: string,
    @Ctx() { access, loaders }: Context,
  ): Promise<Enterprise | null> {
    const enterprise = await loaders.enterpriseByNumber.load(number);
    return enterprise && (await access.canSee(enterprise)) ? enterprise : null;
  }

  @Query(() => Decision, {
    description:
      "May the caller perform the task in the enterprise (and capacity)? Never throws FORBIDDEN without `asOf`: ask before showing an action. With `asOf`: could the caller have, at that instant?",
  })
  async can(
    @Arg("enterprise", () => EnterpriseNumberScalar, { description: "The enterprise to act in." }) number: string,
    @Arg("task", () => TaskEnum, { description: "The task to perform." }) task: Task,
    @Arg("capacity", () => String, {
      nullable: true,
      description:
        "For a capacity-scoped task, the capacity code to act in; without it, allowed if the caller may perform the task in at least one active capacity.",
    })
    capacity: string | null | undefined,
    @Arg("asOf", () => DateTimeScalar, { nullable: true, description: asOfDescription }) asOf: Date | null | undefined,
    @Ctx() context: Context,
  ): Promise<Decision> {
    const { access, loaders, catalog } = context;
    const capacityCode = capacity ? catalog.capacity(capacity).code : null;
    const enterprise = await loaders.enterpriseByNumber.load(number);
    if (asOf && enterprise) {
      const then = await past(context, enterprise, asOf);
      return then.view.access.decide(then.enterprise, task, capacityCode);
    }
    return {
      ...(await access.decideIn(enterprise, task, capacityCode)),
      asked: { enterprise: number, capacity: capacityCode, service: null },
    };
  }

  @Query(() => Decision, {
    description:
      "May the caller use the online service for the enterprise, directly or through a service-provider mandate? For downstream online services.",
  })
  async canUseOnlineService(
    @Arg("enterprise", () => EnterpriseNumberScalar, { description: "The enterprise the service would be used for." }) number: string,
    @Arg("onlineService", () => String, { description: "The online service's code, e.g. DIMONA." }) onlineService: string,
    @Arg("asOf", () => DateTimeScalar, { nullable: true, description: asOfDescription }) asOf: Date | null | undefined,
    @Ctx() context: Context,
  ): Promise<Decision> {
    const { access, loaders, catalog } = context;
    const service = catalog.onlineService(onlineService);
    const enterprise = await loaders.enterpriseByNumber.load(number);
    if (asOf && enterprise) {
      const then = await past(context, enterprise, asOf);
      return then.view.access.decideOnlineService(then.enterprise, service.code);
    }
    return {
      ...(await access.decideOnlineServiceIn(enterprise, service.code)),
      asked: { enterprise: number, capacity: null, service: service.code },
    };
  }
}
