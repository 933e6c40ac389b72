import type { EntityManager } from "typeorm";
import { nameKeyTable } from "../database/name-keys";
import { RoleAssignment } from "../domain/entities";
import { enterpriseWideRoles, type Role } from "../domain/roles";
import type { Page } from "./read-models";
import { orderedPage, type OrderedList, type OrderedWindow } from "./ordered-page";
import { currentRow, padded, placeholders, storedDateTime } from "./row-reader";
import type { RoleAssignmentPageKey } from "./role-assignment-pages";
import { prefixCondition, type SearchTerm } from "./search-terms";

export const roleAssignmentOrderFields = ["FAMILY_NAME", "GRANTED_AT", "VALID_UNTIL"] as const;
export type RoleAssignmentOrderField = (typeof roleAssignmentOrderFields)[number];
export type OrderDirection = "ASC" | "DESC";

/** A `validUntil` that never comes: an assignment without one sorts after every dated one (it lasts longest). */
const never = "9999-12-31 23:59:59.999";

/**
 * The order of a list of assignments: by id (the order they were granted in, with the v1 cursors) when no `orderBy`
 * is given; otherwise by the field, then by id, so that the order is total and a keyset position exact. FAMILY_NAME
 * sorts by the folded family name, then the folded given name, as search compares them (accents and case aside): the
 * order of the enterprise's name keys (`k`, src/database/name-keys.ts).
 */
export function roleAssignmentOrder(
  manager: EntityManager,
  orderBy: { field: RoleAssignmentOrderField; direction: OrderDirection } | null,
): OrderedList {
  if (orderBy === null) return { ordering: null, keys: [{ sql: "t.id" }], direction: "ASC" };
  const sqlite = manager.connection.options.type === "better-sqlite3";
  const keys = {
    FAMILY_NAME: [{ sql: "k.family_key" }, { sql: "k.given_key" }],
    GRANTED_AT: [{ sql: "t.granted_at", dateTime: true }],
    VALID_UNTIL: [{ sql: `COALESCE(t.valid_until, ${sqlite ? `'${never}'` : `TIMESTAMP'${never}'`})`, dateTime: true }],
  }[orderBy.field];
  // By family name, the keys are those of `ix_name_key_family` (src/database/name-keys.ts), its last the assignment.
  const id = orderBy.field === "FAMILY_NAME" ? "k.assignment_id" : "t.id";
  return { ordering: `${orderBy.field}:${orderBy.direction}`, keys: [...keys, { sql: id }], direction: orderBy.direction };
}

/** What `roleAssignments` is filtered by beyond the role, capacity and the viewer's scope of `RoleAssignmentPageKey`. */
export interface RoleAssignmentSearch {
  /** A prefix of the folded family or given name, or an exact national number. */
  search: SearchTerm | null;
  /** Only USER assignments granted this online service. */
  onlineService: string | null;
  /** Only assignments whose `validUntil` lies before this instant. */
  expiringBefore: Date | null;
}

/**
 * A page of one enterprise's current assignments, searched, filtered and ordered: the count and the rows in two
 * statements. The scope of the viewer is part of the WHERE clause, so a search finds only what the viewer may list
 * and the count counts only that: a national number of someone else finds nothing, as one that no one holds.
 *
 * Each read starts where its answer is, whatever the size of the database, the join order fixed (MariaDB's
 * STRAIGHT_JOIN, SQLite's CROSS JOIN) so that no planner starts from the enterprise's 100,000 assignments instead:
 * - a name prefix, or the order by family name: the enterprise's name keys (`assignment_name_key`, kept by triggers),
 *   a range of `ix_name_key_family` and `ix_name_key_given`, then each assignment by its id;
 * - a national number: the person, by the unique index of `person.ssin`, then their assignments
 *   (`ix_role_assignment_person`);
 * - otherwise the enterprise's assignments (`ix_role_assignment_enterprise`).
 */
export async function searchRoleAssignments(
  manager: EntityManager,
  {
    key: { enterpriseId, role, capacity, visibleTo },
    search: { search, onlineService, expiringBefore },
    list,
    window,
    now,
  }: {
    key: Omit<RoleAssignmentPageKey, "window">;
    search: RoleAssignmentSearch;
    list: OrderedList;
    window: OrderedWindow;
    now: Date;
  },
): Promise<Page<RoleAssignment>> {
  const current = currentRow.roleAssignment("t", now);
  const wideRoles: Role[] = [...enterpriseWideRoles];
  const capacities = visibleTo ? padded(visibleTo.capacities) : [];
  const prefixes =
    search?.kind === "prefix"
      ? [prefixCondition(manager, "k.family_key", search.value), prefixCondition(manager, "k.given_key", search.value)]
      : [];
  const byName = prefixes.length > 0 || list.ordering?.startsWith("FAMILY_NAME:") === true;
  const sqlite = manager.connection.options.type === "better-sqlite3";
  const then = (table: string, alias: string, on: string) => `${sqlite ? "CROSS JOIN" : "STRAIGHT_JOIN"} ${table} ${alias} ON ${on}`;
  const conditions: { sql: string; params: unknown[] }[] = [
    ...(byName ? [{ sql: "k.enterprise_id = ?", params: [enterpriseId] }] : []),
    // From the person, SQLite (no statistics) would still take the enterprise's index for `t` (an equality on two of
    // its columns, as the person's): the unary plus leaves it only `ix_role_assignment_person`.
    {
      sql: `${search?.kind === "exact" && sqlite ? "+" : ""}t.enterprise_id = ? AND ${current.sql}`,
      params: [enterpriseId, ...current.params],
    },
    ...(role !== null ? [{ sql: "t.role = ?", params: [role] }] : []),
    ...(capacity !== null ? [{ sql: "t.capacity_code = ?", params: [capacity] }] : []),
    ...(visibleTo
      ? [
          {
            sql:
              `(t.role IN (${placeholders(wideRoles.length)}) OR t.person_id = ?` +
              (capacities.length > 0 ? ` OR t.capacity_code IN (${placeholders(capacities.length)})` : "") +
              ")",
            params: [...wideRoles, visibleTo.personId, ...capacities],
          },
        ]
      : []),
    ...(search?.kind === "exact" ? [{ sql: "p.ssin = ?", params: [search.value] }] : []),
    ...(prefixes.length > 0 ? [{ sql: `(${prefixes.map((c) => c.sql).join(" OR ")})`, params: prefixes.flatMap((c) => c.params) }] : []),
    ...(onlineService !== null
      ? [
          {
            sql: "EXISTS (SELECT 1 FROM role_assignment_online_service s WHERE s.assignment_id = t.id AND s.online_service_code = ?)",
            params: [onlineService],
          },
        ]
      : []),
    ...(expiringBefore !== null
      ? [{ sql: "t.valid_until IS NOT NULL AND t.valid_until < ?", params: [storedDateTime(expiringBefore)] }]
      : []),
  ];
  const shape = [
    role !== null,
    capacity !== null,
    visibleTo ? capacities.length : "all",
    search?.kind ?? "",
    byName,
    onlineService !== null,
    expiringBefore !== null,
  ].join("|");
  return orderedPage(manager, {
    entity: RoleAssignment,
    key: `assignments|${shape}`,
    from: (table) => {
      const source =
        search?.kind === "exact"
          ? `person p ${then(table.table, "t", "t.person_id = p.id")}${byName ? ` ${then(nameKeyTable, "k", "k.assignment_id = t.id")}` : ""}`
          : byName
            ? `${nameKeyTable} k ${then(table.table, "t", "t.id = k.assignment_id")}`
            : `${table.table} t`;
      return `FROM ${source} WHERE ${conditions.map((c) => c.sql).join(" AND ")}`;
    },
    params: conditions.flatMap((c) => c.params),
    list,
    window,
  });
}
