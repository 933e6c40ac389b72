import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery } from "graphql";
import { gql } from "graphql-request";
import { hasCoordinate, unavailability } from "../bench/scale/availability";
import { scaleScenarios } from "../bench/scale/scenarios";
import { countSeeded, enterpriseNumberAt, scaleSizes, seedScale, ssinAt, type ScaleSeed } from "../bench/scale/seed";
import { parseEnterpriseNumber, parseSsin } from "../src/domain/identifiers";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";

/**
 * `npm run bench:scale` seeds a million people; CI cannot. This shows, at the tiny size, that its seed holds what it
 * promises and that the gateway serves it, and that each scenario's document fits the gateway's schema or waits, named,
 * for its field. The scale run itself is the benchmark's, never a test's.
 */
describeEachDatabase("the scale benchmark's seed", (dialect) => {
  let gw: TestGateway;
  let seed: ScaleSeed;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    seed = await seedScale({ dataSource: gw.dataSource, size: "tiny" });
  });
  afterAll(() => gw?.stop());

  it("holds the people, enterprises, clients, users and roles its size promises", async () => {
    expect(await countSeeded(gw.dataSource, seed)).toEqual(scaleSizes.tiny);
  });

  it("names valid, distinct identifiers", () => {
    const ssins = Array.from({ length: 1000 }, (_, i) => ssinAt(i * 997));
    const numbers = Array.from({ length: 1000 }, (_, i) => enterpriseNumberAt(i * 97));
    expect(ssins.every((s) => parseSsin(s).ok)).toBe(true);
    expect(numbers.every((n) => parseEnterpriseNumber(n).ok)).toBe(true);
    expect(new Set(ssins).size).toBe(1000);
    expect(new Set(numbers).size).toBe(1000);
  });

  it("is served by the gateway as each scenario's viewer sees it", async () => {
    const me = await (
      await gw.client(seed.viewer)
    ).request<{ me: { roles: unknown[] } }>(gql`
      {
        me {
          roles {
            id
          }
        }
      }
    `);
    expect(me.me.roles).toHaveLength(scaleSizes.tiny.viewerRoles);
    const staff = await (
      await gw.client(seed.providerStaff)
    ).request<{ myEnterprisesConnection: { totalCount: number } }>(gql`
      {
        myEnterprisesConnection(first: 1) {
          totalCount
        }
      }
    `);
    expect(staff.myEnterprisesConnection.totalCount).toBe(scaleSizes.tiny.clients + 1);
    const users = await (
      await gw.client(seed.employer.mainAccessManager)
    ).request<{ enterprise: { roleAssignments: { totalCount: number } } }>(
      gql`
        query ($e: EnterpriseNumber!) {
          enterprise(number: $e) {
            roleAssignments(role: USER, first: 1) {
              totalCount
            }
          }
        }
      `,
      { e: seed.employer.number },
    );
    expect(users.enterprise.roleAssignments.totalCount).toBe(scaleSizes.tiny.employerUsers);
  });

  it("has every scenario's document valid against the gateway's schema, or waiting for a field it names", async () => {
    const introspection = await (await gw.client(seed.viewer)).request<IntrospectionQuery>(getIntrospectionQuery());
    const schema = buildClientSchema(introspection);
    const verdicts = scaleScenarios.map((s) => ({ name: s.name, why: unavailability(schema, s) }));
    expect(verdicts.filter((v) => v.why !== null && !v.why.startsWith("needs field "))).toEqual([]);
    // What runs today must go on running: these use only the v1 schema.
    expect(verdicts.filter((v) => scaleScenarios.find((s) => s.name === v.name)!.needs.length === 0 && v.why !== null)).toEqual([]);
    expect(hasCoordinate(schema, "Enterprise.roleAssignments(role)")).toBe(true);
    expect(hasCoordinate(schema, "Enterprise.roleAssignments(noSuchArgument)")).toBe(false);
  });
});
