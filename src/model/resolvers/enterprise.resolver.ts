import { tasks } from "../../access/role-tasks";
import { BadUserInputError } from "../../errors";
import { AuditEvent, type Person } from "../entities";
import type { EnterpriseResolvers, EnterpriseCapacityResolvers } from "../generated/resolvers-types";
import { decodeCursor, pageSize } from "../read-models";
import { keysetPage } from "./keyset-page";

const present = <T>(value: T | null | Error): value is T => value !== null && !(value instanceof Error);

export const Enterprise: EnterpriseResolvers = {
  id: (e) => String(e.id),
  legalRepresentatives: async (e, _args, { loaders }) => {
    const holders = await loaders.roleHolders.load(`${e.id}:LEGAL_REPRESENTATIVE`);
    return (await loaders.person.loadMany(holders.map((h) => h.personId))).filter(present<Person>);
  },
  mainAccessManager: async (e, _args, { loaders }) => {
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
  roleAssignments: (e, { role, capacity, first, after }, { roleAssignmentPages, catalog }) => {
    if (capacity && !catalog.capacities.has(capacity)) throw new BadUserInputError("capacity", `Unknown capacity "${capacity.slice(0, 60)}"`);
    return roleAssignmentPages.load({ enterpriseId: e.id, role: role ?? null, capacity: capacity ?? null, size: pageSize(first), afterId: decodeCursor(after) });
  },
  serviceProviders: (e, _args, { loaders }) => loaders.mandatesAsClient.load(e.id),
  clients: (e, _args, { loaders }) => loaders.mandatesAsProvider.load(e.id),
  eBox: async (e, _args, { loaders }) => ({ enterpriseId: e.id, row: await loaders.eBoxOfEnterprise.load(e.id) }),
  structuredMessaging: (e, _args, { loaders }) => loaders.structuredMessagingOfEnterprise.load(e.id),
  myTasks: async (e, _args, { access }) => {
    const decisions = await Promise.all(tasks.map((task) => access.decide(e, task)));
    return decisions.filter((d) => d.allowed).map((d) => d.task);
  },
  auditTrail: (e, { first, after }, { dataSource }) =>
    keysetPage(dataSource.manager.createQueryBuilder(AuditEvent, "row").where("row.enterprise_id = :id", { id: e.id }), {
      size: pageSize(first),
      afterId: decodeCursor(after),
      direction: "ASC",
    }),
};

export const EnterpriseCapacity: EnterpriseCapacityResolvers = {
  capacity: (c, _args, { catalog }) => catalog.capacities.get(c.capacityCode)!,
  activatedBy: (c, _args, { loaders }) => (c.activatedById ? loaders.person.load(c.activatedById) : null),
};
