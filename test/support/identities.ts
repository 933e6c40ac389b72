/** Valid test identifiers, generated from their check-digit rules so that each test gets fresh ones. */
let enterpriseCounter = 1_000_000 + Math.floor(Math.random() * 1_000_000);
let personCounter = 100_000 + Math.floor(Math.random() * 800_000);

export function enterpriseNumber(): string {
  const first = `0${String(enterpriseCounter++).padStart(7, "0")}`;
  const check = 97 - (Number(first) % 97);
  return `${first}${String(check).padStart(2, "0")}`;
}

/** An SSIN born in the 1980s (historic check-digit rule), or from 2000 when `born2000` is set. */
export function ssin({ born2000 = false }: { born2000?: boolean } = {}): string {
  const n = personCounter++;
  const body = `${born2000 ? "05" : "85"}${String(n).padStart(7, "0")}`;
  const check = 97 - (Number(`${born2000 ? "2" : ""}${body}`) % 97);
  return `${body}${String(check).padStart(2, "0")}`;
}

export function formatted(number: string): string {
  return `${number.slice(0, 4)}.${number.slice(4, 7)}.${number.slice(7)}`;
}
