/**
 * How a documented answer is compared with the real one: JSON deep-equal (object keys in any order, arrays in order),
 * except that
 * - the string "…" matches any value (the key must still be there);
 * - an object with the key "…" (as `"…": "…"`) may have more keys than it shows;
 * - an array whose last element is "…" may have more elements than it shows;
 * - the value of a volatile key (`volatileKeys`: database and global ids, request ids, hashes, cursors, tokens), which
 *   differs from run to run and from SQLite to MariaDB, matches any value of the same kind: a string any string, null
 *   only null. So the docs may show real-looking values there.
 * Times are not volatile: the examples run on a clock the test sets (`at=`), so the times they show are exact.
 */
export const anything = "…";

export const volatileKeys: ReadonlySet<string> = new Set([
  "id",
  "nodeId",
  "requestId",
  "hash",
  "previousHash",
  "cursor",
  "startCursor",
  "endCursor",
  "token",
  "consistencyToken",
]);

const shown = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
};

const kind = (value: unknown) => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value);

const isObject = (value: unknown): value is Record<string, unknown> => kind(value) === "object";

/** Every place where `actual` differs from `expected`, each as "at <JSON path>: what differs". Empty when they match. */
export function differences(expected: unknown, actual: unknown, path = "$", volatile = false): string[] {
  if (expected === anything) return [];
  if (volatile) {
    return kind(expected) === kind(actual) && (kind(actual) === "string" || actual === null || typeof actual === "number")
      ? []
      : [`${path}: expected ${kind(expected) === "null" ? "null" : `any ${kind(expected)} (it varies)`}, got ${shown(actual)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array, got ${shown(actual)}`];
    const open = expected[expected.length - 1] === anything;
    const shownItems = open ? expected.slice(0, -1) : expected;
    const result: string[] = [];
    if (open ? actual.length < shownItems.length : actual.length !== shownItems.length)
      result.push(`${path}: expected ${open ? "at least " : ""}${shownItems.length} element(s), got ${actual.length}: ${shown(actual)}`);
    shownItems.forEach((item, index) => {
      if (index < actual.length) result.push(...differences(item, actual[index], `${path}[${index}]`));
    });
    return result;
  }
  if (isObject(expected)) {
    if (!isObject(actual)) return [`${path}: expected an object, got ${shown(actual)}`];
    const result: string[] = [];
    const open = expected[anything] === anything;
    for (const [key, value] of Object.entries(expected)) {
      if (key === anything) continue;
      const at = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
      if (!(key in actual)) result.push(`${at}: missing; the answer has ${shown(actual)}`);
      else result.push(...differences(value, actual[key], at, volatileKeys.has(key)));
    }
    if (!open)
      for (const key of Object.keys(actual))
        if (!(key in expected)) result.push(`${path}: unexpected key "${key}": ${shown(actual[key])} (show it, or add "…": "…")`);
    return result;
  }
  return Object.is(expected, actual) ? [] : [`${path}: expected ${shown(expected)}, got ${shown(actual)}`];
}
