import { gql } from "graphql-request";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { outcomes } from "./support/graphql";
import { ssin } from "./support/identities";

const addUser = gql`
  mutation ($input: AddUserInput!) {
    addUser(input: $input) {
      id
    }
  }
`;
const deleteAccess = gql`
  mutation ($input: DeleteEnterpriseAccessInput!) {
    deleteEnterpriseAccess(input: $input) {
      status
    }
  }
`;
const endMandate = gql`
  mutation ($id: ID!) {
    endServiceProviderMandate(mandate: $id) {
      status
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

describeEachDatabase("management actions racing each other", (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.stop());

  it("let eight enterprises add the same new person at once: all succeed, and the person exists once", async () => {
    const enterprises = await Promise.all(Array.from({ length: 8 }, () => gw.seed.enterprise().withMainAccessManager().active().build()));
    const clients = await Promise.all(enterprises.map((e) => gw.client(e.mainAccessManager!)));
    for (let round = 0; round < 3; round++) {
      const newcomer = ssin();
      const results = await outcomes(
        enterprises.map((e, i) =>
          clients[i].request(addUser, {
            input: {
              enterprise: e.number,
              capacity: "EMPLOYER_NSSO",
              onlineServices: ["DIMONA"],
              person: { ssin: newcomer, givenName: "New", familyName: "Comer" },
            },
          }),
        ),
      );
      expect(results).toEqual(enterprises.map(() => "ok"));
      const people: { id: number }[] = await gw.dataSource.query("SELECT id FROM person WHERE ssin = ?", [newcomer]);
      expect(people).toHaveLength(1);
      const assignments = await gw.dataSource.query(
        "SELECT enterprise_id FROM role_assignment WHERE person_id = ? AND role = 'USER' AND ended_at IS NULL",
        [people[0].id],
      );
      expect(assignments.map((a: { enterprise_id: number }) => Number(a.enterprise_id)).sort((a: number, b: number) => a - b)).toEqual(
        enterprises.map((e) => e.id).sort((a, b) => a - b),
      );
    }
  });

  it("end a mandate once when the provider deletes its access while the client ends the mandate, and audit only what each really ended", async () => {
    const pairs = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const provider = await gw.seed.enterprise().withMainAccessManager().active().withCapacity("SOCIAL_SERVICE_PROVIDER").build();
        const client = await gw.seed.enterprise().withMainAccessManager().active().build();
        const clientLr = await gw.client(client.legalRepresentative);
        const { appointServiceProvider } = await clientLr.request<{ appointServiceProvider: { id: string } }>(appointProvider, {
          input: { enterprise: client.number, provider: provider.number, capacity: "EMPLOYER_NSSO" },
        });
        return {
          provider,
          client,
          clientLr,
          providerLr: await gw.client(provider.legalRepresentative),
          mandate: Number(appointServiceProvider.id),
        };
      }),
    );
    const results = await outcomes(
      pairs.flatMap((p) => [
        p.providerLr.request(deleteAccess, { input: { enterprise: p.provider.number, reason: "Stopping" } }),
        p.clientLr.request(endMandate, { id: String(p.mandate) }),
      ]),
    );
    results.forEach((r, i) => expect(i % 2 === 0 ? r : r.replace("CONFLICT:ALREADY_ENDED", "ok")).toBe("ok"));

    const events: { action: string; enterprise_id: number; actor_id: number; details: string }[] = await gw.dataSource.query(
      `SELECT action, enterprise_id, actor_id, details FROM audit_event WHERE action IN ('DELETE_ENTERPRISE_ACCESS', 'APPOINT_SERVICE_PROVIDER') ORDER BY id`,
    );
    for (const [i, p] of pairs.entries()) {
      const claims = events.filter((event) => {
        const details = JSON.parse(event.details) as { mutation: string; before: { id?: number; mandates?: number[] } };
        if (details.mutation === "deleteEnterpriseAccess")
          return Number(event.enterprise_id) === p.provider.id && details.before.mandates?.includes(p.mandate);
        return details.mutation === "endServiceProviderMandate" && details.before.id === p.mandate;
      });
      expect(claims).toHaveLength(1);
      const [mandate] = await gw.dataSource.query("SELECT status, ended_by_id FROM service_provider_mandate WHERE id = ?", [p.mandate]);
      expect(mandate.status).toBe("ENDED");
      expect(Number(mandate.ended_by_id)).toBe(Number(claims[0].actor_id));
      const endedByClient = results[2 * i + 1] === "ok";
      expect(JSON.parse(claims[0].details).mutation).toBe(endedByClient ? "endServiceProviderMandate" : "deleteEnterpriseAccess");
    }
  });
});
