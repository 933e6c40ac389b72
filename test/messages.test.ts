import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { GraphQLError } from "graphql";
import { decisionReasons } from "../src/access/decision";
import { roles, tasks } from "../src/access/role-tasks";
import * as errors from "../src/errors";
import { formatMessage, message, messages, type MessageKey } from "../src/i18n/messages";
import { capacityCatalog } from "../src/domain/catalog-data";
import { languages, type Language } from "../src/domain/states";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { graphql, send, type GraphQLErrorBody } from "./support/http";
import { withBadCheckDigits } from "./support/check-digits";
import { ssin } from "./support/identities";
import type { SeededEnterprise } from "./support/seed";

const keys = Object.keys(messages) as MessageKey[];
const placeholdersOf = (template: string) => [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
/** A code such as ACTIVATE_CAPACITY or EMPLOYER_NSSO: never in a text for people. */
const internalCode = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/;
const graphqlJargon = /\b(GraphQL|resolver|mutation|nullable|selection set|non-null)\b/i;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return path.endsWith(join("src", "client", "generated")) ? [] : sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}
const sources = sourceFiles(join(__dirname, "..", "src")).map((path) => ({ path, text: readFileSync(path, "utf8") }));

describe("the message catalogue", () => {
  it("has every key in NL, FR, DE and EN, with the same parameters in each", () => {
    for (const key of keys) {
      const english = placeholdersOf(messages[key].EN);
      for (const language of languages) {
        expect({ key, language, text: messages[key][language].trim().length > 0 }).toEqual({ key, language, text: true });
        expect({ key, language, params: placeholdersOf(messages[key][language]) }).toEqual({ key, language, params: english });
      }
    }
  });

  it("words no internal code and no GraphQL jargon in any language, templates or rendered with every task, role and capacity", () => {
    const templates = keys.flatMap((key) => languages.map((language) => messages[key][language]));
    // Every parameter filled: tasks, roles and capacities each in turn, the rest with a plain sample.
    const filled = (key: MessageKey, named: Record<string, unknown>) =>
      Object.fromEntries(
        placeholdersOf(messages[key].EN).map((name) => [
          name,
          name in named ? named[name] : name === "onlineServices" ? ["DIMONA", "NOPE"] : name === "label" ? "givenName" : 7,
        ]),
      );
    const rendered = keys.flatMap((key) =>
      languages.flatMap((language) => [
        ...tasks.map((task) => formatMessage({ key, params: filled(key, { task }) }, language)),
        ...roles.map((role) => formatMessage({ key, params: filled(key, { role }) }, language)),
        ...capacityCatalog.map(({ code }) => formatMessage({ key, params: filled(key, { capacity: code, value: "Werkgever" }) }, language)),
      ]),
    );
    expect([...templates, ...rendered].filter((text) => internalCode.test(text) || graphqlJargon.test(text))).toEqual([]);
    expect(rendered.filter((text) => /\{\w+\}/.test(text))).toEqual([]);
  });

  it("quotes every parameter that may echo a caller's value, in every language", () => {
    const quoted = /[“‘«„"]\s?\{value\}\s?[”’»“"]/;
    for (const key of keys.filter((k) => placeholdersOf(messages[k].EN).includes("value"))) {
      for (const language of languages)
        expect({ key, language, quoted: quoted.test(messages[key][language]) }).toEqual({ key, language, quoted: true });
    }
  });

  it("echoes a value cut, stripped of control and bidi-control characters, and never interpolates what it contains", () => {
    const hostile = "<img src=x onerror=alert(1)>{task}\u202e";
    const long = `${"A".repeat(5000)}B`;
    const controls = "EMP\u0000LOYER\n\u001b[31m\u0085\u200f\u2066X\u2069";
    for (const language of languages) {
      const template = messages["input.unknownCapacity"][language];
      expect(formatMessage(message("input.unknownCapacity", { value: hostile }), language)).toBe(
        template.replace("{value}", "<img src=x onerror=alert(1)>{task}"),
      );
      expect(formatMessage(message("input.unknownCapacity", { value: long }), language)).toBe(
        template.replace("{value}", `${"A".repeat(39)}…`),
      );
      expect(formatMessage(message("input.unknownCapacity", { value: controls }), language)).toBe(
        template.replace("{value}", "EMPLOYER[31mX"),
      );
      const services = formatMessage(
        message("input.servicesOutsideCapacity", { capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA", hostile] }),
        language,
      );
      expect(services).toContain("“<img src=x onerror=alert(1)>{task}”");
      // eslint-disable-next-line no-control-regex
      expect(services).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    }
    // params: the sanitized value where the input is not valid for its type; a valid code as given.
    expect(message("input.unknownCapacity", { value: hostile }).params).toEqual({ value: "<img src=x onerror=alert(1)>{task}" });
    expect(message("forbidden.capacityNotActive", { capacity: "EMPLOYER_NSSO" }).params).toEqual({ capacity: "EMPLOYER_NSSO" });
    expect(message("input.servicesOutsideCapacity", { capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA", long] }).params).toEqual({
      capacity: "EMPLOYER_NSSO",
      onlineServices: ["DIMONA", `${"A".repeat(39)}…`],
    });
  });

  it("has a message for every decision reason, used by the decision function", () => {
    const decision = sources.find((s) => s.path.endsWith(join("access", "decision.ts")))!.text;
    for (const reason of decisionReasons) expect(decision).toMatch(new RegExp(`${reason}: .*message\\("decision\\.`));
  });

  it("has no key that the code never uses", () => {
    const code = sources
      .filter((s) => !s.path.endsWith(join("i18n", "messages.ts")))
      .map((s) => s.text)
      .join("\n");
    // QueryTooComplexError names its key after the limit: `limits.${limit}`.
    const unused = keys.filter((key) => !code.includes(`"${key}"`) && !(key.startsWith("limits.") && code.includes("`limits.${limit}`")));
    expect(unused).toEqual([]);
  });

  it("makes every error class a client sees take a key of the catalogue, never free text", () => {
    const classes = Object.entries(errors).filter(
      ([, value]) => typeof value === "function" && value.prototype instanceof GraphQLError && value !== errors.LocalizedError,
    );
    expect(classes.length).toBeGreaterThanOrEqual(9);
    expect(
      classes.filter(([, value]) => !((value as { prototype: unknown }).prototype instanceof errors.LocalizedError)).map(([name]) => name),
    ).toEqual([]);
    // A GraphQLError built by hand would carry free text: only the scalars' refusals (keyed), the compiled executor's
    // rebuild (of an existing error) and the WebSocket's codes on graphql-js's own parse and validation errors do it.
    const handBuilt = sources.filter((s) => /new GraphQLError\(/.test(s.text)).map((s) => s.path.slice(s.path.lastIndexOf("src")));
    expect(handBuilt.sort()).toEqual([
      join("src", "domain", "scalars.ts"),
      join("src", "http", "compiled-execution.ts"),
      join("src", "http", "subscription-document.ts"),
    ]);
    // Read without line breaks and indentation, so that the formatter's wrapping does not matter.
    const flat = (path: string) =>
      sources
        .find((s) => s.path.endsWith(path))!
        .text.replace(/\s+/g, " ")
        .replace(/\( /g, "(")
        .replace(/,? \)/g, ")")
        .replace(/,? \}/g, " }");
    expect(flat(join("http", "subscription-document.ts")).match(/new GraphQLError\((\w+)\.message, /g)).toHaveLength(2);
    expect(flat("scalars.ts")).toMatch(
      /new GraphQLError\(englishText\(problem\), \{ nodes: literal, extensions: \{ code: "BAD_USER_INPUT", messageKey: problem\.key, params: problem\.params \} \}\)/,
    );
  });
});

interface Case {
  name: string;
  /** The operation, with `directive` after its operation type. */
  document: (directive: string) => string;
  variables?: (e: SeededEnterprise) => Record<string, unknown>;
  as: (e: SeededEnterprise) => string;
  key: MessageKey;
  params: Record<string, unknown>;
  extensions: Record<string, unknown>;
  /** The text in one language, written out: the catalogue is the source, this proves it reaches the client so. */
  sample: [Language, string];
}

const management: Case[] = [
  {
    name: "FORBIDDEN (a task the role lacks)",
    document: (d) =>
      `mutation ($e: EnterpriseNumber!) ${d} { activateCapacity(enterprise: $e, capacity: "SOCIAL_SERVICE_PROVIDER") { status } }`,
    as: (e) => e.legalRepresentative,
    key: "decision.roleLacksTask",
    params: { task: "ACTIVATE_CAPACITY" },
    extensions: { code: "FORBIDDEN", reason: "ROLE_LACKS_TASK" },
    sample: ["FR", "Aucun de vos rôles dans cette entreprise ne comprend la tâche « Activer une qualité »."],
  },
  {
    name: "CONFLICT (a capacity already active)",
    document: (d) => `mutation ($e: EnterpriseNumber!) ${d} { activateCapacity(enterprise: $e, capacity: "EMPLOYER_NSSO") { status } }`,
    as: (e) => e.mainAccessManager!,
    key: "conflict.capacityActive",
    params: { capacity: "EMPLOYER_NSSO" },
    extensions: { code: "CONFLICT", reason: "ALREADY_ACTIVE" },
    sample: ["DE", "Die Eigenschaft „Arbeitgeber LSS“ ist für dieses Unternehmen bereits aktiv"],
  },
  {
    name: "BAD_USER_INPUT (an empty name)",
    document: (d) => `mutation ($input: AppointMainAccessManagerInput!) ${d} { appointMainAccessManager(input: $input) { id } }`,
    variables: (e) => ({ input: { enterprise: e.number, person: { ssin: ssin(), givenName: " ", familyName: "Peeters" } } }),
    as: (e) => e.legalRepresentative,
    key: "check.text.empty",
    params: { label: "givenName" },
    extensions: { code: "BAD_USER_INPUT", field: "input.person.givenName" },
    sample: ["NL", "De voornaam mag niet leeg zijn"],
  },
  {
    name: "NOT_FOUND (an unknown assignment)",
    document: (d) => `mutation ${d} { revokeAccessManager(assignment: "999999999") { id } }`,
    as: (e) => e.mainAccessManager!,
    key: "notFound.roleAssignment",
    params: {},
    extensions: { code: "NOT_FOUND" },
    sample: ["FR", "Aucun rôle ne porte cet identifiant"],
  },
];

const reads: Case[] = [
  {
    name: "BAD_USER_INPUT (a page too large)",
    document: (d) => `query ($e: EnterpriseNumber!) ${d} { enterprise(number: $e) { roleAssignments(first: 1000) { totalCount } } }`,
    as: (e) => e.legalRepresentative,
    key: "input.pageSize",
    params: { max: 100 },
    extensions: { code: "BAD_USER_INPUT", field: "first" },
    sample: ["DE", "Eine Seite enthält zwischen 0 und 100 Einträge"],
  },
  {
    name: "BAD_USER_INPUT (an enterprise number with wrong check digits, in a variable)",
    document: (d) => `query ($e: EnterpriseNumber!) ${d} { enterprise(number: $e) { name } }`,
    variables: (e) => ({ e: withBadCheckDigits(e.number) }),
    as: (e) => e.legalRepresentative,
    key: "check.enterpriseNumber.checkDigits",
    params: {},
    extensions: { code: "BAD_USER_INPUT", field: "number", variable: "e" },
    sample: ["NL", "De controlecijfers van het ondernemingsnummer kloppen niet"],
  },
  {
    name: "FORBIDDEN (the audit trail, to an access manager)",
    document: (d) => `query ($e: EnterpriseNumber!) ${d} { enterprise(number: $e) { auditTrail(first: 1) { totalCount } } }`,
    as: (e) => e.accessManagers.EMPLOYER_NSSO,
    key: "forbidden.auditTrail",
    params: {},
    extensions: { code: "FORBIDDEN", reason: "ROLE_LACKS_TASK" },
    sample: ["FR", "Seuls un représentant légal ou le gestionnaire d'accès principal peuvent consulter la piste d'audit"],
  },
];

describeEachDatabase("messages in the user's language", (dialect) => {
  let gw: TestGateway;
  let e: SeededEnterprise;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    e = await gw.seed.enterprise().withMainAccessManager().active().withAccessManager("EMPLOYER_NSSO").build();
  });
  afterAll(() => gw?.stop());

  async function firstError(
    c: Case,
    { directive = "", acceptLanguage }: { directive?: string; acceptLanguage?: string },
  ): Promise<GraphQLErrorBody> {
    const answer = await graphql(gw.url, c.document(directive), {
      variables: { e: e.number, ...c.variables?.(e) },
      token: await gw.token(c.as(e)),
      headers: acceptLanguage ? { "accept-language": acceptLanguage } : {},
    });
    expect(answer.json?.errors).toHaveLength(1);
    return answer.json!.errors![0];
  }

  const expected = (c: Case, language: Language) => ({
    message: formatMessage({ key: c.key, params: c.params }, language),
    extensions: {
      ...c.extensions,
      messageKey: c.key,
      params: c.params,
      englishMessage: formatMessage({ key: c.key, params: c.params }, "EN"),
    },
  });

  describe.each([
    ["management", management],
    ["read", reads],
  ])("errors of the %s path", (_path, cases) => {
    it.each(cases)("$name: in NL, FR and DE by Accept-Language, with the English text and stable codes in extensions", async (c) => {
      for (const [language, header] of [
        ["NL", "nl-BE,nl;q=0.9"],
        ["FR", "fr-BE"],
        ["DE", "de, en;q=0.5"],
      ] as const) {
        expect(await firstError(c, { acceptLanguage: header })).toMatchObject(expected(c, language));
      }
      const [language, text] = c.sample;
      expect((await firstError(c, { acceptLanguage: language.toLowerCase() })).message).toBe(text);
    });

    it.each(cases)("$name: in NL, FR and DE by the operation's @language, over Accept-Language", async (c) => {
      for (const language of ["NL", "FR", "DE"] as const) {
        expect(await firstError(c, { directive: `@language(code: ${language})`, acceptLanguage: "en" })).toMatchObject(
          expected(c, language),
        );
      }
    });
  });

  it("echoes an unknown capacity cut, stripped and quoted in every language, in the message and in params, and a refused variable without bidi controls", async () => {
    const hostile = "<img src=x onerror=alert(1)>{task}\u202e";
    const clean = "<img src=x onerror=alert(1)>{task}";
    const appoint = `mutation ($input: AppointAccessManagerInput!) { appointAccessManager(input: $input) { id } }`;
    const token = await gw.token(e.mainAccessManager!);
    for (const [language, header] of [
      ["EN", "en"],
      ["NL", "nl"],
      ["FR", "fr"],
      ["DE", "de"],
    ] as const) {
      for (const [capacity, echoed] of [
        [hostile, clean],
        [`${"<".repeat(100)}\u0007`, `${"<".repeat(39)}…`],
      ]) {
        const answer = await graphql(gw.url, appoint, {
          variables: { input: { enterprise: e.number, capacity, person: { ssin: ssin(), givenName: "Eva", familyName: "Example" } } },
          token,
          headers: { "accept-language": header },
        });
        expect(answer.json?.errors?.[0]).toMatchObject({
          message: messages["input.unknownCapacity"][language].replace("{value}", echoed),
          extensions: { code: "BAD_USER_INPUT", field: "input.capacity", messageKey: "input.unknownCapacity", params: { value: echoed } },
        });
      }
    }
    // graphql-js words a refused variable itself, quoting it: the bidi override does not reach the client.
    const refused = await graphql(
      gw.url,
      `
        mutation ($l: Language) {
          updateMyAccount(input: { language: $l }) {
            language
          }
        }
      `,
      { variables: { l: `NL\u202eXX` }, token },
    );
    expect(refused.json?.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(refused.text).not.toMatch(/\u202e|\\u202e/i);
  });

  it("words UNAUTHENTICATED by Accept-Language (no viewer, no operation yet), and in English when nothing names a language", async () => {
    const refused = (headers: Record<string, string>) => graphql(gw.url, "{ me { ssin } }", { token: "not-a-token", headers });
    const tokenInvalid = { key: "auth.tokenInvalid" as const, params: {} };
    for (const language of ["NL", "FR", "DE"] as const) {
      expect((await refused({ "accept-language": language.toLowerCase() })).json?.errors).toEqual([
        {
          message: formatMessage(tokenInvalid, language),
          extensions: {
            code: "UNAUTHENTICATED",
            reason: "TOKEN_INVALID",
            messageKey: "auth.tokenInvalid",
            params: {},
            englishMessage: "The bearer token is not valid",
          },
        },
      ]);
    }
    expect((await refused({ "accept-language": "fr" })).json?.errors?.[0].message).toBe(
      "Le jeton d'accès n'est pas valide : reconnectez-vous",
    );
    expect((await refused({})).json?.errors?.[0].message).toBe("The bearer token is not valid");
    expect((await graphql(gw.url, "{ me { ssin } }")).json?.errors?.[0]).toMatchObject({
      message: "Sign in first: a valid bearer token is required",
      extensions: { code: "UNAUTHENTICATED", messageKey: "auth.tokenMissing" },
    });
  });

  it("words a viewer's messages in their own language when neither the operation nor Accept-Language names one", async () => {
    const person = ssin();
    const token = await gw.token(person);
    await graphql(
      gw.url,
      `
        mutation {
          updateMyAccount(input: { language: DE }) {
            language
          }
        }
      `,
      { token },
    );
    const answer = await graphql(
      gw.url,
      `
        query ($e: EnterpriseNumber!) {
          can(enterprise: $e, task: ACTIVATE_EBOX) {
            reason
            message
          }
        }
      `,
      {
        variables: { e: e.number },
        token,
      },
    );
    expect(answer.json?.data?.can).toEqual({ reason: "NO_ROLE_IN_ENTERPRISE", message: "Sie haben keine Rolle in diesem Unternehmen." });
    const other = await graphql(gw.url, `mutation { activateCapacity(enterprise: "${e.number}", capacity: "EMPLOYER_NSSO") { status } }`, {
      token,
    });
    expect(other.json?.errors?.[0]).toMatchObject({
      message: "Sie haben keine Rolle in diesem Unternehmen.",
      extensions: { code: "FORBIDDEN", reason: "NO_ROLE_IN_ENTERPRISE", englishMessage: "You hold no role in this enterprise." },
    });
  });

  describe("Decision.message", () => {
    const sentences: Record<Language, { denied: string; allowed: string }> = {
      EN: {
        denied: "None of your roles in this enterprise includes the task “Activate a capacity”.",
        allowed: "Allowed: one of your roles includes the task “Activate the e-Box”.",
      },
      NL: {
        denied: "Geen van uw rollen in deze onderneming omvat de taak ‘Hoedanigheid activeren’.",
        allowed: "Toegestaan: een van uw rollen omvat de taak ‘e-Box activeren’.",
      },
      FR: {
        denied: "Aucun de vos rôles dans cette entreprise ne comprend la tâche « Activer une qualité ».",
        allowed: "Autorisé : l'un de vos rôles comprend la tâche « Activer l'e-Box ».",
      },
      DE: {
        denied: "Keine Ihrer Rollen in diesem Unternehmen umfasst die Aufgabe „Eigenschaft aktivieren“.",
        allowed: "Erlaubt: Eine Ihrer Rollen umfasst die Aufgabe „e-Box aktivieren“.",
      },
    };
    const ask = async (selection: string, { directive = "", acceptLanguage }: { directive?: string; acceptLanguage?: string } = {}) => {
      const answer = await graphql(
        gw.url,
        `query ($e: EnterpriseNumber!) ${directive} { denied: can(enterprise: $e, task: ACTIVATE_CAPACITY) { reason ${selection} } allowed: can(enterprise: $e, task: ACTIVATE_EBOX) { reason ${selection} } }`,
        {
          variables: { e: e.number },
          token: await gw.token(e.legalRepresentative),
          headers: acceptLanguage ? { "accept-language": acceptLanguage } : {},
        },
      );
      const data = answer.json?.data as { denied: { reason: string; message: string }; allowed: { reason: string; message: string } };
      expect([data.denied.reason, data.allowed.reason]).toEqual(["ROLE_LACKS_TASK", "GRANTED_BY_ROLE"]);
      return { denied: data.denied.message, allowed: data.allowed.message };
    };

    it.each(languages)("in %s by its language argument, over the operation's @language and Accept-Language", async (language) => {
      await expect(ask(`message(language: ${language})`, { directive: "@language(code: NL)", acceptLanguage: "fr" })).resolves.toEqual(
        sentences[language],
      );
    });

    it.each(languages)("in %s by Accept-Language and by @language", async (language) => {
      await expect(ask("message", { acceptLanguage: language.toLowerCase() })).resolves.toEqual(sentences[language]);
      await expect(
        ask("message", { directive: `@language(code: ${language})`, acceptLanguage: language === "EN" ? "de" : "en" }),
      ).resolves.toEqual(sentences[language]);
    });
  });

  it("words refusals made before GraphQL (an unreadable body, a forged-looking GET) by Accept-Language", async () => {
    const broken = await send(gw.url, { body: "{ not json", headers: { "accept-language": "fr-BE" } });
    expect(broken.json?.errors).toEqual([
      {
        message: "Le corps de la requête n'est pas du JSON valide",
        extensions: {
          code: "BAD_REQUEST",
          messageKey: "http.bodyNotJson",
          params: {},
          englishMessage: "The request body is not valid JSON",
        },
      },
    ]);
    const blocked = await send(`${gw.url}?query=${encodeURIComponent("{ roleTasks { role } }")}`, {
      method: "GET",
      headers: { "accept-language": "nl" },
    });
    expect(blocked.status).toBe(400);
    expect(blocked.json?.errors?.[0]).toMatchObject({
      message: formatMessage({ key: "http.csrf", params: {} }, "NL"),
      extensions: { code: "BAD_REQUEST", messageKey: "http.csrf" },
    });
  });
});
