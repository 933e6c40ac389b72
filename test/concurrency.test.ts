import { join } from "node:path";
import { GraphQLClient, gql } from "graphql-request";
import { IsNull } from "typeorm";
import { openDatabase } from "../src/database/data-source";
import { loadOrCreateDevKeys } from "../src/identity/dev-keys";
import { signDevToken } from "../src/identity/tokens";
import { Catalog } from "../src/domain/catalog";
import { AuditEvent, RoleAssignment, ServiceProviderMandate } from "../src/domain/entities";
import { createTestDatabase, describeEachDatabase, describeMysql, type TestDatabase } from "./support/databases";
import { startTestGateway } from "./support/gateway";
import { spawnGateway, type GatewayProcess } from "./support/gateway-process";
import { outcomes } from "./support/graphql";
import { ssin } from "./support/identities";
import { Seed, type SeededEnterprise } from "./support/seed";
import type { DataSource } from "typeorm";
import { scratchDirectory } from "./support/scratch";

const appointMain = gql`
  mutation ($input: AppointMainAccessManagerInput!) {
    appointMainAccessManager(input: $input) {
      id
    }
  }
`;
const appointManager = gql`
  mutation ($input: AppointAccessManagerInput!) {
    appointAccessManager(input: $input) {
      id
    }
  }
`;
const appointProvider = gql`
  mutation ($input: AppointServiceProviderInput!) {
    appointServiceProvider(input: $input) {
      id
    }
  }
`;

/**
 * The invariants under concurrent requests: never two main access managers, never two active mandates for one
 * (client, capacity), never a duplicate assignment; the losers get CONFLICT, never a 500.
 */
async function raceInvariants({
  dataSource,
  seed,
  clients,
}: {
  dataSource: DataSource;
  seed: Seed;
  clients: (ssin: string) => Promise<GraphQLClient[]>;
}) {
  const enterprise: SeededEnterprise = await seed.enterprise().withMainAccessManager().active().build();
  const providers = await Promise.all(
    [1, 2, 3, 4].map(() => seed.enterprise().withMainAccessManager().active().withCapacity("SOCIAL_SERVICE_PROVIDER").build()),
  );
  const lr = await clients(enterprise.legalRepresentative);
  const auditBefore = await dataSource
    .getRepository(AuditEvent)
    .countBy({ enterpriseId: enterprise.id, action: "APPOINT_MAIN_ACCESS_MANAGER" });

  const replacements = await outcomes(
    Array.from({ length: 24 }, (_, i) =>
      lr[i % lr.length].request(appointMain, {
        input: { enterprise: enterprise.number, person: { ssin: ssin(), givenName: "Racer", familyName: `Number ${i}` } },
      }),
    ),
  );
  expect(replacements.every((o) => o === "ok" || o.startsWith("CONFLICT"))).toBe(true);
  const mains = await dataSource
    .getRepository(RoleAssignment)
    .findBy({ enterpriseId: enterprise.id, role: "MAIN_ACCESS_MANAGER", endedAt: IsNull() });
  expect(mains).toHaveLength(1);
  const wins = replacements.filter((o) => o === "ok").length;
  expect(wins).toBeGreaterThan(0);
  expect(await dataSource.getRepository(AuditEvent).countBy({ enterpriseId: enterprise.id, action: "APPOINT_MAIN_ACCESS_MANAGER" })).toBe(
    auditBefore + wins,
  );

  // The new main access manager appoints; the old one no longer may.
  const current = (await dataSource.query(`SELECT ssin FROM person WHERE id = ${mains[0].personId}`))[0].ssin as string;
  const newMain = await clients(current);
  const twin = ssin();
  const identical = await outcomes(
    Array.from({ length: 16 }, (_, i) =>
      newMain[i % newMain.length].request(appointManager, {
        input: {
          enterprise: enterprise.number,
          capacity: "EMPLOYER_NSSO",
          person: { ssin: twin, givenName: "Twin", familyName: "Manager" },
        },
      }),
    ),
  );
  expect(identical.filter((o) => o === "ok")).toHaveLength(1);
  expect(identical.filter((o) => o !== "ok").every((o) => o === "CONFLICT:ALREADY_ASSIGNED" || o === "CONFLICT:CONCURRENT_UPDATE")).toBe(
    true,
  );
  const twinPerson = await seed.person(twin);
  expect(
    await dataSource.getRepository(RoleAssignment).countBy({ enterpriseId: enterprise.id, personId: twinPerson.id, endedAt: IsNull() }),
  ).toBe(1);

  const mandates = await outcomes(
    Array.from({ length: 16 }, (_, i) =>
      lr[i % lr.length].request(appointProvider, {
        input: { enterprise: enterprise.number, provider: providers[i % 4].number, capacity: "EMPLOYER_NSSO" },
      }),
    ),
  );
  expect(mandates.every((o) => o === "ok" || o.startsWith("CONFLICT"))).toBe(true);
  expect(
    await dataSource
      .getRepository(ServiceProviderMandate)
      .countBy({ clientId: enterprise.id, capacityCode: "EMPLOYER_NSSO", status: "ACTIVE" }),
  ).toBe(1);
}

describeEachDatabase("concurrent requests on one gateway", (dialect) => {
  it("keep every invariant: one main access manager, no duplicate assignment, one active mandate per capacity", async () => {
    const gw = await startTestGateway(dialect);
    try {
      await raceInvariants({ dataSource: gw.dataSource, seed: gw.seed, clients: async (s) => [await gw.client(s)] });
    } finally {
      await gw.stop();
    }
  });
});

describeMysql("two gateway processes sharing one MariaDB database", () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let gateways: GatewayProcess[] = [];
  let keyFile: string;

  beforeAll(async () => {
    database = await createTestDatabase("mysql");
    dataSource = await openDatabase({ url: database.url });
    keyFile = join(scratchDirectory("gateway-keys-"), "dev-signing-key.json");
    gateways = await Promise.all([1, 2].map(() => spawnGateway({ DATABASE_URL: database.url, DEV_KEY_FILE: keyFile })));
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await dataSource?.destroy();
    await database?.drop();
  });

  it("keep every invariant when the racing requests are spread over both processes", async () => {
    const keys = await loadOrCreateDevKeys(keyFile);
    const seed = new Seed(dataSource, await Catalog.load(dataSource));
    await raceInvariants({
      dataSource,
      seed,
      clients: async (s) => {
        const token = await signDevToken(keys, { ssin: s });
        return gateways.map((g) => new GraphQLClient(g.url, { headers: { authorization: `Bearer ${token}` } }));
      },
    });
  });
});
