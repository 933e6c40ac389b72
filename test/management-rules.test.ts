import { startAccessReview } from "../src/management/start-access-review";
import { gql, type GraphQLClient } from "graphql-request";
import { EBoxMessage } from "../src/domain/entities";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { expectError, expectRefusedUnchanged, type ExpectedError } from "./support/graphql";
import { enterpriseNumber, ssin } from "./support/identities";

const person = (s: string, givenName = "Eva", familyName = "Example") => ({ ssin: s, givenName, familyName });

const m = {
  appointMain: gql`
    mutation ($input: AppointMainAccessManagerInput!) {
      appointMainAccessManager(input: $input) {
        id
        person {
          ssin
          givenName
          familyName
        }
      }
    }
  `,
  activateAccount: gql`
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
  activateCapacity: gql`
    mutation ($e: EnterpriseNumber!, $c: String!) {
      activateCapacity(enterprise: $e, capacity: $c) {
        status
      }
    }
  `,
  appointManager: gql`
    mutation ($input: AppointAccessManagerInput!) {
      appointAccessManager(input: $input) {
        id
      }
    }
  `,
  revokeManager: gql`
    mutation ($a: ID!) {
      revokeAccessManager(assignment: $a) {
        id
      }
    }
  `,
  addUser: gql`
    mutation ($input: AddUserInput!) {
      addUser(input: $input) {
        id
        onlineServices {
          code
        }
      }
    }
  `,
  setServices: gql`
    mutation ($input: SetUserOnlineServicesInput!) {
      setUserOnlineServices(input: $input) {
        onlineServices {
          code
        }
      }
    }
  `,
  removeUser: gql`
    mutation ($a: ID!) {
      removeUser(assignment: $a) {
        id
      }
    }
  `,
  appointProvider: gql`
    mutation ($input: AppointServiceProviderInput!) {
      appointServiceProvider(input: $input) {
        id
        status
        provider {
          number
        }
      }
    }
  `,
  endMandate: gql`
    mutation ($id: ID!) {
      endServiceProviderMandate(mandate: $id) {
        status
        endedAt
      }
    }
  `,
  activateEBox: gql`
    mutation ($input: ActivateEBoxInput!) {
      activateEBox(input: $input) {
        status
      }
    }
  `,
  deleteAccess: gql`
    mutation ($input: DeleteEnterpriseAccessInput!) {
      deleteEnterpriseAccess(input: $input) {
        status
      }
    }
  `,
  configure: gql`
    mutation ($input: ConfigureStructuredMessagingInput!) {
      configureStructuredMessaging(input: $input) {
        senderNumber
      }
    }
  `,
  addUsers: gql`
    mutation ($input: AddUsersInput!, $atomic: Boolean) {
      addUsers(input: $input, atomic: $atomic) {
        done
        items {
          assignment {
            id
            person {
              ssin
              givenName
              familyName
            }
          }
        }
      }
    }
  `,
  removeUsers: gql`
    mutation ($input: RemoveUsersInput!) {
      removeUsers(input: $input) {
        done
      }
    }
  `,
  updateMe: gql`
    mutation ($input: UpdateMyAccountInput!) {
      updateMyAccount(input: $input) {
        email
        phone
        language
      }
    }
  `,
};

describeEachDatabase("the management rules", (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.stop());

  /** The request must fail as expected and leave every table (audit included) as it was. */
  async function refused(client: GraphQLClient, document: string, variables: Record<string, unknown>, expected: ExpectedError) {
    return expectRefusedUnchanged(gw.dataSource, () => client.request(document, variables), expected);
  }

  it("needs an active enterprise for every task but appointing the main access manager and activating the account", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().build();
    await refused(
      await gw.client(e.mainAccessManager!),
      m.activateCapacity,
      { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF" },
      { code: "FORBIDDEN", reason: "ENTERPRISE_NOT_ACTIVE" },
    );
    await refused(
      await gw.client(e.legalRepresentative),
      m.activateEBox,
      { input: { enterprise: e.number, notificationEmail: "a@b.be" } },
      { code: "FORBIDDEN", reason: "ENTERPRISE_NOT_ACTIVE" },
    );
  });

  it("answers CONFLICT when an action repeats a finished one", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().withAccessManager("EMPLOYER_NSSO").withEBox().build();
    const main = await gw.client(e.mainAccessManager!);
    await refused(main, m.activateAccount, { e: e.number }, { code: "CONFLICT", reason: "ALREADY_ACTIVE" });
    await refused(main, m.activateCapacity, { e: e.number, c: "EMPLOYER_NSSO" }, { code: "CONFLICT", reason: "ALREADY_ACTIVE" });
    await refused(
      main,
      m.appointManager,
      { input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", person: person(e.accessManagers.EMPLOYER_NSSO) } },
      { code: "CONFLICT", reason: "ALREADY_ASSIGNED" },
    );
    const lr = await gw.client(e.legalRepresentative);
    await refused(
      lr,
      m.appointMain,
      { input: { enterprise: e.number, person: person(e.mainAccessManager!) } },
      { code: "CONFLICT", reason: "ALREADY_ASSIGNED" },
    );
    await refused(
      lr,
      m.activateEBox,
      { input: { enterprise: e.number, notificationEmail: "a@b.be" } },
      { code: "CONFLICT", reason: "ALREADY_ACTIVE" },
    );
  });

  it("makes the main access manager access manager of every capacity activated later, and keeps that profile from being revoked", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await gw.client(e.mainAccessManager!);
    await main.request(m.activateCapacity, { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF" });
    const { enterprise } = await main.request<{
      enterprise: {
        roleAssignments: {
          edges: { node: { id: string; capacity: { code: string }; person: { ssin: string }; grantedBy: { ssin: string } } }[];
        };
      };
    }>(
      gql`
        query ($e: EnterpriseNumber!) {
          enterprise(number: $e) {
            roleAssignments(role: ACCESS_MANAGER) {
              edges {
                node {
                  id
                  capacity {
                    code
                  }
                  person {
                    ssin
                  }
                  grantedBy {
                    ssin
                  }
                }
              }
            }
          }
        }
      `,
      { e: e.number },
    );
    expect(enterprise.roleAssignments.edges.map((x) => [x.node.capacity.code, x.node.person.ssin, x.node.grantedBy.ssin])).toEqual([
      ["EMPLOYER_NSSO", e.mainAccessManager, e.mainAccessManager],
      ["ENTERPRISE_WITHOUT_STAFF", e.mainAccessManager, e.mainAccessManager],
    ]);
    await refused(
      main,
      m.revokeManager,
      { a: enterprise.roleAssignments.edges[0].node.id },
      { code: "CONFLICT", reason: "MAIN_ACCESS_MANAGER_PROFILE" },
    );
  });

  it("appoints access managers and users only in an active capacity", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await gw.client(e.mainAccessManager!);
    await refused(
      main,
      m.appointManager,
      { input: { enterprise: e.number, capacity: "SOCIAL_SERVICE_PROVIDER", person: person(ssin()) } },
      { code: "FORBIDDEN", reason: "CAPACITY_NOT_ACTIVE" },
    );
    await refused(
      main,
      m.addUser,
      { input: { enterprise: e.number, capacity: "SOCIAL_SERVICE_PROVIDER", onlineServices: [], person: person(ssin()) } },
      { code: "FORBIDDEN", reason: "CAPACITY_NOT_ACTIVE" },
    );
  });

  it("lets an access manager manage the users of their own capacity only", async () => {
    const e = await gw.seed
      .enterprise()
      .withMainAccessManager()
      .active()
      .withCapacity("ENTERPRISE_WITHOUT_STAFF")
      .withAccessManager("EMPLOYER_NSSO")
      .withUser("ENTERPRISE_WITHOUT_STAFF", ["LIMOSA"])
      .build();
    const manager = await gw.client(e.accessManagers.EMPLOYER_NSSO);
    await refused(
      manager,
      m.addUser,
      { input: { enterprise: e.number, capacity: "ENTERPRISE_WITHOUT_STAFF", onlineServices: ["LIMOSA"], person: person(ssin()) } },
      { code: "FORBIDDEN", reason: "ROLE_LACKS_TASK" },
    );
    await refused(manager, m.removeUser, { a: String(e.users[0].assignmentId) }, { code: "FORBIDDEN", reason: "ROLE_LACKS_TASK" });
    const added = await manager.request<{ addUser: { id: string } }>(m.addUser, {
      input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: person(ssin()) },
    });
    await expect(
      manager.request(m.setServices, { input: { assignment: added.addUser.id, onlineServices: ["DMFA", "DRS"] } }),
    ).resolves.toEqual({
      setUserOnlineServices: { onlineServices: [{ code: "DMFA" }, { code: "DRS" }] },
    });
    await refused(
      manager,
      m.setServices,
      { input: { assignment: added.addUser.id, onlineServices: ["LIMOSA"] } },
      { code: "BAD_USER_INPUT", field: "input.onlineServices" },
    );
    await manager.request(m.removeUser, { a: added.addUser.id });
    await refused(manager, m.removeUser, { a: added.addUser.id }, { code: "CONFLICT", reason: "ALREADY_ENDED" });
  });

  it("an access manager cannot appoint another access manager", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().withAccessManager("EMPLOYER_NSSO").build();
    await refused(
      await gw.client(e.accessManagers.EMPLOYER_NSSO),
      m.appointManager,
      { input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", person: person(ssin()) } },
      {
        code: "FORBIDDEN",
        reason: "ROLE_LACKS_TASK",
      },
    );
  });

  it("refuses ids of another enterprise's assignments and mandates, and ids of the wrong kind", async () => {
    const mine = await gw.seed.enterprise().withMainAccessManager().active().withAccessManager("EMPLOYER_NSSO").build();
    const theirs = await gw.seed
      .enterprise()
      .withMainAccessManager()
      .active()
      .withUser("EMPLOYER_NSSO", ["DIMONA"])
      .withAccessManager("EMPLOYER_NSSO")
      .build();
    const main = await gw.client(mine.mainAccessManager!);
    await refused(main, m.removeUser, { a: String(theirs.users[0].assignmentId) }, { code: "NOT_FOUND" });
    await refused(
      await gw.client(theirs.mainAccessManager!),
      m.revokeManager,
      { a: String(theirs.users[0].assignmentId) },
      { code: "NOT_FOUND" },
    );
    await refused(main, m.removeUser, { a: "999999999" }, { code: "NOT_FOUND" });
    await refused(main, m.removeUser, { a: "not-an-id" }, { code: "BAD_USER_INPUT", field: "assignment" });
    await refused(main, m.endMandate, { id: "999999999" }, { code: "NOT_FOUND" });
  });

  it("answers an id in an enterprise the caller cannot see exactly as an id that does not exist, on every mutation that takes one", async () => {
    const provider = await gw.seed.enterprise().withMainAccessManager().active().withCapacity("SOCIAL_SERVICE_PROVIDER").build();
    const build = () =>
      gw.seed
        .enterprise()
        .withMainAccessManager()
        .active()
        .withAccessManager("EMPLOYER_NSSO")
        .withUser("EMPLOYER_NSSO", ["DIMONA"])
        .withEBox()
        .withServiceProvider(provider, "EMPLOYER_NSSO")
        .build();
    const [mine, theirs] = [await build(), await build()];
    const mandateOf = async (e: typeof mine) =>
      String((await gw.dataSource.query("SELECT id FROM service_provider_mandate WHERE client_id = ?", [e.id]))[0].id);
    const messageOf = async (e: typeof mine) => {
      const { identifiers } = await gw.dataSource
        .getRepository(EBoxMessage)
        .insert({ enterpriseId: e.id, subject: "Subject", body: "Body", sentAt: new Date(), readAt: null });
      return String(identifiers[0].id);
    };
    const managerOf = async (e: typeof mine) =>
      String(
        (
          await gw.dataSource.query(
            "SELECT id FROM role_assignment WHERE enterprise_id = ? AND role = 'ACCESS_MANAGER' AND person_id = (SELECT id FROM person WHERE ssin = ?)",
            [e.id, e.accessManagers.EMPLOYER_NSSO],
          )
        )[0].id,
      );
    const unknown = "999999999";
    const [main, lr, manager] = [
      await gw.client(mine.mainAccessManager!),
      await gw.client(mine.legalRepresentative),
      await gw.client(mine.accessManagers.EMPLOYER_NSSO),
    ];
    const reviewOf = async (e: typeof mine) =>
      String(
        (
          await gw.seed.as(e.mainAccessManager!, (s) =>
            startAccessReview(s, { enterprise: e.number, dueAt: new Date(Date.now() + 7 * 86_400_000), defaultDecision: "KEEP" }),
          )
        ).id,
      );
    const itemOf = async (e: typeof mine) =>
      String(
        (
          await gw.dataSource.query("SELECT id FROM access_review_item WHERE review_id = ? AND role = 'USER'", [Number(await reviewOf(e))])
        )[0].id,
      );
    const decideItem = gql`
      mutation ($id: ID!) {
        decideAccessReviewItem(id: $id, decision: REMOVE) {
          id
        }
      }
    `;
    const cases: [string, GraphQLClient, string, (id: string) => Record<string, unknown>, string][] = [
      ["removeUser", main, m.removeUser, (a) => ({ a }), String(theirs.users[0].assignmentId)],
      [
        "setUserOnlineServices",
        main,
        m.setServices,
        (a) => ({ input: { assignment: a, onlineServices: ["DMFA"] } }),
        String(theirs.users[0].assignmentId),
      ],
      ["revokeAccessManager", main, m.revokeManager, (a) => ({ a }), await managerOf(theirs)],
      ["endServiceProviderMandate", lr, m.endMandate, (id) => ({ id }), await mandateOf(theirs)],
      ["decideAccessReviewItem", main, decideItem, (id) => ({ id }), await itemOf(theirs)],
      ["decideAccessReviewItem", manager, decideItem, (id) => ({ id }), await itemOf(theirs)],
      [
        "completeAccessReview",
        main,
        gql`
          mutation ($id: ID!) {
            completeAccessReview(id: $id) {
              id
            }
          }
        `,
        (id) => ({ id }),
        await reviewOf(theirs),
      ],
      [
        "markEBoxMessageRead",
        manager,
        gql`
          mutation ($e: EnterpriseNumber!, $m: ID!) {
            markEBoxMessageRead(enterprise: $e, message: $m) {
              id
            }
          }
        `,
        (id) => ({ e: mine.number, m: id }),
        await messageOf(theirs),
      ],
    ];
    const answer = async (client: GraphQLClient, document: string, variables: Record<string, unknown>) => {
      const { message, extensions } = await expectRefusedUnchanged(gw.dataSource, () => client.request(document, variables), {
        code: "NOT_FOUND",
      });
      return { message, code: extensions.code, reason: extensions.reason, messageKey: extensions.messageKey, params: extensions.params };
    };
    for (const [name, client, document, variables, hidden] of cases) {
      expect({ name, answer: await answer(client, document, variables(hidden)) }).toEqual({
        name,
        answer: await answer(client, document, variables(unknown)),
      });
    }
    // Whoever sees the enterprise knows the id is there: they are refused for what they lack, as before.
    await refused(
      await gw.client(mine.users[0].ssin),
      m.removeUser,
      { a: String(mine.users[0].assignmentId) },
      { code: "FORBIDDEN", reason: "ROLE_LACKS_TASK" },
    );
    await refused(
      await gw.client(mine.users[0].ssin),
      m.endMandate,
      { id: await mandateOf(mine) },
      { code: "FORBIDDEN", reason: "ROLE_LACKS_TASK" },
    );
  });

  it("appoints only a qualified provider, keeps one active mandate per capacity, and ends mandates", async () => {
    const client = await gw.seed.enterprise().withMainAccessManager().active().build();
    const unqualified = await gw.seed.enterprise().withMainAccessManager().active().build();
    const first = await gw.seed.enterprise().withMainAccessManager().active().withCapacity("SOCIAL_SERVICE_PROVIDER").build();
    const second = await gw.seed.enterprise().withMainAccessManager().active().withCapacity("APPROVED_SOCIAL_SECRETARIAT").build();
    const lr = await gw.client(client.legalRepresentative);
    const appoint = (provider: string, capacity = "EMPLOYER_NSSO") => ({ input: { enterprise: client.number, provider, capacity } });
    await refused(lr, m.appointProvider, appoint(unqualified.number), { code: "CONFLICT", reason: "PROVIDER_NOT_QUALIFIED" });
    await refused(lr, m.appointProvider, appoint(client.number), { code: "BAD_USER_INPUT", field: "input.provider" });
    await refused(lr, m.appointProvider, appoint(first.number, "ENTERPRISE_WITHOUT_STAFF"), {
      code: "FORBIDDEN",
      reason: "CAPACITY_NOT_ACTIVE",
    });
    await refused(lr, m.appointProvider, appoint(first.number, "NO_SUCH_CAPACITY"), { code: "BAD_USER_INPUT", field: "input.capacity" });
    await refused(lr, m.appointProvider, appoint(enterpriseNumber()), { code: "NOT_FOUND" });
    const one = await lr.request<{ appointServiceProvider: { id: string } }>(m.appointProvider, appoint(first.number));
    await refused(lr, m.appointProvider, appoint(first.number), { code: "CONFLICT", reason: "ALREADY_ASSIGNED" });
    await lr.request(m.appointProvider, appoint(second.number));
    const { enterprise } = await lr.request<{ enterprise: { serviceProviders: { status: string; provider: { number: string } }[] } }>(
      gql`
        query ($e: EnterpriseNumber!) {
          enterprise(number: $e) {
            serviceProviders {
              status
              provider {
                number
              }
            }
          }
        }
      `,
      { e: client.number },
    );
    expect(enterprise.serviceProviders.map((s) => s.status)).toEqual(["ENDED", "ACTIVE"]);
    await refused(lr, m.endMandate, { id: one.appointServiceProvider.id }, { code: "CONFLICT", reason: "ALREADY_ENDED" });
    // Another provider of the client sees neither the client nor this mandate: the id reads as unknown.
    await refused(await gw.client(second.legalRepresentative), m.endMandate, { id: one.appointServiceProvider.id }, { code: "NOT_FOUND" });
    await refused(
      await gw.client(first.legalRepresentative),
      m.endMandate,
      { id: one.appointServiceProvider.id },
      { code: "FORBIDDEN", reason: "NO_ROLE_IN_ENTERPRISE" },
    );
  });

  it("keeps a known person's own data and fills only names still empty", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const known = ssin();
    await gw.seed.person(known, { givenName: "Original", familyName: "Name" });
    const firstSeen = ssin();
    await (
      await gw.client(firstSeen)
    ).request(gql`
      {
        me {
          id
        }
      }
    `);
    const main = await gw.client(e.mainAccessManager!);
    await main.request(m.appointManager, {
      input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", person: person(known, "Other", "Names") },
    });
    const filled = await main.request<{ addUser: { id: string } }>(m.addUser, {
      input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: [], person: person(firstSeen, "  Filled ", "In") },
    });
    expect(filled.addUser.id).toBeDefined();
    const { enterprise } = await main.request<{
      enterprise: { roleAssignments: { edges: { node: { person: { ssin: string; givenName: string; familyName: string } } }[] } };
    }>(
      gql`
        query ($e: EnterpriseNumber!) {
          enterprise(number: $e) {
            roleAssignments {
              edges {
                node {
                  person {
                    ssin
                    givenName
                    familyName
                  }
                }
              }
            }
          }
        }
      `,
      { e: e.number },
    );
    const names = Object.fromEntries(
      enterprise.roleAssignments.edges.map((x) => [x.node.person.ssin, `${x.node.person.givenName} ${x.node.person.familyName}`]),
    );
    expect(names[known]).toBe("Original Name");
    expect(names[firstSeen]).toBe("Filled In");
  });

  it("holds each item of a bulk call to the rules of the single user actions", async () => {
    const pending = await gw.seed.enterprise().withMainAccessManager().build();
    const one = (s = ssin()) => [{ person: person(s), onlineServices: [] }];
    await refused(
      await gw.client(pending.mainAccessManager!),
      m.addUsers,
      { input: { enterprise: pending.number, capacity: "EMPLOYER_NSSO", users: one() } },
      { code: "FORBIDDEN", reason: "ENTERPRISE_NOT_ACTIVE" },
    );
    const e = await gw.seed
      .enterprise()
      .withMainAccessManager()
      .active()
      .withCapacity("ENTERPRISE_WITHOUT_STAFF")
      .withAccessManager("EMPLOYER_NSSO")
      .withUser("ENTERPRISE_WITHOUT_STAFF", ["LIMOSA"])
      .build();
    const main = await gw.client(e.mainAccessManager!);
    const manager = await gw.client(e.accessManagers.EMPLOYER_NSSO);
    await refused(
      main,
      m.addUsers,
      { input: { enterprise: e.number, capacity: "SOCIAL_SERVICE_PROVIDER", users: one() } },
      { code: "FORBIDDEN", reason: "CAPACITY_NOT_ACTIVE" },
    );
    await refused(
      manager,
      m.removeUsers,
      { input: { enterprise: e.number, capacity: "ENTERPRISE_WITHOUT_STAFF", assignments: [String(e.users[0].assignmentId)] } },
      { code: "FORBIDDEN", reason: "ROLE_LACKS_TASK" },
    );
    // A user of another capacity, named in one's own: unknown there.
    await refused(
      manager,
      m.removeUsers,
      { input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", assignments: [String(e.users[0].assignmentId)] } },
      { code: "NOT_FOUND", field: "input.assignments[0]" },
    );
    await refused(
      manager,
      m.removeUsers,
      { input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", assignments: ["not-an-id"] } },
      { code: "BAD_USER_INPUT", field: "input.assignments[0]" },
    );
    await refused(
      manager,
      m.addUsers,
      {
        input: {
          enterprise: e.number,
          capacity: "EMPLOYER_NSSO",
          users: [...one(), { person: person("12345678901"), onlineServices: [] }],
        },
      },
      { code: "BAD_USER_INPUT", field: "input.users[1].person.ssin" },
    );
    await refused(
      manager,
      m.addUsers,
      { input: { enterprise: e.number, capacity: "NO_SUCH_CAPACITY", users: one() } },
      { code: "BAD_USER_INPUT", field: "input.capacity" },
    );

    const known = ssin();
    await gw.seed.person(known, { givenName: "Original", familyName: "Name" });
    const firstSeen = ssin();
    await (
      await gw.client(firstSeen)
    ).request(gql`
      {
        me {
          id
        }
      }
    `);
    const added = await manager.request<{
      addUsers: { items: { assignment: { person: { ssin: string; givenName: string; familyName: string } } }[] };
    }>(m.addUsers, {
      input: {
        enterprise: e.number,
        capacity: "EMPLOYER_NSSO",
        users: [
          { person: person(known, "Other", "Names"), onlineServices: [] },
          { person: person(firstSeen, "  Filled ", "In"), onlineServices: [] },
        ],
      },
    });
    expect(added.addUsers.items.map((i) => i.assignment.person)).toEqual([
      { ssin: known, givenName: "Original", familyName: "Name" },
      { ssin: firstSeen, givenName: "Filled", familyName: "In" },
    ]);
  });

  it("refuses malformed input with the field named, before any work", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await gw.client(e.mainAccessManager!);
    const lr = await gw.client(e.legalRepresentative);
    await refused(
      main,
      m.appointManager,
      { input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", person: person(ssin(), "x".repeat(101)) } },
      { code: "BAD_USER_INPUT", field: "input.person.givenName" },
    );
    await refused(
      main,
      m.appointManager,
      { input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", person: person(ssin(), "   ") } },
      { code: "BAD_USER_INPUT", field: "input.person.givenName" },
    );
    await refused(
      main,
      m.appointManager,
      { input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", person: { ...person(ssin()), email: "not-an-email" } } },
      { code: "BAD_USER_INPUT", field: "input.person.email" },
    );
    await refused(
      main,
      m.appointManager,
      { input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", person: person("85073003329") } },
      { code: "BAD_USER_INPUT", field: "input.person.ssin" },
    );
    await refused(
      main,
      m.appointManager,
      { input: { enterprise: "0123.456.748", capacity: "EMPLOYER_NSSO", person: person(ssin()) } },
      { code: "BAD_USER_INPUT", field: "input.enterprise" },
    );
    await refused(
      main,
      m.appointManager,
      { input: { enterprise: e.number, capacity: "NOPE", person: person(ssin()) } },
      { code: "BAD_USER_INPUT", field: "input.capacity" },
    );
    await refused(
      main,
      m.addUser,
      { input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["LIMOSA"], person: person(ssin()) } },
      { code: "BAD_USER_INPUT", field: "input.onlineServices" },
    );
    await refused(main, m.activateCapacity, { e: e.number, c: "UNKNOWN" }, { code: "BAD_USER_INPUT" });
    await refused(
      lr,
      m.activateEBox,
      { input: { enterprise: e.number, notificationEmail: `${"a".repeat(250)}@b.be` } },
      { code: "BAD_USER_INPUT", field: "input.notificationEmail" },
    );
    await refused(lr, m.deleteAccess, { input: { enterprise: e.number, reason: " " } }, { code: "BAD_USER_INPUT", field: "input.reason" });
    await refused(
      main,
      m.configure,
      { input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", channel: "PIGEON", technicalContactEmail: "a@b.be" } },
      { code: "BAD_USER_INPUT" },
    );
    await refused(main, m.updateMe, { input: { email: "nope" } }, { code: "BAD_USER_INPUT", field: "input.email" });
    await refused(main, m.updateMe, { input: { phone: "call me maybe" } }, { code: "BAD_USER_INPUT", field: "input.phone" });
  });

  it("lets anyone update their own account, audited without an enterprise", async () => {
    const me = await gw.client(ssin());
    await expect(
      me.request(m.updateMe, { input: { email: " me@example.be ", phone: "+32 2 123 45 67", language: "FR" } }),
    ).resolves.toEqual({
      updateMyAccount: { email: "me@example.be", phone: "+32 2 123 45 67", language: "FR" },
    });
    const [event] = await gw.dataSource.query(
      "SELECT action, enterprise_id, details FROM audit_event WHERE action = 'UPDATE_MY_ACCOUNT' ORDER BY id DESC",
    );
    expect(event.enterprise_id).toBeNull();
    expect(JSON.parse(event.details).after).toEqual({ email: "me@example.be", phone: "+32 2 123 45 67", language: "FR" });
  });

  it("after deleting access, refuses the enterprise's tasks and lets the legal representative register it again", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().withCapacity("ENTERPRISE_WITHOUT_STAFF").withEBox().build();
    const lr = await gw.client(e.legalRepresentative);
    await lr.request(m.deleteAccess, { input: { enterprise: e.number, reason: "Closing" } });
    await refused(
      lr,
      m.activateEBox,
      { input: { enterprise: e.number, notificationEmail: "a@b.be" } },
      { code: "FORBIDDEN", reason: "ENTERPRISE_ACCESS_DELETED" },
    );
    await refused(
      await gw.client(e.mainAccessManager!),
      m.activateCapacity,
      { e: e.number, c: "SOCIAL_SERVICE_PROVIDER" },
      { code: "FORBIDDEN", reason: "NO_ROLE_IN_ENTERPRISE" },
    );
    const newMain = ssin();
    await lr.request(m.appointMain, { input: { enterprise: e.number, person: person(newMain) } });
    const activated = await (
      await gw.client(newMain)
    ).request<{ activateEnterpriseAccount: { status: string; capacities: { capacity: { code: string }; status: string }[] } }>(
      m.activateAccount,
      { e: e.number },
    );
    expect(activated.activateEnterpriseAccount.status).toBe("ACTIVE");
    expect(activated.activateEnterpriseAccount.capacities.filter((c) => c.status === "ACTIVE").map((c) => c.capacity.code)).toEqual([
      "EMPLOYER_NSSO",
    ]);
  });

  it("reads the e-Box only when it is active, and only with USE_EBOX", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().withUser("EMPLOYER_NSSO", ["DIMONA"]).build();
    const messages = gql`
      query ($e: EnterpriseNumber!) {
        enterprise(number: $e) {
          eBox {
            status
            messages {
              totalCount
            }
          }
        }
      }
    `;
    await expectError((await gw.client(e.users[0].ssin)).request(messages, { e: e.number }), {
      code: "FORBIDDEN",
      reason: "EBOX_NOT_ACTIVATED",
    });
    await (
      await gw.client(e.legalRepresentative)
    ).request(m.activateEBox, { input: { enterprise: e.number, notificationEmail: "box@example.be" } });
    await expect((await gw.client(e.users[0].ssin)).request(messages, { e: e.number })).resolves.toEqual({
      enterprise: { eBox: { status: "ACTIVE", messages: { totalCount: 1 } } },
    });
    await expectError((await gw.client(e.legalRepresentative)).request(messages, { e: e.number }), {
      code: "FORBIDDEN",
      reason: "ROLE_LACKS_TASK",
    });
  });

  it("shows the audit trail to the legal representative and the main access manager only", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().withAccessManager("EMPLOYER_NSSO").build();
    const trail = gql`
      query ($e: EnterpriseNumber!) {
        enterprise(number: $e) {
          auditTrail(first: 2) {
            totalCount
            pageInfo {
              hasNextPage
              endCursor
            }
            edges {
              node {
                action
              }
            }
          }
        }
      }
    `;
    const { enterprise } = await (
      await gw.client(e.mainAccessManager!)
    ).request<{ enterprise: { auditTrail: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string } } } }>(trail, {
      e: e.number,
    });
    expect(enterprise.auditTrail.totalCount).toBe(3);
    expect(enterprise.auditTrail.pageInfo.hasNextPage).toBe(true);
    await expectError((await gw.client(e.accessManagers.EMPLOYER_NSSO)).request(trail, { e: e.number }), {
      code: "FORBIDDEN",
      reason: "ROLE_LACKS_TASK",
    });
  });
});
