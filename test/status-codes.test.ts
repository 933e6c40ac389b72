import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { Client, fetchExchange, gql as urqlGql } from "@urql/core";
import { ClientError, GraphQLClient } from "graphql-request";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { send, type HttpAnswer } from "./support/http";
import type { SeededEnterprise } from "./support/seed";

/**
 * The Accept header each client sends by default, as its source sets it (checked below against what each sends).
 * Relay has no HTTP layer of its own: its docs' network layer (relay.dev/docs/guides/network-layer, `fetchQuery`)
 * sets only `content-type`, so the header is fetch's default (Fetch standard, "fetch": `*` + `/*` when none is set).
 */
const clients = {
  // @apollo/client 4: link/http/selectHttpOptionsAndBody.ts, fallbackHttpConfig.headers.accept
  "Apollo Client 4": "application/graphql-response+json,application/json;q=0.9",
  // @urql/core 6: internal/fetchOptions.ts, makeFetchOptions, for queries and mutations
  "urql 6": "application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed",
  // graphql-request 7: legacy/helpers/runRequest.ts, [CONTENT_TYPE_GQL, CONTENT_TYPE_JSON].join(", ")
  "graphql-request 7": "application/graphql-response+json, application/json",
  // Relay's documented fetch: none of its own
  "Relay's fetch": "*/*",
} as const;
type ClientName = keyof typeof clients;

const graphqlResponseJson = "application/graphql-response+json; charset=utf-8";
const json = "application/json; charset=utf-8";
/** The media type each client gets, by the GraphQL-over-HTTP spec: its highest priority listed that the gateway serves. */
const mediaTypeOf: Record<ClientName, string> = {
  "Apollo Client 4": graphqlResponseJson,
  "urql 6": graphqlResponseJson,
  "graphql-request 7": graphqlResponseJson,
  "Relay's fetch": json,
};

/** Records what a client library sends and gets, around the real fetch. */
function recording() {
  const exchanges: { accept: string | null; status: number; type: string | null }[] = [];
  const recorded = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await fetch(input, init);
    exchanges.push({
      accept: new Headers(init?.headers).get("accept"),
      status: response.status,
      type: response.headers.get("content-type"),
    });
    return response;
  };
  return { exchanges, fetch: recorded };
}

describe("the Accept headers of the client libraries", () => {
  it("are what Relay's documented fetch sends: fetch's default", async () => {
    let received: string | undefined;
    const server = createServer((req, res) => {
      received = req.headers.accept;
      res.end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ __typename }", variables: {} }),
      });
      expect(received).toBe(clients["Relay's fetch"]);
    } finally {
      server.close();
    }
  });
});

describeEachDatabase("status codes by the GraphQL-over-HTTP spec", (dialect) => {
  let gw: TestGateway;
  let enterprise: SeededEnterprise;
  let token: string;

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    enterprise = await gw.seed.enterprise().withMainAccessManager().active().withAccessManager("EMPLOYER_NSSO").build();
    token = await gw.token(enterprise.accessManagers.EMPLOYER_NSSO);
  });
  afterAll(() => gw?.stop());

  it("reads the same Accept header from Apollo Client 4, urql 6 and graphql-request 7 as their sources set, and shows each the errors of a 400", async () => {
    const document = "query Invalid { noSuchField }";
    const headers = { authorization: `Bearer ${token}` };

    const apollo = recording();
    const apolloClient = new ApolloClient({
      link: new HttpLink({ uri: gw.url, headers, fetch: apollo.fetch }),
      cache: new InMemoryCache(),
    });
    const apolloError = await apolloClient.query({ query: gql(document) }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(apolloError).toMatchObject({ name: "CombinedGraphQLErrors", errors: [{ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }] });

    const urql = recording();
    const urqlClient = new Client({ url: gw.url, exchanges: [fetchExchange], fetchOptions: { headers }, fetch: urql.fetch });
    const urqlResult = await urqlClient.query(urqlGql(document), {}).toPromise();
    expect(urqlResult.error?.graphQLErrors.map((e) => e.extensions.code)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);

    const request = recording();
    const requestError = await new GraphQLClient(gw.url, { headers, fetch: request.fetch }).request(document).then(
      () => null,
      (error: unknown) => error,
    );
    expect(requestError).toBeInstanceOf(ClientError);
    expect((requestError as ClientError).response.errors?.map((e) => e.extensions?.code)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);

    expect({ apollo: apollo.exchanges, urql: urql.exchanges, request: request.exchanges }).toEqual({
      apollo: [{ accept: clients["Apollo Client 4"], status: 400, type: graphqlResponseJson }],
      urql: [{ accept: clients["urql 6"], status: 400, type: graphqlResponseJson }],
      request: [{ accept: clients["graphql-request 7"], status: 400, type: graphqlResponseJson }],
    });
  });

  const requestErrors: [string, Record<string, unknown>, string][] = [
    ["a document that does not parse", { query: "{ me {" }, "GRAPHQL_PARSE_FAILED"],
    ["a document that does not validate", { query: "{ noSuchField }" }, "GRAPHQL_VALIDATION_FAILED"],
    ["an operation name the document lacks", { query: "query A { me { ssin } }", operationName: "B" }, "OPERATION_RESOLUTION_FAILURE"],
    [
      "variables that do not coerce",
      { query: "query ($e: EnterpriseNumber!) { enterprise(number: $e) { name } }", variables: { e: 5 } },
      "BAD_USER_INPUT",
    ],
  ];

  describe.each(Object.keys(clients) as ClientName[])("to %s", (name) => {
    const ask = async (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${token}` }): Promise<HttpAnswer> =>
      send(gw.url, { body, headers: { ...(name === "Relay's fetch" ? {} : { accept: clients[name] }), ...headers } });
    const modern = mediaTypeOf[name] === graphqlResponseJson;

    it.each(requestErrors)(
      `answers %s with ${modern ? "400 (application/graphql-response+json)" : "200 (application/json, the legacy rule)"} and no data`,
      async (_case, body, code) => {
        const answer = await ask(body);
        expect({ status: answer.status, type: answer.headers.get("content-type") }).toEqual({
          status: modern ? 400 : 200,
          type: mediaTypeOf[name],
        });
        expect(answer.json).not.toHaveProperty("data");
        expect(answer.json?.errors?.map((e) => e.extensions?.code)).toEqual([code]);
      },
    );

    it("answers an execution error beside data with 200: a refused nested field, and a refused root field (data null)", async () => {
      const nested = await ask({
        query: "query ($e: EnterpriseNumber!) { enterprise(number: $e) { name auditTrail { totalCount } } }",
        variables: { e: enterprise.number },
      });
      expect({ status: nested.status, type: nested.headers.get("content-type") }).toEqual({ status: 200, type: mediaTypeOf[name] });
      expect(nested.json?.data).toEqual({ enterprise: { name: expect.any(String), auditTrail: { totalCount: 0 } } });
      expect(nested.json?.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
      const root = await ask({
        query: `query ($e: EnterpriseNumber!) { can(enterprise: $e, task: USE_EBOX, asOf: "${new Date().toISOString()}") { allowed } }`,
        variables: { e: enterprise.number },
      });
      expect({ status: root.status, type: root.headers.get("content-type") }).toEqual({ status: 200, type: mediaTypeOf[name] });
      expect(root.json).toMatchObject({ data: null, errors: [{ extensions: { code: "FORBIDDEN", reason: "NOT_HISTORY_READER" } }] });
    });

    it("answers an anonymous request that asks a guarded field 401 with data null, never 401 beside data", async () => {
      // `enterprise` is nullable: graphql-js alone would answer { __typename: "Query", enterprise: null } beside the error.
      const answer = await ask({ query: `{ __typename enterprise(number: "${enterprise.number}") { name } }` }, {});
      expect({ status: answer.status, type: answer.headers.get("content-type") }).toEqual({ status: 401, type: mediaTypeOf[name] });
      expect(answer.json).toHaveProperty("data", null);
      expect(answer.json?.errors?.map((e) => e.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
    });

    it("sends the gateway's own refusals in the media type of its GraphQL answers", async () => {
      const malformed = await ask("{");
      expect({ status: malformed.status, type: malformed.headers.get("content-type") }).toEqual({ status: 400, type: mediaTypeOf[name] });
      expect(malformed.json?.errors?.map((e) => e.extensions?.code)).toEqual(["BAD_REQUEST"]);
    });
  });

  it.each([
    // The GraphQL-over-HTTP spec's recommended header: both with their charset, the new media type first.
    [
      "the spec's recommended header",
      "application/graphql-response+json; charset=utf-8, application/json; charset=utf-8",
      400,
      graphqlResponseJson,
    ],
    ["application/json listed first", "application/json, application/graphql-response+json", 200, json],
    ["application/json preferred by quality", "application/graphql-response+json;q=0.5, application/json", 200, json],
    ["a charset the gateway does not send", "application/graphql-response+json; charset=latin1, application/json", 200, json],
  ])("answers a validation error to %s as Apollo negotiates it", async (_case, accept, status, type) => {
    const answer = await send(gw.url, { body: { query: "{ noSuchField }" }, headers: { accept, authorization: `Bearer ${token}` } });
    expect({ status: answer.status, type: answer.headers.get("content-type") }).toEqual({ status, type });
  });

  it("answers a client that accepts neither media type 406", async () => {
    const answer = await send(gw.url, {
      body: { query: "{ __typename }" },
      headers: { accept: "text/html", authorization: `Bearer ${token}` },
    });
    expect(answer.status).toBe(406);
  });
});
