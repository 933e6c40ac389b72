import type { SelectQueryBuilder } from "typeorm";
import { toPage, type Page, type PageWindow } from "./read-models";

/**
 * One page of a list ordered by id (ascending or descending), between keyset positions: the rows (one more in the
 * direction of travel tells whether more lies that way) and, when a cursor is given, one row read past each cursor, so
 * a page costs its size however long the list; the count, which costs the list's length, only if a client selects
 * `totalCount`. Stable when rows are added while a client pages through it, either way. The query builder's alias must
 * be "row".
 */
export async function keysetPage<T extends { id: number }>(
  query: SelectQueryBuilder<T>,
  { window, order }: { window: PageWindow; order: "ASC" | "DESC" },
): Promise<Page<T>> {
  const { take, size, afterId, beforeId } = window;
  // "After" a cursor, in list order, is a greater id in an ascending list and a smaller one in a descending list.
  const [after, before] = order === "ASC" ? [">", "<"] : ["<", ">"];
  const [atOrBeforeAfter, atOrAfterBefore] = order === "ASC" ? ["<=", ">="] : [">=", "<="];
  const travel = take === "first" ? order : order === "ASC" ? "DESC" : "ASC";
  const paged = query
    .clone()
    .orderBy("row.id", travel)
    .take(size + 1);
  if (afterId !== null) paged.andWhere(`row.id ${after} :afterId`, { afterId });
  if (beforeId !== null) paged.andWhere(`row.id ${before} :beforeId`, { beforeId });
  // Even for a page of 0 one row is read: it tells whether there is more that way.
  const rows = await paged.getMany();
  /** Whether any row lies at or past a cursor, away from the page: the nearest one, if any. */
  const past = async (test: string, cursor: number, nearest: "ASC" | "DESC") =>
    (await query
      .clone()
      .select("row.id", "id")
      .andWhere(`row.id ${test} :pastCursor`, { pastCursor: cursor })
      .orderBy("row.id", nearest)
      .limit(1)
      .getRawOne()) !== undefined;
  const beyond = {
    after: afterId !== null && (await past(atOrBeforeAfter, afterId, order === "ASC" ? "DESC" : "ASC")),
    before: beforeId !== null && (await past(atOrAfterBefore, beforeId, order)),
  };
  const counted = async () => Number((await query.clone().select("COUNT(*)", "total").getRawOne<{ total: unknown }>())?.total ?? 0);
  return toPage(rows, window, counted, beyond);
}
