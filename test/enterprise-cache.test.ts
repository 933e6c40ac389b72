import { gql } from "graphql-request";
import { IsNull } from "typeorm";
import { appointAccessManager } from "../src/management/appoint-access-manager";
import { addUser } from "../src/management/add-user";
import { configureStructuredMessaging } from "../src/management/configure-structured-messaging";
import { endServiceProviderMandate } from "../src/management/end-service-provider-mandate";
import { removeUser } from "../src/management/remove-user";
import { revokeAccessManager } from "../src/management/revoke-access-manager";
import { setUserOnlineServices } from "../src/management/set-user-online-services";
import { updateMyAccount } from "../src/management/update-my-account";
import { activateCapacity } from "../src/management/activate-capacity";
import { dropVersionTriggers, missingVersionTriggers } from "../src/database/enterprise-versions";
import type { EnterpriseCache } from "../src/read/enterprise-cache";
import { RoleAssignment, ServiceProviderMandate } from "../src/domain/entities";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { ssin } from "./support/identities";
import { TestClock } from "./support/clock";
import type { SeededEnterprise } from "./support/seed";

/**
 * The enterprise read models kept across requests (src/read/enterprise-cache.ts) answer exactly what the database
 * answers, at every step of an enterprise's life, in every gateway: three gateways on one database, two keeping
 * models (each its own, warmed before every change) and one reading everything with its own statements (the cache
 * off). Changes are made beside all of them (the actions run on their own data source, as another gateway or the
 * register import would), and by an operator's SQL, so no gateway is told of any change: only the versions tell.
 */
const everything = gql`
  query Everything($e: EnterpriseNumber!) {
    enterprise(number: $e) {
      number
      name
      status
      myTasks
      legalRepresentatives {
        givenName
        familyName
      }
      mainAccessManager {
        givenName
        familyName
        email
      }
      capacities {
        capacity {
          code
        }
        status
        activatedAt
      }
      eBox {
        status
        notificationEmail
        activatedBy {
          givenName
        }
      }
      serviceProviders {
        status
        capacity {
          code
        }
        provider {
          number
          name
        }
        endedAt
        validUntil
      }
      clients {
        status
        capacity {
          code
        }
        client {
          number
        }
      }
      structuredMessaging {
        capacity {
          code
        }
        channel
        technicalContactEmail
        senderNumber
        configuredBy {
          givenName
        }
      }
      all: roleAssignments(first: 100) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            id
            role
            grantedAt
            validUntil
            person {
              givenName
              familyName
            }
            capacity {
              code
            }
            onlineServices {
              code
            }
          }
        }
      }
      firstTwo: roleAssignments(first: 2) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
        }
      }
      users: roleAssignments(first: 100, role: USER) {
        totalCount
        nodes {
          id
          person {
            givenName
          }
        }
      }
      employer: roleAssignments(first: 100, capacity: "EMPLOYER_NSSO") {
        totalCount
        nodes {
          id
          role
        }
      }
    }
  }
`;

describeEachDatabase("enterprise read models across requests", (dialect) => {
  let cached: TestGateway;
  let other: TestGateway;
  let uncached: TestGateway;
  let client: SeededEnterprise;
  let provider: SeededEnterprise;
  const clock = new TestClock();
  const viewers: string[] = [];

  const cacheOf = (gw: TestGateway): EnterpriseCache => gw.gateway.enterpriseCache!;

  async function answers(gw: TestGateway, enterprise = client): Promise<unknown[]> {
    return Promise.all(viewers.map(async (viewer) => (await gw.client(viewer)).request(everything, { e: enterprise.number })));
  }

  /** Every viewer gets the same answer from every gateway, the ones keeping models and the one without. */
  async function expectSameEverywhere(): Promise<void> {
    for (const enterprise of [client, provider]) {
      const truth = await answers(uncached, enterprise);
      expect(await answers(cached, enterprise)).toEqual(truth);
      expect(await answers(other, enterprise)).toEqual(truth);
    }
  }

  beforeAll(async () => {
    cached = await startTestGateway(dialect, {}, { clock });
    other = await startTestGateway(dialect, {}, { database: cached.database, clock });
    uncached = await startTestGateway(dialect, { ENTERPRISE_CACHE_ROWS: "0" }, { database: cached.database, clock });
    provider = await cached.seed
      .enterprise({ name: "Payroll Cache" })
      .withMainAccessManager()
      .active()
      .withCapacity("SOCIAL_SERVICE_PROVIDER")
      .build();
    client = await cached.seed
      .enterprise({ name: "Bakkerij Cache" })
      .withMainAccessManager()
      .active()
      .withAccessManager("EMPLOYER_NSSO")
      .withUser("EMPLOYER_NSSO", ["DIMONA"])
      .withUser("EMPLOYER_NSSO", ["DMFA", "DIMONA"])
      .withEBox()
      .withServiceProvider(provider, "EMPLOYER_NSSO")
      .build();
    viewers.push(
      client.legalRepresentative,
      client.mainAccessManager!,
      client.accessManagers.EMPLOYER_NSSO,
      client.users[0].ssin,
      provider.legalRepresentative,
      ssin(),
    );
  });

  afterAll(async () => {
    await uncached?.stop();
    await other?.stop();
    await cached?.stop();
  });

  it("answers from a kept model once warm: no new model is read until the enterprise changes", async () => {
    await expectSameEverywhere();
    const stats = { ...cacheOf(cached).stats };
    await answers(cached);
    expect(cacheOf(cached).stats.filled).toBe(stats.filled);
    expect(cacheOf(cached).stats.hits).toBeGreaterThan(stats.hits);
    // The gateway without a cache keeps nothing.
    expect(uncached.gateway.enterpriseCache).toBeNull();
  });

  it("shows every management action at once in every gateway, though none was told of it", async () => {
    const main = client.mainAccessManager!;
    const steps: [string, () => Promise<unknown>][] = [
      [
        "add a user",
        () =>
          cached.seed.as(main, (s) =>
            addUser(s, {
              enterprise: client.number,
              capacity: "EMPLOYER_NSSO",
              onlineServices: ["DMFA"],
              person: { ssin: ssin(), givenName: "New", familyName: "User" },
            }),
          ),
      ],
      [
        "change a user's online services",
        () =>
          cached.seed.as(main, (s) =>
            setUserOnlineServices(s, { assignment: String(client.users[0].assignmentId), onlineServices: ["DMFA"] }),
          ),
      ],
      ["remove a user", () => cached.seed.as(main, (s) => removeUser(s, { assignment: String(client.users[1].assignmentId) }))],
      [
        "activate a capacity",
        () => cached.seed.as(main, (s) => activateCapacity(s, { enterprise: client.number, capacity: "ENTERPRISE_WITHOUT_STAFF" })),
      ],
      [
        "configure structured messaging",
        () =>
          cached.seed.as(main, (s) =>
            configureStructuredMessaging(s, {
              enterprise: client.number,
              capacity: "EMPLOYER_NSSO",
              channel: "SFTP",
              technicalContactEmail: "tech@example.be",
            }),
          ),
      ],
      [
        "appoint and revoke an access manager",
        async () => {
          const appointed = await cached.seed.as(main, (s) =>
            appointAccessManager(s, {
              enterprise: client.number,
              capacity: "ENTERPRISE_WITHOUT_STAFF",
              person: { ssin: ssin(), givenName: "Short", familyName: "Lived" },
            }),
          );
          await expectSameEverywhere();
          await cached.seed.as(main, (s) => revokeAccessManager(s, { assignment: String(appointed.id) }));
        },
      ],
      [
        "the main access manager changes their e-mail (a person, shown in the enterprise)",
        () => cached.seed.as(main, (s) => updateMyAccount(s, { email: "main.manager@example.be" })),
      ],
      [
        "end the service provider's mandate (client and provider both change)",
        async () => {
          const mandate = await cached.dataSource
            .getRepository(ServiceProviderMandate)
            .findOneByOrFail({ clientId: client.id, providerId: provider.id });
          await cached.seed.as(client.legalRepresentative, (s) => endServiceProviderMandate(s, { mandate: String(mandate.id) }));
        },
      ],
    ];
    for (const [, step] of steps) {
      await expectSameEverywhere();
      await step();
      await expectSameEverywhere();
    }
  });

  it("shows an operator's SQL at once: the database moves the version, not the gateway", async () => {
    await expectSameEverywhere();
    await cached.dataSource.query(`UPDATE person SET given_name = 'Renamed' WHERE ssin = ?`, [client.accessManagers.EMPLOYER_NSSO]);
    await expectSameEverywhere();
    const first = await uncached.dataSource
      .getRepository(RoleAssignment)
      .findOneOrFail({ where: { enterpriseId: client.id, role: "USER", endedAt: IsNull() }, order: { id: "ASC" } });
    await cached.dataSource.query(`DELETE FROM role_assignment_online_service WHERE assignment_id = ?`, [first.id]);
    await expectSameEverywhere();
  });

  it("ends an expired right at its instant with no write and no new model", async () => {
    const main = client.mainAccessManager!;
    const validUntil = new Date(clock.now().getTime() + 2 * 24 * 3600 * 1000);
    await cached.seed.as(main, (s) =>
      addUser(s, {
        enterprise: client.number,
        capacity: "EMPLOYER_NSSO",
        onlineServices: ["DIMONA"],
        validUntil,
        person: { ssin: ssin(), givenName: "Temporary", familyName: "User" },
      }),
    );
    await expectSameEverywhere();
    const before = (
      await (await cached.client(main)).request<{ enterprise: { all: { totalCount: number } } }>(everything, { e: client.number })
    ).enterprise.all.totalCount;
    const filled = cacheOf(cached).stats.filled;
    clock.passes(validUntil);
    const after = (
      await (await cached.client(main)).request<{ enterprise: { all: { totalCount: number } } }>(everything, { e: client.number })
    ).enterprise.all.totalCount;
    expect(after).toBe(before - 1);
    expect(cacheOf(cached).stats.filled).toBe(filled);
    await expectSameEverywhere();
  });

  it("keeps no model of an enterprise past the size bound, and answers it the same", async () => {
    const small = await startTestGateway(dialect, { ENTERPRISE_CACHE_MAX_ASSIGNMENTS: "2" }, { database: cached.database, clock });
    try {
      const truth = await answers(uncached);
      expect(await answers(small)).toEqual(truth);
      expect(small.gateway.enterpriseCache!.size.models).toBeLessThanOrEqual(1);
      // The provider's enterprise (its legal representative, main access manager and one capacity's rows) is kept; the client's is not.
      expect(await answers(small, provider)).toEqual(await answers(uncached, provider));
    } finally {
      await small.stop();
    }
  });

  it("counts an enterprise too large to keep once per version, and again after it changes", async () => {
    const small = await startTestGateway(dialect, { ENTERPRISE_CACHE_MAX_ASSIGNMENTS: "2" }, { database: cached.database, clock });
    try {
      expect(await answers(small)).toEqual(await answers(uncached));
      const known = cacheOf(small).stats.knownTooLarge;
      // The same version: known to be too large, not counted again, answered the same.
      expect(await answers(small)).toEqual(await answers(uncached));
      expect(cacheOf(small).stats.knownTooLarge).toBeGreaterThan(known);
      // A change moves the version: the next requests read the new state, not an answer of the old one.
      await cached.dataSource.query(`UPDATE person SET family_name = 'Renamed' WHERE ssin = ?`, [client.accessManagers.EMPLOYER_NSSO]);
      const truth = await answers(uncached);
      expect(JSON.stringify(truth)).toContain("Renamed");
      expect(await answers(small)).toEqual(truth);
    } finally {
      await small.stop();
    }
  });

  it("creates the version triggers again when a gateway starts without them, and moves every version past what was kept before", async () => {
    await expectSameEverywhere();
    const runner = cached.dataSource.createQueryRunner();
    try {
      await dropVersionTriggers(runner);
      // Written while the versions stand still: the kept models no longer match the rows, and nothing tells them yet.
      await cached.dataSource.query(`UPDATE person SET given_name = 'Unversioned' WHERE ssin = ?`, [client.accessManagers.EMPLOYER_NSSO]);
    } finally {
      await runner.release();
    }
    const restarted = await startTestGateway(dialect, {}, { database: cached.database, clock });
    try {
      expect(await missingVersionTriggers(cached.dataSource)).toEqual([]);
      expect(restarted.gateway.enterpriseCache).not.toBeNull();
      await expectSameEverywhere();
      expect(await answers(restarted)).toEqual(await answers(uncached));
      const hits = cacheOf(cached).stats.hits;
      await expectSameEverywhere();
      expect(cacheOf(cached).stats.hits).toBeGreaterThan(hits);
    } finally {
      await restarted.stop();
    }
  });

  it("never answers from a model older than what a concurrent writer has acknowledged", async () => {
    const main = client.mainAccessManager!;
    const reader = await other.client(main);
    let reading = true;
    // Readers hammer the other gateway while the writes land; each write, once acknowledged, must show in the next read.
    const background = (async () => {
      while (reading) await reader.request(everything, { e: client.number });
    })();
    try {
      for (let i = 0; i < 6; i++) {
        const added = await cached.seed.as(main, (s) =>
          addUser(s, {
            enterprise: client.number,
            capacity: "EMPLOYER_NSSO",
            onlineServices: ["DMFA"],
            person: { ssin: ssin(), givenName: `Race${i}`, familyName: "User" },
          }),
        );
        const seen = await reader.request<{ enterprise: { all: { edges: { node: { id: string } }[] } } }>(everything, { e: client.number });
        expect(seen.enterprise.all.edges.map((e) => e.node.id)).toContain(String(added.id));
      }
    } finally {
      reading = false;
      await background;
    }
    await expectSameEverywhere();
  });
});
