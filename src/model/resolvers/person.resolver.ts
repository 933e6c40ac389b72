import type { PersonResolvers, RoleAssignmentResolvers } from "../generated/resolvers-types";
import { roleTasks } from "../../access/role-tasks";
import { defaultLanguage, type Enterprise } from "../entities";
import { filterAsync } from "../read-models";

/**
 * A person's own account data is theirs alone (SPEC rule 14). The contract makes `language` non-null, so others read
 * the portal's default language rather than the person's choice.
 */
export const Person: PersonResolvers = {
  id: (p) => String(p.id),
  email: (p, _args, { access }) => (access.isViewer(p.id) ? p.email : null),
  phone: (p, _args, { access }) => (access.isViewer(p.id) ? p.phone : null),
  language: (p, _args, { access }) => (access.isViewer(p.id) ? p.language : defaultLanguage),
  roles: async (p, _args, { loaders, access }) => filterAsync(await loaders.assignmentsOfPerson.load(p.id), (a) => access.canSeeAssignment(a)),
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
  grantedBy: async (a, _args, { access, loaders }) =>
    a.grantedById && (await access.canSeePersonIn(a.enterpriseId, a.grantedById)) ? loaders.person.load(a.grantedById) : null,
};
