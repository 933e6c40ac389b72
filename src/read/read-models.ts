import { Buffer } from "node:buffer";
import { Field, ObjectType } from "type-graphql";
import { BadUserInputError } from "../errors";
import type { EBox } from "../domain/entities";
import { CapacityStatusEnum } from "../domain/enums";
import { DateTimeScalar, type DateTime } from "../domain/scalars";
import type { CapacityStatus } from "../domain/states";
import { message } from "../i18n/messages";

/**
 * A capacity of the catalog as seen from one enterprise: every catalog capacity, ACTIVE or INACTIVE. A type of its
 * own, not the enterprise_capacity entity: the table has rows only for capacities once activated.
 */
@ObjectType("EnterpriseCapacity", {
  description: "A capacity of the catalog as seen from one enterprise: every capacity is listed, ACTIVE or INACTIVE.",
  simpleResolvers: true,
})
export class EnterpriseCapacityModel {
  /** The enterprise_capacity row's id once activated (accessDelta names the item by it); undefined for a capacity never active. */
  rowId?: number;
  enterpriseId: number;
  capacityCode: string;

  @Field(() => CapacityStatusEnum, { description: "Whether the capacity is active for the enterprise." })
  status: CapacityStatus;

  @Field(() => DateTimeScalar, { nullable: true, description: "When it was activated; null while INACTIVE." })
  activatedAt: DateTime | null;

  activatedById: number | null;
}

/**
 * The e-Box of an enterprise; `row` is null until it is first activated. A type of its own: every enterprise has an
 * e-Box in the API, and what the row holds is shown only to those who see the enterprise's configuration.
 */
@ObjectType("EBox", {
  description: "The enterprise's e-Box: the electronic mailbox in which social-security institutions send it messages.",
})
export class EBoxModel {
  enterpriseId: number;
  row: EBox | null;
}

/** The items for which the (batched, asynchronous) check answers true, in their order. */
export async function filterAsync<T>(items: readonly T[], keep: (item: T) => Promise<boolean>): Promise<T[]> {
  const verdicts = await Promise.all(items.map(keep));
  return items.filter((_, i) => verdicts[i]);
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Page<T> {
  edges: Edge<T>[];
  /** The nodes of `edges`, in the same order (Relay's and GitHub's shortcut when the cursors are not needed). */
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: Count;
}

/**
 * How many items a list holds: a number, or a count read only if a client selects `totalCount` (graphql-js calls a
 * function-valued field of its parent), for lists whose count costs their length while a page costs its size.
 */
export type Count = number | (() => Promise<number>);

/** A page of nothing: what a list answers to a caller who may see none of it. */
export function emptyPage<T>(): Page<T> {
  return {
    edges: [],
    nodes: [],
    pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    totalCount: 0,
  };
}

export const maxPageSize = 100;

/** Cursors are opaque to clients; inside, a keyset position (the row id), so pages stay stable under inserts. */
export function encodeCursor(id: number): string {
  return Buffer.from(`v1:${id}`, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string | null | undefined, field = "after"): number | null {
  if (cursor === null || cursor === undefined) return null;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const match = /^v1:(\d{1,15})$/.exec(text);
  if (match) return Number(match[1]);
  // A cursor of an ordered list (src/read/ordered-page.ts) marks a place in another order than this list's.
  if (text.startsWith(orderedCursorPrefix)) throw new BadUserInputError(field, message("input.cursorOrder"));
  throw new BadUserInputError(field, message("input.cursor"));
}

/** How the cursors of a list in a chosen order begin, inside their base64url. */
export const orderedCursorPrefix = "v2:";

export function pageSize(first: number | null | undefined, field = "first"): number {
  const size = first ?? 50;
  if (!Number.isInteger(size) || size < 0 || size > maxPageSize) {
    throw new BadUserInputError(field, message("input.pageSize", { max: maxPageSize }));
  }
  return size;
}

/**
 * Which slice of a list a page is, as Relay's connection arguments ask for it: the first `size` items (`first`), or
 * the last `size` items (`last`), of the items between the `after` and `before` cursors, each optional. The cursors
 * are keyset positions (row ids), never offsets.
 */
export interface PageWindow {
  take: "first" | "last";
  size: number;
  afterId: number | null;
  beforeId: number | null;
}

/** The arguments of a connection field as a client sent them; `firstGiven`: whether `first` was written, not defaulted. */
export interface PageArguments {
  first: number | null | undefined;
  after: string | null | undefined;
  last: number | null | undefined;
  before: string | null | undefined;
  firstGiven: boolean;
}

/**
 * The window the arguments ask for: `last` (0 to 100) pages backward, `first` (0 to 100, 50 when absent) forward;
 * both at once is BAD_USER_INPUT (`last`), as are bad cursors (`after`, `before`).
 */
export function pageWindow({ first, after, last, before, firstGiven }: PageArguments): PageWindow {
  const backward = last !== null && last !== undefined;
  if (backward && firstGiven && first !== null && first !== undefined) throw new BadUserInputError("last", message("input.firstWithLast"));
  return {
    take: backward ? "last" : "first",
    size: backward ? pageSize(last, "last") : pageSize(first),
    afterId: decodeCursor(after, "after"),
    beforeId: decodeCursor(before, "before"),
  };
}

/** The first page of a list: what a loader asks for when it lists from the start. */
export const firstPage = (size: number): PageWindow => ({ take: "first", size, afterId: null, beforeId: null });

/**
 * Whether the list holds items outside the cursors, in list order: at or before the `after` cursor, at or after the
 * `before` cursor (false for a cursor not given). They make `hasPreviousPage` and `hasNextPage` exact both ways.
 */
export interface Beyond {
  after: boolean;
  before: boolean;
}

/**
 * Builds a page from the rows read in the direction of travel, at most `size + 1` of them: in list order for
 * `first`, from the `before` end backward for `last`. The extra row tells that more items lie that way; `beyond`
 * tells what lies past the cursors. So both `hasNextPage` and `hasPreviousPage` are exact, whichever way one pages
 * (Relay's connection spec lets them be false where a server cannot tell cheaply; here it always can).
 */
export function toPage<T extends { id: number }>(
  rows: T[],
  window: Pick<PageWindow, "take" | "size">,
  totalCount: Count,
  beyond: Beyond,
  cursorOf: (node: T) => string = (node) => encodeCursor(node.id),
): Page<T> {
  const more = rows.length > window.size;
  const travelled = rows.slice(0, window.size);
  const nodes = window.take === "first" ? travelled : travelled.reverse();
  const edges = nodes.map((node) => ({ cursor: cursorOf(node), node }));
  const pageInfo = {
    hasNextPage: window.take === "first" ? more || beyond.before : beyond.before,
    hasPreviousPage: window.take === "last" ? more || beyond.after : beyond.after,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges.at(-1)?.cursor ?? null,
  };
  return { edges, nodes, pageInfo, totalCount };
}

/**
 * A page of a list held whole, in list order: `start` is the index of its first item after the `after` cursor (0
 * without one), `end` the index of its first item at or after the `before` cursor (the list's length without one).
 */
export function pageOfList<T extends { id: number }>(list: readonly T[], window: PageWindow, start: number, end: number): Page<T> {
  const inside = list.slice(start, Math.max(start, end));
  const rows =
    window.take === "first" ? inside.slice(0, window.size + 1) : inside.slice(Math.max(0, inside.length - window.size - 1)).reverse();
  return toPage(rows, window, list.length, { after: start > 0, before: end < list.length });
}

/** The index of the first item of `list` for which `found` holds; the list's length when none does. */
export function indexWhere<T>(list: readonly T[], found: (item: T) => boolean): number {
  const index = list.findIndex(found);
  return index < 0 ? list.length : index;
}
