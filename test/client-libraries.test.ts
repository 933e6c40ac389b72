import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { generatePersistedQueryManifest } from "@apollo/generate-persisted-query-manifest";
import { generatePersistedQueryIdsFromManifest } from "@apollo/persisted-query-lists";
import { Client, cacheExchange, fetchExchange, gql as urqlGql } from "@urql/core";
import { persistedExchange } from "@urql/exchange-persisted";
import { Kind, parse, print, type DocumentNode } from "graphql";
import { errorCode, hasError } from "../src/client/errors";
import { ConfigError } from "../src/config";
import { loadManifests, sha256Hex } from "../src/http/trusted-documents";
import { Person } from "../src/domain/entities";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { projectRoot, runProcess } from "./support/processes";
import { ssin } from "./support/identities";
import { scratchDirectory } from "./support/scratch";

// Trusted documents are decided before any database work, so one dialect is enough (as in trusted-documents.test.ts).

/** Our own manifest builder, the codegen plugin (plain JavaScript). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { plugin: buildOurManifest } = require("../codegen/persisted-documents.js") as {
  plugin: (schema: unknown, documents: { document: DocumentNode; location: string }[]) => string;
};

const fixtures = join(__dirname, "fixtures", "client-documents");
const fixtureText = (name: string) => readFileSync(join(fixtures, name), "utf8");
const scratch = scratchDirectory("client-manifests-");
const apolloManifestFile = join(scratch, "apollo-manifest.json");
const ourManifestFile = join(scratch, "our-manifest.json");

interface ApolloManifest {
  format: string;
  version: number;
  operations: { id: string; name: string; type: string; body: string }[];
}

let apolloManifest: ApolloManifest;
let ourManifest: Record<string, string>;

beforeAll(async () => {
  // Apollo's tool, as a web app runs it: every .graphql of the app, fragments included, through Apollo Client's transforms.
  apolloManifest = (await generatePersistedQueryManifest({ documents: [join(fixtures, "*.graphql")] }, undefined)) as ApolloManifest;
  writeFileSync(apolloManifestFile, JSON.stringify(apolloManifest));
  ourManifest = JSON.parse(
    buildOurManifest(
      null,
      readdirSync(fixtures).map((file) => ({ document: parse(fixtureText(file)), location: file })),
    ),
  ) as Record<string, string>;
  writeFileSync(ourManifestFile, JSON.stringify(ourManifest));
});

describe("the manifests real clients are built with", () => {
  it("are Apollo's format with __typename added and fragments included, keyed by the sha256 of each body", () => {
    expect(apolloManifest.format).toBe("apollo-persisted-query-manifest");
    expect(apolloManifest.operations.map(({ name, type }) => `${type} ${name}`).sort()).toEqual([
      "mutation FixtureUpdateEmail",
      "query FixtureMe",
      "query FixtureMyEnterprises",
    ]);
    const enterprises = apolloManifest.operations.find(({ name }) => name === "FixtureMyEnterprises")!;
    expect(enterprises.body).toContain("fragment FixtureEnterpriseSummary on Enterprise");
    expect(enterprises.body).toContain("__typename");
    for (const { id, body } of apolloManifest.operations) expect(id).toBe(sha256Hex(body));
  });

  it("include an operation with its fragments when our builder writes them", () => {
    const withFragment = Object.values(ourManifest).find((document) => document.includes("FixtureMyEnterprises"));
    expect(withFragment).toMatch(/^query FixtureMyEnterprises \{[\s\S]*\}\n\nfragment FixtureEnterpriseSummary on Enterprise \{/);
    expect(Object.keys(ourManifest)).toHaveLength(3);
  });

  it("hold, in ours, each operation with its fragments as the very text graphql-request sends for codegen's typed document", async () => {
    // The codegen CLI is ESM-only under jest: it runs as the npm script does, on the fixtures.
    const config = join(scratch, "codegen.yml");
    const typed = join(scratch, "typed.ts");
    writeFileSync(
      config,
      JSON.stringify({
        schema: join(projectRoot, "schema", "schema.graphql"),
        generates: { [typed]: { documents: join(fixtures, "*.graphql"), plugins: ["typescript-operations", "typed-document-node"] } },
      }),
    );
    const run = await runProcess("npx", ["graphql-codegen", "--config", config], {});
    expect(run).toMatchObject({ code: 0 });
    const content = readFileSync(typed, "utf8");
    const typedDocuments = [...content.matchAll(/export const \w+Document = (\{.*\}) as unknown as DocumentNode/g)].map(
      ([, json]) => JSON.parse(json) as DocumentNode,
    );
    expect(typedDocuments).toHaveLength(3);
    for (const document of typedDocuments) expect(ourManifest[sha256Hex(print(document))]).toBe(print(document));
  });

  it("are trusted together, in either format, when TRUSTED_DOCUMENTS_MANIFEST lists them", () => {
    const union = loadManifests([apolloManifestFile, ourManifestFile]);
    expect(union.size).toBe(6);
    for (const { id, body } of apolloManifest.operations) expect(union.get(id)).toBe(body);
  });

  it("stop the start with the manifest's path and its bad entry when one is malformed", () => {
    const tampered = join(scratch, "tampered.json");
    const operations = apolloManifest.operations.map((operation, index) =>
      index === 1 ? { ...operation, body: `${operation.body} ` } : operation,
    );
    writeFileSync(tampered, JSON.stringify({ ...apolloManifest, operations }));
    const bad = apolloManifest.operations[1];
    expect(() => loadManifests([ourManifestFile, tampered])).toThrow(ConfigError);
    expect(() => loadManifests([ourManifestFile, tampered])).toThrow(
      `TRUSTED_DOCUMENTS_MANIFEST: ${tampered}: the operation #1 (${bad.name}, id ${bad.id}) is not keyed by the sha256 of its document`,
    );

    const cases: [unknown, string][] = [
      [
        { format: "apollo-persisted-query-manifest", version: 2, operations: [] },
        'format "apollo-persisted-query-manifest" version 2 is not understood',
      ],
      [[apolloManifest.operations[0].body], "neither an Apollo persisted-query manifest nor a JSON object of sha256 to document"],
      [{ [sha256Hex("query Broken {")]: "query Broken {" }, `the entry ${sha256Hex("query Broken {")} does not parse`],
      [{ [sha256Hex("fragment F on Person { ssin }")]: "fragment F on Person { ssin }" }, "holds no operation"],
      [{ ...apolloManifest, operations: [{ ...apolloManifest.operations[0], name: "Other" }] }, "does not hold the"],
    ];
    for (const [content, message] of cases) {
      writeFileSync(tampered, JSON.stringify(content));
      expect(() => loadManifests([tampered])).toThrow(message);
    }
    expect(() => loadManifests([join(scratch, "missing.json")])).toThrow(
      `TRUSTED_DOCUMENTS_MANIFEST: ${join(scratch, "missing.json")}: cannot read it`,
    );
  });

  it("keep the gateway from starting when one of the listed manifests is malformed", async () => {
    const broken = join(scratch, "broken.json");
    writeFileSync(broken, JSON.stringify({ [sha256Hex("query A { me { ssin } }")]: "query B { me { email } }" }));
    await expect(
      startTestGateway("sqlite", { TRUSTED_DOCUMENTS: "only", TRUSTED_DOCUMENTS_MANIFEST: `${apolloManifestFile},${broken}` }),
    ).rejects.toThrow(
      `TRUSTED_DOCUMENTS_MANIFEST: ${broken}: the entry ${sha256Hex("query A { me { ssin } }")} is not keyed by the sha256 of its document`,
    );
  });
});

describe("real clients against TRUSTED_DOCUMENTS=only with a web app's and a mobile app's manifest", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway("sqlite", {
      TRUSTED_DOCUMENTS: "only",
      TRUSTED_DOCUMENTS_MANIFEST: `${apolloManifestFile}, ${ourManifestFile}`,
    });
  });
  afterAll(() => gw?.stop());

  /**
   * Apollo Client 4 set up from its docs: the persisted-queries link with the ids of Apollo's manifest, or (an app
   * whose manifest the gateway was not given) with sha256 hashes of what it sends.
   */
  function apolloClient(token: string | null, sent: string[], { listed = true } = {}): ApolloClient {
    const http = new HttpLink({
      uri: gw.url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      fetch: (input, init) => {
        if (typeof init?.body === "string") sent.push(init.body);
        return fetch(input, init);
      },
    });
    const persisted = new PersistedQueryLink(
      listed
        ? generatePersistedQueryIdsFromManifest({
            loadManifest: () =>
              apolloManifest as Parameters<typeof generatePersistedQueryIdsFromManifest>[0]["loadManifest"] extends () => infer M
                ? Awaited<M>
                : never,
          })
        : { sha256: async (text: string) => sha256Hex(text) },
    );
    return new ApolloClient({ link: persisted.concat(http), cache: new InMemoryCache() });
  }

  it("runs Apollo Client 4's queries (with a fragment) and mutations, sent by hash alone", async () => {
    const enterprise = await gw.seed.enterprise().build();
    const sent: string[] = [];
    const client = apolloClient(await gw.token(enterprise.legalRepresentative), sent);

    const me = await client.query({ query: gql(fixtureText("me.graphql")) });
    expect(me.data).toEqual({ me: { __typename: "Person", ssin: enterprise.legalRepresentative, givenName: expect.any(String) } });
    const mine = await client.query({ query: gql(fixtureText("enterprises.graphql")) });
    expect(mine.data).toEqual({
      myEnterprises: [{ __typename: "Enterprise", number: enterprise.display, name: expect.any(String), status: expect.any(String) }],
    });
    const updated = await client.mutate({
      mutation: gql(fixtureText("update-account.graphql")),
      variables: { email: "apollo@example.be" },
    });
    expect(updated.data).toMatchObject({ updateMyAccount: { ssin: enterprise.legalRepresentative, email: "apollo@example.be" } });

    expect(sent).toHaveLength(3);
    for (const body of sent) expect(JSON.parse(body)).not.toHaveProperty("query");
  });

  it("shows Apollo Client the typed refusal of a document outside the manifests, and runs nothing", async () => {
    const person = ssin();
    await gw.seed.person(person);
    // The hash is unknown (PERSISTED_QUERY_NOT_FOUND), so the link sends the text: refused in the media type it asked for.
    const sent: string[] = [];
    const client = apolloClient(await gw.token(person), sent, { listed: false });
    const sneaky = gql`
      mutation Sneaky {
        updateMyAccount(input: { email: "sneaky@example.be" }) {
          email
        }
      }
    `;
    const refusal = await client.mutate({ mutation: sneaky }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refusal).toMatchObject({ name: "CombinedGraphQLErrors", errors: [{ extensions: { code: "PERSISTED_QUERY_ONLY" } }] });
    // The client package's guards read Apollo Client's error as they read graphql-request's.
    expect([errorCode(refusal), hasError(refusal, "PERSISTED_QUERY_ONLY"), hasError(refusal, "FORBIDDEN")]).toEqual([
      "PERSISTED_QUERY_ONLY",
      true,
      false,
    ]);
    expect(sent.map((body) => "query" in JSON.parse(body))).toEqual([false, true]);
    await expect(gw.dataSource.getRepository(Person).findOneByOrFail({ ssin: person })).resolves.toMatchObject({ email: null });
  });

  /** urql 6 set up from its docs, hashes generated at build time: the manifest's hash for each operation name. */
  function urqlClient(token: string, sent: string[] = []): Client {
    const hashByName = new Map(
      Object.entries(ourManifest).map(([hash, document]) => [
        parse(document).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!.name!.value,
        hash,
      ]),
    );
    return new Client({
      url: gw.url,
      preferGetMethod: false,
      fetch: (input, init) => {
        if (typeof init?.body === "string") sent.push(init.body);
        return fetch(input, init);
      },
      fetchOptions: { headers: { authorization: `Bearer ${token}` } },
      exchanges: [
        cacheExchange,
        persistedExchange({
          preferGetForPersistedQueries: false,
          enforcePersistedQueries: true,
          enableForMutation: true,
          generateHash: async (_query, document) => {
            const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
            return hashByName.get(operation?.name?.value ?? "") ?? null;
          },
        }),
        fetchExchange,
      ],
    });
  }

  it("runs urql's queries (with a fragment) and mutations through its persisted exchange", async () => {
    const enterprise = await gw.seed.enterprise().build();
    const sent: string[] = [];
    const client = urqlClient(await gw.token(enterprise.legalRepresentative), sent);
    const me = await client.query(urqlGql(fixtureText("me.graphql")), {}).toPromise();
    expect(me.error).toBeUndefined();
    expect(me.data).toMatchObject({ me: { ssin: enterprise.legalRepresentative } });
    const mine = await client.query(urqlGql(fixtureText("enterprises.graphql")), {}).toPromise();
    expect(mine.error).toBeUndefined();
    expect(mine.data).toMatchObject({
      myEnterprises: [{ number: enterprise.display, name: expect.any(String), status: expect.any(String) }],
    });
    const updated = await client.mutation(urqlGql(fixtureText("update-account.graphql")), { email: "urql@example.be" }).toPromise();
    expect(updated.data).toMatchObject({ updateMyAccount: { email: "urql@example.be" } });
    expect(sent).toHaveLength(3);
    for (const body of sent)
      expect(JSON.parse(body)).toMatchObject({ extensions: { persistedQuery: { sha256Hash: expect.stringMatching(/^[0-9a-f]{64}$/) } } });
    for (const body of sent) expect(JSON.parse(body)).not.toHaveProperty("query");
  });

  it("shows urql the typed refusal of a document outside the manifests", async () => {
    const client = urqlClient(await gw.token(ssin()));
    const result = await client.query(urqlGql`query Unlisted { me { email } }`, {}).toPromise();
    expect(result.data).toBeUndefined();
    expect(result.error?.graphQLErrors.map((e) => e.extensions.code)).toEqual(["PERSISTED_QUERY_ONLY"]);
    expect([errorCode(result.error), hasError(result.error, "PERSISTED_QUERY_ONLY")]).toEqual(["PERSISTED_QUERY_ONLY", true]);
  });

  it("answers a refusal as application/graphql-response+json to a client that prefers it, and as application/json otherwise", async () => {
    const ask = (accept: string | undefined) =>
      fetch(gw.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(accept ? { accept } : {}) },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
    const preferred = await ask("application/graphql-response+json, application/json;q=0.9");
    expect(preferred.status).toBe(400);
    expect(preferred.headers.get("content-type")).toBe("application/graphql-response+json; charset=utf-8");
    await expect(preferred.json()).resolves.toMatchObject({ errors: [{ extensions: { code: "PERSISTED_QUERY_ONLY" } }] });
    for (const accept of [undefined, "application/json", "*/*"]) {
      const legacy = await ask(accept);
      expect(legacy.headers.get("content-type")).toBe("application/json; charset=utf-8");
    }
  });
});
