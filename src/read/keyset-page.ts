import type { SelectQueryBuilder } from "typeorm";
import { toPage, type Page } from "./read-models";

/**
 * One page of a list ordered by id, after a keyset position: two statements (rows and count) however long the
 * list, and stable when rows are added while a client pages through it. The query builder's alias must be "row".
 */
export async function keysetPage<T extends { id: number }>(
  query: SelectQueryBuilder<T>,
  { size, afterId, direction }: { size: number; afterId: number | null; direction: "ASC" | "DESC" },
): Promise<Page<T>> {
  const totalCount = await query.clone().getCount();
  const paged = query
    .clone()
    .orderBy("row.id", direction)
    .take(size + 1);
  if (afterId !== null) paged.andWhere(direction === "ASC" ? "row.id > :afterId" : "row.id < :afterId", { afterId });
  // Even for first: 0 one row is read: it tells whether there is a next page.
  const rows = await paged.getMany();
  return toPage(rows, size, totalCount);
}
