import { describeEachDatabase, type DialectName } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { graphql, leaksIn, maskedError, send } from "./support/http";
import { ssin } from "./support/identities";
import { captureLogs, type CapturedLogs } from "./support/logs";
import { snapshot } from "./support/snapshot";

const renameTable = (dialect: DialectName, from: string, to: string) =>
  dialect === "sqlite" ? `ALTER TABLE ${from} RENAME TO ${to}` : `RENAME TABLE ${from} TO ${to}`;

describeEachDatabase("masking of unexpected errors", (dialect) => {
  let gw: TestGateway;
  let logs: CapturedLogs;
  beforeAll(async () => {
    logs = captureLogs();
    gw = await startTestGateway(dialect, {}, { logger: logs.logger });
  });
  afterAll(() => gw?.stop());

  /** Runs `body` while a table the gateway needs is missing: a database failure the gateway cannot foresee. */
  const withoutTable = async (table: string, body: () => Promise<void>) => {
    await gw.dataSource.query(renameTable(dialect, table, `${table}_gone`));
    try {
      await body();
    } finally {
      await gw.dataSource.query(renameTable(dialect, `${table}_gone`, table));
    }
  };
  const errorLineOf = (requestId: string | null) =>
    logs.lines().find((line) => line.requestId === requestId && line.level === "error") as
      { err: { message: string; stack: string } } | undefined;

  it("answers a resolver's database failure with INTERNAL_SERVER_ERROR and a request id, and logs the full error under that id", async () => {
    const enterprise = await gw.seed.enterprise().withMainAccessManager().active().build();
    const token = await gw.token(enterprise.mainAccessManager!);
    // Not role_assignment: the viewer's roles are read with the viewer (src/identity/viewer.ts), before any resolver.
    await withoutTable("enterprise_capacity", async () => {
      const answer = await graphql(gw.url, "{ myEnterprises { name capacities { status } } }", { token });
      const requestId = answer.headers.get("x-request-id");
      expect(answer.json).toEqual({
        data: null,
        errors: [maskedError({ requestId, path: ["myEnterprises", 0, "capacities"], language: "NL" })],
      });
      expect(leaksIn(answer.text)).toEqual([]);
      const line = errorLineOf(requestId);
      expect(line?.err.message).toMatch(/enterprise_capacity/);
      expect(line?.err.stack).toMatch(/\n\s+at /);
    });
  });

  it("answers a database failure inside an authorization rule with INTERNAL_SERVER_ERROR, not FORBIDDEN, and logs it under the request id", async () => {
    const enterprise = await gw.seed.enterprise().withMainAccessManager().active().build();
    const token = await gw.token(enterprise.mainAccessManager!);
    const before = await snapshot(gw.dataSource);
    // The rule reads the enterprise's capacities (the viewer's roles come with the viewer).
    await withoutTable("enterprise_capacity", async () => {
      const input = {
        enterprise: enterprise.number,
        capacity: "EMPLOYER_NSSO",
        onlineServices: ["DIMONA"],
        person: { ssin: ssin(), givenName: "Rule", familyName: "Failure" },
      };
      const answer = await graphql(gw.url, "mutation ($input: AddUserInput!) { addUser(input: $input) { id } }", {
        token,
        variables: { input },
      });
      const requestId = answer.headers.get("x-request-id");
      expect(answer.json).toEqual({ data: null, errors: [maskedError({ requestId, path: ["addUser"], language: "NL" })] });
      expect(leaksIn(answer.text)).toEqual([]);
      expect(errorLineOf(requestId)?.err.message).toMatch(/enterprise_capacity/);
    });
    expect(await snapshot(gw.dataSource)).toEqual(before);
  });

  it("answers a failure while the viewer is looked up with HTTP 500, masked the same way, and keeps national numbers out of the log", async () => {
    const viewer = ssin();
    const token = await gw.token(viewer);
    await withoutTable("person", async () => {
      const answer = await graphql(gw.url, "{ me { ssin } }", { token });
      const requestId = answer.headers.get("x-request-id");
      expect(answer.status).toBe(500);
      expect(answer.json).toEqual({ errors: [maskedError({ requestId, language: "EN" })] });
      expect(leaksIn(answer.text)).toEqual([]);
      expect(errorLineOf(requestId)?.err.message).toMatch(/person/);
    });
    // The failed query's parameters held the viewer's national number: the log shows it masked, never whole.
    expect(logs.text()).toContain(`${viewer.slice(0, 2)}*********`);
    expect(logs.text()).not.toContain(viewer);
  });

  it("logs every request with its id, operation name, duration and status", async () => {
    const answer = await graphql(gw.url, "query RoleTable { roleTasks { role } }", {
      token: await gw.token(ssin()),
      headers: { "x-request-id": "trace-0123456789" },
    });
    expect(answer.headers.get("x-request-id")).toBe("trace-0123456789");
    expect(logs.lines()).toContainEqual(
      expect.objectContaining({
        msg: "graphql request",
        requestId: "trace-0123456789",
        operationName: "RoleTable",
        status: 200,
        durationMs: expect.any(Number),
      }),
    );
  });

  it("logs the status the client got: 200 for a legacy client's invalid document, 400 for one that reads graphql-response+json", async () => {
    const token = await gw.token(ssin());
    const legacy = await graphql(gw.url, "query Broken { me { nope } }", {
      token,
      headers: { accept: "application/json", "x-request-id": "legacy-0123456789" },
    });
    const modern = await graphql(gw.url, "query Broken { me { nope } }", {
      token,
      headers: { accept: "application/graphql-response+json", "x-request-id": "modern-0123456789" },
    });
    expect([legacy.status, modern.status]).toEqual([200, 400]);
    const statusOf = (requestId: string) =>
      (logs.lines() as { msg: string; requestId?: string; status?: number }[])
        .filter((l) => l.msg === "graphql request" && l.requestId === requestId)
        .map((l) => l.status);
    expect(statusOf("legacy-0123456789")).toEqual([200]);
    expect(statusOf("modern-0123456789")).toEqual([400]);
  });

  it("keeps the codes of typed errors, never sends a stack trace, and logs a refusal before the operation with its status", async () => {
    const answer = await graphql(gw.url, "{ me { ssin } }", { token: "not-a-token" });
    expect(answer.status).toBe(401);
    expect(answer.json?.errors).toEqual([
      {
        message: "The bearer token is not valid",
        extensions: {
          code: "UNAUTHENTICATED",
          reason: "TOKEN_INVALID",
          messageKey: "auth.tokenInvalid",
          params: {},
          englishMessage: "The bearer token is not valid",
        },
      },
    ]);
    expect(logs.lines()).toContainEqual(
      expect.objectContaining({
        msg: "graphql request refused",
        requestId: answer.headers.get("x-request-id"),
        status: 401,
        errors: ["UNAUTHENTICATED"],
      }),
    );
  });
});

describeEachDatabase("the HTTP surface", (dialect) => {
  let gw: TestGateway;
  let closed: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    closed = await startTestGateway(dialect, { INTROSPECTION: "off", BODY_LIMIT: "2kb" });
  });
  afterAll(async () => {
    await gw?.stop();
    await closed?.stop();
  });

  it("answers introspection in development and refuses it with INTROSPECTION=off, without suggesting field names", async () => {
    const introspection = "{ __schema { queryType { name } } }";
    expect((await graphql(gw.url, introspection)).json?.data).toEqual({ __schema: { queryType: { name: "Query" } } });
    // A validation failure is 400 to a client that accepts application/graphql-response+json (200 to a legacy one).
    const refused = await graphql(closed.url, introspection, { headers: { accept: "application/graphql-response+json" } });
    expect(refused.status).toBe(400);
    expect(refused.json?.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");

    const typo = "{ roleTask { role } }";
    expect((await graphql(gw.url, typo)).json?.errors?.[0].message).toMatch(/Did you mean "roleTasks"/);
    const hidden = await graphql(closed.url, typo);
    expect(hidden.json?.errors?.[0]).toMatchObject({ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
    expect(hidden.json?.errors?.[0].message).not.toMatch(/Did you mean/);
  });

  it("refuses a mutation sent as a simple cross-site request, before anything runs, and still refuses it with a token", async () => {
    const enterprise = await gw.seed.enterprise().build();
    const token = await gw.token(enterprise.legalRepresentative);
    const mutation = `mutation { appointMainAccessManager(input: { enterprise: "${enterprise.number}", person: { ssin: "${ssin()}", givenName: "Cross", familyName: "Site" } }) { id } }`;
    const before = await snapshot(gw.dataSource);

    const asForm = await send(gw.url, { body: JSON.stringify({ query: mutation }), headers: { "content-type": "text/plain" } });
    expect(asForm.status).toBe(400);
    expect(asForm.json?.errors?.[0]).toMatchObject({
      message: expect.stringContaining("Cross-Site Request Forgery"),
      extensions: { code: "BAD_REQUEST" },
    });

    const asLink = await send(`${gw.url}?query=${encodeURIComponent(mutation)}`, { method: "GET" });
    expect(asLink.status).toBe(400);
    expect(asLink.json?.errors?.[0].message).toContain("Cross-Site Request Forgery");

    // A request with Authorization is not a simple request (a browser preflights it), so CSRF prevention lets it
    // through; a text/plain body is still not read, and a mutation over GET is still 405.
    const formWithToken = await send(gw.url, {
      body: JSON.stringify({ query: mutation }),
      headers: { "content-type": "text/plain", authorization: `Bearer ${token}` },
    });
    expect(formWithToken.status).toBe(400);
    expect(formWithToken.json?.errors?.[0].extensions?.code).toBe("BAD_REQUEST");
    const linkWithToken = await send(`${gw.url}?query=${encodeURIComponent(mutation)}`, {
      method: "GET",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(linkWithToken.status).toBe(405);
    const preflighted = await send(`${gw.url}?query=${encodeURIComponent(mutation)}`, {
      method: "GET",
      headers: { authorization: `Bearer ${token}`, "apollo-require-preflight": "true" },
    });
    expect(preflighted.status).toBe(405);

    expect(await snapshot(gw.dataSource)).toEqual(before);
  });

  it("answers 413 to a body over the body limit, and reads one under it", async () => {
    const padded = (bytes: number) => JSON.stringify({ query: "{ __typename }", extensions: { pad: "x".repeat(bytes) } });
    const tooLarge = await send(closed.url, { body: padded(3_000) });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json?.errors).toEqual([
      {
        message: "The request body is larger than 2kb",
        extensions: {
          code: "PAYLOAD_TOO_LARGE",
          messageKey: "http.bodyTooLarge",
          params: { limit: "2kb" },
          englishMessage: "The request body is larger than 2kb",
        },
      },
    ]);
    expect(tooLarge.headers.get("x-request-id")).toBeTruthy();
    expect((await send(closed.url, { body: padded(1_000) })).status).toBe(200);
    expect((await send(gw.url, { body: padded(1100 * 1024) })).status).toBe(413);
  });

  it("answers 400 BAD_REQUEST to a body that is not JSON, or not UTF-8", async () => {
    const broken = await send(gw.url, { body: '{"query": "{ roleTasks { role } }"' });
    expect(broken.status).toBe(400);
    expect(broken.json?.errors).toEqual([
      {
        message: "The request body is not valid JSON",
        extensions: {
          code: "BAD_REQUEST",
          messageKey: "http.bodyNotJson",
          params: {},
          englishMessage: "The request body is not valid JSON",
        },
      },
    ]);
    const latin1 = await send(gw.url, {
      body: '{"query": "{ __typename }"}',
      headers: { "content-type": "application/json; charset=latin1" },
    });
    expect(latin1.status).toBe(415);
    expect(latin1.json?.errors?.[0].extensions?.code).toBe("BAD_REQUEST");
  });

  it("does not send back a huge input value that an error message quotes", async () => {
    const answer = await graphql(gw.url, "query ($e: EnterpriseNumber!) { enterprise(number: $e) { name } }", {
      token: await gw.token(ssin()),
      variables: { e: { value: "z".repeat(50_000) } },
      headers: { accept: "application/graphql-response+json" },
    });
    expect(answer.status).toBe(400);
    expect(answer.json?.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "number", variable: "e" });
    expect(answer.json?.errors?.[0].message.length).toBeLessThanOrEqual(1001);
    expect(answer.text.length).toBeLessThan(2_000);
  });

  it("names Apollo's own refusals BAD_REQUEST instead of masking them", async () => {
    const answer = await send(gw.url, {
      body: { query: "{ __typename }", extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } },
    });
    expect(answer.status).toBe(400);
    expect(answer.json?.errors?.[0].extensions?.code).toBe("BAD_REQUEST");
  });
});
