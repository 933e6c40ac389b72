import { readFileSync } from "node:fs";
import { join } from "node:path";
import WebSocket from "ws";
import { errorCodes, conflictReasons, timeoutReasons, unauthenticatedReasons, unavailableReasons } from "../src/errors";
import { forbiddenReasons } from "../src/domain/decision-reasons";
import { formatMessage, isMessageKey, type MessageKey } from "../src/i18n/messages";
import type { Language } from "../src/domain/states";
import { withBadCheckDigits } from "./support/check-digits";
import { describeEachDatabase, type DialectName } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { graphql, send, type GraphQLErrorBody, type HttpAnswer } from "./support/http";
import { ssin } from "./support/identities";
import type { SeededEnterprise } from "./support/seed";

const renameTable = (dialect: DialectName, from: string, to: string) =>
  dialect === "sqlite" ? `ALTER TABLE ${from} RENAME TO ${to}` : `RENAME TABLE ${from} TO ${to}`;

const errorsOf = (answer: HttpAnswer): GraphQLErrorBody[] => answer.json?.errors ?? [];
const first = (answer: HttpAnswer): GraphQLErrorBody => {
  expect(errorsOf(answer).length).toBeGreaterThan(0);
  return errorsOf(answer)[0];
};

/**
 * The one shape: a code of the catalogue, a key of the messages with its params, and the key's English text. A
 * message for people is in `language`; one about the request as sent (`request.*`) keeps the text `developerText`.
 */
function expectOneShape(error: GraphQLErrorBody, language: Language, { code, key, developerText }: ExpectedShape): void {
  const extensions = error.extensions ?? {};
  expect(Object.keys(errorCodes)).toContain(extensions.code);
  expect({ code: extensions.code, messageKey: extensions.messageKey }).toEqual({ code, messageKey: key });
  expect(isMessageKey(extensions.messageKey)).toBe(true);
  const params = extensions.params as Record<string, unknown>;
  expect(typeof params).toBe("object");
  expect(extensions.englishMessage).toBe(formatMessage({ key, params }, "EN"));
  if (developerText === undefined) expect(error.message).toBe(formatMessage({ key, params }, language));
  else expect(error.message).toEqual(developerText);
}

interface ExpectedShape {
  code: string;
  key: MessageKey;
  /** The English text graphql-js or Apollo gave, kept for the developer; absent for a message worded for people. */
  developerText?: string | RegExp | ReturnType<typeof expect.stringMatching>;
}

const persisted = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });

/** A graphql-ws conversation on a raw socket: what the server sends for one subscribe message, until it ends it. */
async function overWebSocket(
  gw: TestGateway,
  {
    token,
    acceptLanguage,
    payload,
    beforeSubscribe = async () => undefined,
  }: { token: string; acceptLanguage?: string; payload: Record<string, unknown>; beforeSubscribe?: () => Promise<unknown> },
): Promise<{ errors: GraphQLErrorBody[]; kind: "next" | "error" }> {
  const socket = new WebSocket(gw.url.replace(/^http/, "ws"), "graphql-transport-ws", {
    headers: acceptLanguage ? { "accept-language": acceptLanguage } : {},
  });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no answer to the subscribe message within 10 s")), 10_000);
      socket.on("error", reject);
      socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } })));
      socket.on("message", (data) => {
        const message = JSON.parse(String(data)) as { type: string; payload?: unknown };
        if (message.type === "connection_ack")
          void beforeSubscribe().then(() => socket.send(JSON.stringify({ id: "1", type: "subscribe", payload })), reject);
        const errors = (message.type === "next" ? (message.payload as { errors?: GraphQLErrorBody[] }).errors : message.payload) as
          GraphQLErrorBody[] | undefined;
        if ((message.type === "next" && errors) || message.type === "error") {
          clearTimeout(timer);
          resolve({ errors: errors ?? [], kind: message.type });
        }
      });
    });
  } finally {
    socket.close();
  }
}

const appoint = "mutation ($i: AppointMainAccessManagerInput!) { appointMainAccessManager(input: $i) { id } }";
const addUser = "mutation ($i: AddUserInput!) { addUser(input: $i) { id } }";
const subscription = "subscription ($enterprise: EnterpriseNumber) { accessChanged(enterprise: $enterprise) { kind } }";

describeEachDatabase("one field convention: the argument path, and the variable's path", (dialect) => {
  let gw: TestGateway;
  let e: SeededEnterprise;
  let lr: string;
  let main: string;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    e = await gw.seed.enterprise().withMainAccessManager().active().build();
    lr = await gw.token(e.legalRepresentative);
    main = await gw.token(e.mainAccessManager!);
  });
  afterAll(() => gw?.stop());

  const person = (overrides: Record<string, unknown> = {}) => ({ ssin: ssin(), givenName: "Eva", familyName: "Example", ...overrides });

  it("names the argument path and the variable's path when a scalar refuses a variable, at any depth", async () => {
    const whole = await graphql(gw.url, appoint, {
      token: lr,
      variables: { i: { enterprise: e.number, person: person({ ssin: "123" }) } },
    });
    expect(first(whole).extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.person.ssin", variable: "i.person.ssin" });
    // The variable holds only the person: its path starts at the variable, the argument path at the argument.
    const part = await graphql(
      gw.url,
      `mutation ($p: PersonInput!) { appointMainAccessManager(input: { enterprise: "${e.number}", person: $p }) { id } }`,
      {
        token: lr,
        variables: { p: person({ ssin: "123" }) },
      },
    );
    expect(first(part).extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.person.ssin", variable: "p.ssin" });
    const top = await graphql(gw.url, "query ($e: EnterpriseNumber!) { enterprise(number: $e) { name } }", {
      token: lr,
      variables: { e: withBadCheckDigits(e.number) },
    });
    expect(first(top).extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "number",
      variable: "e",
      messageKey: "check.enterpriseNumber.checkDigits",
    });
  });

  it("names the same paths when an action refuses the value, and no variable when the value was written in the document", async () => {
    const input = { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: person({ givenName: " " }) };
    const fromVariable = await graphql(gw.url, addUser, { token: main, variables: { i: input } });
    expect(first(fromVariable).extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "input.person.givenName",
      variable: "i.person.givenName",
      messageKey: "check.text.empty",
    });
    const inObject = await graphql(
      gw.url,
      `mutation ($p: PersonInput!) { addUser(input: { enterprise: "${e.number}", capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: $p }) { id } }`,
      { token: main, variables: { p: input.person } },
    );
    expect(first(inObject).extensions).toMatchObject({ field: "input.person.givenName", variable: "p.givenName" });
    const literal = await graphql(
      gw.url,
      `mutation { addUser(input: { enterprise: "${e.number}", capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: { ssin: "${ssin()}", givenName: " ", familyName: "Example" } }) { id } }`,
      { token: main },
    );
    expect(first(literal).extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.person.givenName" });
    expect(first(literal).extensions).not.toHaveProperty("variable");
    // A nested field's argument, refused by its resolver.
    const page = await graphql(
      gw.url,
      "query ($e: EnterpriseNumber!, $n: Int) { enterprise(number: $e) { roleAssignments(first: $n) { totalCount } } }",
      {
        token: lr,
        variables: { e: e.number, n: 101 },
      },
    );
    expect(first(page).extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "first", variable: "n" });
  });

  it("names the argument path of a bad literal in the document", async () => {
    const literal = await graphql(
      gw.url,
      `mutation { appointMainAccessManager(input: { enterprise: "${e.number}", person: { ssin: "123", givenName: "Eva", familyName: "Example" } }) { id } }`,
      { token: lr },
    );
    expect(first(literal).extensions).toMatchObject({
      code: "GRAPHQL_VALIDATION_FAILED",
      field: "input.person.ssin",
      messageKey: "check.ssin.format",
    });
    expect(first(literal).extensions).not.toHaveProperty("variable");
    const missing = await graphql(
      gw.url,
      `mutation { appointMainAccessManager(input: { enterprise: "${e.number}", person: { givenName: "Eva", familyName: "E" } }) { id } }`,
      {
        token: lr,
      },
    );
    expect(first(missing).extensions).toMatchObject({ code: "GRAPHQL_VALIDATION_FAILED", field: "input.person.ssin" });
    const enumValue = await graphql(gw.url, `{ can(enterprise: "${e.number}", task: NO_SUCH_TASK) { allowed } }`, { token: lr });
    expect(first(enumValue).extensions).toMatchObject({ code: "GRAPHQL_VALIDATION_FAILED", field: "task" });
    const noArgument = await graphql(gw.url, "{ enterprise { name } }", { token: lr });
    expect(first(noArgument).extensions).toMatchObject({ code: "GRAPHQL_VALIDATION_FAILED", field: "number" });
  });

  it("names graphql-js's own refusals of a variable the same way: missing, of the wrong type, an input field left out, a list item", async () => {
    const missing = await graphql(gw.url, "query ($e: EnterpriseNumber!) { enterprise(number: $e) { name } }", { token: lr });
    expect(first(missing).extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "number",
      variable: "e",
      messageKey: "request.variableInvalid",
    });
    const leftOut = await graphql(gw.url, appoint, {
      token: lr,
      variables: { i: { enterprise: e.number, person: { givenName: "Eva", familyName: "E" } } },
    });
    expect(first(leftOut).extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.person.ssin", variable: "i.person.ssin" });
    const item = await graphql(gw.url, addUser, {
      token: main,
      variables: { i: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA", 7], person: person() } },
    });
    expect(first(item).extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "input.onlineServices[1]",
      variable: "i.onlineServices[1]",
    });
  });

  it("names every argument a variable fills when it fills more than one", async () => {
    const answer = await graphql(
      gw.url,
      "query ($e: EnterpriseNumber!) { enterprise(number: $e) { name } can(enterprise: $e, task: ACTIVATE_EBOX) { allowed } }",
      {
        token: lr,
        variables: { e: "1" },
      },
    );
    expect(first(answer).extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "number",
      fields: ["number", "enterprise"],
      variable: "e",
    });
  });

  it("names the same paths over the WebSocket, for a variable and for a literal", async () => {
    const variable = await overWebSocket(gw, {
      token: lr,
      payload: { query: subscription, variables: { enterprise: withBadCheckDigits(e.number) } },
    });
    expect(variable.errors[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "enterprise", variable: "enterprise" });
    const literal = await overWebSocket(gw, {
      token: lr,
      payload: { query: `subscription { accessChanged(enterprise: "${withBadCheckDigits(e.number)}") { kind } }` },
    });
    expect(literal.errors[0]?.extensions).toMatchObject({
      code: "GRAPHQL_VALIDATION_FAILED",
      field: "enterprise",
      messageKey: "check.enterpriseNumber.checkDigits",
    });
    expect(literal.errors[0]?.extensions).not.toHaveProperty("variable");
  });
});

describeEachDatabase("one error shape: code, messageKey, params and englishMessage on every error", (dialect) => {
  let gw: TestGateway;
  let only: TestGateway;
  let token: string;
  beforeAll(async () => {
    gw = await startTestGateway(dialect, { BODY_LIMIT: "2kb" });
    only = await startTestGateway(dialect, {
      TRUSTED_DOCUMENTS: "only",
      RATE_LIMIT: "on",
      RATE_LIMIT_PER_VIEWER: "1",
      RATE_LIMIT_WINDOW: "600",
    });
    token = await gw.token(ssin());
  });
  afterAll(async () => {
    await gw?.stop();
    await only?.stop();
  });

  const fr = { "accept-language": "fr" };
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    send(gw.url, { body, headers: { authorization: `Bearer ${token}`, ...fr, ...headers } });
  const unknownHash = "0".repeat(64);

  /** Each source of errors, with what it answers in French: graphql-js, Apollo, the HTTP layer, the gateway. */
  const cases: [string, () => Promise<HttpAnswer>, ExpectedShape][] = [
    [
      "a document that does not parse (graphql-js)",
      () => post({ query: "{ me {" }),
      { code: "GRAPHQL_PARSE_FAILED", key: "request.parseFailed", developerText: "Syntax Error: Expected Name, found <EOF>." },
    ],
    [
      "a document that does not validate (graphql-js)",
      () => post({ query: "{ nope }" }),
      {
        code: "GRAPHQL_VALIDATION_FAILED",
        key: "request.validationFailed",
        developerText: expect.stringMatching(/^Cannot query field "nope"/),
      },
    ],
    [
      "a variable not provided (graphql-js)",
      () => post({ query: "query ($e: EnterpriseNumber!) { enterprise(number: $e) { name } }" }),
      {
        code: "BAD_USER_INPUT",
        key: "request.variableInvalid",
        developerText: 'Variable "$e" of required type "EnterpriseNumber!" was not provided.',
      },
    ],
    [
      "a variable a scalar refuses (the gateway's scalar)",
      () => post({ query: "query ($e: EnterpriseNumber!) { enterprise(number: $e) { name } }", variables: { e: "1" } }),
      { code: "BAD_USER_INPUT", key: "check.enterpriseNumber.format" },
    ],
    [
      "an operation name that names nothing (Apollo)",
      () => post({ query: "{ me { ssin } }", operationName: "Nope" }),
      { code: "OPERATION_RESOLUTION_FAILURE", key: "request.operationUnknown", developerText: 'Unknown operation named "Nope".' },
    ],
    [
      "an unknown persisted-query hash (Apollo)",
      () => post({ extensions: persisted(unknownHash) }),
      { code: "PERSISTED_QUERY_NOT_FOUND", key: "request.persistedQueryNotFound", developerText: "PersistedQueryNotFound" },
    ],
    [
      "a hash that is not its text's (Apollo)",
      () => post({ query: "{ me { ssin } }", extensions: persisted(unknownHash) }),
      { code: "BAD_REQUEST", key: "request.persistedQueryHashMismatch", developerText: "provided sha does not match query" },
    ],
    [
      "a body without a query (Apollo)",
      () => post({ variables: {} }),
      { code: "BAD_REQUEST", key: "request.malformed", developerText: expect.stringMatching(/query/) },
    ],
    [
      "variables sent as a string (Apollo)",
      () => post({ query: "{ me { ssin } }", variables: "{}" }),
      { code: "BAD_REQUEST", key: "request.malformed", developerText: expect.stringMatching(/variables/) },
    ],
    [
      "a batch while batching is off (Apollo)",
      () => post([{ query: "{ me { ssin } }" }]),
      { code: "BAD_REQUEST", key: "request.malformed", developerText: expect.stringMatching(/batch/i) },
    ],
    [
      "an Accept header it cannot answer (Apollo, 406)",
      () => post({ query: "{ me { ssin } }" }, { accept: "text/html" }),
      { code: "BAD_REQUEST", key: "request.notAcceptable", developerText: expect.stringMatching(/^An 'accept' header/) },
    ],
    [
      "a method other than GET and POST (Apollo, 405)",
      () => send(gw.url, { method: "PUT", body: { query: "{ me { ssin } }" }, headers: fr }),
      { code: "BAD_REQUEST", key: "request.methodNotAllowed", developerText: expect.stringMatching(/GET\/POST/) },
    ],
    [
      "a simple cross-site request (Apollo's CSRF prevention)",
      () => send(`${gw.url}?query=${encodeURIComponent("{ me { ssin } }")}`, { method: "GET", headers: fr }),
      { code: "BAD_REQUEST", key: "http.csrf" },
    ],
    [
      "a mutation over GET (Apollo, 405)",
      () =>
        send(`${gw.url}?query=${encodeURIComponent("mutation { updateMyAccount(input: { language: FR }) { language } }")}`, {
          method: "GET",
          headers: { authorization: `Bearer ${token}`, ...fr },
        }),
      { code: "BAD_REQUEST", key: "http.changeOverGet" },
    ],
    [
      "a body that is not JSON (the HTTP layer, 400)",
      () => send(gw.url, { body: '{"query": ', headers: fr }),
      { code: "BAD_REQUEST", key: "http.bodyNotJson" },
    ],
    [
      "a body that is not UTF-8 (the HTTP layer, 415)",
      () => send(gw.url, { body: '{"query": "{ me { ssin } }"}', headers: { "content-type": "application/json; charset=latin1", ...fr } }),
      { code: "BAD_REQUEST", key: "http.bodyCharset" },
    ],
    [
      "a body over the limit (the HTTP layer, 413)",
      () => post({ query: "{ me { ssin } }", extensions: { pad: "x".repeat(3_000) } }),
      { code: "PAYLOAD_TOO_LARGE", key: "http.bodyTooLarge" },
    ],
    [
      "a token that is not valid (the front door)",
      () => send(gw.url, { body: { query: "{ me { ssin } }" }, headers: { authorization: "Bearer nope", ...fr } }),
      { code: "UNAUTHENTICATED", key: "auth.tokenInvalid" },
    ],
    [
      "a refusal of the gateway (no token for me)",
      () => send(gw.url, { body: { query: "{ me { ssin } }" }, headers: fr }),
      { code: "UNAUTHENTICATED", key: "auth.tokenMissing" },
    ],
    [
      "a document over a limit (the gateway)",
      () => post({ query: `{ ${Array.from({ length: 60 }, (_, i) => `a${i}: me { ssin }`).join(" ")} }` }),
      { code: "QUERY_TOO_COMPLEX", key: "limits.rootFields" },
    ],
    [
      "document text where only trusted documents run",
      () => send(only.url, { body: { query: "{ me { ssin } }" }, headers: fr }),
      { code: "PERSISTED_QUERY_ONLY", key: "limits.persistedQueryOnly" },
    ],
  ];

  it.each(cases)("%s", async (_name, request, expected) => {
    const answer = await request();
    expect(errorsOf(answer)).toHaveLength(1);
    expectOneShape(first(answer), "FR", expected);
  });

  it("gives an unknown hash over HTTP, to a gateway of trusted documents only, Apollo's exact message and code", async () => {
    const answer = await send(only.url, { body: { extensions: persisted(unknownHash) }, headers: fr });
    expectOneShape(first(answer), "FR", {
      code: "PERSISTED_QUERY_NOT_FOUND",
      key: "request.persistedQueryNotFound",
      developerText: "PersistedQueryNotFound",
    });
  });

  it("gives the viewer's rate limit the same shape", async () => {
    const limited = await only.token(ssin());
    const document = readFileSync(join(__dirname, "..", "src", "client", "generated", "persisted-documents.json"), "utf8");
    const [[sha256]] = Object.entries(JSON.parse(document) as Record<string, string>).filter(([, text]) =>
      text.startsWith("query RoleTasks"),
    );
    const ask = () => send(only.url, { body: { extensions: persisted(sha256) }, headers: { authorization: `Bearer ${limited}`, ...fr } });
    expect(errorsOf(await ask())).toEqual([]);
    expectOneShape(first(await ask()), "FR", { code: "RATE_LIMITED", key: "limits.rateLimited" });
  });

  it("masks an unexpected failure in the same shape, over HTTP and over the WebSocket, in the request's language", async () => {
    const e = await gw.seed.enterprise().build();
    const lr = await gw.token(e.legalRepresentative);
    await gw.dataSource.query(renameTable(dialect, "enterprise_capacity", "enterprise_capacity_gone"));
    try {
      const overHttp = await graphql(gw.url, "{ myEnterprises { capacities { status } } }", { token: lr, headers: fr });
      expectOneShape(first(overHttp), "FR", { code: "INTERNAL_SERVER_ERROR", key: "http.internal" });
      expect(first(overHttp).extensions?.requestId).toEqual(expect.any(String));
    } finally {
      await gw.dataSource.query(renameTable(dialect, "enterprise_capacity_gone", "enterprise_capacity"));
    }
    // The connection opens first (the front door reads the viewer's enterprises); then the subscription's reads fail.
    let renamed = false;
    try {
      const overSocket = await overWebSocket(gw, {
        token: lr,
        acceptLanguage: "fr",
        payload: { query: subscription, variables: { enterprise: e.number } },
        beforeSubscribe: async () => {
          await gw.dataSource.query(renameTable(dialect, "enterprise", "enterprise_gone"));
          renamed = true;
        },
      });
      expect(overSocket.errors).toHaveLength(1);
      expectOneShape(overSocket.errors[0], "FR", { code: "INTERNAL_SERVER_ERROR", key: "http.internal" });
      expect(overSocket.errors[0].extensions?.requestId).toEqual(expect.any(String));
    } finally {
      if (renamed) await gw.dataSource.query(renameTable(dialect, "enterprise_gone", "enterprise"));
    }
  });

  it("gives the WebSocket's refusals the same shape: parse, validation, variables, an unknown hash, the gateway's own", async () => {
    const e = await gw.seed.enterprise().build();
    const lr = await gw.token(e.legalRepresentative);
    const over = (payload: Record<string, unknown>) => overWebSocket(gw, { token: lr, acceptLanguage: "fr", payload });
    const expectations: [Record<string, unknown>, ExpectedShape][] = [
      [
        { query: "subscription {" },
        { code: "GRAPHQL_PARSE_FAILED", key: "request.parseFailed", developerText: expect.stringMatching(/^Syntax Error/) },
      ],
      [
        { query: "subscription { accessChanged { nope } }" },
        {
          code: "GRAPHQL_VALIDATION_FAILED",
          key: "request.validationFailed",
          developerText: expect.stringMatching(/^Cannot query field "nope"/),
        },
      ],
      [
        { query: "subscription ($n: Int!) { accessChanged { kind } }", variables: {} },
        { code: "GRAPHQL_VALIDATION_FAILED", key: "request.validationFailed", developerText: expect.stringMatching(/never used/) },
      ],
      [
        { query: subscription, variables: { enterprise: 7 } },
        { code: "BAD_USER_INPUT", key: "check.enterpriseNumber.notText" },
      ],
      [
        { query: "", extensions: persisted(unknownHash) },
        { code: "PERSISTED_QUERY_NOT_FOUND", key: "request.persistedQueryNotFound", developerText: "PersistedQueryNotFound" },
      ],
      [{ query: "{ me { ssin } }" }, { code: "BAD_REQUEST", key: "live.onlySubscriptions" }],
    ];
    for (const [payload, expected] of expectations) {
      const { errors } = await over(payload);
      expect({ payload, count: errors.length }).toEqual({ payload, count: 1 });
      expectOneShape(errors[0], "FR", expected);
    }
  });
});

describeEachDatabase("the codes and reasons in the schema", (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect, { INTROSPECTION: "off" });
  });
  afterAll(() => gw?.stop());

  const catalogQuery = `{ errorCatalog {
    codes { code description details }
    unauthenticatedReasons { reason description } forbiddenReasons { reason description } conflictReasons { reason description }
    timeoutReasons { reason description } unavailableReasons { reason description } } }`;

  it("answers the error catalogue to anyone, with introspection off, from the lists the errors are made of", async () => {
    const answer = await graphql(gw.url, catalogQuery);
    const catalog = answer.json?.data?.errorCatalog as Record<string, { description: string; code?: string; reason?: string }[]>;
    const reasons = (list: string) => catalog[list].map(({ reason }) => reason);
    expect(catalog.codes.map(({ code }) => code)).toEqual(Object.keys(errorCodes));
    expect(catalog.codes).toContainEqual({
      code: "CONFLICT",
      description: errorCodes.CONFLICT.description,
      details: ["reason", "field", "index"],
    });
    expect(reasons("unauthenticatedReasons")).toEqual(Object.keys(unauthenticatedReasons));
    expect(reasons("forbiddenReasons")).toEqual([...forbiddenReasons]);
    expect(reasons("conflictReasons")).toEqual(Object.keys(conflictReasons));
    expect(reasons("timeoutReasons")).toEqual(Object.keys(timeoutReasons));
    expect(reasons("unavailableReasons")).toEqual(Object.keys(unavailableReasons));
    for (const entries of Object.values(catalog)) for (const { description } of entries) expect(description.length).toBeGreaterThan(10);
  });

  it("has in the emitted schema exactly the codes and reasons of the lists, each value described", () => {
    const schema = readFileSync(join(__dirname, "..", "schema", "schema.graphql"), "utf8");
    const valuesOf = (name: string) => {
      const body = new RegExp(`^enum ${name} \\{\\n([\\s\\S]*?)^\\}`, "m").exec(schema)?.[1] ?? "";
      return [...body.matchAll(/^ {2}([A-Z_]+)$/gm)].map(([, value]) => value);
    };
    expect(valuesOf("ErrorCode")).toEqual(Object.keys(errorCodes).sort());
    expect(valuesOf("ConflictReason")).toEqual(Object.keys(conflictReasons).sort());
    expect(valuesOf("ForbiddenReason")).toEqual([...forbiddenReasons].sort());
    expect(valuesOf("UnauthenticatedReason")).toEqual(Object.keys(unauthenticatedReasons).sort());
    expect(valuesOf("TimeoutReason")).toEqual(Object.keys(timeoutReasons).sort());
    expect(valuesOf("UnavailableReason")).toEqual(Object.keys(unavailableReasons).sort());
  });
});

describeEachDatabase("the INTERNAL_SERVER_ERROR example of docs/clients.md", (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.stop());

  /**
   * The one error example of the page the doc-examples suite cannot cause (it runs every other one): the
   * INTERNAL_SERVER_ERROR answer, shown after its `not-run` mark.
   */
  const documented = (): { errors: GraphQLErrorBody[] }[] => {
    const page = readFileSync(join(__dirname, "..", "docs", "clients.md"), "utf8");
    const block = /<!-- not-run: an unexpected error[^\n]*\n```json\n([\s\S]*?)\n```/.exec(page)?.[1];
    if (block === undefined) throw new Error("docs/clients.md lacks its INTERNAL_SERVER_ERROR example");
    return block.split("\n").map((line) => JSON.parse(line) as { errors: GraphQLErrorBody[] });
  };
  const en = { "accept-language": "en" };
  const withoutRequestId = (answer: HttpAnswer) =>
    JSON.parse(JSON.stringify(answer.json).replace(/"requestId":"[^"]+"/g, '"requestId":"…"')) as unknown;

  /** The request behind each example, by the code it shows (each code is shown once). */
  /** The request behind the example, by the code it shows. */
  const requests: Record<string, () => Promise<HttpAnswer>> = {
    INTERNAL_SERVER_ERROR: async () => {
      const token = await gw.token(ssin());
      await gw.dataSource.query(renameTable(dialect, "person", "person_gone"));
      try {
        return await graphql(gw.url, "{ me { ssin } }", { token, headers: en });
      } finally {
        await gw.dataSource.query(renameTable(dialect, "person_gone", "person"));
      }
    },
  };

  it("is the answer the gateway gives, word for word", async () => {
    const examples = documented();
    expect(examples.map((example) => example.errors[0].extensions?.code).sort()).toEqual(Object.keys(requests).sort());
    for (const example of examples) {
      const answer = await requests[String(example.errors[0].extensions?.code)]();
      expect(withoutRequestId(answer)).toEqual(example);
    }
  });
});
