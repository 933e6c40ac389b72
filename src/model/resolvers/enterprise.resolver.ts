import { tasks } from "../../access/role-tasks";
import { seesCapacityConfiguration } from "../../access/visibility";
import { BadUserInputError } from "../../errors";
import { AuditEvent, type Person } from "../entities";
import type { EnterpriseResolvers, EnterpriseCapacityResolvers } from "../generated/resolvers-types";
import { decodeCursor, filterAsync, pageSize } from "../read-models";
import { keysetPage } from "./keyset-page";

const present = <T>(value: T | null | Error): value is T => value !== null && !(value instanceof Error);

const emptyPage = { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };

/**
 * What each field shows is asked of the access layer (src/access/visibility.ts): an enterprise can be reached without
 * being one's own (the other party of a mandate), and its members see only what their roles need.
 */
export const Enterprise: EnterpriseResolvers = {
  id: (e) => String(e.id),
  legalRepresentatives: async (e, _args, { access, loaders }) => {
    if (!(await access.sight(e.id)).member) return [];
    const holders = await loaders.roleHolders.load(`${e.id}:LEGAL_REPRESENTATIVE`);
    return (await loaders.person.loadMany(holders.map((h) => h.personId))).filter(present<Person>);
  },
  mainAccessManager: async (e, _args, { access, loaders }) => {
    if (!(await access.sight(e.id)).member) return null;
    const [main] = await loaders.roleHolders.load(`${e.id}:MAIN_ACCESS_MANAGER`);
    return main ? loaders.person.load(main.personId) : null;
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
    const size = pageSize(first);
    const afterId = decodeCursor(after);
    const scope = await context.access.assignmentScope(e.id);
    if (scope.kind === "none") return emptyPage;
    const visibleTo = scope.kind === "all" ? null : { personId: scope.personId, capacities: scope.capacities };
    return context.roleAssignmentPages.load({ enterpriseId: e.id, role: role ?? null, capacity: capacity ?? null, size, afterId, visibleTo });
  },
  serviceProviders: async (e, _args, { access, loaders }) => filterAsync(await loaders.mandatesAsClient.load(e.id), (m) => access.canSeeMandate(m)),
  clients: async (e, _args, { access, loaders }) => filterAsync(await loaders.mandatesAsProvider.load(e.id), (m) => access.canSeeMandate(m)),
  eBox: async (e, _args, { loaders }) => ({ enterpriseId: e.id, row: await loaders.eBoxOfEnterprise.load(e.id) }),
  structuredMessaging: async (e, _args, { access, loaders }) => {
    const sight = await access.sight(e.id);
    return (await loaders.structuredMessagingOfEnterprise.load(e.id)).filter((c) => seesCapacityConfiguration(sight, c.capacityCode));
  },
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
  activatedBy: async (c, _args, { access, loaders }) =>
    c.activatedById && (await access.canSeePersonIn(c.enterpriseId, c.activatedById)) ? loaders.person.load(c.activatedById) : null,
};
