import type { EntityManager } from "typeorm";
import { BadUserInputError } from "../errors";
import { parseEnterpriseNumber, parseSsin } from "../domain/identifiers";
import { prefixRange, searchKey } from "../domain/search-key";
import { message } from "../i18n/messages";

/** The longest search a client may send: a name is at most 200 characters, a number far fewer. */
export const maxSearchLength = 200;

/** What a `search` argument asks for: an exact identifier, or a prefix of a folded name (src/domain/search-key.ts). */
export type SearchTerm = { kind: "exact"; value: string } | { kind: "prefix"; value: string };

/**
 * Reads a `search` argument: a valid `identifier` (an enterprise number or a national number, in any format the
 * scalars accept) is searched exactly, anything else as a name prefix. BAD_USER_INPUT (`search`) for a text longer than
 * `maxSearchLength` or without a letter or digit. A number is never a prefix: a national number is found whole or not
 * at all, so a search cannot enumerate them digit by digit.
 */
export function searchTerm(text: string, identifier: "enterprise" | "ssin"): SearchTerm {
  if (text.length > maxSearchLength) throw new BadUserInputError("search", message("input.search", { max: maxSearchLength }));
  const parsed = identifier === "enterprise" ? parseEnterpriseNumber(text) : parseSsin(text);
  if (parsed.ok) return { kind: "exact", value: parsed.value };
  const folded = searchKey(text);
  if (folded === "") throw new BadUserInputError("search", message("input.search", { max: maxSearchLength }));
  return { kind: "prefix", value: folded };
}

/**
 * "`column` starts with the prefix" as an index range on the folded column: a LIKE with a constant prefix on MariaDB
 * and MySQL (their optimizer turns it into a range), explicit bounds on SQLite (whose LIKE is case-insensitive and so
 * cannot use an index of a column in its default collation). The folded prefix holds no wildcard.
 */
export function prefixCondition(manager: EntityManager, column: string, prefix: string): { sql: string; params: string[] } {
  if (manager.connection.options.type === "better-sqlite3") {
    const { from, to } = prefixRange(prefix);
    return { sql: `(${column} >= ? AND ${column} < ?)`, params: [from, to] };
  }
  return { sql: `${column} LIKE ?`, params: [`${prefix}%`] };
}
