import { gql, type GraphQLClient } from "graphql-request";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { expectError, type ExpectedError } from "./support/graphql";
import { ssin } from "./support/identities";
import { snapshot } from "./support/snapshot";
import { captureLogs } from "./support/logs";
import { encodeGlobalId } from "../src/graphql/global-ids";
import { send } from "./support/http";

const person = (s: string) => ({ ssin: s, givenName: "Dora", familyName: "Dry" });

const m = {
  appointMain: gql`
    mutation ($input: AppointMainAccessManagerInput!, $dryRun: Boolean) {
      appointMainAccessManager(input: $input, dryRun: $dryRun) {
        id
        role
        person {
          ssin
          givenName
        }
        enterprise {
          number
          status
        }
      }
    }
  `,
  activateAccount: gql`
    mutation ($e: EnterpriseNumber!, $dryRun: Boolean) {
      activateEnterpriseAccount(enterprise: $e, dryRun: $dryRun) {
        status
        capacities {
          capacity {
            code
          }
          status
        }
        myTasks
      }
    }
  `,
  activateCapacity: gql`
    mutation ($e: EnterpriseNumber!, $c: String!, $dryRun: Boolean) {
      activateCapacity(enterprise: $e, capacity: $c, dryRun: $dryRun) {
        capacity {
          code
        }
        status
      }
    }
  `,
  appointManager: gql`
    mutation ($input: AppointAccessManagerInput!, $dryRun: Boolean) {
      appointAccessManager(input: $input, dryRun: $dryRun) {
        id
        person {
          ssin
          familyName
        }
        capacity {
          code
        }
      }
    }
  `,
  addUser: gql`
    mutation ($input: AddUserInput!, $dryRun: Boolean) {
      addUser(input: $input, dryRun: $dryRun) {
        id
        person {
          ssin
        }
        onlineServices {
          code
        }
      }
    }
  `,
  setServices: gql`
    mutation ($input: SetUserOnlineServicesInput!, $dryRun: Boolean) {
      setUserOnlineServices(input: $input, dryRun: $dryRun) {
        id
        onlineServices {
          code
        }
      }
    }
  `,
  addUsers: gql`
    mutation ($input: AddUsersInput!, $atomic: Boolean, $dryRun: Boolean) {
      addUsers(input: $input, atomic: $atomic, dryRun: $dryRun) {
        done
        refused
        items {
          index
          assignment {
            id
            person {
              ssin
            }
            onlineServices {
              code
            }
          }
          error {
            code
            field
          }
        }
      }
    }
  `,
  setUsersServices: gql`
    mutation ($input: SetUsersOnlineServicesInput!, $dryRun: Boolean) {
      setUsersOnlineServices(input: $input, dryRun: $dryRun) {
        done
        items {
          assignment {
            id
            onlineServices {
              code
            }
          }
        }
      }
    }
  `,
  removeUsers: gql`
    mutation ($input: RemoveUsersInput!, $dryRun: Boolean) {
      removeUsers(input: $input, dryRun: $dryRun) {
        done
        items {
          assignment {
            id
            role
          }
        }
      }
    }
  `,
  removeUser: gql`
    mutation ($a: ID!, $dryRun: Boolean) {
      removeUser(assignment: $a, dryRun: $dryRun) {
        id
        role
      }
    }
  `,
  revokeManager: gql`
    mutation ($a: ID!, $dryRun: Boolean) {
      revokeAccessManager(assignment: $a, dryRun: $dryRun) {
        id
        role
      }
    }
  `,
  activateEBox: gql`
    mutation ($input: ActivateEBoxInput!, $dryRun: Boolean) {
      activateEBox(input: $input, dryRun: $dryRun) {
        status
        notificationEmail
      }
    }
  `,
  markRead: gql`
    mutation ($e: EnterpriseNumber!, $m: ID!, $dryRun: Boolean) {
      markEBoxMessageRead(enterprise: $e, message: $m, dryRun: $dryRun) {
        id
        readAt
      }
    }
  `,
  configure: gql`
    mutation ($input: ConfigureStructuredMessagingInput!, $dryRun: Boolean) {
      configureStructuredMessaging(input: $input, dryRun: $dryRun) {
        channel
        senderNumber
        technicalContactEmail
      }
    }
  `,
  appointProvider: gql`
    mutation ($input: AppointServiceProviderInput!, $dryRun: Boolean) {
      appointServiceProvider(input: $input, dryRun: $dryRun) {
        id
        status
        provider {
          number
        }
      }
    }
  `,
  endMandate: gql`
    mutation ($id: ID!, $dryRun: Boolean) {
      endServiceProviderMandate(mandate: $id, dryRun: $dryRun) {
        id
        status
      }
    }
  `,
  updateMe: gql`
    mutation ($input: UpdateMyAccountInput!, $dryRun: Boolean) {
      updateMyAccount(input: $input, dryRun: $dryRun) {
        email
        language
      }
    }
  `,
  requestAccess: gql`
    mutation ($input: RequestAccessInput!, $dryRun: Boolean) {
      requestAccess(input: $input, dryRun: $dryRun) {
        status
        capacity
        onlineServices
      }
    }
  `,
  approveRequest: gql`
    mutation ($id: ID!, $dryRun: Boolean) {
      approveAccessRequest(id: $id, dryRun: $dryRun) {
        role
        onlineServices {
          code
        }
      }
    }
  `,
  denyRequest: gql`
    mutation ($id: ID!, $dryRun: Boolean) {
      denyAccessRequest(id: $id, reason: "Not this one", dryRun: $dryRun) {
        status
        reason
      }
    }
  `,
  withdrawRequest: gql`
    mutation ($id: ID!, $dryRun: Boolean) {
      withdrawAccessRequest(id: $id, dryRun: $dryRun) {
        status
      }
    }
  `,
  deleteAccess: gql`
    mutation ($input: DeleteEnterpriseAccessInput!, $dryRun: Boolean) {
      deleteEnterpriseAccess(input: $input, dryRun: $dryRun) {
        status
      }
    }
  `,
};

interface DryRunExtension {
  rolledBack: boolean;
  auditEvents: {
    action: string;
    enterprise: string | null;
    actor: string;
    details: { before: unknown; after: unknown };
    previousHash?: string | null;
    hash?: string;
  }[];
}

/** The database's ids in an audit event's details (`id`, `personId`...): a preview's details are these details without them. */
function withoutIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIds);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !isIdKey(k))
        .map(([k, v]) => [k, withoutIds(v)]),
    );
  return value;
}

const isIdKey = (key: string) => key === "id" || /Id$/.test(key);

/** Every key of a JSON value, however deep. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  return [];
}

/**
 * Ids the database generates (and the ids and sender numbers made from them) and times differ between a dry run and
 * the real run (MySQL's auto-increment does not roll back; `now` moves on): the comparison masks them, and nothing else.
 */
function masked(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(masked);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === "id" || k === "senderNumber" || /(Id|At)$/.test(k) ? (v === null ? null : "*") : masked(v),
      ]),
    );
  return value;
}

describeEachDatabase("dry runs of the management mutations", (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.stop());

  /** Runs the mutation dry, checks that nothing changed, runs it for real, and checks both answers and audit events agree. */
  async function dryThenReal<T>(
    client: GraphQLClient,
    document: string,
    variables: Record<string, unknown>,
    action: string,
    /** A bulk mutation's events, one per item done: the last `events` written, in order. */
    { events = 1 }: { events?: number } = {},
  ): Promise<T> {
    const before = await snapshot(gw.dataSource);
    const dry = await client.rawRequest<T>(document, { ...variables, dryRun: true });
    expect(await snapshot(gw.dataSource)).toEqual(before);
    const real = await client.rawRequest<T>(document, variables);
    expect(dry.errors).toBeUndefined();
    expect(masked(dry.data)).toEqual(masked(real.data));
    expect((real.extensions as Record<string, unknown> | undefined)?.dryRun).toBeUndefined();
    // The real action's answer carries the consistency token of what it committed; the dry run's carries none.
    expect(real.extensions).toMatchObject({ consistencyToken: expect.any(String) });
    expect(dry.extensions).not.toHaveProperty("consistencyToken");
    const { rolledBack, auditEvents } = (dry.extensions as { dryRun: DryRunExtension }).dryRun;
    expect(rolledBack).toBe(true);
    expect(auditEvents).toHaveLength(events);
    const lastWritten: { action: string; details: string; previous_hash: string | null }[] = await gw.dataSource.query(
      `SELECT action, details, previous_hash FROM audit_event ORDER BY id DESC LIMIT ${events}`,
    );
    lastWritten.reverse().forEach((written, i) => {
      expect(auditEvents[i]).toMatchObject({ action });
      // The chain's head only to the enterprise's audit readers (every caller here is one), never of the account chain.
      if (["UPDATE_MY_ACCOUNT", "REQUEST_ACCESS", "WITHDRAW_ACCESS_REQUEST"].includes(action))
        expect(auditEvents[i]).not.toHaveProperty("previousHash");
      // The first continues the chain's head; each further one the event the preview wrote before it.
      else expect(auditEvents[i]).toMatchObject({ previousHash: i === 0 ? written.previous_hash : auditEvents[i - 1].hash });
      expect(masked(auditEvents[i].details)).toEqual(masked(withoutIds(JSON.parse(written.details))));
    });
    return real.data;
  }

  async function refusedAlike(client: GraphQLClient, document: string, variables: Record<string, unknown>, expected: ExpectedError) {
    const before = await snapshot(gw.dataSource);
    const dry = await expectError(client.request(document, { ...variables, dryRun: true }), expected);
    const real = await expectError(client.request(document, variables), expected);
    expect(dry).toEqual(real);
    expect(await snapshot(gw.dataSource)).toEqual(before);
  }

  it("answers every management mutation the same dry as for real, with the audit event it would write, and changes nothing", async () => {
    const provider = await gw.seed.enterprise().withMainAccessManager().active().withCapacity("SOCIAL_SERVICE_PROVIDER").build();
    const e = await gw.seed.enterprise().build();
    const lr = await gw.client(e.legalRepresentative);
    const mainSsin = ssin();
    await dryThenReal(lr, m.appointMain, { input: { enterprise: e.number, person: person(mainSsin) } }, "APPOINT_MAIN_ACCESS_MANAGER");
    const main = await gw.client(mainSsin);
    await dryThenReal(main, m.activateAccount, { e: e.number }, "ACTIVATE_ENTERPRISE_ACCOUNT");
    await dryThenReal(main, m.activateCapacity, { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF" }, "ACTIVATE_CAPACITY");
    const manager = await dryThenReal<{ appointAccessManager: { id: string } }>(
      main,
      m.appointManager,
      { input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", person: person(ssin()) } },
      "APPOINT_ACCESS_MANAGER",
    );
    const user = await dryThenReal<{ addUser: { id: string } }>(
      main,
      m.addUser,
      { input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: person(ssin()) } },
      "MANAGE_USERS",
    );
    await dryThenReal(main, m.setServices, { input: { assignment: user.addUser.id, onlineServices: ["DMFA", "DRS"] } }, "MANAGE_USERS");
    const startReview = gql`
      mutation ($input: StartAccessReviewInput!, $dryRun: Boolean) {
        startAccessReview(input: $input, dryRun: $dryRun) {
          id
          status
          dueAt
          defaultDecision
        }
      }
    `;
    const review = await dryThenReal<{ startAccessReview: { id: string } }>(
      main,
      startReview,
      {
        input: {
          enterprise: e.number,
          capacities: ["EMPLOYER_NSSO"],
          dueAt: new Date(Date.now() + 86_400_000).toISOString(),
          defaultDecision: "KEEP",
        },
      },
      "APPOINT_ACCESS_MANAGER",
    );
    const reviewItems: { id: number; role: string; assignment_id: number }[] = await gw.dataSource.query(
      "SELECT id, role, assignment_id FROM access_review_item WHERE review_id = ? ORDER BY id",
      [Number(review.startAccessReview.id)],
    );
    const decideItem = gql`
      mutation ($id: ID!, $decision: AccessReviewDecision!, $dryRun: Boolean) {
        decideAccessReviewItem(id: $id, decision: $decision, dryRun: $dryRun) {
          id
          status
          decision
        }
      }
    `;
    const userItem = reviewItems.find((i) => i.role === "USER" && i.assignment_id === Number(user.addUser.id))!;
    await dryThenReal(main, decideItem, { id: String(userItem.id), decision: "KEEP" }, "MANAGE_USERS");
    // Completing applies the default to each item still pending (one event each), then records the completion.
    const pending = reviewItems.filter((i) => i.id !== userItem.id);
    const completeReview = gql`
      mutation ($id: ID!, $dryRun: Boolean) {
        completeAccessReview(id: $id, dryRun: $dryRun) {
          id
          status
        }
      }
    `;
    if (pending.every((i) => i.role === "ACCESS_MANAGER"))
      await dryThenReal(main, completeReview, { id: review.startAccessReview.id }, "APPOINT_ACCESS_MANAGER", {
        events: pending.length + 1,
      });
    else throw new Error("the dry run's enterprise has users beside the one this test added: decide them first");
    await dryThenReal(main, m.removeUser, { a: user.addUser.id }, "MANAGE_USERS");
    const bulk = { enterprise: e.number, capacity: "EMPLOYER_NSSO" };
    const users = await dryThenReal<{ addUsers: { items: { assignment: { id: string } }[] } }>(
      main,
      m.addUsers,
      { input: { ...bulk, users: [ssin(), ssin()].map((s) => ({ person: person(s), onlineServices: ["DIMONA"] })) } },
      "MANAGE_USERS",
      { events: 2 },
    );
    const ids = users.addUsers.items.map((i) => i.assignment.id);
    await dryThenReal(
      main,
      m.setUsersServices,
      { input: { ...bulk, users: ids.map((id) => ({ assignment: id, onlineServices: ["DRS"] })) } },
      "MANAGE_USERS",
      { events: 2 },
    );
    await dryThenReal(main, m.removeUsers, { input: { ...bulk, assignments: ids } }, "MANAGE_USERS", { events: 2 });
    await dryThenReal(main, m.revokeManager, { a: manager.appointAccessManager.id }, "APPOINT_ACCESS_MANAGER");
    await dryThenReal(lr, m.activateEBox, { input: { enterprise: e.number, notificationEmail: "ebox@example.be" } }, "ACTIVATE_EBOX");
    const [message] = await gw.dataSource.query("SELECT id FROM ebox_message WHERE enterprise_id = ?", [e.id]);
    await dryThenReal(main, m.markRead, { e: e.number, m: String(message.id) }, "USE_EBOX");
    await dryThenReal(
      main,
      m.configure,
      { input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", channel: "SOAP", technicalContactEmail: "it@example.be" } },
      "CONFIGURE_STRUCTURED_MESSAGES",
    );
    const mandate = await dryThenReal<{ appointServiceProvider: { id: string } }>(
      lr,
      m.appointProvider,
      { input: { enterprise: e.number, provider: provider.number, capacity: "EMPLOYER_NSSO" } },
      "APPOINT_SERVICE_PROVIDER",
    );
    await dryThenReal(lr, m.endMandate, { id: mandate.appointServiceProvider.id }, "APPOINT_SERVICE_PROVIDER");
    await dryThenReal(main, m.updateMe, { input: { email: "dora@example.be", language: "FR" } }, "UPDATE_MY_ACCOUNT");
    const requesterSsin = ssin();
    const requester = await gw.client(requesterSsin);
    await requester.request(gql`
      {
        me {
          ssin
        }
      }
    `);
    const askInput = { input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"] } };
    await dryThenReal(requester, m.requestAccess, askInput, "REQUEST_ACCESS");
    const openId = async () =>
      String((await gw.dataSource.query("SELECT id FROM access_request WHERE open_key = 1 ORDER BY id DESC LIMIT 1"))[0].id);
    await dryThenReal(requester, m.withdrawRequest, { id: await openId() }, "WITHDRAW_ACCESS_REQUEST");
    await requester.request(m.requestAccess, askInput);
    await dryThenReal(main, m.denyRequest, { id: await openId() }, "MANAGE_USERS");
    await requester.request(m.requestAccess, askInput);
    await dryThenReal(main, m.approveRequest, { id: await openId() }, "MANAGE_USERS");
    await dryThenReal(lr, m.deleteAccess, { input: { enterprise: e.number, reason: "Closing down" } }, "DELETE_ENTERPRISE_ACCESS");
  });

  it("refuses a dry run exactly as the real action, and changes nothing either way", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    await refusedAlike(
      await gw.client(e.mainAccessManager!),
      m.activateAccount,
      { e: e.number },
      { code: "CONFLICT", reason: "ALREADY_ACTIVE" },
    );
    const stranger = await gw.client(ssin());
    // Signing in for the first time creates the person: done before, so that only the mutations are compared.
    await stranger.request(gql`
      {
        me {
          ssin
        }
      }
    `);
    await refusedAlike(stranger, m.activateCapacity, { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF" }, { code: "FORBIDDEN" });
    await refusedAlike(
      await gw.client(e.mainAccessManager!),
      m.activateCapacity,
      { e: e.number, c: "NO_SUCH_CAPACITY" },
      { code: "BAD_USER_INPUT", field: "capacity" },
    );
    const before = await snapshot(gw.dataSource);
    await expectError(
      (await gw.client(e.mainAccessManager!)).request(m.activateCapacity, { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF", dryRun: "yes" }),
      { code: "BAD_USER_INPUT", field: "dryRun" },
    );
    expect(await snapshot(gw.dataSource)).toEqual(before);
  });

  it("refuses a mutation after a dry run in the same operation, and leaves the dry run rolled back", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await gw.client(e.mainAccessManager!);
    const before = await snapshot(gw.dataSource);
    const both = gql`
      mutation ($e: EnterpriseNumber!) {
        dry: activateCapacity(enterprise: $e, capacity: "ENTERPRISE_WITHOUT_STAFF", dryRun: true) {
          status
        }
        real: updateMyAccount(input: { language: DE }) {
          language
        }
      }
    `;
    await expectError(main.request(both, { e: e.number }), { code: "BAD_USER_INPUT", field: "dryRun" });
    expect(await snapshot(gw.dataSource)).toEqual(before);
  });

  describe("what a preview tells", () => {
    const addUser = gql`
      mutation ($input: AddUserInput!, $dryRun: Boolean) {
        addUser(input: $input, dryRun: $dryRun) {
          person {
            id
            nodeId
            ssin
            givenName
            familyName
            roles {
              role
              capacity {
                code
              }
              person {
                id
              }
            }
          }
        }
      }
    `;
    const appointManager = gql`
      mutation ($input: AppointAccessManagerInput!, $dryRun: Boolean) {
        appointAccessManager(input: $input, dryRun: $dryRun) {
          person {
            givenName
            familyName
          }
        }
      }
    `;
    const sent = { givenName: "Sent", familyName: "Guess" };
    const preview = async (client: GraphQLClient, document: string, variables: Record<string, unknown>) => {
      const answer = await client.rawRequest<
        Record<
          string,
          { person: { id: string; nodeId: string; givenName: string; familyName: string; roles: { person: { id: string } }[] } }
        >
      >(document, { ...variables, dryRun: true });
      expect(answer.errors).toBeUndefined();
      return { person: Object.values(answer.data)[0].person, dryRun: (answer.extensions as { dryRun: DryRunExtension }).dryRun };
    };
    const namesIn = (dryRun: DryRunExtension) =>
      (dryRun.auditEvents[0].details.after as { person: { givenName: string; familyName: string } }).person;

    it("answers a person the caller cannot see with the names sent, whether they exist or not, in the answer and in the audit event", async () => {
      const elsewhere = await gw.seed.enterprise().withMainAccessManager().active().withUser("EMPLOYER_NSSO", ["DIMONA"]).build();
      const known = elsewhere.users[0].ssin;
      const e = await gw.seed.enterprise().withMainAccessManager().active().withAccessManager("EMPLOYER_NSSO").build();
      const manager = await gw.client(e.accessManagers.EMPLOYER_NSSO);
      const input = (s: string) => ({
        enterprise: e.number,
        capacity: "EMPLOYER_NSSO",
        onlineServices: ["DIMONA"],
        person: { ssin: s, ...sent },
      });
      const existing = await preview(manager, addUser, { input: input(known) });
      const unknown = await preview(manager, addUser, { input: input(ssin()) });
      expect(existing.person).toMatchObject(sent);
      expect(unknown.person).toMatchObject(sent);
      // Nor do its ids tell: the person is answered as someone new would be, under an id no one has yet.
      const [{ max }] = await gw.dataSource.query("SELECT MAX(id) AS max FROM person");
      for (const { person: p } of [existing, unknown]) {
        expect(Number(p.id)).toBeGreaterThan(Number(max));
        expect(p.nodeId).toBe(encodeGlobalId("Person", Number(p.id)));
        expect(p.roles).toEqual([{ role: "USER", capacity: { code: "EMPLOYER_NSSO" }, person: { id: p.id } }]);
      }
      expect(namesIn(existing.dryRun)).toMatchObject(sent);
      expect(namesIn(unknown.dryRun)).toMatchObject(sent);
      // Nor does the enterprise's main access manager see them: the same answer to an appointment.
      const main = await preview(await gw.client(e.mainAccessManager!), appointManager, {
        input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", person: { ssin: known, ...sent } },
      });
      expect(main.person).toMatchObject(sent);
    });

    it("answers each person of a bulk preview the caller cannot see with the names sent, in the answer and in the audit events", async () => {
      const elsewhere = await gw.seed.enterprise().withMainAccessManager().active().withUser("EMPLOYER_NSSO", ["DIMONA"]).build();
      const known = elsewhere.users[0].ssin;
      const e = await gw.seed.enterprise().withMainAccessManager().active().withAccessManager("EMPLOYER_NSSO").build();
      const manager = await gw.client(e.accessManagers.EMPLOYER_NSSO);
      const answer = await manager.rawRequest<{
        addUsers: { items: { assignment: { person: { id: string; ssin: string; givenName: string; familyName: string } } }[] };
      }>(
        gql`
          mutation ($input: AddUsersInput!) {
            addUsers(input: $input, dryRun: true) {
              items {
                assignment {
                  person {
                    id
                    ssin
                    givenName
                    familyName
                  }
                }
              }
            }
          }
        `,
        {
          input: {
            enterprise: e.number,
            capacity: "EMPLOYER_NSSO",
            users: [known, ssin()].map((s) => ({ person: { ssin: s, ...sent }, onlineServices: ["DIMONA"] })),
          },
        },
      );
      expect(answer.errors).toBeUndefined();
      const [existing, unknown] = answer.data.addUsers.items.map((i) => i.assignment.person);
      expect(existing).toMatchObject({ ssin: known, ...sent });
      expect(unknown).toMatchObject(sent);
      const [{ max }] = await gw.dataSource.query("SELECT MAX(id) AS max FROM person");
      expect(Number(existing.id)).toBeGreaterThan(Number(max));
      const { auditEvents } = (answer.extensions as { dryRun: DryRunExtension }).dryRun;
      expect(auditEvents.map((event) => (event.details.after as { person: { givenName: string } }).person)).toEqual([
        { ssin: known, ...sent },
        { ssin: unknown.ssin, ...sent },
      ]);
    });

    it("answers a person the caller already sees with their own names, as the real action does", async () => {
      const e = await gw.seed
        .enterprise()
        .withMainAccessManager()
        .active()
        .withCapacity("ENTERPRISE_WITHOUT_STAFF")
        .withUser("EMPLOYER_NSSO", ["DIMONA"])
        .build();
      const main = await gw.client(e.mainAccessManager!);
      const stored = await gw.seed.person(e.users[0].ssin);
      const answer = await preview(main, appointManager, {
        input: { enterprise: e.number, capacity: "ENTERPRISE_WITHOUT_STAFF", person: { ssin: stored.ssin, ...sent } },
      });
      expect(answer.person).toEqual({ givenName: stored.givenName, familyName: stored.familyName });
      expect(namesIn(answer.dryRun)).toMatchObject({ givenName: stored.givenName, familyName: stored.familyName });
    });

    it("carries no database id in extensions.dryRun", async () => {
      const e = await gw.seed.enterprise().withMainAccessManager().active().withAccessManager("EMPLOYER_NSSO").build();
      const lr = await gw.client(e.legalRepresentative);
      const appointMain = await lr.rawRequest(m.appointMain, { input: { enterprise: e.number, person: person(ssin()) }, dryRun: true });
      const user = await preview(await gw.client(e.accessManagers.EMPLOYER_NSSO), addUser, {
        input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: person(ssin()) },
      });
      for (const dryRun of [(appointMain.extensions as { dryRun: DryRunExtension }).dryRun, user.dryRun]) {
        expect(dryRun.auditEvents.length).toBeGreaterThan(0);
        expect(keysOf(dryRun).filter(isIdKey)).toEqual([]);
      }
    });

    it("shows the chain's head only to the enterprise's audit readers, and never the account chain's", async () => {
      const e = await gw.seed.enterprise().withMainAccessManager().active().withAccessManager("EMPLOYER_NSSO").build();
      const input = { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person: person(ssin()) };
      const byManager = await preview(await gw.client(e.accessManagers.EMPLOYER_NSSO), addUser, { input });
      const byMain = await preview(await gw.client(e.mainAccessManager!), addUser, { input });
      expect(byManager.dryRun.auditEvents[0]).not.toHaveProperty("previousHash");
      expect(byManager.dryRun.auditEvents[0]).not.toHaveProperty("hash");
      expect(byMain.dryRun.auditEvents[0]).toMatchObject({ previousHash: expect.any(String), hash: expect.any(String) });
      const account = await (await gw.client(e.mainAccessManager!)).rawRequest(m.updateMe, { input: { language: "FR" }, dryRun: true });
      const [event] = (account.extensions as { dryRun: DryRunExtension }).dryRun.auditEvents;
      expect(event).toMatchObject({ action: "UPDATE_MY_ACCOUNT" });
      expect(event).not.toHaveProperty("previousHash");
      expect(event).not.toHaveProperty("hash");
    });
  });
});

describe("dry runs in the logs", () => {
  it("log each preview with its viewer and the mutation previewed", async () => {
    const logs = captureLogs();
    const gw = await startTestGateway("sqlite", {}, { logger: logs.logger });
    try {
      const e = await gw.seed.enterprise().withMainAccessManager().active().build();
      const main = await gw.client(e.mainAccessManager!);
      await main.request(m.activateCapacity, { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF", dryRun: true });
      const viewer = await gw.seed.person(e.mainAccessManager!);
      expect(logs.lines()).toContainEqual(
        expect.objectContaining({ msg: "dry run", viewerId: viewer.id, mutations: ["activateCapacity"], enterprises: [e.display] }),
      );
    } finally {
      await gw.stop();
    }
  });
});

describe("dry runs in a batch", () => {
  it("refuses a dry run batched with other operations, which would share its open transaction, and changes nothing", async () => {
    const gw = await startTestGateway("sqlite", { BATCHED_REQUESTS: "on" });
    try {
      const e = await gw.seed.enterprise().withMainAccessManager().active().build();
      const headers = { authorization: `Bearer ${await gw.token(e.mainAccessManager!)}` };
      const preview = { query: m.activateCapacity, variables: { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF", dryRun: true } };
      const before = await snapshot(gw.dataSource);
      const batch = await send(gw.url, { body: [{ query: "{ me { ssin } }" }, preview], headers });
      expect(await snapshot(gw.dataSource)).toEqual(before);
      const [read, refused] = batch.json as unknown as {
        data?: unknown;
        errors?: { extensions: Record<string, unknown> }[];
        extensions?: Record<string, unknown>;
      }[];
      expect(read.errors).toBeUndefined();
      expect(refused.errors).toEqual([
        expect.objectContaining({
          extensions: expect.objectContaining({ code: "BAD_USER_INPUT", messageKey: "input.dryRunInBatch", field: "dryRun" }),
        }),
      ]);
      expect(refused.extensions?.dryRun).toBeUndefined();
      // Alone (a batch of one is one operation), the same preview runs.
      const [alone] = (await send(gw.url, { body: [preview], headers })).json as unknown as {
        errors?: unknown;
        extensions?: { dryRun?: { rolledBack: boolean } };
      }[];
      expect(alone.errors).toBeUndefined();
      expect(alone.extensions?.dryRun?.rolledBack).toBe(true);
    } finally {
      await gw.stop();
    }
  });
});
