import { IsNull, MoreThan, Or } from "typeorm";
import type { DateTime } from "./scalars";

/**
 * Rights that expire: an assignment or mandate is current at instant T when it has not ended and
 * its `validUntil`, if any, lies after T. An expired row counts as ended at its `validUntil` from that instant on,
 * whether or not anything has yet written `ended_at` (src/management/expire-rights.ts does that, with its audit event).
 *
 * The one definition of "current at T": `isCurrentAt` for rows in memory, `currentAtSql` for SQL and `currentAtWhere`
 * for TypeORM find options. Every reader of current assignments and mandates goes through one of them.
 */

/** What the validity of an assignment or mandate depends on (date-times as read: a Date, or the read side's ISO-8601 text). */
export interface Validity {
  endedAt: DateTime | null;
  validUntil: DateTime | null;
}

/** The milliseconds of a date-time as read (the read side's ISO-8601 text, or a Date). */
export const instant = (value: DateTime): number => (typeof value === "string" ? Date.parse(value) : value.getTime());

export function isCurrentAt(row: Validity, at: Date): boolean {
  return row.endedAt === null && (row.validUntil === null || instant(row.validUntil) > at.getTime());
}

/** Has the row expired by `at` without anything having ended it yet (what the expiry writes down)? */
export function isDueAt(row: Validity, at: Date): boolean {
  return row.endedAt === null && row.validUntil !== null && instant(row.validUntil) <= at.getTime();
}

/** When the row ended as of `at`: its `endedAt`, or its `validUntil` once that has passed; null while current. */
export function endedAsOf(row: Validity, at: Date): DateTime | null {
  return row.endedAt ?? (isDueAt(row, at) ? row.validUntil : null);
}

const currentAt = (alias: string, placeholder: string) =>
  `(${alias}.ended_at IS NULL AND (${alias}.valid_until IS NULL OR ${alias}.valid_until > ${placeholder}))`;

/**
 * The SQL predicate "current at :parameter" for the table alias (`ra`, `m`...), on the columns `ended_at` and
 * `valid_until` of role_assignment and service_provider_mandate. Bind `parameter` to the instant (a Date).
 */
export function currentAtSql(alias: string, parameter = "validAt"): string {
  return currentAt(alias, `:${parameter}`);
}

/** `currentAtSql` with a positional parameter (`?`), for the read side's prepared statements (src/read/row-reader.ts). */
export function currentAtPositionalSql(alias: string): string {
  return currentAt(alias, "?");
}

/** The SQL predicate "expired by :parameter but not yet ended" (the rows the expiry ends), as `currentAtSql`. */
export function dueAtSql(alias: string, parameter = "validAt"): string {
  return `(${alias}.ended_at IS NULL AND ${alias}.valid_until IS NOT NULL AND ${alias}.valid_until <= :${parameter})`;
}

/** "Current at `at`" as TypeORM find options, to spread into a `where`. */
export function currentAtWhere(at: Date) {
  return { endedAt: IsNull(), validUntil: Or(IsNull(), MoreThan(at)) };
}

/** The furthest a `validUntil` may lie ahead: five years. */
export const maxValidityYears = 5;

export function latestValidUntil(now: Date): Date {
  const latest = new Date(now.getTime());
  latest.setUTCFullYear(latest.getUTCFullYear() + maxValidityYears);
  return latest;
}
