import DataLoader from "dataloader";
import { In, type EntityManager } from "typeorm";
import { RoleAssignment } from "./entities";
import { toPage, type Page } from "./read-models";
import { enterpriseWideRoles, type Role } from "../access/role-tasks";
import { currentAtSql } from "../access/validity";

export interface RoleAssignmentPageKey {
  enterpriseId: number;
  role: Role | null;
  capacity: string | null;
  size: number;
  afterId: number | null;
  /**
   * null: every assignment. Otherwise only the enterprise-wide roles, the assignments of `personId` and those in
   * `capacities` (what a member who is not a legal representative or main access manager may list).
   */
  visibleTo: { personId: number; capacities: readonly string[] } | null;
}

/**
 * Pages of the role assignments current at `now` (src/access/validity.ts) for many enterprises at once: one windowed query for the ids of every page,
 * one for the rows and one for the counts, however many enterprises the request lists (no N+1).
 */
export function createRoleAssignmentPages(manager: EntityManager, now: Date): DataLoader<RoleAssignmentPageKey, Page<RoleAssignment>, string> {
  return new DataLoader(
    async (keys) => {
      const groups = new Map<string, RoleAssignmentPageKey[]>();
      for (const key of keys) {
        const shape = JSON.stringify([key.role, key.capacity, key.size, key.afterId, key.visibleTo]);
        groups.set(shape, [...(groups.get(shape) ?? []), key]);
      }
      const pages = new Map<string, Page<RoleAssignment>>();
      for (const group of groups.values()) {
        const { role, capacity, size, afterId, visibleTo } = group[0];
        const enterpriseIds = [...new Set(group.map((k) => k.enterpriseId))];
        const filter = (qb: ReturnType<EntityManager["createQueryBuilder"]>) => {
          qb.where("ra.enterprise_id IN (:...enterpriseIds)", { enterpriseIds }).andWhere(currentAtSql("ra"), { validAt: now });
          if (role) qb.andWhere("ra.role = :role", { role });
          if (capacity) qb.andWhere("ra.capacity_code = :capacity", { capacity });
          if (visibleTo) {
            const capacities = visibleTo.capacities.length > 0 ? " OR ra.capacity_code IN (:...visibleCapacities)" : "";
            qb.andWhere(`(ra.role IN (:...enterpriseWideRoles) OR ra.person_id = :visiblePersonId${capacities})`, {
              enterpriseWideRoles: [...enterpriseWideRoles],
              visiblePersonId: visibleTo.personId,
              visibleCapacities: visibleTo.capacities,
            });
          }
          return qb;
        };
        const counted = await filter(manager.createQueryBuilder().from(RoleAssignment, "ra"))
          .select("ra.enterprise_id", "enterpriseId")
          .addSelect("COUNT(*)", "total")
          .groupBy("ra.enterprise_id")
          .getRawMany<{ enterpriseId: number | string; total: number | string }>();
        const totals = new Map(counted.map((c) => [Number(c.enterpriseId), Number(c.total)]));
        const windowed = filter(manager.createQueryBuilder().from(RoleAssignment, "ra"))
          .select("ra.id", "id")
          .addSelect("ROW_NUMBER() OVER (PARTITION BY ra.enterprise_id ORDER BY ra.id)", "rn");
        if (afterId !== null) windowed.andWhere("ra.id > :afterId", { afterId });
        // Even for first: 0 one row is read: it tells whether there is a next page.
        const idRows = await manager
          .createQueryBuilder()
          .select("w.id", "id")
          .from(`(${windowed.getQuery()})`, "w")
          .setParameters(windowed.getParameters())
          .where("w.rn <= :limit", { limit: size + 1 })
          .getRawMany<{ id: number | string }>();
        const rows = idRows.length ? await manager.find(RoleAssignment, { where: { id: In(idRows.map((r) => Number(r.id))) }, order: { id: "ASC" } }) : [];
        for (const key of group) {
          pages.set(
            cacheKey(key),
            toPage(
              rows.filter((r) => r.enterpriseId === key.enterpriseId),
              size,
              totals.get(key.enterpriseId) ?? 0,
            ),
          );
        }
      }
      return keys.map((key) => pages.get(cacheKey(key))!);
    },
    { cacheKeyFn: cacheKey },
  );
}

function cacheKey(key: RoleAssignmentPageKey): string {
  return JSON.stringify([key.enterpriseId, key.role, key.capacity, key.size, key.afterId, key.visibleTo]);
}
