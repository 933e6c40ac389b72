import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, FieldResolver, ID, Info, Int, Resolver, Root } from "type-graphql";
import { tasks, type Role, type Task } from "../../access/role-tasks";
import type { Context } from "../../context";
import { BadUserInputError } from "../../errors";
import { AuditEvent, Enterprise, Person, RoleAssignment, ServiceProviderMandate, StructuredMessagingConfig } from "../../domain/entities";
import { RoleEnum, TaskEnum } from "../../domain/enums";
import { EBoxModel, emptyPage, EnterpriseCapacityModel, filterAsync, pageSize, type Page } from "../../read/read-models";
import { AuditEventConnection, RoleAssignmentConnection } from "../types/connections";
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

const present = <T>(value: T | null | Error): value is T => value !== null && !(value instanceof Error);

const firstDescription = "How many items to return, 0 to 100.";
const afterDescription = "The `endCursor` of the previous page; omit it for the first page.";

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
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<RoleAssignment>> {
    if (capacity && !context.catalog.capacities.has(capacity))
      throw new BadUserInputError("capacity", message("input.unknownCapacity", { value: capacity }));
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
  async serviceProviders(@Root() e: Enterprise, @Ctx() { access, loaders }: Context): Promise<ServiceProviderMandate[]> {
    return filterAsync(await loaders.mandatesAsClient.load(e.id), (m) => access.canSeeMandate(m));
  }

  @FieldResolver(() => [ServiceProviderMandate], {
    description: "Mandates in which this enterprise is the service provider: the clients it acts for.",
  })
  async clients(@Root() e: Enterprise, @Ctx() { access, loaders }: Context): Promise<ServiceProviderMandate[]> {
    return filterAsync(await loaders.mandatesAsProvider.load(e.id), (m) => access.canSeeMandate(m));
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
}
