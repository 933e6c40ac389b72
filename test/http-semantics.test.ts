import { Client, fetchExchange } from "@urql/core";
import { GraphQLClient, gql } from "graphql-request";
import { SignJWT } from "jose";
import { sha256Hex } from "../src/http/trusted-documents";
import { devAlgorithm, devAudience, devIssuer, loadOrCreateDevKeys } from "../src/identity/dev-keys";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { send, type HttpAnswer } from "./support/http";
import { ssin } from "./support/identities";

const graphqlResponseJson = "application/graphql-response+json";
const me = "query Me { me { ssin email } }";
const get = (gw: TestGateway, params: Record<string, unknown>, headers: Record<string, string> = {}): Promise<HttpAnswer> => {
  const search = new URLSearchParams(
    Object.entries(params).map(([k, v]): [string, string] => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );
  return send(`${gw.url}?${search}`, { method: "GET", headers });
};
const csrfMessage = /Cross-Site Request Forgery/;

describe("GET queries and CSRF prevention that fit bearer tokens", () => {
  let gw: TestGateway;
  let person: string;
  let token: string;
  beforeAll(async () => {
    gw = await startTestGateway("sqlite");
    person = ssin();
    await gw.seed.person(person);
    token = await gw.token(person);
  });
  afterAll(() => gw?.stop());

  it("executes a GET query that carries Authorization and nothing else, as graphql-request with method GET sends it", async () => {
    const methods: string[] = [];
    const client = new GraphQLClient(gw.url, {
      method: "GET",
      headers: { authorization: `Bearer ${token}` },
      fetch: (input: string | URL | Request, init?: RequestInit) => {
        methods.push(init?.method ?? "GET");
        return fetch(input, init);
      },
    });
    await expect(
      client.request(gql`
        query Me {
          me {
            ssin
          }
        }
      `),
    ).resolves.toEqual({ me: { ssin: person } });
    expect(methods).toEqual(["GET"]);
  });

  it("runs urql 6 with its defaults (GET for a query within the URL limit) and a token", async () => {
    const methods: string[] = [];
    const client = new Client({
      url: gw.url,
      exchanges: [fetchExchange],
      fetchOptions: { headers: { authorization: `Bearer ${token}` } },
      fetch: (input: string | URL | Request, init?: RequestInit) => {
        methods.push(init?.method ?? "GET");
        return fetch(input, init);
      },
    });
    const result = await client.query(me, {}).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data).toEqual({ me: { ssin: person, email: null } });
    expect(methods).toEqual(["GET"]);
  });

  it("runs a mobile client's APQ over GET with only Authorization: hash, then hash and query, then hash again", async () => {
    const query = `query MobileMe { me { ssin } } # ${person}`;
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256Hex(query) } };
    const authorization = { authorization: `Bearer ${token}` };
    const unknown = await get(gw, { extensions }, authorization);
    expect(unknown.json?.errors?.[0].extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    expect(unknown.text).not.toMatch(csrfMessage);
    const registered = await get(gw, { query, extensions }, authorization);
    expect(registered).toMatchObject({ status: 200, json: { data: { me: { ssin: person } } } });
    const byHash = await get(gw, { extensions }, authorization);
    expect(byHash).toMatchObject({ status: 200, json: { data: { me: { ssin: person } } } });
  });

  it("blocks a GET without Authorization and without a preflight-forcing header, and runs it with apollo-require-preflight", async () => {
    const blocked = await get(gw, { query: "{ __typename }" });
    expect(blocked.status).toBe(400);
    expect(blocked.json?.errors?.[0]).toMatchObject({ message: expect.stringMatching(csrfMessage), extensions: { code: "BAD_REQUEST" } });
    expect(blocked.json?.data).toBeUndefined();
    const preflighted = await get(gw, { query: "{ __typename }" }, { "apollo-require-preflight": "true" });
    expect(preflighted).toMatchObject({ status: 200, json: { data: { __typename: "Query" } } });
  });

  it("refuses a mutation over GET with 405 and a typed error, even with a token, and changes nothing", async () => {
    const mutation = 'mutation { updateMyAccount(input: { email: "get@example.be" }) { email } }';
    const refused = await get(gw, { query: mutation }, { authorization: `Bearer ${token}` });
    expect(refused.status).toBe(405);
    expect(refused.headers.get("allow")).toBe("POST");
    expect(refused.json?.errors?.[0].extensions?.code).toBe("BAD_REQUEST");
    const after = await send(gw.url, { body: { query: me }, headers: { authorization: `Bearer ${token}` } });
    expect(after.json?.data).toEqual({ me: { ssin: person, email: null } });
  });
});

describe("media types of answers and refusals", () => {
  let gw: TestGateway;
  let limited: TestGateway;
  let trustedOnly: TestGateway;
  let token: string;
  beforeAll(async () => {
    gw = await startTestGateway("sqlite", { MAX_DEPTH: "2" });
    limited = await startTestGateway("sqlite", { RATE_LIMIT: "on", RATE_LIMIT_PER_CLIENT: "1" }, { database: gw.database });
    trustedOnly = await startTestGateway("sqlite", { TRUSTED_DOCUMENTS: "only" }, { database: gw.database });
    token = await gw.token(ssin());
  });
  afterAll(async () => {
    await trustedOnly?.stop();
    await limited?.stop();
    await gw?.stop();
  });

  it.each([
    ["a document that does not parse", { query: "{ me {" }, "GRAPHQL_PARSE_FAILED"],
    ["a document that does not validate", { query: "{ noSuchField }" }, "GRAPHQL_VALIDATION_FAILED"],
    [
      "variables that do not coerce",
      { query: "query ($shown: Boolean!) { __typename @include(if: $shown) }", variables: { shown: "yes" } },
      "BAD_USER_INPUT",
    ],
  ])("answers %s with 200 to an application/json client and 400 to an application/graphql-response+json one", async (_case, body, code) => {
    const legacy = await send(gw.url, { body, headers: { accept: "application/json", authorization: `Bearer ${token}` } });
    expect({ status: legacy.status, type: legacy.headers.get("content-type"), code: legacy.json?.errors?.[0].extensions?.code }).toEqual({
      status: 200,
      type: "application/json; charset=utf-8",
      code,
    });
    const modern = await send(gw.url, { body, headers: { accept: graphqlResponseJson, authorization: `Bearer ${token}` } });
    expect({ status: modern.status, type: modern.headers.get("content-type"), code: modern.json?.errors?.[0].extensions?.code }).toEqual({
      status: 400,
      type: `${graphqlResponseJson}; charset=utf-8`,
      code,
    });
  });

  it("sends every refusal in the media type the client asked for", async () => {
    const accept = { accept: `${graphqlResponseJson}, application/json;q=0.9` };
    const refusals: [string, Promise<HttpAnswer>, number, string][] = [
      ["CSRF", get(gw, { query: "{ __typename }" }, accept), 400, "BAD_REQUEST"],
      [
        "GET mutation",
        get(gw, { query: "mutation { updateMyAccount(input: {}) { ssin } }" }, { ...accept, authorization: `Bearer ${token}` }),
        405,
        "BAD_REQUEST",
      ],
      ["malformed JSON", send(gw.url, { body: "{", headers: accept }), 400, "BAD_REQUEST"],
      [
        "invalid token",
        send(gw.url, { body: { query: me }, headers: { ...accept, authorization: "Bearer nope" } }),
        401,
        "UNAUTHENTICATED",
      ],
      [
        "document over a limit",
        send(gw.url, {
          body: { query: "{ myEnterprises { mainAccessManager { ssin } } }" },
          headers: { ...accept, authorization: `Bearer ${token}` },
        }),
        400,
        "QUERY_TOO_COMPLEX",
      ],
      [
        "document text where only trusted documents run",
        send(trustedOnly.url, { body: { query: "{ __typename }" }, headers: accept }),
        400,
        "PERSISTED_QUERY_ONLY",
      ],
      [
        "body over the limit",
        send(gw.url, { body: { query: `{ __typename } #${"x".repeat(1_200_000)}` }, headers: accept }),
        413,
        "PAYLOAD_TOO_LARGE",
      ],
      [
        "APQ registration without a token",
        send(gw.url, {
          body: { query: "{ __typename }", extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex("{ __typename }") } } },
          headers: accept,
        }),
        401,
        "UNAUTHENTICATED",
      ],
    ];
    for (const [name, answer, status, code] of refusals) {
      const { status: actual, headers, json } = await answer;
      expect({ name, status: actual, type: headers.get("content-type"), codes: json?.errors?.map((e) => e.extensions?.code) }).toEqual({
        name,
        status,
        type: `${graphqlResponseJson}; charset=utf-8`,
        codes: [code],
      });
    }
    await send(limited.url, { body: { query: "{ __typename }" } });
    const rateLimited = await send(limited.url, { body: { query: "{ __typename }" }, headers: accept });
    expect({
      status: rateLimited.status,
      type: rateLimited.headers.get("content-type"),
      code: rateLimited.json?.errors?.[0].extensions?.code,
    }).toEqual({
      status: 429,
      type: `${graphqlResponseJson}; charset=utf-8`,
      code: "RATE_LIMITED",
    });
    const legacy = await send(limited.url, { body: { query: "{ __typename }" }, headers: { accept: "application/json" } });
    expect({ status: legacy.status, type: legacy.headers.get("content-type") }).toEqual({
      status: 429,
      type: "application/json; charset=utf-8",
    });
  });
});

describe("identity errors and caching over HTTP", () => {
  let gw: TestGateway;
  let cors: TestGateway;
  let person: string;
  beforeAll(async () => {
    gw = await startTestGateway("sqlite");
    cors = await startTestGateway("sqlite", { CORS_ORIGINS: "http://portal.example.be" }, { database: gw.database });
    person = ssin();
    await gw.seed.person(person);
  });
  afterAll(async () => {
    await cors?.stop();
    await gw?.stop();
  });

  const signed = async (claims: { sub: string; exp: number }) =>
    new SignJWT({})
      .setProtectedHeader({ alg: devAlgorithm })
      .setSubject(claims.sub)
      .setIssuer(devIssuer)
      .setAudience(devAudience)
      .setIssuedAt(claims.exp - 60)
      .setExpirationTime(claims.exp)
      .sign((await loadOrCreateDevKeys(gw.config.devKeyFile)).privateKey);

  it("answers a request without a token that needs one with 401, TOKEN_MISSING and a WWW-Authenticate challenge without error", async () => {
    const answer = await send(gw.url, { body: { query: me } });
    expect(answer.status).toBe(401);
    expect(answer.json?.errors?.[0].extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_MISSING" });
    expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="secure-access-gateway"');
    expect(answer.headers.get("cache-control")).toBeNull();
  });

  it.each([
    ["an expired token", async () => signed({ sub: person, exp: Math.floor(Date.now() / 1000) - 3600 }), "TOKEN_EXPIRED"],
    [
      "a tampered token",
      async () => `${(await signed({ sub: person, exp: Math.floor(Date.now() / 1000) + 600 })).slice(0, -4)}AAAA`,
      "TOKEN_INVALID",
    ],
    [
      "a subject that is no national number",
      async () => signed({ sub: "12345", exp: Math.floor(Date.now() / 1000) + 600 }),
      "SUBJECT_INVALID",
    ],
    ["a header that is not Bearer", async () => null, "TOKEN_INVALID"],
  ])("answers %s with 401, its reason and WWW-Authenticate error=invalid_token", async (_case, makeToken, reason) => {
    const token = await makeToken();
    const answer = await send(gw.url, {
      body: { query: me },
      headers: { authorization: token ? `Bearer ${token}` : "Basic dXNlcjpwYXNz" },
    });
    expect(answer.status).toBe(401);
    expect(answer.json?.errors?.[0].extensions).toMatchObject({ code: "UNAUTHENTICATED", reason });
    expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="secure-access-gateway", error="invalid_token"');
  });

  it("sends an answer to a request with a token as private, no-store, varying by Authorization and Accept-Language", async () => {
    const answer = await send(gw.url, { body: { query: me }, headers: { authorization: `Bearer ${await gw.token(person)}` } });
    expect(answer.json?.data).toEqual({ me: { ssin: person, email: null } });
    expect(answer.headers.get("cache-control")).toBe("private, no-store");
    expect(answer.headers.get("vary")).toBe("Authorization, Accept-Language");
    const viaGet = await get(gw, { query: me }, { authorization: `Bearer ${await gw.token(person)}` });
    expect(viaGet.json?.data).toEqual({ me: { ssin: person, email: null } });
    expect(viaGet.headers.get("cache-control")).toBe("private, no-store");
  });

  it("adds Origin to Vary when CORS_ORIGINS decides by origin", async () => {
    const answer = await send(cors.url, {
      body: { query: me },
      headers: { authorization: `Bearer ${await cors.token(person)}`, origin: "http://portal.example.be" },
    });
    expect(answer.json?.data).toEqual({ me: { ssin: person, email: null } });
    expect(answer.headers.get("vary")).toBe("Origin, Authorization, Accept-Language");
    expect(answer.headers.get("access-control-allow-origin")).toBe("http://portal.example.be");
  });
});
