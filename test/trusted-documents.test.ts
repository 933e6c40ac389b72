import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { print, type DocumentNode } from "graphql";
import { GraphQLClient } from "graphql-request";
import * as operations from "../src/client/generated/operations";
import manifestJson from "../src/client/generated/persisted-documents.json";
import { getSdk } from "../src/client/generated/sdk";
import { persistedQueryFetch } from "../src/client/persisted-fetch";
import { ConfigError, loadConfig } from "../src/config";
import { Person } from "../src/domain/entities";
import { loadManifest, sha256Hex } from "../src/http/trusted-documents";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { send } from "./support/http";
import { ssin } from "./support/identities";
import { scratchDirectory } from "./support/scratch";

// Trusted documents are decided before any database work, so one dialect is enough here; the SDK suite runs on both.

interface GraphQLBody {
  data?: Record<string, unknown>;
  errors?: { message: string; extensions?: { code?: string } }[];
}

const manifest: Record<string, string> = manifestJson;
const persistedQuery = (document: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256Hex(document) } });
const adHoc = "query AdHoc { me { ssin givenName } }";

/** A JSON POST; the answer's body without its `extensions.cost` (test/support/http.ts). */
async function post(gw: TestGateway, body: unknown, token?: string): Promise<{ status: number; body: GraphQLBody }> {
  const answer = await send(gw.url, { body, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: answer.status, body: answer.json as GraphQLBody };
}

/** A fetch that remembers the bodies it sent. */
function recordingFetch(sent: string[]): typeof fetch {
  return (input, init) => {
    if (typeof init?.body === "string") sent.push(init.body);
    return fetch(input, init);
  };
}

describe("the trusted-documents manifest", () => {
  it("holds every document of the generated SDK, under the sha256 of the text graphql-request sends", () => {
    const documents = Object.entries(operations).filter(([name]) => name.endsWith("Document")) as [string, DocumentNode][];
    expect(documents.length).toBe(Object.keys(manifest).length);
    for (const [, document] of documents) expect(manifest[sha256Hex(print(document))]).toBe(print(document));
  });

  it("is refused at start-up when an entry is not the hash of its document", () => {
    const file = join(scratchDirectory("manifest-"), "tampered.json");
    writeFileSync(file, JSON.stringify({ [sha256Hex("query A { me { ssin } }")]: "mutation B { updateMyAccount(input: {}) { ssin } }" }));
    expect(() => loadManifest(file)).toThrow(ConfigError);
  });

  it("is configured with TRUSTED_DOCUMENTS=only or off, and nothing else", () => {
    expect(loadConfig({ TRUSTED_DOCUMENTS: "only" }).trustedDocuments).toBe("only");
    expect(loadConfig({}).trustedDocuments).toBe("off");
    expect(() => loadConfig({ TRUSTED_DOCUMENTS: "yes" })).toThrow(/TRUSTED_DOCUMENTS must be one of off, only/);
  });
});

describe("TRUSTED_DOCUMENTS=only", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway("sqlite", { TRUSTED_DOCUMENTS: "only" });
  });
  afterAll(() => gw?.stop());

  it("runs the SDK's queries and mutations for a client that sends only hashes", async () => {
    const enterprise = await gw.seed.enterprise().build();
    const sent: string[] = [];
    const client = new GraphQLClient(gw.url, {
      headers: { authorization: `Bearer ${await gw.token(enterprise.legalRepresentative)}` },
      fetch: persistedQueryFetch({ fetch: recordingFetch(sent) }),
    });
    const sdk = getSdk(client);

    const mine = await sdk.MyEnterprises();
    expect(mine.myEnterprises.map((e) => e.number)).toEqual([enterprise.display]);
    const mainSsin = ssin();
    const appointed = await sdk.AppointMainAccessManager({
      input: { enterprise: enterprise.number, person: { ssin: mainSsin, givenName: "Mira", familyName: "Main" } },
    });
    expect(appointed.appointMainAccessManager.person.ssin).toBe(mainSsin);

    expect(sent).toHaveLength(2);
    for (const body of sent) {
      const operation = JSON.parse(body) as Record<string, unknown>;
      expect(operation).not.toHaveProperty("query");
      expect(operation).toHaveProperty("extensions.persistedQuery.sha256Hash", expect.stringMatching(/^[0-9a-f]{64}$/));
    }
  });

  it("runs a trusted query sent by hash over GET", async () => {
    const document = print(operations.RoleTasksDocument);
    const url = new URL(gw.url);
    url.searchParams.set("extensions", JSON.stringify(persistedQuery(document)));
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${await gw.token(ssin())}`, "apollo-require-preflight": "true" },
    });
    const body = (await response.json()) as GraphQLBody;
    expect(body.errors).toBeUndefined();
    expect(body.data?.roleTasks).toHaveLength(4);
  });

  it("refuses document text with PERSISTED_QUERY_ONLY, even the text of a trusted document", async () => {
    const token = await gw.token(ssin());
    for (const query of [adHoc, print(operations.MyEnterprisesDocument)]) {
      const { status, body } = await post(gw, { query }, token);
      expect(status).toBe(400);
      expect(body).toEqual({
        errors: [
          {
            message: expect.stringContaining("only trusted documents"),
            extensions: {
              code: "PERSISTED_QUERY_ONLY",
              messageKey: "limits.persistedQueryOnly",
              params: {},
              englishMessage: expect.stringContaining("only trusted documents"),
            },
          },
        ],
      });
    }
    const url = new URL(gw.url);
    url.searchParams.set("query", "{ __typename }");
    const viaGet = await fetch(url, { headers: { "apollo-require-preflight": "true" } });
    expect(viaGet.status).toBe(400);
    expect(((await viaGet.json()) as GraphQLBody).errors?.[0].extensions?.code).toBe("PERSISTED_QUERY_ONLY");
  });

  it("does not execute a refused mutation", async () => {
    const person = ssin();
    await gw.seed.person(person);
    const mutation = 'mutation Sneaky { updateMyAccount(input: { email: "sneaky@example.be" }) { email } }';
    await expect(post(gw, { query: mutation }, await gw.token(person))).resolves.toMatchObject({
      status: 400,
      body: { errors: [{ extensions: { code: "PERSISTED_QUERY_ONLY" } }] },
    });
    await expect(gw.dataSource.getRepository(Person).findOneByOrFail({ ssin: person })).resolves.toMatchObject({ email: null });
  });

  it("refuses an unknown hash with PERSISTED_QUERY_NOT_FOUND, and lets no client register one", async () => {
    const token = await gw.token(ssin());
    const byHash = { extensions: persistedQuery(adHoc) };
    await expect(post(gw, byHash, token)).resolves.toEqual({
      status: 200,
      // Apollo's message and code, word for word (Apollo's clients match them), with the keys every error has.
      body: {
        errors: [
          {
            message: "PersistedQueryNotFound",
            extensions: {
              code: "PERSISTED_QUERY_NOT_FOUND",
              messageKey: "request.persistedQueryNotFound",
              params: {},
              englishMessage: "The service does not know this stored query: send its text with its hash",
            },
          },
        ],
      },
    });
    // What an APQ client sends next: the text with its hash. Refused, so the hash stays unknown.
    await expect(post(gw, { query: adHoc, ...byHash }, token)).resolves.toMatchObject({
      status: 400,
      body: { errors: [{ extensions: { code: "PERSISTED_QUERY_ONLY" } }] },
    });
    await expect(post(gw, byHash, token)).resolves.toMatchObject({
      body: { errors: [{ extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }] },
    });
  });
});

describe("automatic persisted queries (TRUSTED_DOCUMENTS off, the default)", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway("sqlite", { APQ_CACHE_MB: "1", APQ_MAX_DOCUMENT_BYTES: "65536" });
  });
  afterAll(() => gw?.stop());

  it("runs ad-hoc document text", async () => {
    const person = ssin();
    await expect(post(gw, { query: adHoc }, await gw.token(person))).resolves.toEqual({
      status: 200,
      body: { data: { me: { ssin: person, givenName: expect.any(String) } } },
    });
  });

  it("runs the manifest's documents by hash without registering them first", async () => {
    const client = new GraphQLClient(gw.url, {
      headers: { authorization: `Bearer ${await gw.token(ssin())}` },
      fetch: persistedQueryFetch(),
    });
    await expect(getSdk(client).RoleTasks()).resolves.toMatchObject({
      roleTasks: expect.arrayContaining([expect.objectContaining({ role: "USER" })]),
    });
  });

  it("registers a document sent with its hash after PERSISTED_QUERY_NOT_FOUND, then runs it by hash alone", async () => {
    const person = ssin();
    const token = await gw.token(person);
    const query = `query Registered { me { ssin } }`;
    await expect(post(gw, { extensions: persistedQuery(query) }, token)).resolves.toMatchObject({
      body: { errors: [{ extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }] },
    });
    await expect(post(gw, { query, extensions: persistedQuery(query) }, token)).resolves.toEqual({
      status: 200,
      body: { data: { me: { ssin: person } } },
    });
    await expect(post(gw, { extensions: persistedQuery(query) }, token)).resolves.toEqual({
      status: 200,
      body: { data: { me: { ssin: person } } },
    });
  });

  it("lets the SDK register and reuse its documents through the APQ fetch", async () => {
    const sent: string[] = [];
    const client = new GraphQLClient(gw.url, {
      headers: { authorization: `Bearer ${await gw.token(ssin())}` },
      fetch: persistedQueryFetch({ mode: "apq", fetch: recordingFetch(sent) }),
    });
    const document = "query Extra { capacities { code } }";
    await expect(client.request(document)).resolves.toMatchObject({ capacities: expect.any(Array) });
    await expect(client.request(document)).resolves.toMatchObject({ capacities: expect.any(Array) });
    // Hash (unknown), hash with text (registers), then the hash alone.
    expect(sent.map((body) => "query" in JSON.parse(body))).toEqual([false, true, false]);
  });

  it("keeps the cache of registered documents bounded (APQ_CACHE_MB), evicting the least recently used", async () => {
    const token = await gw.token(ssin());
    // 25 documents of about 50 kB overflow a 1 MB cache.
    const documents = Array.from(
      { length: 25 },
      (_, i) => `# ${String(i).padStart(2, "0")} ${"x".repeat(50_000)}\nquery Padded${i} { __typename }`,
    );
    for (const query of documents)
      await expect(post(gw, { query, extensions: persistedQuery(query) }, token)).resolves.toMatchObject({
        status: 200,
        body: { data: { __typename: "Query" } },
      });
    await expect(post(gw, { extensions: persistedQuery(documents[0]) }, token)).resolves.toMatchObject({
      body: { errors: [{ extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }] },
    });
    await expect(post(gw, { extensions: persistedQuery(documents[24]) }, token)).resolves.toMatchObject({
      body: { data: { __typename: "Query" } },
    });
  });
});
