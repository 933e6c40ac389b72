import { gql } from "graphql-request";
import { loadConfig } from "../src/config";
import type { EnterpriseCache } from "../src/read/enterprise-cache";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { ssin } from "./support/identities";
import type { SeededEnterprise } from "./support/seed";

/**
 * The kept enterprise read models stay within ENTERPRISE_CACHE_MB, whatever ENTERPRISE_CACHE_ROWS allows: filled past
 * the bound through real requests, the cache drops the least recently used models, and answers the same.
 */
const page = gql`
  query ($e: EnterpriseNumber!, $after: String) {
    enterprise(number: $e) {
      roleAssignments(first: 100, after: $after) {
        totalCount
        pageInfo {
          endCursor
          hasNextPage
        }
        edges {
          node {
            id
            role
            person {
              givenName
              familyName
            }
            onlineServices {
              code
            }
          }
        }
      }
    }
  }
`;

const addUsers = gql`
  mutation ($input: AddUsersInput!) {
    addUsers(input: $input) {
      done
    }
  }
`;

const mib = 2 ** 20;

describeEachDatabase("memory bounds of the kept read models", (dialect) => {
  let bounded: TestGateway;
  let roomy: TestGateway;
  let uncached: TestGateway;
  const enterprises: SeededEnterprise[] = [];

  beforeAll(async () => {
    // ENTERPRISE_CACHE_ROWS at its default (200,000) would keep them all: only the bound in MB can drop one.
    bounded = await startTestGateway(dialect, { ENTERPRISE_CACHE_MB: "1" });
    roomy = await startTestGateway(dialect, {}, { database: bounded.database });
    uncached = await startTestGateway(dialect, { ENTERPRISE_CACHE_ROWS: "0" }, { database: bounded.database });
    for (let i = 0; i < 5; i++) {
      const e = await bounded.seed.enterprise().withMainAccessManager().active().build();
      const users = Array.from({ length: 500 }, (_, u) => ({
        person: { ssin: ssin(), givenName: "Memory", familyName: `Bound ${i}-${u}` },
        onlineServices: u % 2 === 0 ? ["DIMONA", "DMFA"] : ["DIMONA"],
      }));
      const manager = await bounded.client(e.mainAccessManager!);
      const added = await manager.request<{ addUsers: { done: number } }>(addUsers, {
        input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", users },
      });
      expect(added.addUsers.done).toBe(500);
      enterprises.push(e);
    }
  });

  afterAll(async () => {
    await uncached?.stop();
    await roomy?.stop();
    await bounded?.stop();
  });

  const cacheOf = (gw: TestGateway): EnterpriseCache => gw.gateway.enterpriseCache!;
  const read = async (gw: TestGateway, e: SeededEnterprise, after?: string) =>
    (await gw.client(e.mainAccessManager!)).request<{
      enterprise: { roleAssignments: { pageInfo: { endCursor: string } } };
    }>(page, { e: e.number, after });

  it("states its bound in MB: 64 by default", () => {
    expect(loadConfig({}).enterpriseCache.maxBytes).toBe(64 * mib);
    expect(loadConfig({ ENTERPRISE_CACHE_MB: "8" }).enterpriseCache.maxBytes).toBe(8 * mib);
    expect(() => loadConfig({ ENTERPRISE_CACHE_MB: "0" })).toThrow(/ENTERPRISE_CACHE_MB/);
  });

  it("drops the least recently used models past ENTERPRISE_CACHE_MB, and answers the same as without a cache", async () => {
    for (const e of enterprises) {
      const truth = await read(uncached, e);
      expect(await read(bounded, e)).toEqual(truth);
      expect(await read(roomy, e)).toEqual(truth);
    }
    // The same models, kept whole by a gateway with the default bound: together they weigh more than 1 MB.
    expect(cacheOf(roomy).size.models).toBe(5);
    expect(cacheOf(roomy).size.bytes).toBeGreaterThan(mib);
    expect(cacheOf(roomy).stats.evicted).toBe(0);
    // The bounded gateway read all five and kept what fits.
    const { size, stats } = cacheOf(bounded);
    expect(size.bytes).toBeLessThanOrEqual(mib);
    expect(size.models).toBeLessThan(5);
    expect(size.models).toBeGreaterThan(0);
    expect(stats.evicted).toBeGreaterThan(0);
    // The most recently read enterprise is among those kept: asked again, it is a hit.
    const hits = stats.hits;
    await read(bounded, enterprises[4]);
    expect(cacheOf(bounded).stats.hits).toBeGreaterThan(hits);
  });

  it("counts the answers kept with a model in its bytes, and stays within the bound as they grow", async () => {
    const e = enterprises[0];
    const before = cacheOf(roomy).size.bytes;
    // Every page of the enterprise: each answer is kept with its model for the next request that asks it.
    let after: string | undefined;
    for (let i = 0; i < 5; i++) after = (await read(roomy, e, after)).enterprise.roleAssignments.pageInfo.endCursor;
    expect(cacheOf(roomy).size.bytes).toBeGreaterThan(before);

    after = undefined;
    for (const other of enterprises)
      for (let i = 0; i < 5; i++)
        after = (await read(bounded, other, i === 0 ? undefined : after)).enterprise.roleAssignments.pageInfo.endCursor;
    expect(cacheOf(bounded).size.bytes).toBeLessThanOrEqual(mib);
  });
});

describeEachDatabase("memory bound of the parsed documents", (dialect) => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway(dialect, { DOCUMENT_CACHE_MB: "1" });
  });

  afterAll(async () => {
    await gw?.stop();
  });

  it("keeps at most DOCUMENT_CACHE_MB of parsed documents, 8 by default", async () => {
    expect(loadConfig({}).documentCacheBytes).toBe(8 * mib);
    const client = await gw.client(ssin());
    // 40 distinct documents of about 40 KB each (a long operation name): 1.6 MB of documents sent, through real requests.
    let sent = 0;
    for (let i = 0; i < 40; i++) {
      const name = `Q${i}_${"x".repeat(40_000)}`;
      expect(await client.request<{ __typename: string }>(`query ${name} { __typename }`)).toEqual({ __typename: "Query" });
      sent += name.length;
    }
    expect(sent).toBeGreaterThan(1.5 * mib);
    expect(gw.gateway.documentCacheBytes()).toBeGreaterThan(0.5 * mib);
    expect(gw.gateway.documentCacheBytes()).toBeLessThanOrEqual(mib);
  });
});
