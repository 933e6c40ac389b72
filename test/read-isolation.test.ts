import { gql } from "graphql-request";
import { GraphQLClient } from "graphql-request";
import type { EntityManager } from "typeorm";
import { openDatabase } from "../src/database/data-source";
import { primaryReader, requestReader, sqliteReadConnection } from "../src/database/readers";
import { previewAction, runAction, type ActionScope } from "../src/management/action";
import { addUser } from "../src/management/add-user";
import { appointAccessManager } from "../src/management/appoint-access-manager";
import { updateMyAccount } from "../src/management/update-my-account";
import { Person, RoleAssignment } from "../src/domain/entities";
import { createTestDatabase, describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { expectError } from "./support/graphql";
import { ssin } from "./support/identities";
import type { SeededEnterprise } from "./support/seed";

/**
 * Reads never see another request's uncommitted writes (README, "Security: who sees what"). A management action's
 * transaction is held open here at a point the test chooses (the action functions of src/management, run directly,
 * as a dry run's stays open while its answer is read), while other viewers ask the real gateway: their answers, the
 * viewer lookup of their tokens, and the shield's decisions are made on what was committed. On SQLite the process
 * writes through one connection, the transaction's; the read side reads through a connection of its own.
 */
const q = {
  asLegalRepresentative: gql`
    query ($e: EnterpriseNumber!) {
      enterprise(number: $e) {
        status
        mainAccessManager {
          ssin
        }
        roleAssignments(first: 100) {
          totalCount
          nodes {
            role
            person {
              ssin
              givenName
            }
            capacity {
              code
            }
          }
        }
        auditTrail(first: 100) {
          totalCount
        }
      }
    }
  `,
  asCandidate: gql`
    query ($e: EnterpriseNumber!) {
      me {
        ssin
        givenName
        email
        language
      }
      myEnterprises {
        number
      }
      enterprise(number: $e) {
        number
        myTasks
      }
      manage: can(enterprise: $e, task: MANAGE_USERS, capacity: "EMPLOYER_NSSO") {
        allowed
        reason
      }
      appoint: can(enterprise: $e, task: APPOINT_ACCESS_MANAGER) {
        allowed
        reason
      }
    }
  `,
  addUser: gql`
    mutation ($input: AddUserInput!) {
      addUser(input: $input) {
        id
      }
    }
  `,
  me: gql`
    {
      me {
        ssin
        givenName
        familyName
        email
        language
      }
    }
  `,
  addUserAnswer: gql`
    mutation ($input: AddUserInput!) {
      addUser(input: $input) {
        person {
          ssin
        }
        enterprise {
          roleAssignments(first: 100, role: USER) {
            totalCount
            nodes {
              person {
                ssin
              }
            }
          }
        }
      }
    }
  `,
};

class RolledBack extends Error {}

describeEachDatabase("reads beside another request's open transaction", (dialect) => {
  let gw: TestGateway;
  let e: SeededEnterprise;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    e = await gw.seed.enterprise().withMainAccessManager().active().build();
  });
  afterAll(() => gw?.stop());

  const options = async (actorSsin: string) => ({
    dataSource: gw.dataSource,
    viewer: await gw.seed.person(actorSsin),
    catalog: gw.catalog,
    requestId: "held-open",
  });

  /**
   * Runs an action whose transaction stays open after its writes until the test commits or rolls it back: a request
   * whose transaction awaits between statements, held at a point of the test's choosing.
   */
  async function openAction<T>(actorSsin: string, action: (scope: ActionScope) => Promise<T>) {
    let written!: (value: { result: T; em: EntityManager }) => void;
    const writes = new Promise<{ result: T; em: EntityManager }>((resolve) => (written = resolve));
    let decide!: (outcome: "commit" | "rollBack") => void;
    const decision = new Promise<"commit" | "rollBack">((resolve) => (decide = resolve));
    const done = runAction(await options(actorSsin), async (scope) => {
      const result = await action(scope);
      written({ result, em: scope.em });
      if ((await decision) === "rollBack") throw new RolledBack();
      return result;
    });
    const { result, em } = await Promise.race([writes, done.then(() => Promise.reject(new Error("the action ended before it was held")))]);
    const ending = done.then(
      () => "committed" as const,
      (error: unknown) => {
        if (error instanceof RolledBack) return "rolled back" as const;
        throw error;
      },
    );
    return {
      result,
      em,
      /** Commits, or (also after a failed assertion, so that the next test does not queue behind it) rolls back. */
      end: (outcome: "commit" | "rollBack") => {
        decide(outcome);
        return ending;
      },
    };
  }

  /** The candidate as another request sees them: their own data, enterprises, visibility and decisions. */
  const candidateView = async (candidate: GraphQLClient) => candidate.request(q.asCandidate, { e: e.number });
  const legalRepresentativeView = async () => (await gw.client(e.legalRepresentative)).request(q.asLegalRepresentative, { e: e.number });

  it("a dry run held open appoints an access manager whom no other request sees as one, nor lets act as one", async () => {
    const candidate = ssin();
    await gw.seed.person(candidate, { givenName: "Cand", familyName: "Idate" });
    const candidateClient = await gw.client(candidate);
    const before = { candidate: await candidateView(candidateClient), legalRepresentative: await legalRepresentativeView() };
    expect(before.candidate).toMatchObject({
      myEnterprises: [],
      enterprise: null,
      manage: { allowed: false },
      appoint: { allowed: false },
    });

    const preview = await previewAction(await options(e.mainAccessManager!), (s) =>
      appointAccessManager(s, {
        enterprise: e.number,
        capacity: "EMPLOYER_NSSO",
        person: { ssin: candidate, givenName: "Cand", familyName: "Idate" },
      }),
    );
    try {
      // The transaction holds the appointment (so there is something not to see) ...
      const person = await preview.em.findOneByOrFail(Person, { ssin: candidate });
      expect(await preview.em.countBy(RoleAssignment, { personId: person.id, role: "ACCESS_MANAGER" })).toBe(1);
      // ... and the gateway answers others from what was committed: the candidate's token, visibility and decisions,
      // and the legal representative's lists, including the audit event the dry run wrote.
      expect(await candidateView(candidateClient)).toEqual(before.candidate);
      expect(await legalRepresentativeView()).toEqual(before.legalRepresentative);
      // The shield decides on committed roles: refused at once (on SQLite it would otherwise queue behind the dry run).
      await expectError(
        candidateClient.request(q.addUser, {
          input: {
            enterprise: e.number,
            capacity: "EMPLOYER_NSSO",
            onlineServices: [],
            person: { ssin: ssin(), givenName: "Not", familyName: "Added" },
          },
        }),
        { code: "FORBIDDEN" },
      );
    } finally {
      await preview.end();
    }
    expect(await candidateView(candidateClient)).toEqual(before.candidate);
    expect(await legalRepresentativeView()).toEqual(before.legalRepresentative);
  });

  it("an action's open transaction is seen by others once committed, and never when rolled back", async () => {
    const [kept, dropped] = [ssin(), ssin()];
    for (const s of [kept, dropped]) await gw.seed.person(s);
    const [keptClient, droppedClient] = [await gw.client(kept), await gw.client(dropped)];
    const before = {
      kept: await candidateView(keptClient),
      dropped: await candidateView(droppedClient),
      legalRepresentative: await legalRepresentativeView(),
    };

    const appoint = (who: string) => (s: ActionScope) =>
      appointAccessManager(s, {
        enterprise: e.number,
        capacity: "EMPLOYER_NSSO",
        person: { ssin: who, givenName: "Held", familyName: "Open" },
      });
    const rolledBack = await openAction(e.mainAccessManager!, appoint(dropped));
    try {
      expect(await rolledBack.em.countBy(RoleAssignment, { id: rolledBack.result.id })).toBe(1);
      expect(await candidateView(droppedClient)).toEqual(before.dropped);
      expect(await legalRepresentativeView()).toEqual(before.legalRepresentative);
    } finally {
      expect(await rolledBack.end("rollBack")).toBe("rolled back");
    }
    expect(await candidateView(droppedClient)).toEqual(before.dropped);

    const committed = await openAction(e.mainAccessManager!, appoint(kept));
    let outcome: "commit" | "rollBack" = "rollBack";
    try {
      expect(await candidateView(keptClient)).toEqual(before.kept);
      expect(await legalRepresentativeView()).toEqual(before.legalRepresentative);
      outcome = "commit";
    } finally {
      await committed.end(outcome);
    }
    expect(await committed.end("commit")).toBe("committed");
    // Committed: the next read of any request sees it (on SQLite the read connection reads the last commit).
    expect(await candidateView(keptClient)).toMatchObject({
      myEnterprises: [{ number: e.display }],
      enterprise: { number: e.display },
      manage: { allowed: true },
      appoint: { allowed: false },
    });
    const after = await legalRepresentativeView();
    expect(after.enterprise.roleAssignments.nodes).toContainEqual({
      role: "ACCESS_MANAGER",
      person: { ssin: kept, givenName: "Test" },
      capacity: { code: "EMPLOYER_NSSO" },
    });
    expect(after.enterprise.roleAssignments.totalCount).toBe(before.legalRepresentative.enterprise.roleAssignments.totalCount + 1);
    expect(after.enterprise.roleAssignments.nodes.map((n: { person: { ssin: string } }) => n.person.ssin)).not.toContain(dropped);
  });

  it("a mutation's answer reads what it committed, as does the next request", async () => {
    const mainAccessManager = await gw.client(e.mainAccessManager!);
    const user = ssin();
    const { addUser: answer } = await mainAccessManager.request(q.addUserAnswer, {
      input: {
        enterprise: e.number,
        capacity: "EMPLOYER_NSSO",
        onlineServices: [],
        person: { ssin: user, givenName: "Just", familyName: "Committed" },
      },
    });
    expect(answer.person).toEqual({ ssin: user });
    expect(answer.enterprise.roleAssignments.nodes).toContainEqual({ person: { ssin: user } });
    expect(await candidateView(await gw.client(user))).toMatchObject({
      myEnterprises: [{ number: e.display }],
      enterprise: { number: e.display },
    });
  });

  it("the viewer lookup of a token reads the person as committed, not as an open transaction changed them", async () => {
    const viewer = ssin();
    await gw.seed.person(viewer, { givenName: "Vera", familyName: "Viewer" });
    const client = await gw.client(viewer);
    const before = await client.request(q.me);
    expect(before).toEqual({ me: { ssin: viewer, givenName: "Vera", familyName: "Viewer", email: null, language: "NL" } });
    const preview = await previewAction(await options(viewer), (s) =>
      updateMyAccount(s, { email: "uncommitted@example.be", language: "FR" }),
    );
    try {
      expect(await preview.em.findOneByOrFail(Person, { ssin: viewer })).toMatchObject({ email: "uncommitted@example.be", language: "FR" });
      expect(await client.request(q.me)).toEqual(before);
    } finally {
      await preview.end();
    }
    expect(await client.request(q.me)).toEqual(before);
  });

  it("a first request beside an open transaction creates its person once that has ended: not the transaction's, and not inside it", async () => {
    const newcomer = ssin();
    const stranger = ssin();
    const clientOf = async (who: string, givenName: string) =>
      new GraphQLClient(gw.url, { headers: { authorization: `Bearer ${await gw.token(who, { givenName, familyName: "Newcomer" })}` } });
    const [newcomerClient, strangerClient] = [await clientOf(newcomer, "Nina"), await clientOf(stranger, "Stan")];
    const held = await openAction(e.mainAccessManager!, (s) =>
      addUser(s, {
        enterprise: e.number,
        capacity: "EMPLOYER_NSSO",
        onlineServices: [],
        person: { ssin: newcomer, givenName: "Held", familyName: "Open" },
      }),
    );
    let firsts!: Promise<unknown>[];
    try {
      expect(await held.em.countBy(Person, { ssin: newcomer })).toBe(1);
      // The newcomer's first request meets the uncommitted person, which it may not take as theirs; a stranger's first
      // request creates a person too. Both wait for the open transaction (on SQLite writes take turns; on MySQL the
      // newcomer's SSIN is locked), and neither write may land inside it (rolled back with it).
      firsts = [candidateView(newcomerClient), candidateView(strangerClient)];
      for (const first of firsts) first.catch(() => undefined);
      // Someone else's reads meanwhile do not see the newcomer.
      const others = await legalRepresentativeView();
      expect(others.enterprise.roleAssignments.nodes.map((n: { person: { ssin: string } }) => n.person.ssin)).not.toContain(newcomer);
    } finally {
      expect(await held.end("rollBack")).toBe("rolled back");
    }
    const nothing = {
      myEnterprises: [],
      enterprise: null,
      manage: expect.objectContaining({ allowed: false }),
      appoint: expect.objectContaining({ allowed: false }),
    };
    expect(await Promise.all(firsts)).toEqual([
      { me: { ssin: newcomer, givenName: "Nina", email: null, language: "NL" }, ...nothing },
      { me: { ssin: stranger, givenName: "Stan", email: null, language: "NL" }, ...nothing },
    ]);
    // Committed: each has a person of their own, found by their next request.
    for (const who of [newcomer, stranger]) expect(await gw.dataSource.getRepository(Person).countBy({ ssin: who })).toBe(1);
  });
});

describe("SQLite's read connection", () => {
  it("reads the same file and cannot write; transactions read through their own connection; sqlite::memory: has only one", async () => {
    const database = await createTestDatabase("sqlite");
    const dataSource = await openDatabase({ url: database.url });
    const memory = await openDatabase({ url: "sqlite::memory:" });
    try {
      const reader = requestReader(dataSource);
      expect(reader).not.toBe(dataSource);
      expect(primaryReader(dataSource)).toBe(reader);
      const count = "SELECT COUNT(*) AS n FROM capacity";
      expect(await reader.query(count)).toEqual(await dataSource.query(count));
      await expect(reader.query("UPDATE capacity SET position = position")).rejects.toThrow(/readonly/i);
      const connectionOf = (source: typeof dataSource) => (source.driver as unknown as { databaseConnection: unknown }).databaseConnection;
      expect(sqliteReadConnection(dataSource.manager)).toBe(connectionOf(reader));
      await dataSource.transaction(async (em) => expect(sqliteReadConnection(em)).toBe(connectionOf(dataSource)));

      expect(requestReader(memory)).toBe(memory);
      expect(sqliteReadConnection(memory.manager)).toBe(connectionOf(memory));
    } finally {
      await memory.destroy();
      await dataSource.destroy();
      await database.drop();
    }
    expect(requestReader(dataSource).isInitialized).toBe(false);
  });
});
