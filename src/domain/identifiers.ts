import { message, type Message } from "../i18n/messages";

/**
 * Belgian identifiers and the bounded strings of the model, checked before any work. Pure functions: each returns the
 * normalized value or a short reason (a message of the catalogue, said of "this value" until a caller names the field), so the GraphQL scalars, the register import and the token checks share them.
 */
export type Checked<T> = { ok: true; value: T } | { ok: false; problem: Message };

const mod97Check = (digits: bigint): bigint => 97n - (digits % 97n);

/** KBO/BCE enterprise number: 10 digits (dots, spaces and a BE prefix allowed), check = 97 - (first eight mod 97). */
export function parseEnterpriseNumber(input: string): Checked<string> {
  const compact = input.trim().toUpperCase().replace(/^BE/, "").replace(/[.\s]/g, "");
  if (!/^[01]\d{9}$/.test(compact)) return { ok: false, problem: message("check.enterpriseNumber.format") };
  if (mod97Check(BigInt(compact.slice(0, 8))) !== BigInt(compact.slice(8))) {
    return { ok: false, problem: message("check.enterpriseNumber.checkDigits") };
  }
  return { ok: true, value: compact };
}

/** 0123456749 -> 0123.456.749 */
export function formatEnterpriseNumber(compact: string): string {
  return `${compact.slice(0, 4)}.${compact.slice(4, 7)}.${compact.slice(7)}`;
}

/** INSZ/NISS: 11 digits (dots, dashes, spaces allowed); check = 97 - (first nine mod 97), with 2 prefixed for births from 2000. */
export function parseSsin(input: string): Checked<string> {
  const compact = input.trim().replace(/[.\-\s]/g, "");
  if (!/^\d{11}$/.test(compact)) return { ok: false, problem: message("check.ssin.format") };
  const body = BigInt(compact.slice(0, 9));
  const check = BigInt(compact.slice(9));
  if (mod97Check(body) !== check && mod97Check(2_000_000_000n + body) !== check) {
    return { ok: false, problem: message("check.ssin.checkDigits") };
  }
  return { ok: true, value: compact };
}

// Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) reorder what follows them on screen, so a
// name could show one thing and sort or compare as another.
const bidiControls = /[\u202a-\u202e\u2066-\u2069]/;
// Zero-width characters are legitimate inside a name (ZWJ in emoji sequences, ZWNJ in Persian), not as all of it.
const invisible = /[\s\u200b-\u200d\u2060\ufeff]/g;

/**
 * Trims and bounds a name: 1 to `max` characters counted as code points (what a person calls a character, and what
 * MariaDB's utf8mb4 VARCHAR counts), no control characters, no bidi controls, not only invisible characters.
 */
export function parseName(input: string, { max = 100 }: { max?: number } = {}): Checked<string> {
  const value = input.trim();
  if (value.length === 0) return { ok: false, problem: message("check.text.empty", { label: "value" }) };
  if ([...value].length > max) return { ok: false, problem: message("check.text.tooLong", { label: "value", max }) };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(value))
    return { ok: false, problem: message("check.text.controlCharacters", { label: "value" }) };
  if (bidiControls.test(value)) return { ok: false, problem: message("check.text.bidiControls", { label: "value" }) };
  // A lone surrogate is not a character at all; MariaDB's utf8mb4 would refuse it with an error.
  if (/\p{Cs}/u.test(value)) return { ok: false, problem: message("check.text.invalidUnicode", { label: "value" }) };
  if (value.replace(invisible, "").length === 0) return { ok: false, problem: message("check.text.invisible", { label: "value" }) };
  return { ok: true, value };
}

// A pragmatic address check: one @, a dotted domain, no spaces; the full RFC 5322 grammar admits addresses no mail system delivers.
const emailPattern =
  /^[^\s@"<>()[\]\\,;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function parseEmail(input: string): Checked<string> {
  const value = input.trim();
  if (value.length > 254) return { ok: false, problem: message("check.text.tooLong", { label: "email", max: 254 }) };
  if (!emailPattern.test(value)) return { ok: false, problem: message("check.email.invalid", { label: "email" }) };
  return { ok: true, value };
}

export function parsePhone(input: string): Checked<string> {
  const value = input.trim();
  if (!/^\+?[0-9 ()./-]{6,31}$/.test(value)) return { ok: false, problem: message("check.phone.invalid", { label: "phone" }) };
  return { ok: true, value };
}
