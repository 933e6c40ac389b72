import { roleDescriptions, roleTasks, roles } from "../../access/role-tasks";
import { deny } from "../../access/decision";
import type { Enterprise } from "../entities";
import type { QueryResolvers } from "../generated/resolvers-types";

export const Query: QueryResolvers = {
  me: (_parent, _args, { viewer }) => viewer!,
  roleTasks: () => roles.map((role) => ({ role, tasks: [...roleTasks[role]], description: roleDescriptions[role] })),
  capacities: (_parent, _args, { catalog }) => [...catalog.capacities.values()],
  onlineServices: (_parent, _args, { catalog }) => [...catalog.onlineServices.values()],
  myEnterprises: async (_parent, _args, { access, loaders }) => {
    const ids = [...(await access.visibleEnterpriseIds())];
    const enterprises = (await loaders.enterprise.loadMany(ids)).filter((e): e is Enterprise => e !== null && !(e instanceof Error));
    return enterprises.sort((a, b) => a.number.localeCompare(b.number));
  },
  enterprise: async (_parent, { number }, { access, loaders }) => {
    const enterprise = await loaders.enterpriseByNumber.load(number);
    return enterprise && (await access.canSee(enterprise)) ? enterprise : null;
  },
  can: async (_parent, { enterprise: number, task, capacity }, { access, loaders, catalog }) => {
    const capacityCode = capacity ? catalog.capacity(capacity).code : null;
    const enterprise = await loaders.enterpriseByNumber.load(number);
    // An unknown enterprise answers like one where the caller holds no role: existence is not disclosed.
    if (!enterprise) return deny(task, "NO_ROLE_IN_ENTERPRISE");
    return access.decide(enterprise, task, capacityCode);
  },
  canUseOnlineService: async (_parent, { enterprise: number, onlineService }, { access, loaders, catalog }) => {
    const service = catalog.onlineService(onlineService);
    const enterprise = await loaders.enterpriseByNumber.load(number);
    if (!enterprise) return deny("USE_ONLINE_SERVICES", "NO_ROLE_IN_ENTERPRISE");
    return access.decideOnlineService(enterprise, service.code);
  },
};
