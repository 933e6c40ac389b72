import { gql } from "graphql-request";
import { appointAccessManager } from "../src/management/appoint-access-manager";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { expectError } from "./support/graphql";
import { ssin } from "./support/identities";

/** The whole life of an enterprise's secure access, through GraphQL over HTTP, as the seed tells it. */
describeEachDatabase("the secure-access scenario", (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.stop());

  it("runs from registration to deleted access, and the audit trail tells the whole story", async () => {
    const client = await gw.seed.enterprise({ name: "Bakkerij Test", defaultCapacity: "EMPLOYER_NSSO" }).build();
    const provider = await gw.seed
      .enterprise({ name: "Payroll Test" })
      .withMainAccessManager()
      .active()
      .withCapacity("SOCIAL_SERVICE_PROVIDER")
      .build();
    const providerStaff = ssin();
    await gw.seed.as(provider.mainAccessManager!, (s) =>
      appointAccessManager(s, {
        enterprise: provider.number,
        capacity: "SOCIAL_SERVICE_PROVIDER",
        person: { ssin: providerStaff, givenName: "Staff", familyName: "Member" },
      }),
    );
    const lr = await gw.client(client.legalRepresentative);
    const mainSsin = ssin();

    const appointed = await lr.request<{
      appointMainAccessManager: { role: string; person: { ssin: string }; enterprise: { status: string } };
    }>(
      gql`
        mutation ($input: AppointMainAccessManagerInput!) {
          appointMainAccessManager(input: $input) {
            role
            person {
              ssin
            }
            enterprise {
              status
            }
          }
        }
      `,
      { input: { enterprise: client.display, person: { ssin: mainSsin, givenName: "Mira", familyName: "Main" } } },
    );
    expect(appointed.appointMainAccessManager).toEqual({
      role: "MAIN_ACCESS_MANAGER",
      person: { ssin: mainSsin },
      enterprise: { status: "PENDING_ACTIVATION" },
    });

    const main = await gw.client(mainSsin);
    const activated = await main.request<{
      activateEnterpriseAccount: { status: string; capacities: { capacity: { code: string }; status: string }[] };
    }>(
      gql`
        mutation ($e: EnterpriseNumber!) {
          activateEnterpriseAccount(enterprise: $e) {
            status
            capacities {
              capacity {
                code
              }
              status
            }
          }
        }
      `,
      { e: client.number },
    );
    expect(activated.activateEnterpriseAccount.status).toBe("ACTIVE");
    expect(activated.activateEnterpriseAccount.capacities.filter((c) => c.status === "ACTIVE").map((c) => c.capacity.code)).toEqual([
      "EMPLOYER_NSSO",
    ]);

    await main.request(
      gql`
        mutation ($e: EnterpriseNumber!) {
          activateCapacity(enterprise: $e, capacity: "ENTERPRISE_WITHOUT_STAFF") {
            status
          }
        }
      `,
      { e: client.number },
    );

    const managerSsin = ssin();
    await main.request(
      gql`
        mutation ($input: AppointAccessManagerInput!) {
          appointAccessManager(input: $input) {
            id
          }
        }
      `,
      {
        input: {
          enterprise: client.number,
          capacity: "EMPLOYER_NSSO",
          person: { ssin: managerSsin, givenName: "Toon", familyName: "Manager" },
        },
      },
    );
    const manager = await gw.client(managerSsin);
    const userSsin = ssin();
    const added = await manager.request<{ addUser: { id: string; onlineServices: { code: string }[]; tasks: string[] } }>(
      gql`
        mutation ($input: AddUserInput!) {
          addUser(input: $input) {
            id
            onlineServices {
              code
            }
            tasks
          }
        }
      `,
      {
        input: {
          enterprise: client.number,
          capacity: "EMPLOYER_NSSO",
          onlineServices: ["DMFA", "DIMONA"],
          person: { ssin: userSsin, givenName: "Uma", familyName: "User" },
        },
      },
    );
    expect(added.addUser.onlineServices.map((s) => s.code)).toEqual(["DIMONA", "DMFA"]);
    expect(added.addUser.tasks).toEqual(["USE_ONLINE_SERVICES", "USE_EBOX"]);

    const user = await gw.client(userSsin);
    const canUse = gql`
      query ($e: EnterpriseNumber!, $s: String!) {
        canUseOnlineService(enterprise: $e, onlineService: $s) {
          allowed
          reason
          via {
            role
            enterprise {
              number
            }
          }
        }
      }
    `;
    await expect(user.request(canUse, { e: client.number, s: "DIMONA" })).resolves.toMatchObject({
      canUseOnlineService: { allowed: true, reason: "GRANTED_BY_ROLE" },
    });
    await expect(user.request(canUse, { e: client.number, s: "DRS" })).resolves.toMatchObject({
      canUseOnlineService: { allowed: false, reason: "ONLINE_SERVICE_NOT_GRANTED" },
    });

    await lr.request(
      gql`
        mutation ($input: AppointServiceProviderInput!) {
          appointServiceProvider(input: $input) {
            status
          }
        }
      `,
      {
        input: { enterprise: client.number, provider: provider.number, capacity: "EMPLOYER_NSSO" },
      },
    );
    const staff = await gw.client(providerStaff);
    await expect(staff.request(canUse, { e: client.number, s: "DMFA" })).resolves.toEqual({
      canUseOnlineService: {
        allowed: true,
        reason: "GRANTED_BY_MANDATE",
        via: [{ role: "ACCESS_MANAGER", enterprise: { number: provider.display } }],
      },
    });
    const staffSees = await staff.request<{ myEnterprises: { number: string }[] }>(gql`
      {
        myEnterprises {
          number
        }
      }
    `);
    expect(staffSees.myEnterprises.map((e) => e.number)).toContain(client.display);

    await lr.request(
      gql`
        mutation ($input: ActivateEBoxInput!) {
          activateEBox(input: $input) {
            status
          }
        }
      `,
      {
        input: { enterprise: client.number, notificationEmail: "  ebox@bakkerij.be " },
      },
    );
    const inbox = await user.request<{
      enterprise: { eBox: { status: string; messages: { totalCount: number; edges: { node: { id: string; readAt: string | null } }[] } } };
    }>(
      gql`
        query ($e: EnterpriseNumber!) {
          enterprise(number: $e) {
            eBox {
              status
              messages {
                totalCount
                edges {
                  node {
                    id
                    readAt
                  }
                }
              }
            }
          }
        }
      `,
      { e: client.number },
    );
    expect(inbox.enterprise.eBox.status).toBe("ACTIVE");
    expect(inbox.enterprise.eBox.messages.totalCount).toBe(1);
    const read = await user.request<{ markEBoxMessageRead: { readAt: string } }>(
      gql`
        mutation ($e: EnterpriseNumber!, $m: ID!) {
          markEBoxMessageRead(enterprise: $e, message: $m) {
            readAt
          }
        }
      `,
      { e: client.number, m: inbox.enterprise.eBox.messages.edges[0].node.id },
    );
    expect(read.markEBoxMessageRead.readAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    const configure = gql`
      mutation ($input: ConfigureStructuredMessagingInput!) {
        configureStructuredMessaging(input: $input) {
          channel
          senderNumber
          technicalContactEmail
        }
      }
    `;
    const first = await manager.request<{ configureStructuredMessaging: { senderNumber: string } }>(configure, {
      input: { enterprise: client.number, capacity: "EMPLOYER_NSSO", channel: "SFTP", technicalContactEmail: "it@bakkerij.be" },
    });
    const again = await manager.request<{ configureStructuredMessaging: { senderNumber: string; channel: string } }>(configure, {
      input: { enterprise: client.number, capacity: "EMPLOYER_NSSO", channel: "REST", technicalContactEmail: "it@bakkerij.be" },
    });
    expect(again.configureStructuredMessaging).toMatchObject({
      channel: "REST",
      senderNumber: first.configureStructuredMessaging.senderNumber,
    });

    const secondMain = ssin();
    await lr.request(
      gql`
        mutation ($input: AppointMainAccessManagerInput!) {
          appointMainAccessManager(input: $input) {
            id
          }
        }
      `,
      {
        input: { enterprise: client.number, person: { ssin: secondMain, givenName: "Nora", familyName: "New" } },
      },
    );
    const afterReplace = await lr.request<{
      enterprise: {
        mainAccessManager: { ssin: string };
        roleAssignments: { edges: { node: { role: string; person: { ssin: string } } }[] };
      };
    }>(
      gql`
        query ($e: EnterpriseNumber!) {
          enterprise(number: $e) {
            mainAccessManager {
              ssin
            }
            roleAssignments(role: MAIN_ACCESS_MANAGER) {
              edges {
                node {
                  role
                  person {
                    ssin
                  }
                }
              }
            }
          }
        }
      `,
      { e: client.number },
    );
    expect(afterReplace.enterprise.mainAccessManager.ssin).toBe(secondMain);
    expect(afterReplace.enterprise.roleAssignments.edges).toEqual([
      { node: { role: "MAIN_ACCESS_MANAGER", person: { ssin: secondMain } } },
    ]);
    // The former main access manager's automatic profiles ended with the function: no role is left to them here.
    await expectError(
      main.request(
        gql`
          mutation ($e: EnterpriseNumber!) {
            activateCapacity(enterprise: $e, capacity: "APPROVED_SOCIAL_SECRETARIAT") {
              status
            }
          }
        `,
        { e: client.number },
      ),
      {
        code: "FORBIDDEN",
        reason: "NO_ROLE_IN_ENTERPRISE",
      },
    );

    const deleted = await lr.request<{
      deleteEnterpriseAccess: {
        status: string;
        mainAccessManager: null;
        serviceProviders: { status: string }[];
        eBox: { status: string };
        structuredMessaging: unknown[];
      };
    }>(
      gql`
        mutation ($input: DeleteEnterpriseAccessInput!) {
          deleteEnterpriseAccess(input: $input) {
            status
            mainAccessManager {
              ssin
            }
            serviceProviders {
              status
            }
            eBox {
              status
            }
            structuredMessaging {
              channel
            }
          }
        }
      `,
      { input: { enterprise: client.number, reason: "Enterprise stopped its activities" } },
    );
    expect(deleted.deleteEnterpriseAccess).toEqual({
      status: "ACCESS_DELETED",
      mainAccessManager: null,
      serviceProviders: [{ status: "ENDED" }],
      eBox: { status: "NOT_ACTIVATED" },
      structuredMessaging: [],
    });
    await expect(staff.request(canUse, { e: client.number, s: "DMFA" })).resolves.toMatchObject({
      canUseOnlineService: { allowed: false },
    });
    await expect(
      user.request(
        gql`
          query ($e: EnterpriseNumber!) {
            enterprise(number: $e) {
              name
            }
          }
        `,
        { e: client.number },
      ),
    ).resolves.toEqual({ enterprise: null });

    const trail = await lr.request<{
      enterprise: {
        roleAssignments: { totalCount: number };
        auditTrail: { totalCount: number; edges: { node: { action: string; actor: { ssin: string } | null; details: string } }[] };
      };
    }>(
      gql`
        query ($e: EnterpriseNumber!) {
          enterprise(number: $e) {
            roleAssignments {
              totalCount
            }
            auditTrail(first: 100) {
              totalCount
              edges {
                node {
                  action
                  actor {
                    ssin
                  }
                  details
                }
              }
            }
          }
        }
      `,
      { e: client.number },
    );
    expect(trail.enterprise.roleAssignments.totalCount).toBe(1);
    expect(trail.enterprise.auditTrail.edges.map((e) => JSON.parse(e.node.details).mutation)).toEqual([
      "appointMainAccessManager",
      "activateEnterpriseAccount",
      "activateCapacity",
      "appointAccessManager",
      "addUser",
      "appointServiceProvider",
      "activateEBox",
      "markEBoxMessageRead",
      "configureStructuredMessaging",
      "configureStructuredMessaging",
      "appointMainAccessManager",
      "deleteEnterpriseAccess",
    ]);
    expect(trail.enterprise.auditTrail.edges.map((e) => e.node.action)).toEqual([
      "APPOINT_MAIN_ACCESS_MANAGER",
      "ACTIVATE_ENTERPRISE_ACCOUNT",
      "ACTIVATE_CAPACITY",
      "APPOINT_ACCESS_MANAGER",
      "MANAGE_USERS",
      "APPOINT_SERVICE_PROVIDER",
      "ACTIVATE_EBOX",
      "USE_EBOX",
      "CONFIGURE_STRUCTURED_MESSAGES",
      "CONFIGURE_STRUCTURED_MESSAGES",
      "APPOINT_MAIN_ACCESS_MANAGER",
      "DELETE_ENTERPRISE_ACCESS",
    ]);
    expect(trail.enterprise.auditTrail.edges[0].node.actor?.ssin).toBe(client.legalRepresentative);
  });
});
