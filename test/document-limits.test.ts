import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  getIntrospectionQuery,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  Kind,
  parse,
  print,
  typeFromAST,
  visit,
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLInputType,
  type OperationDefinitionNode,
} from "graphql";
import { buildGatewaySchema } from "../src/graphql/schema";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { graphql, send } from "./support/http";
import { enterpriseNumber, ssin } from "./support/identities";
import type { SeededEnterprise } from "./support/seed";
import { snapshot } from "./support/snapshot";

/** The full start page of a front-end: every enterprise of the viewer with its people, 20 assignments each. */
const fullMyEnterprises = `query FullMyEnterprises {
  myEnterprises {
    id number name status myTasks
    legalRepresentatives { id ssin givenName familyName }
    mainAccessManager { id ssin givenName familyName email }
    capacities { status activatedAt activatedBy { ssin } capacity { code name onlineServices { code name } } }
    roleAssignments(first: 20) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { id role tasks grantedAt grantedBy { ssin givenName familyName } person { id ssin givenName familyName email } capacity { code name } onlineServices { code name } } }
    }
    serviceProviders { id status startsAt endedAt capacity { code } provider { number name } appointedBy { ssin } }
    clients { id status client { number name } capacity { code } }
    eBox { status activatedAt notificationEmail }
    structuredMessaging { channel senderNumber technicalContactEmail capacity { code } configuredAt configuredBy { ssin } }
  }
}`;

const schema = buildGatewaySchema();
const operationsDir = join(__dirname, "..", "schema", "operations");

/** A valid value of an input type: enough to run the SDK's operations (against an enterprise that does not exist). */
function sampleValue(type: GraphQLInputType, unknownEnterprise: string): unknown {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [sampleValue(nullable.ofType, unknownEnterprise)];
  const named = getNamedType(nullable);
  if (isInputObjectType(named))
    return Object.fromEntries(Object.values(named.getFields()).map((f) => [f.name, sampleValue(f.type, unknownEnterprise)]));
  if (isEnumType(named)) return named.getValues()[0].value;
  const scalars: Record<string, unknown> = { EnterpriseNumber: unknownEnterprise, Ssin: ssin(), Int: 10, Boolean: true, ID: "1" };
  return scalars[named.name] ?? (named.name === "String" ? "DIMONA" : "1");
}

/** The fragments of `document` that `operation` spreads, directly or through another fragment (a document sent with an unused one is invalid). */
function fragmentsUsedBy(operation: OperationDefinitionNode, document: DocumentNode): FragmentDefinitionNode[] {
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  const used = new Set<string>();
  const spreadIn = (node: ASTNode) =>
    visit(node, {
      FragmentSpread(spread) {
        if (used.has(spread.name.value)) return;
        used.add(spread.name.value);
        const fragment = fragments.get(spread.name.value);
        if (fragment) spreadIn(fragment);
      },
    });
  spreadIn(operation);
  return [...fragments.values()].filter((f) => used.has(f.name.value));
}

function sdkOperations(): { name: string; document: string; variables: Record<string, unknown> }[] {
  const unknownEnterprise = enterpriseNumber();
  return readdirSync(operationsDir)
    .filter((file) => file.endsWith(".graphql"))
    .flatMap((file) => {
      const document = parse(readFileSync(join(operationsDir, file), "utf8"));
      return document.definitions
        .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
        .map((operation) => ({
          name: operation.name?.value ?? file,
          document: print({
            kind: Kind.DOCUMENT,
            definitions: [operation, ...fragmentsUsedBy(operation, document)],
          }),
          variables: Object.fromEntries(
            (operation.variableDefinitions ?? []).map((v) => [
              v.variable.name.value,
              sampleValue(typeFromAST(schema, v.type as never) as GraphQLInputType, unknownEnterprise),
            ]),
          ),
        }));
    });
}

/** Depth 10 (the root field is depth 1), through the schema's one-object links so that the cost stays small. */
const depth10 = "{ me { roles { enterprise { eBox { activatedBy { roles { grantedBy { roles { person { id } } } } } } } } } }";
const depth11 = "{ me { roles { enterprise { eBox { activatedBy { roles { grantedBy { roles { person { roles { id } } } } } } } } } } }";

describeEachDatabase("document limits", (dialect) => {
  let gw: TestGateway;
  let enterprise: SeededEnterprise;
  let token: string;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    enterprise = await gw.seed
      .enterprise()
      .withMainAccessManager()
      .active()
      .withAccessManager("EMPLOYER_NSSO")
      .withUser("EMPLOYER_NSSO", ["DIMONA"])
      .build();
    token = await gw.token(enterprise.mainAccessManager!);
  });
  afterAll(() => gw?.stop());

  const expectRefused = (answer: Awaited<ReturnType<typeof graphql>>, limit: string, max: number) => {
    expect(answer.status).toBe(400);
    expect(answer.json?.data).toBeUndefined();
    expect(answer.json?.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: "QUERY_TOO_COMPLEX", limit, max }) }),
    ]);
  };

  it("let the full myEnterprises query with 20 role assignments per enterprise through", async () => {
    const answer = await graphql(gw.url, fullMyEnterprises, { token });
    expect(answer.json?.errors).toBeUndefined();
    expect(answer.status).toBe(200);
    expect(answer.json?.data?.myEnterprises).toEqual([expect.objectContaining({ number: enterprise.display, status: "ACTIVE" })]);
  });

  it("let every operation of the client SDK through", async () => {
    const operations = sdkOperations();
    expect(operations.length).toBeGreaterThan(10);
    for (const { name, document, variables } of operations) {
      const answer = await graphql(gw.url, document, { token, variables });
      const codes = (answer.json?.errors ?? []).map((e) => e.extensions?.code);
      expect({ name, codes }).toEqual({ name, codes: codes.filter((c) => c !== "QUERY_TOO_COMPLEX" && c !== "GRAPHQL_VALIDATION_FAILED") });
    }
  });

  it("report each answer's requested cost and an actual cost no higher, for the start page and every SDK operation", async () => {
    const costOf = (answer: Awaited<ReturnType<typeof graphql>>) => answer.cost;
    const start = costOf(await graphql(gw.url, fullMyEnterprises, { token }))!;
    // One enterprise: 1 + its fields, 20 role assignments estimated, 4 returned.
    expect(start.requested).toBeGreaterThan(250);
    expect(start.actual).toBeGreaterThan(20);
    expect(start.actual).toBeLessThan(start.requested);
    // Against an enterprise that does not exist, as above: nothing changes, and what was refused costs 1.
    for (const { name, document, variables } of sdkOperations()) {
      const cost = costOf(await graphql(gw.url, document, { token, variables }));
      expect({ name, withinRequested: cost !== undefined && cost.actual <= cost.requested }).toEqual({ name, withinRequested: true });
    }
  });

  it("let a development IDE's introspection query through", async () => {
    const answer = await graphql(
      gw.url,
      getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, specifiedByUrl: true, directiveIsRepeatable: true }),
    );
    expect(answer.json?.errors).toBeUndefined();
    expect(answer.json?.data?.__schema).toBeDefined();
  });

  it("refuse a document deeper than the depth limit, and accept one at the limit", async () => {
    expect((await graphql(gw.url, depth10, { token })).json?.errors).toBeUndefined();
    expectRefused(await graphql(gw.url, depth11, { token }), "depth", 10);
  });

  it("count the depth that fragments add", async () => {
    const deep =
      "fragment Deep on Person { roles { enterprise { eBox { activatedBy { roles { grantedBy { roles { person { roles { id } } } } } } } } } }";
    const answer = await graphql(
      gw.url,
      `
        {
          me {
            ...Deep
          }
        }
        ${deep}
      `,
      { token },
    );
    expectRefused(answer, "depth", 10);
  });

  /** A legal representative of ten enterprises: `myEnterprises` then counts 10, as `unpaginatedListSize` would. */
  let tenEnterprises: Promise<string> | undefined;
  const tokenOfTen = () =>
    (tenEnterprises ??= (async () => {
      const person = ssin();
      for (let i = 0; i < 10; i++) await gw.seed.enterprise({ legalRepresentative: person }).build();
      return gw.token(person);
    })());

  it("count myEnterprises at the caller's real number of enterprises", async () => {
    const query = `{ myEnterprises { roleAssignments(first: 100) { edges { node { person { roles { enterprise { roleAssignments(first: 100) { totalCount } } } } } } } } }`;
    expect((await graphql(gw.url, query, { token })).json?.errors).toBeUndefined();
    const ten = await graphql(gw.url, query, { token: await tokenOfTen() });
    expectRefused(ten, "cost", 20_000);
    expect(ten.json?.errors?.[0].extensions?.actual).toBe(24_011);
  });

  it("refuse a document over the cost budget, counting lists by their first argument", async () => {
    const token = await tokenOfTen();
    const query = `query ($n: Int) { myEnterprises { roleAssignments(first: $n) { edges { node { person { roles { enterprise { roleAssignments(first: 100) { totalCount } } } } } } } } }`;
    const small = await graphql(gw.url, query, { token, variables: { n: 5 } });
    expect(small.json?.errors).toBeUndefined();
    const large = await graphql(gw.url, query, { token, variables: { n: 100 } });
    expectRefused(large, "cost", 20_000);
    expect(large.json?.errors?.[0].extensions?.actual).toBe(24_011);
  });

  it("count an absent first as the schema's default of 50", async () => {
    const token = await tokenOfTen();
    const query = (first: string) =>
      `{ myEnterprises { roleAssignments${first} { edges { node { person { roles { enterprise { legalRepresentatives { roles { id } } } } } } } } } }`;
    const absent = await graphql(gw.url, query(""), { token });
    const fifty = await graphql(gw.url, query("(first: 50)"), { token });
    expectRefused(absent, "cost", 20_000);
    expect(absent.json?.errors?.[0].extensions?.actual).toBe(fifty.json?.errors?.[0].extensions?.actual);
    expect((await graphql(gw.url, query("(first: 0)"), { token })).json?.errors).toBeUndefined();
  });

  it("count nodes(ids:) by the ids asked, and a connection's nodes once, as its edges", async () => {
    const query = `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Enterprise { roleAssignments(first: 100) { nodes { person { roles { enterprise { roleAssignments(first: 100) { totalCount } } } } } } } } }`;
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `unknown-${i}`);
    // Each id: 1 + 100 x (nodes 1 + person 1 + roles 10 x (enterprise 1 + its page 1)) = 2,301.
    expect((await graphql(gw.url, query, { token, variables: { ids: ids(8) } })).json?.errors).toBeUndefined();
    const nine = await graphql(gw.url, query, { token, variables: { ids: ids(9) } });
    expectRefused(nine, "cost", 20_000);
    expect(nine.json?.errors?.[0].extensions?.actual).toBe(1 + 9 * 2_301);
  });

  it("refuse more aliases than the alias limit", async () => {
    const aliases = Array.from({ length: 21 }, (_, i) => `a${i}: id`).join(" ");
    expectRefused(await graphql(gw.url, `{ me { ${aliases} } }`, { token }), "aliases", 20);
  });

  it("refuse more root fields than the root-field limit", async () => {
    const fields = Array.from({ length: 11 }, (_, i) => `t${i}: roleTasks { role }`).join(" ");
    expectRefused(await graphql(gw.url, `{ ${fields} }`, { token }), "rootFields", 10);
  });

  it("stop parsing a document past the token limit", async () => {
    const answer = await graphql(gw.url, `{ me { ${"id ".repeat(2_100)} } }`, { token });
    expectRefused(answer, "tokens", 2_000);
  });

  it("refuse fragments that expand exponentially without expanding them", async () => {
    const levels = 40;
    const fragments = Array.from(
      { length: levels },
      (_, i) => `fragment F${i} on Person { ${i === levels - 1 ? "id" : `...F${i + 1} ...F${i + 1}`} }`,
    );
    const started = process.hrtime.bigint();
    const answer = await graphql(
      gw.url,
      `
        {
          me {
            ...F0
          }
        }
        ${fragments.join(" ")}
      `,
      { token },
    );
    console.log(`exponential fragments refused in ${Number(process.hrtime.bigint() - started) / 1e6} ms`);
    expect(answer.status).toBe(400);
    expect(answer.json?.errors?.[0].extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", limit: "fields", max: 10_000 });
  });

  it("refuse a mutation over a limit before it runs, so nothing changes", async () => {
    const target = await gw.seed.enterprise().build();
    const lrToken = await gw.token(target.legalRepresentative);
    const before = await snapshot(gw.dataSource);
    const answer = await graphql(
      gw.url,
      `
        mutation ($input: AppointMainAccessManagerInput!) {
          appointMainAccessManager(input: $input) {
            enterprise {
              roleAssignments {
                edges {
                  node {
                    person {
                      roles {
                        enterprise {
                          legalRepresentatives {
                            roles {
                              enterprise {
                                name
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      `,
      {
        token: lrToken,
        variables: { input: { enterprise: target.number, person: { ssin: ssin(), givenName: "Deep", familyName: "Query" } } },
      },
    );
    expectRefused(answer, "depth", 10);
    expect(await snapshot(gw.dataSource)).toEqual(before);
  });

  it("refuse a batch of operations in one request while batching is off", async () => {
    const answer = await send(gw.url, {
      body: [{ query: "{ __typename }" }, { query: "{ __typename }" }],
      headers: { authorization: `Bearer ${token}` },
    });
    expect(answer.status).toBe(400);
    expect(answer.json?.errors?.[0]).toMatchObject({ message: "Operation batching disabled.", extensions: { code: "BAD_REQUEST" } });
  });
});

describeEachDatabase("document limits from the environment", (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect, {
      MAX_DEPTH: "3",
      MAX_COST: "5",
      MAX_ALIASES: "1",
      MAX_ROOT_FIELDS: "2",
      MAX_TOKENS: "100",
      BATCHED_REQUESTS: "on",
    });
  });
  afterAll(() => gw?.stop());

  it("apply the configured maxima", async () => {
    const token = await gw.token(ssin());
    const limitOf = async (query: string) => (await graphql(gw.url, query, { token })).json?.errors?.[0].extensions;
    expect(await limitOf("{ me { roles { enterprise { name } } } }")).toMatchObject({ limit: "depth", max: 3 });
    expect(await limitOf("{ capacities { onlineServices { code } } }")).toMatchObject({ limit: "cost", max: 5 });
    expect(await limitOf("{ me { a: id b: id } }")).toMatchObject({ limit: "aliases", max: 1 });
    expect(await limitOf("{ me { id } roleTasks { role } capacities { code } }")).toMatchObject({ limit: "rootFields", max: 2 });
    expect(await limitOf(`{ me { ${"id ".repeat(120)} } }`)).toMatchObject({ limit: "tokens", max: 100 });
  });

  it("answer a batch with one result per operation when batching is on, each within the limits", async () => {
    const token = await gw.token(ssin());
    const answer = await send(gw.url, {
      body: [{ query: "{ roleTasks { role } }" }, { query: "{ me { roles { enterprise { name } } } }" }],
      headers: { authorization: `Bearer ${token}` },
    });
    const results = JSON.parse(answer.text) as { data?: unknown; errors?: { extensions: { code: string } }[] }[];
    expect(results).toHaveLength(2);
    expect(results[0].data).toEqual({ roleTasks: expect.any(Array) });
    expect(results[1].errors?.[0].extensions.code).toBe("QUERY_TOO_COMPLEX");
  });
});
