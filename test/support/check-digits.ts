/**
 * The same enterprise number or SSIN with other check digits, which neither the historic nor the born-2000 rule
 * accepts: the two rules' check digits differ by 2_000_000_000 mod 97 = 68, never by the 1 added here.
 */
export function withBadCheckDigits(valid: string): string {
  const check = Number(valid.slice(-2));
  return `${valid.slice(0, -2)}${String((check % 97) + 1).padStart(2, "0")}`;
}
