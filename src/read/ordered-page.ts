import { Buffer } from "node:buffer";
import type { EntityManager, EntityTarget, ObjectLiteral } from "typeorm";
import { BadUserInputError } from "../errors";
import { message } from "../i18n/messages";
import { encodeCursor, orderedCursorPrefix, decodeCursor, toPage, type Page } from "./read-models";
import { RowReader, type TableSql } from "./row-reader";

/** A sort key's value as the cursor keeps it: text (a folded name, a stored date-time) or a number (an id). */
type KeyValue = string | number;

/**
 * A list in a chosen order (`ordering`, e.g. "FAMILY_NAME:ASC"; null for the list's own order, by id ascending, whose
 * cursors are those of every other connection). `keys` are SQL expressions, not null, the last one the row's unique
 * id: together they order the list totally, so a keyset position is exact.
 */
export interface OrderedList {
  ordering: string | null;
  keys: readonly { sql: string; dateTime?: boolean }[];
  direction: "ASC" | "DESC";
}

/** The page a client asked of an ordered list: its cursors decoded into keyset positions (the sort keys' values). */
export interface OrderedWindow {
  take: "first" | "last";
  size: number;
  after: KeyValue[] | null;
  before: KeyValue[] | null;
}

export function encodeOrderedCursor(ordering: string, values: readonly KeyValue[]): string {
  return Buffer.from(`${orderedCursorPrefix}${JSON.stringify([ordering, ...values])}`, "utf8").toString("base64url");
}

/**
 * The keyset position of a cursor in `list`: BAD_USER_INPUT (`field`) for a cursor this API did not return, or one of
 * another order of the list (the same place would be another page).
 */
export function decodeOrderedCursor(list: OrderedList, cursor: string | null | undefined, field: "after" | "before"): KeyValue[] | null {
  if (cursor === null || cursor === undefined) return null;
  if (list.ordering === null) {
    const id = decodeCursor(cursor, field);
    return id === null ? null : [id];
  }
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  if (!text.startsWith(orderedCursorPrefix)) {
    if (/^v1:\d{1,15}$/.test(text)) throw new BadUserInputError(field, message("input.cursorOrder"));
    throw new BadUserInputError(field, message("input.cursor"));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(orderedCursorPrefix.length));
  } catch {
    throw new BadUserInputError(field, message("input.cursor"));
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== list.keys.length + 1 ||
    !parsed.slice(1, -1).every((v) => typeof v === "string" && v.length <= 200) ||
    !Number.isSafeInteger(parsed.at(-1))
  )
    throw new BadUserInputError(field, message("input.cursor"));
  if (parsed[0] !== list.ordering) throw new BadUserInputError(field, message("input.cursorOrder"));
  return parsed.slice(1) as KeyValue[];
}

/**
 * "The row lies after `values` in list order" as SQL (`forward`), or "before" (`!forward`): a lexicographic comparison
 * of the sort keys, written out (k1 > v1 OR k1 = v1 AND (k2 > v2 OR ...)) so that both databases read it.
 */
function beyond(list: OrderedList, forward: boolean): string {
  const ascending = (list.direction === "ASC") === forward;
  const strict = ascending ? ">" : "<";
  const build = (i: number): string => {
    const key = list.keys[i].sql;
    if (i === list.keys.length - 1) return `${key} ${strict} ?`;
    return `(${key} ${strict} ? OR (${key} = ? AND ${build(i + 1)}))`;
  };
  // The first key's own bound, implied by the comparison, leads it: a plain range that SQLite seeks the index with (the
  // comparison alone, an OR, it would test on every entry from the list's start: a middle page read half the list).
  return list.keys.length === 1 ? build(0) : `${list.keys[0].sql} ${strict}= ? AND ${build(0)}`;
}

/**
 * The rows at a cursor or past it away from the direction of `beyond` (at or before an `after` cursor in list order,
 * at or after a `before` cursor): the same keys compared the other way, the last (the id) inclusive.
 */
function atOrBefore(list: OrderedList, forward: boolean): string {
  const ascending = (list.direction === "ASC") !== forward;
  const strict = ascending ? ">" : "<";
  const build = (i: number): string => {
    const key = list.keys[i].sql;
    if (i === list.keys.length - 1) return `${key} ${strict}= ?`;
    return `(${key} ${strict} ? OR (${key} = ? AND ${build(i + 1)}))`;
  };
  return build(0);
}

/**
 * The parameters of `beyond` for a position: the first key's bound, then each value but the last twice (the strict and
 * the equal test).
 */
const beyondParams = (values: readonly KeyValue[]): KeyValue[] => [
  ...(values.length > 1 ? [values[0]] : []),
  ...values.flatMap((v, i) => (i === values.length - 1 ? [v] : [v, v])),
];
/** The parameters of `atOrBefore`: the comparison's alone. */
const atOrBeforeParams = (values: readonly KeyValue[]): KeyValue[] => values.flatMap((v, i) => (i === values.length - 1 ? [v] : [v, v]));

/** A stored date-time as the databases compare it: "YYYY-MM-DD HH:MM:SS.SSS" (MariaDB leaves ".000" out). */
const comparable = (value: unknown, dateTime: boolean | undefined): KeyValue => {
  if (typeof value === "number") return value;
  const text = String(value);
  return dateTime && text.length === 19 ? `${text}.000` : text;
};

/**
 * One page of an ordered list of `entity` rows (alias `t` in `from`, which is "FROM ... WHERE ..." without an order):
 * two statements however deep the page (the count with what lies past each cursor, and the rows, one more in the
 * direction of travel), with the keyset positions of `window`. `key` names the statement's text for the read side's
 * prepared statements: it must tell apart every `from` the caller builds.
 */
export async function orderedPage<T extends ObjectLiteral & { id: number }>(
  manager: EntityManager,
  {
    entity,
    key,
    from,
    params,
    list,
    window,
  }: {
    entity: EntityTarget<T>;
    key: string;
    from: (table: TableSql) => string;
    params: readonly unknown[];
    list: OrderedList;
    window: OrderedWindow;
  },
): Promise<Page<T>> {
  const rows = new RowReader(manager);
  const { take, size, after, before } = window;
  const shape = `${key}|${list.ordering}|${list.direction}|${after !== null}|${before !== null}`;
  // Past the `after` cursor (list order) is "not after it"; past `before`, "not before it": one row read each way
  // tells whether any lies there. The count costs the list's length: it is read only if a client selects it.
  const probes = [
    ...(after ? [{ side: "after", values: after, forward: true }] : []),
    ...(before ? [{ side: "before", values: before, forward: false }] : []),
  ];
  const past =
    probes.length === 0
      ? []
      : await rows.raw(
          entity as EntityTarget<ObjectLiteral>,
          `ordered-beyond|${shape}`,
          (table) =>
            probes
              .map(
                ({ side, forward }) =>
                  `SELECT * FROM (SELECT '${side}' AS side ${from(table)} AND ${atOrBefore(list, forward)} LIMIT 1) b${side}`,
              )
              .join(" UNION ALL "),
          probes.flatMap(({ values }) => [...params, ...atOrBeforeParams(values)]),
        );
  const counted = async () => {
    const [count] = await rows.raw(
      entity as EntityTarget<ObjectLiteral>,
      `ordered-count|${key}`,
      (table) => `SELECT COUNT(*) AS total ${from(table)}`,
      params,
    );
    return Number(count?.total ?? 0);
  };
  const travel = (take === "first") === (list.direction === "ASC") ? "ASC" : "DESC";
  const found = await rows.query(
    entity,
    `ordered-rows|${shape}|${take}|${size}`,
    (table) =>
      `SELECT ${table.columns("t")}, ${list.keys.map((k, i) => `${k.sql} AS sortKey${i}`).join(", ")} ${from(table)}` +
      (after ? ` AND ${beyond(list, true)}` : "") +
      (before ? ` AND ${beyond(list, false)}` : "") +
      ` ORDER BY ${list.keys.map((k) => `${k.sql} ${travel}`).join(", ")} LIMIT ${size + 1}`,
    [...params, ...(after ? beyondParams(after) : []), ...(before ? beyondParams(before) : [])],
  );
  const cursors = new Map<T, string>();
  for (const row of found) {
    const record = row as Record<string, unknown>;
    const values = list.keys.map((k, i) => comparable(record[`sortKey${i}`], k.dateTime));
    for (let i = 0; i < list.keys.length; i++) delete record[`sortKey${i}`];
    cursors.set(row, list.ordering === null ? encodeCursor(row.id) : encodeOrderedCursor(list.ordering, [...values.slice(0, -1), row.id]));
  }
  return toPage(
    found,
    { take, size },
    counted,
    { after: past.some((p) => p.side === "after"), before: past.some((p) => p.side === "before") },
    (node) => cursors.get(node)!,
  );
}
