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
  totalCount: number;
}

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
  const match = /^v1:(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match) throw new BadUserInputError(field, message("input.cursor"));
  return Number(match[1]);
}

export function pageSize(first: number | null | undefined, field = "first"): number {
  const size = first ?? 50;
  if (!Number.isInteger(size) || size < 0 || size > maxPageSize) {
    throw new BadUserInputError(field, message("input.pageSize", { max: maxPageSize }));
  }
  return size;
}

/** Builds a page from rows fetched with limit size + 1 (the extra row only tells that there is a next page). */
export function toPage<T extends { id: number }>(rows: T[], size: number, totalCount: number): Page<T> {
  const nodes = rows.slice(0, size);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(node.id), node }));
  // Lists page forward only (first/after): Relay's connection spec lets such a server answer hasPreviousPage false.
  const pageInfo = {
    hasNextPage: rows.length > size,
    hasPreviousPage: false,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges.at(-1)?.cursor ?? null,
  };
  return { edges, nodes, pageInfo, totalCount };
}
