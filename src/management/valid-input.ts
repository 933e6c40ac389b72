import { BadUserInputError } from "../errors";
import { parseEmail, parseName, type Checked } from "../domain/identifiers";
import { latestValidUntil, maxValidityYears } from "../domain/validity";
import type { ActionScope } from "./action";
import { labelled, message } from "../i18n/messages";

/**
 * The checks of a management action's input that no target makes (src/management/target.ts reads the enterprise,
 * capacity and ids the shield reads too): each refuses with BAD_USER_INPUT naming the field, before anything is locked.
 */

/** A person named in an appointment, after validation. */
export interface PersonInput {
  ssin: string;
  givenName: string;
  familyName: string;
  email?: string | null;
}

/** Returns the checked value or throws BAD_USER_INPUT naming the field. */
export function valid<T>(checked: Checked<T>, field: string, label = field.split(".").at(-1)!): T {
  if (!checked.ok) throw new BadUserInputError(field, labelled(checked.problem, label));
  return checked.value;
}

export function validPerson(input: PersonInput, field: string): PersonInput {
  return {
    ssin: input.ssin,
    givenName: valid(parseName(input.givenName), `${field}.givenName`),
    familyName: valid(parseName(input.familyName), `${field}.familyName`),
    email:
      input.email === undefined || input.email === null || input.email.trim() === ""
        ? null
        : valid(parseEmail(input.email), `${field}.email`),
  };
}

/**
 * An optional expiry: absent or null means none; otherwise after the action's instant and at most
 * five years ahead of it, checked at once and again at the instant the action is decided at (ActionScope.atInstant), so
 * that an expiry that passed while the action waited for its lock is refused as one in the past. A malformed value
 * never gets here: the DateTime scalar refuses it with the same code and field.
 */
export function validValidUntil(
  scope: Pick<ActionScope, "atInstant">,
  value: Date | null | undefined,
  field = "input.validUntil",
): Date | null {
  if (value === undefined || value === null) return null;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new BadUserInputError(field, message("input.validUntilInvalid"));
  scope.atInstant((now) => validUntilAt(value, now, field));
  return value;
}

/**
 * The rule of `validValidUntil` at one instant: after it, and at most five years ahead. A bulk action applies it to each
 * item before the lock and again at its instant, so that a late expiry refuses that item alone.
 */
export function validUntilAt<T extends Date | null>(value: T, now: Date, field: string): T {
  if (value === null) return value;
  if (value.getTime() <= now.getTime()) throw new BadUserInputError(field, message("input.validUntilPast"));
  if (value.getTime() > latestValidUntil(now).getTime())
    throw new BadUserInputError(field, message("input.validUntilTooFar", { years: maxValidityYears }));
  return value;
}

/** An id argument: digits only (BAD_USER_INPUT naming the field). The shield reads ids with it too (src/management/target.ts). */
export function idArgument(value: unknown, field: string): number | BadUserInputError {
  return typeof value === "string" && /^\d{1,15}$/.test(value.trim())
    ? Number(value)
    : new BadUserInputError(field, message("input.invalidId"));
}

export function validId(id: string, field: string): number {
  const checked = idArgument(id, field);
  if (checked instanceof BadUserInputError) throw checked;
  return checked;
}

/** The services of a USER, checked against the capacity (each must belong to it), without duplicates, in catalog order. */
export function validServices(scope: ActionScope, capacityCode: string, codes: readonly string[], field: string): string[] {
  const offered = scope.catalog.capacity(capacityCode).onlineServiceCodes;
  const requested = new Set(codes.map((c) => c.trim()));
  const outside = [...requested].filter((c) => !offered.includes(c));
  if (outside.length > 0) {
    throw new BadUserInputError(field, message("input.servicesOutsideCapacity", { capacity: capacityCode, onlineServices: outside }));
  }
  return offered.filter((c) => requested.has(c));
}
