/**
 * What a value kept in memory weighs, estimated as V8 lays it out on a 64-bit heap with pointer compression off: an
 * object's header and one slot per property, a string's header and one byte per character (Latin-1; the rows' text is),
 * a Date's object, a Map's entries. An estimate: what matters is that it grows with what is kept, in proportion, so
 * that a bound in bytes holds within the estimate's margin (bench/soak.ts compares it with the heap).
 */
const objectHeader = 24;
const slot = 8;
const stringHeader = 16;
const dateBytes = 32;
const mapEntry = 3 * slot + 16;

export function stringBytes(value: string): number {
  return stringHeader + value.length;
}

/** A row as read (an entity's fields): its object, its strings and dates; numbers, booleans and null take their slot. */
export function rowBytes(row: object): number {
  let bytes = objectHeader;
  for (const value of Object.values(row)) {
    bytes += slot;
    if (typeof value === "string") bytes += stringBytes(value);
    else if (value instanceof Date) bytes += dateBytes;
  }
  return bytes;
}

/** A Map's own weight for `entries` entries (its keys and values counted apart). */
export function mapBytes(entries: number): number {
  return objectHeader + 64 + entries * mapEntry;
}

/**
 * A built answer (pages, edges, cursors): its own objects, arrays and strings, walked to `depth`. A frozen object is
 * a row the answer shares with its model, already counted there: only the reference is.
 */
export function answerBytes(value: unknown, depth = 6): number {
  if (typeof value === "string") return stringBytes(value);
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return 0;
  if (value instanceof Date) return dateBytes;
  if (depth === 0) return objectHeader;
  if (Array.isArray(value)) {
    let bytes = objectHeader + value.length * slot;
    for (const item of value) bytes += answerBytes(item, depth - 1);
    return bytes;
  }
  if (value instanceof Map || value instanceof Set) {
    let bytes = mapBytes(value.size);
    for (const item of value.values()) bytes += answerBytes(item, depth - 1);
    return bytes;
  }
  let bytes = objectHeader;
  for (const item of Object.values(value)) bytes += slot + answerBytes(item, depth - 1);
  return bytes;
}
