import type { EntityManager } from "typeorm";
import { ServiceProviderMandate } from "../domain/entities";
import type { MandateStatus } from "../domain/states";
import { currentAtPositionalSql } from "../domain/validity";
import { emptyPage, type Page, type PageWindow } from "./read-models";
import { mandateAsOf } from "./loaders";
import { orderedPage, type OrderedList } from "./ordered-page";
import { padded, placeholders, RowReader, storedDateTime } from "./row-reader";
import { prefixCondition, type SearchTerm } from "./search-terms";

/**
 * The mandates of one side of an enterprise (its clients, or its service providers) that the viewer may list, as the
 * access layer decides it (src/access/visibility.ts): `all`, those whose other party is in `others`, or `none`.
 */
export type MandateScope = { kind: "all" } | { kind: "none" } | { kind: "some"; others: readonly number[] };

/** What a page of an enterprise's clients or service providers is filtered by (all optional). */
export interface MandateFilter {
  /** The other party: its number exactly, or a prefix of its folded name. */
  search: SearchTerm | null;
  /** The mandate's capacity (the client's capacity in which the provider acts). */
  capacity: string | null;
  /** ACTIVE: in force at `now`; ENDED: ended or expired by then. */
  status: MandateStatus | null;
  /** Only mandates whose `validUntil` lies before this instant. */
  validBefore: Date | null;
}

/** The mandates in the order they were appointed (by id), with the cursors of every other connection. */
const byId: OrderedList = { ordering: null, keys: [{ sql: "t.id" }], direction: "ASC" };

/**
 * A page of the mandates in which the enterprise is the provider (`side` "clients") or the client ("providers"),
 * among those `scope` lets the viewer list, filtered: two statements, each an index range (the enterprise's mandates
 * by id on `ix_mandate_provider_id` or `ix_mandate_client_id`, a search on the other party's number or `search_key`),
 * so a deep page costs what the first does.
 */
export async function mandatePage(
  manager: EntityManager,
  {
    enterpriseId,
    side,
    scope,
    filter,
    window,
    now,
  }: { enterpriseId: number; side: "clients" | "providers"; scope: MandateScope; filter: MandateFilter; window: PageWindow; now: Date },
): Promise<Page<ServiceProviderMandate>> {
  if (scope.kind === "none") return emptyPage();
  const [own, other] = side === "clients" ? ["provider_id", "client_id"] : ["client_id", "provider_id"];
  const others = scope.kind === "some" ? padded(scope.others) : [];
  const { search, capacity, status, validBefore } = filter;
  const prefix = search?.kind === "prefix" ? prefixCondition(manager, "o.search_key", search.value) : null;
  const conditions: { sql: string; params: unknown[] }[] = [
    { sql: `t.${own} = ?`, params: [enterpriseId] },
    ...(others.length > 0 ? [{ sql: `t.${other} IN (${placeholders(others.length)})`, params: others }] : []),
    ...(search?.kind === "exact" ? [{ sql: "o.number = ?", params: [search.value] }] : []),
    ...(prefix ? [prefix] : []),
    ...(capacity !== null ? [{ sql: "t.capacity_code = ?", params: [capacity] }] : []),
    // `status` is ENDED whenever `ended_at` is set (every writer sets both): naming it lets the optimizer read the
    // enterprise's active mandates on ix_mandate_provider/ix_mandate_client (party, status, then id in InnoDB).
    ...(status === "ACTIVE" ? [{ sql: `t.status = 'ACTIVE' AND ${currentAtPositionalSql("t")}`, params: [storedDateTime(now)] }] : []),
    ...(status === "ENDED" ? [{ sql: `NOT ${currentAtPositionalSql("t")}`, params: [storedDateTime(now)] }] : []),
    ...(validBefore !== null ? [{ sql: "t.valid_until IS NOT NULL AND t.valid_until < ?", params: [storedDateTime(validBefore)] }] : []),
  ];
  const join = search !== null ? ` JOIN enterprise o ON o.id = t.${other}` : "";
  const key = [side, others.length, search?.kind ?? "", capacity !== null, status ?? "", validBefore !== null].join("|");
  const page = await orderedPage(manager, {
    entity: ServiceProviderMandate,
    key: `mandates|${key}`,
    from: (table) => `FROM ${table.table} t${join} WHERE ${conditions.map((c) => c.sql).join(" AND ")}`,
    params: conditions.flatMap((c) => c.params),
    list: byId,
    window: {
      take: window.take,
      size: window.size,
      after: window.afterId === null ? null : [window.afterId],
      before: window.beforeId === null ? null : [window.beforeId],
    },
  });
  const nodes = page.nodes.map((m) => mandateAsOf(m, now));
  return { ...page, nodes, edges: page.edges.map((edge, i) => ({ ...edge, node: nodes[i] })) };
}

/**
 * How many mandates of one side of the enterprise (all of them, whatever their status: what the v1 lists `clients`
 * and `serviceProviders` answer) the viewer may list under `scope`: one statement, an index-only range of
 * ix_mandate_provider_id or ix_mandate_client_id, read before the list is, so that a list too long to answer is
 * refused without being built.
 */
export async function countMandates(
  manager: EntityManager,
  { enterpriseId, side, scope }: { enterpriseId: number; side: "clients" | "providers"; scope: MandateScope },
): Promise<number> {
  if (scope.kind === "none") return 0;
  const [own, other] = side === "clients" ? ["provider_id", "client_id"] : ["client_id", "provider_id"];
  const others = scope.kind === "some" ? padded(scope.others) : [];
  const [row] = await new RowReader(manager).raw(
    ServiceProviderMandate,
    `mandates-count|${side}|${others.length}`,
    (table) =>
      `SELECT COUNT(*) AS total FROM ${table.table} t WHERE t.${own} = ?` +
      (others.length > 0 ? ` AND t.${other} IN (${placeholders(others.length)})` : ""),
    [enterpriseId, ...others],
  );
  return Number(row?.total ?? 0);
}
