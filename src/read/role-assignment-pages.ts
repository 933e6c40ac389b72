import DataLoader from "dataloader";
import type { EntityManager } from "typeorm";
import { RoleAssignment } from "../domain/entities";
import { indexWhere, pageOfList, toPage, type Page, type PageWindow } from "./read-models";
import { currentRow, padded, partsOf, placeholders, RowReader, type TableSql } from "./row-reader";
import { enterpriseWideRoles, type Role } from "../domain/roles";
import { isCurrentAt } from "../domain/validity";
import { answerOf, type EnterpriseReadModel } from "./enterprise-cache";
import { fromModels, type RequestModels } from "./loaders";
import { dialectOf } from "../database/dialect";

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

/**
 * The WHERE clause of a group of pages (alias t) for `enterprises` enterprises, and its parameters after the
 * enterprises' ids; `shape` tells apart the texts it can take.
 */
function filter(
  { role, capacity, visibleTo }: RoleAssignmentPageKey,
  now: Date,
): { shape: string; where: (table: TableSql, enterprises: number) => string; params: unknown[] } {
  const current = currentRow.roleAssignment("t", now);
  const wideRoles = [...enterpriseWideRoles];
  const capacities = visibleTo ? padded(visibleTo.capacities) : [];
  return {
    shape: `${role !== null}|${capacity !== null}|${visibleTo ? capacities.length : "all"}`,
    where: ({ column }, enterprises) =>
      [
        `t.${column("enterpriseId")} ${enterprises === 1 ? "= ?" : `IN (${placeholders(enterprises)})`} AND ${current.sql}`,
        role !== null ? ` AND t.${column("role")} = ?` : "",
        capacity !== null ? ` AND t.${column("capacityCode")} = ?` : "",
        visibleTo
          ? ` AND (t.${column("role")} IN (${placeholders(wideRoles.length)}) OR t.${column("personId")} = ?` +
            (capacities.length > 0 ? ` OR t.${column("capacityCode")} IN (${placeholders(capacities.length)})` : "") +
            ")"
          : "",
      ].join(""),
    params: [
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

/** How many enterprises' pages one statement reads at most (a UNION ALL of one bounded read each). */
const enterprisesPerStatement = 50;

/**
 * The pages read with statements, for enterprises without a kept model (too large to keep, or no cache). Each page
 * costs its size, not its list's length, however long the list: one bounded keyset read per enterprise on
 * `ix_role_assignment_enterprise` (enterprise, ended_at, id), ordered by id with LIMIT size + 1 (the extra row tells
 * whether more lies the way of travel), the reads of many enterprises in one statement (UNION ALL); what lies past the
 * cursors from one row read past each (a second statement, only when a cursor is given); and the count, which costs the
 * list's length by nature, only when a client selects `totalCount` (one statement for the enterprises of the group).
 */
function pagesFromStatements(manager: EntityManager, now: Date): DataLoader<RoleAssignmentPageKey, Page<RoleAssignment>, string> {
  const rows = new RowReader(manager);
  // MariaDB's optimizer may prefer ix_role_assignment_due (every current assignment of the database) for these reads;
  // the enterprise's index is always the right one here (the plans: docs/benchmark.md, "Cost as data grows").
  const byEnterprise = dialectOf(manager.connection) === "mysql" ? " FORCE INDEX (ix_role_assignment_enterprise)" : "";
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
        const { shape, where, params } = filter(group[0], now);
        const enterpriseIds = [...new Set(group.map((k) => k.enterpriseId))];
        const cursors = [...(afterId !== null ? [afterId] : []), ...(beforeId !== null ? [beforeId] : [])];
        const between = (table: TableSql) =>
          (afterId !== null ? ` AND t.${table.column("id")} > ?` : "") + (beforeId !== null ? ` AND t.${table.column("id")} < ?` : "");
        // One bounded read per enterprise, in the direction of travel: from the start for `first`, from the end for `last`.
        const found: RoleAssignment[] = [];
        for (const part of partsOf(enterpriseIds, enterprisesPerStatement)) {
          found.push(
            ...(await rows.query(
              RoleAssignment,
              `rows|${shape}|${part.length}|${take}|${afterId !== null}|${beforeId !== null}`,
              (table) =>
                part
                  .map(
                    (_, i) =>
                      `SELECT * FROM (SELECT ${table.columns("t")} FROM ${table.table} t${byEnterprise} WHERE ${where(table, 1)}${between(table)}` +
                      ` ORDER BY t.${table.column("id")}${take === "last" ? " DESC" : ""} LIMIT ?) p${i}`,
                  )
                  .join(" UNION ALL "),
              part.flatMap((id) => [id, ...params, ...cursors, size + 1]),
            )),
          );
        }
        // Whether anything lies at or before `after`, at or after `before`: one row read past each cursor.
        const beyond = new Map<number, { after: boolean; before: boolean }>();
        if (cursors.length > 0) {
          const probes = [
            ...(afterId !== null ? [{ side: "after", test: "<=", order: " DESC", cursor: afterId }] : []),
            ...(beforeId !== null ? [{ side: "before", test: ">=", order: "", cursor: beforeId }] : []),
          ];
          for (const part of partsOf(enterpriseIds, enterprisesPerStatement)) {
            const past = await rows.raw(
              RoleAssignment,
              `beyond|${shape}|${part.length}|${afterId !== null}|${beforeId !== null}`,
              (table) =>
                part
                  .flatMap((_, i) =>
                    probes.map(
                      ({ side, test, order }) =>
                        `SELECT * FROM (SELECT t.${table.column("enterpriseId")} AS enterpriseId, '${side}' AS side FROM ${table.table} t${byEnterprise}` +
                        ` WHERE ${where(table, 1)} AND t.${table.column("id")} ${test} ? ORDER BY t.${table.column("id")}${order} LIMIT 1) b${i}${side}`,
                    ),
                  )
                  .join(" UNION ALL "),
              part.flatMap((id) => probes.flatMap(({ cursor }) => [id, ...params, cursor])),
            );
            for (const { enterpriseId, side } of past) {
              const seen = beyond.get(Number(enterpriseId)) ?? { after: false, before: false };
              seen[side as "after" | "before"] = true;
              beyond.set(Number(enterpriseId), seen);
            }
          }
        }
        // The count, once for the whole group, when the first page of it is asked for `totalCount`.
        let totals: Promise<Map<number, number>> | null = null;
        const countOf = (enterpriseId: number) => async () => {
          totals ??= rows
            .raw(
              RoleAssignment,
              `count|${shape}|${padded(enterpriseIds).length}`,
              (table) =>
                `SELECT t.${table.column("enterpriseId")} AS enterpriseId, COUNT(*) AS total FROM ${table.table} t${byEnterprise}` +
                ` WHERE ${where(table, padded(enterpriseIds).length)} GROUP BY t.${table.column("enterpriseId")}`,
              [...padded(enterpriseIds), ...params],
            )
            .then((counted) => new Map(counted.map((c) => [Number(c.enterpriseId), Number(c.total)])));
          return (await totals).get(enterpriseId) ?? 0;
        };
        for (const key of group) {
          // In the direction of travel (a UNION's order is the database's to choose).
          const inList = found
            .filter((r) => r.enterpriseId === key.enterpriseId)
            .sort((a, b) => (take === "first" ? a.id - b.id : b.id - a.id));
          pages.set(
            cacheKey(key),
            toPage(inList, window, countOf(key.enterpriseId), beyond.get(key.enterpriseId) ?? { after: false, before: false }),
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
