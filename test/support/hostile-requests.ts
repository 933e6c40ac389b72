import fc from "fast-check";
import { withBadCheckDigits } from "./check-digits";

/**
 * Generators of hostile requests for test/fuzz.test.ts: broken bodies, wrong shapes and types, huge values, deep and
 * wide documents, forged tokens, and identifiers with altered digits. Each case says what it sends and, where the
 * answer is known in advance, what it must be.
 */
export interface HostileRequest {
  kind: string;
  method: "GET" | "POST";
  /** Appended to the /graphql URL (a query string for GET). */
  search: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** The kind of answer this case must get, beyond "typed 4xx or data". */
  expected?: { code: string; field?: boolean };
}

/** The people and numbers the generated requests act with (seeded by the test). */
export interface Cast {
  tokens: { legalRepresentative: string; mainAccessManager: string; stranger: string; forged: string[] };
  enterprise: string;
  otherEnterprise: string;
  ssin: string;
}

export const validEnterpriseNumber = (n: string): boolean =>
  /^[01]\d{9}$/.test(n) && 97 - (Number(n.slice(0, 8)) % 97) === Number(n.slice(8));

export const validSsin = (s: string): boolean =>
  /^\d{11}$/.test(s) &&
  [BigInt(s.slice(0, 9)), 2_000_000_000n + BigInt(s.slice(0, 9))].some((body) => 97n - (body % 97n) === BigInt(s.slice(9)));

/** One altered digit, two swapped neighbours, or other check digits: the errors check digits exist to catch. */
const digitMutation = fc.record({
  how: fc.constantFrom("substitute", "transpose", "check"),
  position: fc.nat(),
  shift: fc.integer({ min: 1, max: 9 }),
});

function mutate(number: string, { how, position, shift }: { how: string; position: number; shift: number }): string {
  const digits = number.split("");
  const substitute = () => {
    const at = position % digits.length;
    digits[at] = String((Number(digits[at]) + shift) % 10);
    return digits.join("");
  };
  if (how === "check") return withBadCheckDigits(number);
  if (how === "transpose") {
    const at = position % (digits.length - 1);
    if (digits[at] === digits[at + 1]) return substitute();
    [digits[at], digits[at + 1]] = [digits[at + 1], digits[at]];
    return digits.join("");
  }
  return substitute();
}

const hugeNumbers = fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, 2 ** 31, -(2 ** 31) - 1, 0.5, -0, Number.MIN_VALUE, 1e21);
const awkwardStrings = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "\u0000",
    "a\u0000b",
    "\uD800",
    "\uDFFF",
    "\u202E",
    "   ",
    "",
    "null",
    "0",
    "' OR 1=1 --",
    "<script>",
    "../../etc/passwd",
    "%00",
    "\r\n",
  ),
  fc.integer({ min: 101, max: 5_000 }).map((n) => "x".repeat(n)),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 3 },
  { arbitrary: hugeNumbers, weight: 2 },
  { arbitrary: awkwardStrings, weight: 3 },
  { arbitrary: fc.integer({ min: 1, max: 500 }).map((depth) => JSON.parse("[".repeat(depth) + "]".repeat(depth)) as unknown), weight: 1 },
  { arbitrary: fc.integer({ min: 60_000, max: 130_000 }).map((n) => "y".repeat(n)), weight: 1 },
);

const json = (value: unknown) => JSON.stringify(value);
const post = (
  kind: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
  expected?: HostileRequest["expected"],
): HostileRequest => ({
  kind,
  method: "POST",
  search: "",
  headers: { "content-type": "application/json", ...headers },
  body,
  expected,
});
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Operations with variables, to receive values of every wrong type. */
const operations = [
  "query ($e: EnterpriseNumber!) { enterprise(number: $e) { name roleAssignments(first: 5) { totalCount } } }",
  "query ($n: Int, $a: String) { myEnterprises { roleAssignments(first: $n, after: $a) { totalCount edges { cursor } } } }",
  "query ($e: EnterpriseNumber!, $t: Task!, $c: String) { can(enterprise: $e, task: $t, capacity: $c) { allowed reason } }",
  "query ($l: Language) { capacities { name(language: $l) onlineServices { code } } }",
  "query ($e: EnterpriseNumber!, $n: Int) { enterprise(number: $e) { auditTrail(first: $n) { totalCount } eBox { messages(first: $n) { totalCount } } } }",
  "mutation ($input: AppointMainAccessManagerInput!) { appointMainAccessManager(input: $input) { id } }",
  "mutation ($input: UpdateMyAccountInput!) { updateMyAccount(input: $input) { email phone language } }",
  "mutation ($a: ID!) { removeUser(assignment: $a) { id } }",
  "mutation ($e: EnterpriseNumber!, $c: String!) { activateCapacity(enterprise: $e, capacity: $c) { status } }",
  "mutation ($input: AddUserInput!) { addUser(input: $input) { id } }",
  "mutation ($input: ActivateEBoxInput!) { activateEBox(input: $input) { status } }",
];
const variableNames = ["e", "n", "a", "t", "c", "l", "input"];

const graphqlTokens = [
  "{",
  "}",
  "(",
  ")",
  ":",
  "$e",
  "...",
  "@include(if: true)",
  "@skip",
  "query",
  "mutation",
  "subscription",
  "fragment F on Person",
  "on",
  "me",
  "ssin",
  "roles",
  "enterprise",
  "__schema",
  "__type",
  '"str"',
  '"""block"""',
  "1",
  "1e999",
  "-0",
  "[",
  "]",
  "=",
  "!",
  "#c\n",
  "\u0000",
  "\uFEFF",
  "F",
  "...F",
  "id",
  "first: 100000",
  "a:",
];

export function hostileRequests(cast: Cast): fc.Arbitrary<HostileRequest> {
  const anyViewer = fc.constantFrom<Record<string, string>>(
    {},
    bearer(cast.tokens.legalRepresentative),
    bearer(cast.tokens.mainAccessManager),
    bearer(cast.tokens.stranger),
    ...cast.tokens.forged.map(bearer),
    { authorization: "Basic dXNlcjpwYXNz" },
    { authorization: "Bearer" },
  );

  const rawBytes = fc.uint8Array({ maxLength: 400 }).map((bytes) => post("invalid UTF-8 and raw bytes", bytes));
  const garbageText = fc.string({ unit: "binary", maxLength: 300 }).map((text) => post("random text", text));
  const truncated = fc.tuple(fc.constantFrom(...operations), fc.nat()).map(([query, cut]) => {
    const full = json({ query, variables: { e: cast.enterprise } });
    return post("truncated JSON", full.slice(0, cut % full.length));
  });
  const jsonOfWrongShape = fc.jsonValue({ maxDepth: 4 }).map((value) => post("JSON of the wrong shape", json(value)));
  const wrongFields = fc
    .record({ query: hostileValue, variables: hostileValue, operationName: hostileValue, extensions: hostileValue }, { requiredKeys: [] })
    .chain((body) => anyViewer.map((viewer) => post("request fields of the wrong type", json(body), viewer)));
  const randomDocument = fc
    .tuple(fc.array(fc.constantFrom(...graphqlTokens), { maxLength: 60 }), anyViewer)
    .map(([tokens, viewer]) => post("random document", json({ query: tokens.join(" ") }), viewer));
  const braceBomb = fc
    .integer({ min: 1, max: 60_000 })
    .map((n) => post("nested braces", json({ query: "{".repeat(n) + "}".repeat(n) }), bearer(cast.tokens.stranger)));
  const chain = ["roles", "enterprise", "legalRepresentatives"];
  const deepDocument = fc.integer({ min: 1, max: 400 }).map((depth) => {
    let selection = "id";
    for (let level = depth; level >= 1; level--) selection = `${chain[level % 3]} { ${selection} }`;
    return post("deep document", json({ query: `{ me { ${selection} } }` }), bearer(cast.tokens.mainAccessManager));
  });
  const wideDocument = fc.tuple(fc.integer({ min: 1, max: 3_000 }), fc.constantFrom("alias", "repeat", "root")).map(([n, how]) => {
    const fields = Array.from({ length: n }, (_, i) =>
      how === "alias" ? `a${i}: ssin` : how === "repeat" ? "ssin" : `r${i}: roleTasks { role }`,
    ).join(" ");
    return post(
      "wide document",
      json({ query: how === "root" ? `{ ${fields} }` : `{ me { ${fields} } }` }),
      bearer(cast.tokens.mainAccessManager),
    );
  });
  // Written as text: nesting this deep is more than JSON.stringify's recursion takes, not more than a client can send.
  const deepJson = fc
    .tuple(fc.constantFrom(...operations), fc.constantFrom("[", '{"a":'), fc.integer({ min: 1_000, max: 40_000 }))
    .map(([query, open, depth]) =>
      post(
        "deeply nested JSON",
        `{"query":${json(query)},"variables":{"input":${open.repeat(depth)}1${(open === "[" ? "]" : "}").repeat(depth)}}}`,
        bearer(cast.tokens.mainAccessManager),
      ),
    );
  const wrongVariables = fc
    .tuple(fc.constantFrom(...operations), fc.dictionary(fc.constantFrom(...variableNames), hostileValue, { maxKeys: 4 }), anyViewer)
    .map(([query, variables, viewer]) => post("variables of the wrong type", json({ query, variables }), viewer));
  const hostileInputs = fc
    .record({
      enterprise: fc.oneof(fc.constant(cast.enterprise), hostileValue),
      ssin: fc.oneof(fc.constant(cast.ssin), hostileValue),
      givenName: awkwardStrings,
      familyName: fc.oneof(fc.constant("Fuzz"), awkwardStrings),
      email: fc.oneof(fc.constant(null), awkwardStrings),
    })
    .map(({ enterprise, ssin, givenName, familyName, email }) =>
      post(
        "hostile values in a mutation's input",
        json({ query: operations[5], variables: { input: { enterprise, person: { ssin, givenName, familyName, email } } } }),
        bearer(cast.tokens.legalRepresentative),
      ),
    );
  const checkDigits = fc
    .tuple(fc.constantFrom("ssin", "enterprise", "ebox"), digitMutation, fc.boolean())
    .map(([target, mutation, formatted]) => {
      const number = mutate(target === "ssin" ? cast.ssin : cast.enterprise, mutation);
      const valid = target === "ssin" ? validSsin(number) : validEnterpriseNumber(number);
      const written = formatted && target !== "ssin" ? `${number.slice(0, 4)}.${number.slice(4, 7)}.${number.slice(7)}` : number;
      const input =
        target === "ebox"
          ? { query: operations[10], variables: { input: { enterprise: written, notificationEmail: "ebox@example.be" } } }
          : {
              query: operations[5],
              variables: {
                input: {
                  enterprise: target === "enterprise" ? written : cast.otherEnterprise,
                  person: { ssin: target === "ssin" ? written : cast.ssin, givenName: "Check", familyName: "Digits" },
                },
              },
            };
      return post(
        "altered check digits",
        json(input),
        bearer(cast.tokens.legalRepresentative),
        valid ? undefined : { code: "BAD_USER_INPUT", field: true },
      );
    });
  // Random tokens keep to visible ASCII: anything else cannot be put in a header by a client, or reaches no server.
  const forgedToken = fc
    .tuple(
      fc.oneof(
        fc.constantFrom(...cast.tokens.forged),
        fc.string({ unit: "binary-ascii", minLength: 1, maxLength: 4_000 }).map((s) => s.replace(/[^!-~]/g, "x")),
      ),
      fc.constantFrom(...operations),
    )
    .map(([token, query]) =>
      post("forged token", json({ query, variables: { e: cast.enterprise } }), bearer(token), { code: "UNAUTHENTICATED" }),
    );
  const otherTransports = fc
    .tuple(
      fc.constantFrom(...operations, "{ me { ssin } }"),
      fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/graphql", ""),
      fc.boolean(),
    )
    .map(([query, contentType, asGet]): HostileRequest => {
      const headers = { ...bearer(cast.tokens.legalRepresentative), ...(contentType ? { "content-type": contentType } : {}) };
      return asGet
        ? {
            kind: "GET or simple content type",
            method: "GET",
            search: `?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(json({ e: cast.enterprise }))}`,
            headers,
          }
        : { kind: "GET or simple content type", method: "POST", search: "", headers, body: json({ query }) };
    });

  return fc.oneof(
    { arbitrary: rawBytes, weight: 2 },
    { arbitrary: garbageText, weight: 2 },
    { arbitrary: truncated, weight: 2 },
    { arbitrary: jsonOfWrongShape, weight: 2 },
    { arbitrary: wrongFields, weight: 2 },
    { arbitrary: randomDocument, weight: 3 },
    { arbitrary: braceBomb, weight: 1 },
    { arbitrary: deepDocument, weight: 2 },
    { arbitrary: wideDocument, weight: 2 },
    { arbitrary: deepJson, weight: 1 },
    { arbitrary: wrongVariables, weight: 4 },
    { arbitrary: hostileInputs, weight: 3 },
    { arbitrary: checkDigits, weight: 3 },
    { arbitrary: forgedToken, weight: 2 },
    { arbitrary: otherTransports, weight: 1 },
  );
}
