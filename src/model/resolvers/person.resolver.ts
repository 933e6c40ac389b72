import type { PersonResolvers, RoleAssignmentResolvers } from "../generated/resolvers-types";
import { roleTasks } from "../../access/role-tasks";
import type { Enterprise } from "../entities";

export const Person: PersonResolvers = {
  id: (p) => String(p.id),
  roles: async (p, _args, { loaders, access, viewer }) => {
    const assignments = await loaders.assignmentsOfPerson.load(p.id);
    if (viewer?.id === p.id) return assignments;
    const visible = await access.visibleEnterpriseIds();
    return assignments.filter((a) => visible.has(a.enterpriseId));
  },
};

export const RoleAssignment: RoleAssignmentResolvers = {
  id: (a) => String(a.id),
  person: async (a, _args, { loaders }) => (await loaders.person.load(a.personId))!,
  enterprise: async (a, _args, { loaders }) => (await loaders.enterprise.load(a.enterpriseId)) as Enterprise,
  capacity: (a, _args, { catalog }) => (a.capacityCode ? catalog.capacities.get(a.capacityCode)! : null),
  onlineServices: async (a, _args, { loaders, catalog }) => {
    if (a.role === "ACCESS_MANAGER" && a.capacityCode) {
      return catalog.capacities.get(a.capacityCode)!.onlineServiceCodes.map((code) => catalog.onlineServices.get(code)!);
    }
    if (a.role !== "USER") return [];
    const granted = new Set((await loaders.onlineServicesOfAssignment.load(a.id)).map((s) => s.onlineServiceCode));
    return [...catalog.onlineServices.values()].filter((s) => granted.has(s.code));
  },
  tasks: (a) => [...roleTasks[a.role]],
  grantedBy: (a, _args, { loaders }) => (a.grantedById ? loaders.person.load(a.grantedById) : null),
};
