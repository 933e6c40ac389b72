/**
 * The folded form of a name that prefix search compares: lower case, without diacritics, letters and digits only,
 * words separated by one space ("Élise De Smet-Van Ørsted" → "elise de smet van orsted"). Both databases compare the
 * stored key byte for byte, so "eli" finds "Élise" and "de s" finds "De Smet" with an index range scan on either,
 * whatever the column's collation. The same function folds what is stored and what is searched.
 */
export function searchKey(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[ßæœøłđþ]/g, (letter) => foldedLetters[letter] ?? letter)
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .slice(0, maxSearchKeyLength)
    .trimEnd();
}

/** Letters that Unicode does not decompose into a base letter and a mark. */
const foldedLetters: Record<string, string> = { ß: "ss", æ: "ae", œ: "oe", ø: "o", ł: "l", đ: "d", þ: "th" };

/** The keys' column width: an enterprise name is at most 200 characters, and folding never lengthens a name by much. */
export const maxSearchKeyLength = 200;

/**
 * The bounds of the keys that start with `prefix`, for a range scan in byte order: a folded key holds only
 * "a"-"z", "0"-"9" and " ", so the keys starting with the prefix are those from it up to, not including, the prefix
 * with its last character moved one up ("de s" to "de t", "z" to "{").
 */
export function prefixRange(prefix: string): { from: string; to: string } {
  const last = prefix.charCodeAt(prefix.length - 1);
  return { from: prefix, to: prefix.slice(0, -1) + String.fromCharCode(last + 1) };
}
