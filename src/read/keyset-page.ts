import type { SelectQueryBuilder } from "typeorm";
import { toPage, type Page, type PageWindow } from "./read-models";

/**
 * One page of a list ordered by id (ascending or descending), between keyset positions: two statements (the count,
 * with what lies past each cursor, and the rows) however long the list, and stable when rows are added while a client
 * pages through it, either way. The query builder's alias must be "row".
 */
export async function keysetPage<T extends { id: number }>(
  query: SelectQueryBuilder<T>,
  { window, order }: { window: PageWindow; order: "ASC" | "DESC" },
): Promise<Page<T>> {
  const { take, size, afterId, beforeId } = window;
  // "After" a cursor, in list order, is a greater id in an ascending list and a smaller one in a descending list.
  const [after, before] = order === "ASC" ? [">", "<"] : ["<", ">"];
  const [atOrBeforeAfter, atOrAfterBefore] = order === "ASC" ? ["<=", ">="] : [">=", "<="];
  const counts = query.clone().select("COUNT(*)", "total");
  if (afterId !== null) counts.addSelect(`SUM(CASE WHEN row.id ${atOrBeforeAfter} :afterId THEN 1 ELSE 0 END)`, "beyondAfter");
  if (beforeId !== null) counts.addSelect(`SUM(CASE WHEN row.id ${atOrAfterBefore} :beforeId THEN 1 ELSE 0 END)`, "beyondBefore");
  const counted = await counts.setParameters({ afterId, beforeId }).getRawOne<Record<string, unknown>>();
  const travel = take === "first" ? order : order === "ASC" ? "DESC" : "ASC";
  const paged = query
    .clone()
    .orderBy("row.id", travel)
    .take(size + 1);
  if (afterId !== null) paged.andWhere(`row.id ${after} :afterId`, { afterId });
  if (beforeId !== null) paged.andWhere(`row.id ${before} :beforeId`, { beforeId });
  // Even for a page of 0 one row is read: it tells whether there is more that way.
  const rows = await paged.getMany();
  return toPage(rows, window, Number(counted?.total ?? 0), {
    after: Number(counted?.beyondAfter ?? 0) > 0,
    before: Number(counted?.beyondBefore ?? 0) > 0,
  });
}
