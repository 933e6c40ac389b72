import { tasks } from "../../access/role-tasks";
import { BadUserInputError } from "../../errors";
import type { Context } from "../../context";
import { AuditEvent, type Enterprise as EnterpriseEntity, type Person } from "../entities";
import type { EnterpriseResolvers, EnterpriseCapacityResolvers } from "../generated/resolvers-types";
import { decodeCursor, pageSize } from "../read-models";
import { keysetPage } from "./keyset-page";

const present = <T>(value: T | null | Error): value is T => value !== null && !(value instanceof Error);

/**
 * An enterprise is reachable from one the viewer can see without being visible itself (the other party of a
 * service-provider mandate). SPEC rule 14 shows it by number, name and status only: what names its people,
 * partners, or contact address reads as empty, so that no path leads from one client to another's staff.
 */
const hidden = async (e: EnterpriseEntity, { access }: Context): Promise<boolean> => !(await access.canSee(e));

const emptyPage = { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };

export const Enterprise: EnterpriseResolvers = {
  id: (e) => String(e.id),
  legalRepresentatives: async (e, _args, context) => {
    if (await hidden(e, context)) return [];
    const holders = await context.loaders.roleHolders.load(`${e.id}:LEGAL_REPRESENTATIVE`);
    return (await context.loaders.person.loadMany(holders.map((h) => h.personId))).filter(present<Person>);
  },
  mainAccessManager: async (e, _args, context) => {
    if (await hidden(e, context)) return null;
    const [main] = await context.loaders.roleHolders.load(`${e.id}:MAIN_ACCESS_MANAGER`);
    return main ? context.loaders.person.load(main.personId) : null;
  },
  capacities: async (e, _args, { loaders, catalog }) => {
    const rows = new Map((await loaders.capacitiesOfEnterprise.load(e.id)).map((r) => [r.capacityCode, r]));
    return [...catalog.capacities.values()].map((c) => {
      const row = rows.get(c.code);
      return {
        enterpriseId: e.id,
        capacityCode: c.code,
        status: row?.status ?? "INACTIVE",
        activatedAt: row?.status === "ACTIVE" ? row.activatedAt : null,
        activatedById: row?.status === "ACTIVE" ? row.activatedById : null,
      };
    });
  },
  roleAssignments: async (e, { role, capacity, first, after }, context) => {
    if (capacity && !context.catalog.capacities.has(capacity)) throw new BadUserInputError("capacity", `Unknown capacity "${capacity.slice(0, 60)}"`);
    const key = { enterpriseId: e.id, role: role ?? null, capacity: capacity ?? null, size: pageSize(first), afterId: decodeCursor(after) };
    return (await hidden(e, context)) ? emptyPage : context.roleAssignmentPages.load(key);
  },
  serviceProviders: async (e, _args, context) => ((await hidden(e, context)) ? [] : context.loaders.mandatesAsClient.load(e.id)),
  clients: async (e, _args, context) => ((await hidden(e, context)) ? [] : context.loaders.mandatesAsProvider.load(e.id)),
  eBox: async (e, _args, context) => {
    const row = await context.loaders.eBoxOfEnterprise.load(e.id);
    return { enterpriseId: e.id, row: row && (await hidden(e, context)) ? { ...row, activatedById: null, notificationEmail: null } : row };
  },
  structuredMessaging: async (e, _args, context) => ((await hidden(e, context)) ? [] : context.loaders.structuredMessagingOfEnterprise.load(e.id)),
  myTasks: async (e, _args, { access }) => {
    const decisions = await Promise.all(tasks.map((task) => access.decide(e, task)));
    return decisions.filter((d) => d.allowed).map((d) => d.task);
  },
  auditTrail: (e, { first, after }, { readManager }) =>
    keysetPage(readManager.createQueryBuilder(AuditEvent, "row").where("row.enterprise_id = :id", { id: e.id }), {
      size: pageSize(first),
      afterId: decodeCursor(after),
      direction: "ASC",
    }),
};

export const EnterpriseCapacity: EnterpriseCapacityResolvers = {
  capacity: (c, _args, { catalog }) => catalog.capacities.get(c.capacityCode)!,
  activatedBy: (c, _args, { loaders }) => (c.activatedById ? loaders.person.load(c.activatedById) : null),
};
