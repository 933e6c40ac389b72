import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, FieldResolver, ID, Info, Int, Resolver, Root } from "type-graphql";
import { tasks, type Role, type Task } from "../../access/role-tasks";
import type { Context } from "../../context";
import { BadUserInputError, QueryTooComplexError } from "../../errors";
import { refuseListPastBudget } from "../answer-budget";
import {
  AccessRequest,
  AuditEvent,
  Enterprise,
  Person,
  RoleAssignment,
  ServiceProviderMandate,
  StructuredMessagingConfig,
} from "../../domain/entities";
import { AccessRequestStatusEnum, MandateStatusEnum, RoleEnum, TaskEnum } from "../../domain/enums";
import { EBoxModel, emptyPage, EnterpriseCapacityModel, filterAsync, pageSize, type Page } from "../../read/read-models";
import {
  AccessRequestConnection,
  AuditEventConnection,
  RoleAssignmentConnection,
  ServiceProviderMandateConnection,
} from "../types/connections";
import { keysetPage } from "../../read/keyset-page";
import { encodeGlobalId } from "../global-ids";
import { roleAssignmentsAsOf } from "../../read/history-loaders";
import { DateTimeScalar } from "../../domain/scalars";
import { asOf as past, asOfDescription } from "./as-of";
import { nodeIdDescription } from "../../domain/node.type";
import { ExpiringRight } from "../../read/expiring-right.type";
import { expiringRights } from "../../read/expiring-rights";
import { message } from "../../i18n/messages";
import { beforeDescription, lastDescription, pageWindowOf } from "../page-arguments";
import { RoleAssignmentOrder } from "../types/role-assignment-order.type";
import { decodeOrderedCursor } from "../../read/ordered-page";
import { roleAssignmentOrder, searchRoleAssignments } from "../../read/role-assignment-search";
import { searchTerm } from "../../read/search-terms";
import { countMandates, mandatePage } from "../../read/mandate-pages";
import type { AccessRequestStatus, MandateStatus } from "../../domain/states";
import { accessRequestPage } from "../../read/access-request-pages";

const present = <T>(value: T | null | Error): value is T => value !== null && !(value instanceof Error);

const firstDescription = "How many items to return, 0 to 100.";
const searchEnterpriseDescription = (party: string) =>
  `Only mandates whose ${party} has this enterprise number (in any format the EnterpriseNumber scalar accepts) or a name starting with this text, regardless of case and accents.`;
const mandateCapacityDescription = "Only mandates in this capacity (a capacity code): the client's capacity in which the provider acts.";
const mandateStatusDescription =
  "Only mandates in force now (ACTIVE) or no longer (ENDED: ended, replaced or expired). Without it, both, as `clients` and `serviceProviders` list them.";
const validBeforeDescription = "Only mandates whose `validUntil` lies before this instant (those without one never expire).";
const afterDescription = "The `endCursor` of the previous page; omit it for the first page.";

/**
 * The v1 lists `clients` and `serviceProviders` stay, bounded by their real length: the mandates the viewer may list
 * are counted first (an index range), and a list whose answer would pass the response budget is refused then, with
 * QUERY_TOO_COMPLEX (`responseBytes`) naming the connection to page it with, before any mandate is read or built.
 */
async function refuseLongMandateList(
  e: Enterprise,
  side: "clients" | "providers",
  context: Context,
  info: GraphQLResolveInfo,
): Promise<void> {
  const scope = await context.access.mandateScope(e.id, side);
  const count = await countMandates(context.readManager, { enterpriseId: e.id, side, scope });
  const [list, connection] = side === "clients" ? ["clients", "clientsConnection"] : ["serviceProviders", "serviceProvidersConnection"];
  refuseListPastBudget(
    context,
    info,
    count,
    (max) =>
      new QueryTooComplexError("responseBytes", max, Number.NaN, message("limits.responseBytesList", { max, list, count, connection })),
  );
}

/**
 * What each field shows is asked of the access layer (src/access): an enterprise can be reached without being one's
 * own (the other party of a mandate), and its members see only what their roles need.
 */
@Resolver(() => Enterprise)
export class EnterpriseResolver {
  @FieldResolver(() => ID, { description: nodeIdDescription })
  nodeId(@Root() e: Enterprise): string {
    return encodeGlobalId("Enterprise", e.id);
  }

  @FieldResolver(() => [Person], {
    description: "The enterprise's legal representatives, from the register. Empty to those who hold no role in it.",
  })
  async legalRepresentatives(@Root() e: Enterprise, @Ctx() { access, loaders }: Context): Promise<Person[]> {
    if (!(await access.seesLeadershipOf(e.id))) return [];
    const holders = await loaders.roleHolders.load(`${e.id}:LEGAL_REPRESENTATIVE`);
    return (await loaders.person.loadMany(holders.map((h) => h.personId))).filter(present<Person>);
  }

  @FieldResolver(() => Person, {
    nullable: true,
    description: "The main access manager; null until one is appointed, and to those who hold no role in the enterprise.",
  })
  async mainAccessManager(@Root() e: Enterprise, @Ctx() { access, loaders }: Context): Promise<Person | null> {
    if (!(await access.seesLeadershipOf(e.id))) return null;
    const [main] = await loaders.roleHolders.load(`${e.id}:MAIN_ACCESS_MANAGER`);
    return main ? loaders.person.load(main.personId) : null;
  }

  @FieldResolver(() => [EnterpriseCapacityModel], {
    description: "Every capacity of the catalog, with whether it is active for this enterprise.",
  })
  async capacities(@Root() e: Enterprise, @Ctx() { loaders, catalog }: Context): Promise<EnterpriseCapacityModel[]> {
    const rows = new Map((await loaders.capacitiesOfEnterprise.load(e.id)).map((r) => [r.capacityCode, r]));
    return [...catalog.capacities.values()].map((c) => {
      const row = rows.get(c.code);
      return Object.assign(new EnterpriseCapacityModel(), {
        enterpriseId: e.id,
        capacityCode: c.code,
        status: row?.status ?? "INACTIVE",
        activatedAt: row?.status === "ACTIVE" ? row.activatedAt : null,
        activatedById: row?.status === "ACTIVE" ? row.activatedById : null,
      });
    });
  }

  @FieldResolver(() => RoleAssignmentConnection, {
    description:
      "The current role assignments the caller may see (all of them for legal representatives and the main access manager), oldest first; with `asOf`, those that were current at that instant, USERs with the online services they held then.",
  })
  async roleAssignments(
    @Root() e: Enterprise,
    @Arg("role", () => RoleEnum, { nullable: true, description: "Only assignments of this role." }) role: Role | null | undefined,
    @Arg("capacity", () => String, { nullable: true, description: "Only assignments in this capacity (a capacity code)." })
    capacity: string | null | undefined,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50, description: firstDescription }) first: number | null | undefined,
    @Arg("after", () => String, { nullable: true, description: afterDescription }) after: string | null | undefined,
    @Arg("last", () => Int, { nullable: true, description: lastDescription }) last: number | null | undefined,
    @Arg("before", () => String, { nullable: true, description: beforeDescription }) before: string | null | undefined,
    @Arg("asOf", () => DateTimeScalar, { nullable: true, description: asOfDescription }) asOf: Date | null | undefined,
    @Arg("search", () => String, {
      nullable: true,
      description:
        'Only people whose family name or given name starts with this text, regardless of case and accents ("eli" finds Élise, "de s" De Smet), or, for a valid national number, the one person who holds it. Finds only people the caller may list.',
    })
    search: string | null | undefined,
    @Arg("onlineService", () => String, {
      nullable: true,
      description: "Only assignments granted this online service (a code of `onlineServices`): USERs who hold it.",
    })
    onlineService: string | null | undefined,
    @Arg("expiringBefore", () => DateTimeScalar, {
      nullable: true,
      description: "Only assignments whose `validUntil` lies before this instant (those without one never expire).",
    })
    expiringBefore: Date | null | undefined,
    @Arg("orderBy", () => RoleAssignmentOrder, {
      nullable: true,
      description: "The order of the list; without it, the order in which the roles were granted (by id).",
    })
    orderBy: RoleAssignmentOrder | null | undefined,
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<RoleAssignment>> {
    if (capacity && !context.catalog.capacities.has(capacity))
      throw new BadUserInputError("capacity", message("input.unknownCapacity", { value: capacity }));
    if (onlineService && !context.catalog.onlineServices.has(onlineService))
      throw new BadUserInputError("onlineService", message("input.unknownOnlineService", { value: onlineService }));
    const searched = search === null || search === undefined ? null : searchTerm(search, "ssin");
    const refined = searched !== null || !!onlineService || !!expiringBefore || !!orderBy;
    if (refined && asOf) {
      const given = [
        ["search", searched],
        ["onlineService", onlineService],
        ["expiringBefore", expiringBefore],
        ["orderBy", orderBy],
      ] as const;
      throw new BadUserInputError(given.find(([, value]) => value)![0], message("input.notWithAsOf"));
    }
    if (refined) {
      const list = roleAssignmentOrder(context.readManager, orderBy ? { field: orderBy.field, direction: orderBy.direction } : null);
      const window = pageWindowOf({ first, after: null, last, before: null }, info);
      const ordered = {
        take: window.take,
        size: window.size,
        after: decodeOrderedCursor(list, after, "after"),
        before: decodeOrderedCursor(list, before, "before"),
      };
      const scope = await context.access.assignmentScope(e.id);
      if (scope.kind === "none") return emptyPage();
      return searchRoleAssignments(context.readManager, {
        key: {
          enterpriseId: e.id,
          role: role ?? null,
          capacity: capacity ?? null,
          visibleTo: scope.kind === "all" ? null : { personId: scope.personId, capacities: scope.capacities },
        },
        search: { search: searched, onlineService: onlineService ?? null, expiringBefore: expiringBefore ?? null },
        list,
        window: ordered,
        now: context.now,
      });
    }
    const window = pageWindowOf({ first, after, last, before }, info);
    if (asOf) {
      // The shield let only a current legal representative or main access manager this far: they see every assignment.
      const { view } = await past(context, e, asOf);
      return roleAssignmentsAsOf(context.readManager, {
        enterpriseId: e.id,
        role: role ?? null,
        capacity: capacity ?? null,
        window,
        asOf: view.at,
      });
    }
    const scope = await context.access.assignmentScope(e.id);
    if (scope.kind === "none") return emptyPage();
    const visibleTo = scope.kind === "all" ? null : { personId: scope.personId, capacities: scope.capacities };
    return context.roleAssignmentPages.load({
      enterpriseId: e.id,
      role: role ?? null,
      capacity: capacity ?? null,
      window,
      visibleTo,
    });
  }

  @FieldResolver(() => [ServiceProviderMandate], {
    description: "Mandates in which this enterprise is the client: the service providers acting for it.",
  })
  async serviceProviders(
    @Root() e: Enterprise,
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ServiceProviderMandate[]> {
    await refuseLongMandateList(e, "providers", context, info);
    const { access, loaders } = context;
    return filterAsync(await loaders.mandatesAsClient.load(e.id), (m) => access.canSeeMandate(m));
  }

  @FieldResolver(() => [ServiceProviderMandate], {
    description: "Mandates in which this enterprise is the service provider: the clients it acts for.",
  })
  async clients(@Root() e: Enterprise, @Ctx() context: Context, @Info() info: GraphQLResolveInfo): Promise<ServiceProviderMandate[]> {
    await refuseLongMandateList(e, "clients", context, info);
    const { access, loaders } = context;
    return filterAsync(await loaders.mandatesAsProvider.load(e.id), (m) => access.canSeeMandate(m));
  }

  @FieldResolver(() => ServiceProviderMandateConnection, {
    description:
      "The mandates in which this enterprise is the service provider (its clients), oldest first, paged and filtered: `clients` for a provider of thousands. Those the caller may see: all to the provider's legal representatives, main access manager and staff; to a client's, their own.",
  })
  clientsConnection(
    @Root() e: Enterprise,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50, description: firstDescription }) first: number | null | undefined,
    @Arg("after", () => String, { nullable: true, description: afterDescription }) after: string | null | undefined,
    @Arg("last", () => Int, { nullable: true, description: lastDescription }) last: number | null | undefined,
    @Arg("before", () => String, { nullable: true, description: beforeDescription }) before: string | null | undefined,
    @Arg("search", () => String, { nullable: true, description: searchEnterpriseDescription("client") }) search: string | null | undefined,
    @Arg("capacity", () => String, { nullable: true, description: mandateCapacityDescription }) capacity: string | null | undefined,
    @Arg("status", () => MandateStatusEnum, { nullable: true, description: mandateStatusDescription })
    status: MandateStatus | null | undefined,
    @Arg("validBefore", () => DateTimeScalar, { nullable: true, description: validBeforeDescription }) validBefore: Date | null | undefined,
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<ServiceProviderMandate>> {
    return this.mandates(e, "clients", { first, after, last, before }, { search, capacity, status, validBefore }, context, info);
  }

  @FieldResolver(() => ServiceProviderMandateConnection, {
    description:
      "The mandates in which this enterprise is the client (its service providers), oldest first, paged and filtered like `clientsConnection`. Those the caller may see: all to the client's legal representatives and main access manager; to a provider's leadership and staff, their own.",
  })
  serviceProvidersConnection(
    @Root() e: Enterprise,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50, description: firstDescription }) first: number | null | undefined,
    @Arg("after", () => String, { nullable: true, description: afterDescription }) after: string | null | undefined,
    @Arg("last", () => Int, { nullable: true, description: lastDescription }) last: number | null | undefined,
    @Arg("before", () => String, { nullable: true, description: beforeDescription }) before: string | null | undefined,
    @Arg("search", () => String, { nullable: true, description: searchEnterpriseDescription("provider") })
    search: string | null | undefined,
    @Arg("capacity", () => String, { nullable: true, description: mandateCapacityDescription }) capacity: string | null | undefined,
    @Arg("status", () => MandateStatusEnum, { nullable: true, description: mandateStatusDescription })
    status: MandateStatus | null | undefined,
    @Arg("validBefore", () => DateTimeScalar, { nullable: true, description: validBeforeDescription }) validBefore: Date | null | undefined,
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<ServiceProviderMandate>> {
    return this.mandates(e, "providers", { first, after, last, before }, { search, capacity, status, validBefore }, context, info);
  }

  private async mandates(
    e: Enterprise,
    side: "clients" | "providers",
    page: {
      first: number | null | undefined;
      after: string | null | undefined;
      last: number | null | undefined;
      before: string | null | undefined;
    },
    filter: {
      search: string | null | undefined;
      capacity: string | null | undefined;
      status: MandateStatus | null | undefined;
      validBefore: Date | null | undefined;
    },
    context: Context,
    info: GraphQLResolveInfo,
  ): Promise<Page<ServiceProviderMandate>> {
    const { search, capacity, status, validBefore } = filter;
    if (capacity && !context.catalog.capacities.has(capacity))
      throw new BadUserInputError("capacity", message("input.unknownCapacity", { value: capacity }));
    const searched = search === null || search === undefined ? null : searchTerm(search, "enterprise");
    const window = pageWindowOf(page, info);
    return mandatePage(context.readManager, {
      enterpriseId: e.id,
      side,
      scope: await context.access.mandateScope(e.id, side),
      filter: { search: searched, capacity: capacity ?? null, status: status ?? null, validBefore: validBefore ?? null },
      window,
      now: context.now,
    });
  }

  @FieldResolver(() => EBoxModel, { description: "The enterprise's e-Box, activated or not." })
  async eBox(@Root() e: Enterprise, @Ctx() { loaders }: Context): Promise<EBoxModel> {
    return Object.assign(new EBoxModel(), { enterpriseId: e.id, row: await loaders.eBoxOfEnterprise.load(e.id) });
  }

  @FieldResolver(() => [StructuredMessagingConfig], {
    description:
      "The structured-messaging configuration of each capacity that has one, for those who configure it (or see all of the enterprise).",
  })
  async structuredMessaging(@Root() e: Enterprise, @Ctx() { access, loaders }: Context): Promise<StructuredMessagingConfig[]> {
    return access.visibleCapacityConfigurations(e.id, await loaders.structuredMessagingOfEnterprise.load(e.id));
  }

  @FieldResolver(() => [TaskEnum], {
    description: "The tasks that the caller may perform in this enterprise, from the role-task table: show the actions these allow.",
  })
  async myTasks(@Root() e: Enterprise, @Ctx() { access }: Context): Promise<Task[]> {
    const decisions = await access.decideAll(e, tasks);
    return decisions.filter((d) => d.allowed).map((d) => d.task);
  }

  @FieldResolver(() => [ExpiringRight], {
    description:
      "The current role assignments and mandates (as client) that expire within the coming `within` days, soonest first, for those who may manage them: legal representatives and the main access manager see all; an access manager those of their own capacities (no mandates); others are refused (FORBIDDEN).",
  })
  async expiringSoon(
    @Root() e: Enterprise,
    @Arg("within", () => Int, { nullable: true, defaultValue: 30, description: "How many days ahead to look, 1 to 366." })
    within: number | null | undefined,
    @Arg("first", () => Int, {
      nullable: true,
      defaultValue: 100,
      description: "How many items to return at most (the soonest), 0 to 100.",
    })
    first: number | null | undefined,
    @Ctx() { access, readManager, now }: Context,
  ): Promise<ExpiringRight[]> {
    const days = within ?? 30;
    if (!Number.isInteger(days) || days < 1 || days > 366) throw new BadUserInputError("within", message("input.expiringWithin"));
    const limit = pageSize(first ?? 100);
    const scope = await access.expiringScope(e.id);
    if (!scope) return [];
    const until = new Date(now.getTime() + days * 24 * 60 * 60 * 1000);
    return expiringRights(readManager, { enterpriseId: e.id, now, until, ...scope, limit });
  }

  @FieldResolver(() => AuditEventConnection, {
    description: "Every management action on this enterprise, oldest first. Readable by its legal representatives and main access manager.",
  })
  auditTrail(
    @Root() e: Enterprise,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50, description: firstDescription }) first: number | null | undefined,
    @Arg("after", () => String, { nullable: true, description: afterDescription }) after: string | null | undefined,
    @Arg("last", () => Int, { nullable: true, description: lastDescription }) last: number | null | undefined,
    @Arg("before", () => String, { nullable: true, description: beforeDescription }) before: string | null | undefined,
    @Ctx() { readManager }: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<AuditEvent>> {
    return keysetPage(readManager.createQueryBuilder(AuditEvent, "row").where("row.enterprise_id = :id", { id: e.id }), {
      window: pageWindowOf({ first, after, last, before }, info),
      order: "ASC",
    });
  }

  @FieldResolver(() => AccessRequestConnection, {
    description:
      "The access requests this caller may decide: those of the capacities whose users they manage (main access manager: every capacity; access manager: their own), oldest first. Others are refused (FORBIDDEN). Answers now, whatever `asOf`.",
  })
  async accessRequests(
    @Root() e: Enterprise,
    @Arg("status", () => AccessRequestStatusEnum, {
      nullable: true,
      description: "Only requests in this status now (PENDING: those to decide). Without it, all.",
    })
    status: AccessRequestStatus | null | undefined,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50, description: firstDescription }) first: number | null | undefined,
    @Arg("after", () => String, { nullable: true, description: afterDescription }) after: string | null | undefined,
    @Arg("last", () => Int, { nullable: true, description: lastDescription }) last: number | null | undefined,
    @Arg("before", () => String, { nullable: true, description: beforeDescription }) before: string | null | undefined,
    @Ctx() { access, readManager, now }: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<AccessRequest>> {
    const window = pageWindowOf({ first, after, last, before }, info);
    const capacities = await access.accessRequestCapacities(e);
    if (capacities.length === 0) return emptyPage();
    return accessRequestPage(readManager, {
      where: { enterpriseNumber: e.number, capacities },
      status: status ?? null,
      now,
      window,
      order: "ASC",
    });
  }
}
