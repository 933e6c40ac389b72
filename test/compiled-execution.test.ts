import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { graphql, type HttpAnswer } from "./support/http";
import { ssin } from "./support/identities";

/** The answer without what differs from request to request by design (the request id, in masked errors). */
const comparable = (answer: HttpAnswer) => ({
  status: answer.status,
  body: answer.text.replace(/"requestId":"[^"]*"/g, '"requestId":"…"'),
});

describeEachDatabase("compiled execution (graphql-jit)", (dialect) => {
  let jit: TestGateway;
  let reference: TestGateway;
  beforeAll(async () => {
    jit = await startTestGateway(dialect, { EXECUTION: "jit", MAX_RESPONSE_BYTES: "2048" });
    reference = await startTestGateway(
      dialect,
      { EXECUTION: "graphql-js", MAX_RESPONSE_BYTES: "2048", DEV_KEY_FILE: jit.config.devKeyFile },
      { database: jit.database },
    );
  });
  afterAll(async () => {
    await reference?.stop();
    await jit?.stop();
  });

  it("compiles a document once and keeps it for the next request", async () => {
    expect(jit.gateway.compiledDocuments?.()).toBe(0);
    expect(reference.gateway.compiledDocuments).toBeUndefined();
    const e = await jit.seed.enterprise().withMainAccessManager().active().build();
    const token = await jit.token(e.mainAccessManager!);
    const query = "query Mine { myEnterprises { number name } }";
    const first = await graphql(jit.url, query, { token });
    const again = await graphql(jit.url, query, { token });
    expect(first.json?.data).toEqual({
      myEnterprises: [{ number: expect.stringMatching(/^\d{4}\.\d{3}\.\d{3}$/), name: expect.any(String) }],
    });
    expect(again.text).toBe(first.text);
    expect(jit.gateway.compiledDocuments?.()).toBe(1);
  });

  it("answers byte for byte as graphql-js does: data, typed refusals, refused variables, shield denials, the response budget and partial answers", async () => {
    const e = await jit.seed
      .enterprise()
      .withMainAccessManager()
      .active()
      .withAccessManager("EMPLOYER_NSSO")
      .withUser("EMPLOYER_NSSO", ["DIMONA"])
      .build();
    const stranger = ssin();
    await jit.seed.person(stranger);
    const viewers = {
      main: await jit.token(e.mainAccessManager!),
      manager: await jit.token(e.accessManagers.EMPLOYER_NSSO),
      stranger: await jit.token(stranger),
    };
    const cases: { query: string; variables?: Record<string, unknown>; token?: string; expect: RegExp }[] = [
      {
        query:
          "{ myEnterprises { number name myTasks roleAssignments(first: 5) { totalCount edges { node { role person { givenName } capacity { code } } } } } }",
        token: viewers.main,
        expect: /"totalCount":/,
      },
      {
        query: "query ($e: EnterpriseNumber!) { enterprise(number: $e) { name } }",
        variables: { e: e.number },
        token: viewers.stranger,
        expect: /"enterprise":null/,
      },
      {
        query: "query ($e: EnterpriseNumber!) { enterprise(number: $e) { name } }",
        variables: { e: "not a number" },
        token: viewers.main,
        expect: /BAD_USER_INPUT/,
      },
      {
        query: "query ($e: EnterpriseNumber!) { enterprise(number: $e) { name } }",
        variables: {},
        token: viewers.main,
        expect: /BAD_USER_INPUT/,
      },
      {
        query: "query ($e: EnterpriseNumber!) { enterprise(number: $e) { auditTrail(first: 2) { totalCount } } }",
        variables: { e: e.number },
        token: viewers.manager,
        expect: /ROLE_LACKS_TASK/,
      },
      // A screen shared by roles: the refused and the invalid nested lists answer empty beside their errors.
      {
        query:
          "query ($e: EnterpriseNumber!) { enterprise(number: $e) { name auditTrail(first: 2) { totalCount } roleAssignments(first: 500) { totalCount } } }",
        variables: { e: e.number },
        token: viewers.manager,
        expect:
          /ROLE_LACKS_TASK.*BAD_USER_INPUT.*"data":\{"enterprise":\{"name":"[^"]+","auditTrail":\{"totalCount":0\},"roleAssignments":\{"totalCount":0\}/,
      },
      { query: "{ myEnterprises { name } }", expect: /UNAUTHENTICATED/ },
      // Past MAX_RESPONSE_BYTES (2 kB here; the two lists make about 4 kB): the response budget's wrapped resolvers stop execution.
      {
        query:
          "{ a: myEnterprises { ...Rows } b: myEnterprises { ...Rows } } fragment Rows on Enterprise { roleAssignments(first: 100) { edges { node { id role grantedAt person { givenName familyName } onlineServices { code name } tasks } } } }",
        token: viewers.main,
        expect: /responseBytes/,
      },
      // Past it through objects and lists that have no resolver of their own (edges, node and their leaves): the field
      // above them with a resolver (roleAssignments) counts them all as its page arrives.
      {
        query: `{ myEnterprises { ${Array.from({ length: 12 }, (_, i) => `page${i}: roleAssignments(first: 100) { edges { node { id role grantedAt } } }`).join(" ")} } }`,
        token: viewers.main,
        expect: /responseBytes/,
      },
      // The access manager may add a user but not read the audit trail: the committed answer comes with a partial error.
      {
        query: "mutation ($input: AddUserInput!) { addUser(input: $input) { role enterprise { auditTrail(first: 1) { totalCount } } } }",
        variables: {
          input: {
            enterprise: e.number,
            capacity: "EMPLOYER_NSSO",
            onlineServices: ["DIMONA"],
            person: { ssin: ssin(), givenName: "Eva", familyName: "Example" },
          },
        },
        token: viewers.manager,
        expect: /"path":\["addUser","enterprise","auditTrail"\].*ROLE_LACKS_TASK.*"data":\{"addUser":\{"role":"USER"/,
      },
    ];
    for (const { query, variables, token, expect: expected } of cases) {
      const compiled = await graphql(jit.url, query, { variables, token });
      // A mutation commits: the reference adds a user of its own (another SSIN), so that both answers are the same.
      const referenceVariables = query.startsWith("mutation")
        ? { input: { ...(variables!.input as object), person: { ssin: ssin(), givenName: "Eva", familyName: "Example" } } }
        : variables;
      const answered = await graphql(reference.url, query, { variables: referenceVariables, token });
      expect(compiled.text).toMatch(expected);
      expect(comparable(compiled)).toEqual(comparable(answered));
    }
  });

  it("keeps at most COMPILED_DOCUMENTS documents compiled, and answers a document it dropped as before", async () => {
    const bounded = await startTestGateway(
      dialect,
      { EXECUTION: "jit", COMPILED_DOCUMENTS: "3", DEV_KEY_FILE: jit.config.devKeyFile },
      { database: jit.database },
    );
    try {
      const e = await jit.seed.enterprise().withMainAccessManager().active().build();
      const token = await jit.token(e.mainAccessManager!);
      // Eight distinct documents (each operation name makes its own document), then the first again, dropped by then.
      const documents = Array.from({ length: 8 }, (_, i) => `query Bounded${i} { myEnterprises { number name } }`);
      const answers: string[] = [];
      for (const [i, query] of documents.entries()) {
        answers.push((await graphql(bounded.url, query, { token })).text);
        expect(bounded.gateway.compiledDocuments?.()).toBe(Math.min(i + 1, 3));
      }
      expect(new Set(answers).size).toBe(1);
      expect(answers[0]).toContain(e.number.replace(/^(\d{4})(\d{3})(\d{3})$/, "$1.$2.$3"));
      expect((await graphql(bounded.url, documents[0], { token })).text).toBe(answers[0]);
      expect(bounded.gateway.compiledDocuments?.()).toBe(3);
    } finally {
      await bounded.stop();
    }
  });
});
