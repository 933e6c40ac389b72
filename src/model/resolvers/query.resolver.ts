import { roleDescriptions, roleTasks, roles } from "../../access/role-tasks";
import { deny } from "../../access/decision";
import type { Context } from "../../context";
import { BadUserInputError } from "../../errors";
import type { Enterprise } from "../entities";
import type { QueryResolvers } from "../generated/resolvers-types";
import { decodeCursor, pageSize, toPage } from "../read-models";

/** The enterprises the viewer sees, ordered by number: what `myEnterprises` lists and its connection pages through. */
async function visibleEnterprises({ access, loaders }: Context): Promise<Enterprise[]> {
  const ids = [...(await access.visibleEnterpriseIds())];
  const enterprises = (await loaders.enterprise.loadMany(ids)).filter((e): e is Enterprise => e !== null && !(e instanceof Error));
  return enterprises.sort((a, b) => a.number.localeCompare(b.number));
}

export const Query: QueryResolvers = {
  me: (_parent, _args, { viewer }) => viewer!,
  roleTasks: () => roles.map((role) => ({ role, tasks: [...roleTasks[role]], description: roleDescriptions[role] })),
  capacities: (_parent, _args, { catalog }) => [...catalog.capacities.values()],
  onlineServices: (_parent, _args, { catalog }) => [...catalog.onlineServices.values()],
  myEnterprises: (_parent, _args, context) => visibleEnterprises(context),
  myEnterprisesConnection: async (_parent, { first, after }, context) => {
    const size = pageSize(first);
    const afterId = decodeCursor(after);
    const enterprises = await visibleEnterprises(context);
    let start = 0;
    if (afterId !== null) {
      // The keyset is the cursor's enterprise number: the next page stays right when that enterprise has since
      // left the list (a mandate ended) or others joined it.
      const last = enterprises.find((e) => e.id === afterId) ?? (await context.loaders.enterprise.load(afterId));
      if (!last) throw new BadUserInputError("after", "The cursor is not one this API returned");
      start = enterprises.findIndex((e) => e.number > last.number);
      if (start < 0) start = enterprises.length;
    }
    return toPage(enterprises.slice(start, start + size + 1), size, enterprises.length);
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
