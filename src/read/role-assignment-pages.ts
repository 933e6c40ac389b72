import DataLoader from "dataloader";
import type { EntityManager } from "typeorm";
import { RoleAssignment } from "../domain/entities";
import { indexWhere, pageOfList, toPage, type Page, type PageWindow } from "./read-models";
import { currentRow, padded, placeholders, RowReader, type TableSql } from "./row-reader";
import { enterpriseWideRoles, type Role } from "../domain/roles";
import { isCurrentAt } from "../domain/validity";
import { answerOf, type EnterpriseReadModel } from "./enterprise-cache";
import { fromModels, type RequestModels } from "./loaders";

export interface RoleAssignmentPageKey {
  enterpriseId: number;
  role: Role | null;
  capacity: string | null;
  /** The page: the first or last items between two keyset positions (src/read/read-models.ts). */
  window: PageWindow;
  /**
   * null: every assignment. Otherwise only the enterprise-wide roles, the assignments of `personId` and those in
   * `capacities` (what a member who is not a legal representative or main access manager may list).
   */
  visibleTo: { personId: number; capacities: readonly string[] } | null;
}

/** The WHERE clause of a group of pages (alias t) and its parameters; `shape` tells apart the texts it can take. */
function filter(
  { role, capacity, visibleTo }: RoleAssignmentPageKey,
  enterpriseIds: unknown[],
  now: Date,
): { shape: string; where: (table: TableSql) => string; params: unknown[] } {
  const current = currentRow.roleAssignment("t", now);
  const wideRoles = [...enterpriseWideRoles];
  const capacities = visibleTo ? padded(visibleTo.capacities) : [];
  return {
    shape: `${enterpriseIds.length}|${role !== null}|${capacity !== null}|${visibleTo ? capacities.length : "all"}`,
    where: ({ column }) =>
      [
        `t.${column("enterpriseId")} IN (${placeholders(enterpriseIds.length)}) AND ${current.sql}`,
        role !== null ? ` AND t.${column("role")} = ?` : "",
        capacity !== null ? ` AND t.${column("capacityCode")} = ?` : "",
        visibleTo
          ? ` AND (t.${column("role")} IN (${placeholders(wideRoles.length)}) OR t.${column("personId")} = ?` +
            (capacities.length > 0 ? ` OR t.${column("capacityCode")} IN (${placeholders(capacities.length)})` : "") +
            ")"
          : "",
      ].join(""),
    params: [
      ...enterpriseIds,
      ...current.params,
      ...(role !== null ? [role] : []),
      ...(capacity !== null ? [capacity] : []),
      ...(visibleTo ? [...wideRoles, visibleTo.personId, ...capacities] : []),
    ],
  };
}

/**
 * Pages of the role assignments current at `now` (src/domain/validity.ts) for many enterprises at once: from the
 * enterprise's read model when the request has one (src/read/enterprise-cache.ts), else one windowed statement for
 * the rows of every page and one for the counts, however many enterprises the request lists (no N+1).
 */
export function createRoleAssignmentPages(
  manager: EntityManager,
  now: Date,
  models: RequestModels | null = null,
): DataLoader<RoleAssignmentPageKey, Page<RoleAssignment>, string> {
  return fromModels(
    models,
    (key) => key.enterpriseId,
    (model, key) => answerOf(model, `page|${cacheKey(key)}`, now, () => pageOfModel(model, key, now)),
    pagesFromStatements(manager, now),
    { cacheKeyFn: cacheKey },
  );
}

/**
 * The page of `key` from the enterprise's model: the same rows, order, count and page info as the statements below
 * (the model's assignments are those not ended, by id; the ones current at `now` are kept here, as their SQL does).
 */
function pageOfModel(
  model: EnterpriseReadModel,
  { role, capacity, window, visibleTo }: RoleAssignmentPageKey,
  now: Date,
): Page<RoleAssignment> {
  const capacities = visibleTo ? new Set(visibleTo.capacities) : null;
  const matching = model.assignments.filter(
    (a) =>
      isCurrentAt(a, now) &&
      (role === null || a.role === role) &&
      (capacity === null || a.capacityCode === capacity) &&
      (visibleTo === null ||
        enterpriseWideRoles.has(a.role) ||
        a.personId === visibleTo.personId ||
        (a.capacityCode !== null && capacities!.has(a.capacityCode))),
  );
  const { afterId, beforeId } = window;
  const start = afterId === null ? 0 : indexWhere(matching, (a) => a.id > afterId);
  const end = beforeId === null ? matching.length : indexWhere(matching, (a) => a.id >= beforeId);
  return pageOfList(matching, window, start, end);
}

function pagesFromStatements(manager: EntityManager, now: Date): DataLoader<RoleAssignmentPageKey, Page<RoleAssignment>, string> {
  const rows = new RowReader(manager);
  return new DataLoader(
    async (keys) => {
      const groups = new Map<string, RoleAssignmentPageKey[]>();
      for (const key of keys) {
        const shape = JSON.stringify([key.role, key.capacity, key.window, key.visibleTo]);
        groups.set(shape, [...(groups.get(shape) ?? []), key]);
      }
      const pages = new Map<string, Page<RoleAssignment>>();
      for (const group of groups.values()) {
        const { window } = group[0];
        const { take, size, afterId, beforeId } = window;
        const { shape, where, params } = filter(group[0], padded([...new Set(group.map((k) => k.enterpriseId))]), now);
        // What lies past each cursor comes with the counts: hasPreviousPage and hasNextPage are exact both ways.
        const beyond = (table: TableSql) =>
          (afterId !== null ? `, SUM(CASE WHEN t.${table.column("id")} <= ? THEN 1 ELSE 0 END) AS beyondAfter` : "") +
          (beforeId !== null ? `, SUM(CASE WHEN t.${table.column("id")} >= ? THEN 1 ELSE 0 END) AS beyondBefore` : "");
        const cursors = [...(afterId !== null ? [afterId] : []), ...(beforeId !== null ? [beforeId] : [])];
        const counted = await rows.raw(
          RoleAssignment,
          `count|${shape}|${afterId !== null}|${beforeId !== null}`,
          (table) =>
            `SELECT t.${table.column("enterpriseId")} AS enterpriseId, COUNT(*) AS total${beyond(table)} FROM ${table.table} t WHERE ${where(table)} GROUP BY t.${table.column("enterpriseId")}`,
          [...cursors, ...params],
        );
        const totals = new Map(counted.map((c) => [Number(c.enterpriseId), c]));
        // Even for a page of 0 one row is read: it tells whether there is more that way. Each enterprise's rows are
        // numbered in the direction of travel: from the start for `first`, from the end for `last`.
        const found = await rows.query(
          RoleAssignment,
          `rows|${shape}|${take}|${afterId !== null}|${beforeId !== null}`,
          (table) =>
            `SELECT ${table.columns("w")} FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY t.${table.column("enterpriseId")} ORDER BY t.${table.column("id")}${take === "last" ? " DESC" : ""}) AS rn` +
            ` FROM ${table.table} t WHERE ${where(table)}${afterId !== null ? ` AND t.${table.column("id")} > ?` : ""}${beforeId !== null ? ` AND t.${table.column("id")} < ?` : ""}) w WHERE w.rn <= ? ORDER BY w.${table.column("id")}`,
          [...params, ...cursors, size + 1],
        );
        for (const key of group) {
          const inList = found.filter((r) => r.enterpriseId === key.enterpriseId);
          const count = totals.get(key.enterpriseId);
          pages.set(
            cacheKey(key),
            toPage(take === "first" ? inList : inList.reverse(), window, Number(count?.total ?? 0), {
              after: Number(count?.beyondAfter ?? 0) > 0,
              before: Number(count?.beyondBefore ?? 0) > 0,
            }),
          );
        }
      }
      return keys.map((key) => pages.get(cacheKey(key))!);
    },
    { cacheKeyFn: cacheKey },
  );
}

function cacheKey(key: RoleAssignmentPageKey): string {
  return JSON.stringify([key.enterpriseId, key.role, key.capacity, key.window, key.visibleTo]);
}
