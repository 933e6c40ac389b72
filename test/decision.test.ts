import { gql } from "graphql-request";
import { decide, decideOnlineService, type EnterpriseState, type ServiceGrant } from "../src/access/decision";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { ssin } from "./support/identities";

const active: EnterpriseState = { id: 1, status: "ACTIVE", activeCapacities: new Set(["EMPLOYER_NSSO"]), eBoxActive: true };
const grant = (
  role: ServiceGrant["role"],
  capacityCode: string | null = null,
  services: string[] = [],
  enterpriseId = 1,
  id = 1,
): ServiceGrant => ({
  id,
  enterpriseId,
  role,
  capacityCode,
  onlineServices: new Set(services),
});

describe("the decision function", () => {
  it("tells first who you are, then what state the enterprise is in", () => {
    expect(
      decide({ task: "MANAGE_USERS", enterprise: { ...active, status: "PENDING_ACTIVATION" }, grants: [grant("USER", "EMPLOYER_NSSO")] })
        .reason,
    ).toBe("ROLE_LACKS_TASK");
    expect(
      decide({ task: "MANAGE_USERS", enterprise: { ...active, status: "PENDING_ACTIVATION" }, grants: [grant("MAIN_ACCESS_MANAGER")] })
        .reason,
    ).toBe("ENTERPRISE_NOT_ACTIVE");
    expect(
      decide({ task: "ACTIVATE_EBOX", enterprise: { ...active, status: "ACCESS_DELETED" }, grants: [grant("LEGAL_REPRESENTATIVE")] })
        .reason,
    ).toBe("ENTERPRISE_ACCESS_DELETED");
    expect(
      decide({
        task: "APPOINT_MAIN_ACCESS_MANAGER",
        enterprise: { ...active, status: "ACCESS_DELETED" },
        grants: [grant("LEGAL_REPRESENTATIVE")],
      }).allowed,
    ).toBe(true);
    expect(decide({ task: "USE_EBOX", enterprise: active, grants: [grant("USER", "EMPLOYER_NSSO", [], 2)] }).reason).toBe(
      "NO_ROLE_IN_ENTERPRISE",
    );
  });

  it("allows a capacity-scoped task only in the capacity of the assignment", () => {
    const state = { ...active, activeCapacities: new Set(["EMPLOYER_NSSO", "ENTERPRISE_WITHOUT_STAFF"]) };
    const manager = [grant("ACCESS_MANAGER", "EMPLOYER_NSSO")];
    expect(decide({ task: "MANAGE_USERS", enterprise: state, grants: manager, capacity: "EMPLOYER_NSSO" }).allowed).toBe(true);
    expect(decide({ task: "MANAGE_USERS", enterprise: state, grants: manager, capacity: "ENTERPRISE_WITHOUT_STAFF" }).reason).toBe(
      "ROLE_LACKS_TASK",
    );
    expect(
      decide({ task: "MANAGE_USERS", enterprise: state, grants: [grant("MAIN_ACCESS_MANAGER")], capacity: "ENTERPRISE_WITHOUT_STAFF" })
        .allowed,
    ).toBe(true);
    expect(
      decide({ task: "MANAGE_USERS", enterprise: state, grants: [grant("MAIN_ACCESS_MANAGER")], capacity: "SOCIAL_SERVICE_PROVIDER" })
        .reason,
    ).toBe("CAPACITY_NOT_ACTIVE");
  });

  it("without a capacity, allows a capacity-scoped task when some active capacity is in reach", () => {
    expect(
      decide({ task: "CONFIGURE_STRUCTURED_MESSAGES", enterprise: active, grants: [grant("ACCESS_MANAGER", "EMPLOYER_NSSO")] }).allowed,
    ).toBe(true);
    expect(
      decide({ task: "CONFIGURE_STRUCTURED_MESSAGES", enterprise: active, grants: [grant("ACCESS_MANAGER", "ENTERPRISE_WITHOUT_STAFF")] })
        .reason,
    ).toBe("CAPACITY_NOT_ACTIVE");
    expect(
      decide({ task: "MANAGE_USERS", enterprise: { ...active, activeCapacities: new Set() }, grants: [grant("MAIN_ACCESS_MANAGER")] })
        .reason,
    ).toBe("CAPACITY_NOT_ACTIVE");
  });

  it("needs an active e-Box for USE_EBOX, and names the granting assignments", () => {
    expect(
      decide({ task: "USE_EBOX", enterprise: { ...active, eBoxActive: false }, grants: [grant("USER", "EMPLOYER_NSSO")] }).reason,
    ).toBe("EBOX_NOT_ACTIVATED");
    const granted = decide({
      task: "USE_EBOX",
      enterprise: active,
      grants: [grant("LEGAL_REPRESENTATIVE", null, [], 1, 7), grant("USER", "EMPLOYER_NSSO", [], 1, 8)],
    });
    expect(granted).toMatchObject({ allowed: true, reason: "GRANTED_BY_ROLE" });
    expect(granted.via.map((g) => g.id)).toEqual([8]);
  });

  describe("for online services", () => {
    const offering = new Set(["EMPLOYER_NSSO", "SOCIAL_SERVICE_PROVIDER", "APPROVED_SOCIAL_SECRETARIAT"]);
    const providerCapacities = new Set(["SOCIAL_SERVICE_PROVIDER", "APPROVED_SOCIAL_SECRETARIAT"]);
    const provider: EnterpriseState = {
      id: 2,
      status: "ACTIVE",
      activeCapacities: new Set(["SOCIAL_SERVICE_PROVIDER"]),
      eBoxActive: false,
    };
    const ask = (
      grants: ServiceGrant[],
      mandates: { capacityCode: string; provider: EnterpriseState; providerGrants: ServiceGrant[] }[] = [],
    ) => decideOnlineService({ enterprise: active, grants, service: "DIMONA", serviceCapacities: offering, providerCapacities, mandates });

    it("grants a user the services granted to them, and an access manager every service of the capacity", () => {
      expect(ask([grant("USER", "EMPLOYER_NSSO", ["DIMONA"])]).reason).toBe("GRANTED_BY_ROLE");
      expect(ask([grant("USER", "EMPLOYER_NSSO", ["DMFA"])]).reason).toBe("ONLINE_SERVICE_NOT_GRANTED");
      expect(ask([grant("ACCESS_MANAGER", "EMPLOYER_NSSO")]).reason).toBe("GRANTED_BY_ROLE");
      expect(ask([grant("LEGAL_REPRESENTATIVE")]).reason).toBe("ROLE_LACKS_TASK");
      expect(ask([])).toMatchObject({ allowed: false, reason: "NO_ROLE_IN_ENTERPRISE" });
    });

    it("grants a provider's staff the services of the mandate's capacity", () => {
      const staff = grant("USER", "SOCIAL_SERVICE_PROVIDER", ["DIMONA"], 2, 9);
      expect(ask([staff], [{ capacityCode: "EMPLOYER_NSSO", provider, providerGrants: [staff] }])).toMatchObject({
        allowed: true,
        reason: "GRANTED_BY_MANDATE",
      });
      const notGranted = grant("USER", "SOCIAL_SERVICE_PROVIDER", ["DMFA"], 2, 9);
      expect(ask([notGranted], [{ capacityCode: "EMPLOYER_NSSO", provider, providerGrants: [notGranted] }]).reason).toBe(
        "ONLINE_SERVICE_NOT_GRANTED",
      );
      const manager = grant("ACCESS_MANAGER", "SOCIAL_SERVICE_PROVIDER", [], 2, 9);
      expect(ask([manager], [{ capacityCode: "ENTERPRISE_WITHOUT_STAFF", provider, providerGrants: [manager] }]).allowed).toBe(false);
      expect(
        ask([manager], [{ capacityCode: "EMPLOYER_NSSO", provider: { ...provider, status: "ACCESS_DELETED" }, providerGrants: [manager] }])
          .allowed,
      ).toBe(false);
      const employerStaff = grant("ACCESS_MANAGER", "EMPLOYER_NSSO", [], 2, 9);
      expect(
        ask(
          [employerStaff],
          [
            {
              capacityCode: "EMPLOYER_NSSO",
              provider: { ...provider, activeCapacities: new Set(["EMPLOYER_NSSO"]) },
              providerGrants: [employerStaff],
            },
          ],
        ).reason,
      ).toBe("NO_ROLE_IN_ENTERPRISE");
    });
  });
});

describeEachDatabase("decisions over HTTP", (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.stop());

  const can = gql`
    query ($e: EnterpriseNumber!) {
      can(enterprise: $e, task: MANAGE_USERS) {
        allowed
        reason
      }
      enterprise(number: $e) {
        myTasks
      }
    }
  `;

  it("are never reused across viewers or requests", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await gw.client(e.mainAccessManager!);
    const stranger = await gw.client(ssin());
    const [forMain, forStranger] = await Promise.all([main.request(can, { e: e.number }), stranger.request(can, { e: e.number })]);
    expect(forMain).toEqual({
      can: { allowed: true, reason: "GRANTED_BY_ROLE" },
      enterprise: {
        myTasks: [
          "ACTIVATE_ENTERPRISE_ACCOUNT",
          "ACTIVATE_CAPACITY",
          "MANAGE_USERS",
          "APPOINT_ACCESS_MANAGER",
          "USE_ONLINE_SERVICES",
          "CONFIGURE_STRUCTURED_MESSAGES",
        ],
      },
    });
    expect(forStranger).toEqual({ can: { allowed: false, reason: "NO_ROLE_IN_ENTERPRISE" }, enterprise: null });
    await (
      await gw.client(e.legalRepresentative)
    ).request(
      gql`
        mutation ($input: AppointMainAccessManagerInput!) {
          appointMainAccessManager(input: $input) {
            id
          }
        }
      `,
      {
        input: { enterprise: e.number, person: { ssin: ssin(), givenName: "Next", familyName: "Main" } },
      },
    );
    // The same viewer in a new request: the decision follows the new state, in which the replaced main access
    // manager lost their automatic access manager profiles with the function.
    await expect(main.request(can, { e: e.number })).resolves.toEqual({
      can: { allowed: false, reason: "NO_ROLE_IN_ENTERPRISE" },
      enterprise: null,
    });
  });

  it("within one request, a mutation's answer shows the state after the mutation, not the decision before it", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().build();
    const main = await gw.client(e.mainAccessManager!);
    const { activateEnterpriseAccount } = await main.request<{ activateEnterpriseAccount: { status: string; myTasks: string[] } }>(
      gql`
        mutation ($e: EnterpriseNumber!) {
          activateEnterpriseAccount(enterprise: $e) {
            status
            myTasks
          }
        }
      `,
      { e: e.number },
    );
    expect(activateEnterpriseAccount.status).toBe("ACTIVE");
    expect(activateEnterpriseAccount.myTasks).toContain("ACTIVATE_CAPACITY");
  });
});
