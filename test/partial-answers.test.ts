import { buildGatewaySchema } from "../src/graphql/schema";
import { refusableFields } from "../src/graphql/partial-answers";
import { fieldRules } from "../src/graphql/shield";
import { addUser } from "../src/management/add-user";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { graphql, send, type GraphQLErrorBody, type HttpAnswer } from "./support/http";
import { ssin } from "./support/identities";
import type { SeededEnterprise } from "./support/seed";

/**
 * Screens shared by roles: one query for every role, each field refused or answered by its own rule. A refused or
 * invalid nested list answers empty with its error at its path; the enterprise around it stays.
 */

const connection = `totalCount edges { cursor node { id } } nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;
const emptyConnection = {
  totalCount: 0,
  edges: [],
  nodes: [],
  pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
};

type Viewer = "legalRepresentative" | "mainAccessManager" | "accessManager" | "user" | "providerStaff";
type FieldName = "auditTrail" | "expiringSoon" | "roleAssignmentsAsOf" | "eBoxMessages";

/** Each nested field as a screen asks it: its selection, where it sits under the enterprise, and its empty answer. */
const fields: Record<FieldName, { selection: (asOf: string) => string; path: string[]; empty: unknown }> = {
  auditTrail: { selection: () => `auditTrail(first: 5) { ${connection} }`, path: ["auditTrail"], empty: emptyConnection },
  expiringSoon: { selection: () => `expiringSoon(within: 60) { kind validUntil }`, path: ["expiringSoon"], empty: [] },
  roleAssignmentsAsOf: {
    selection: (asOf) => `roleAssignments(asOf: "${asOf}") { ${connection} }`,
    path: ["roleAssignments"],
    empty: emptyConnection,
  },
  eBoxMessages: {
    selection: () => `eBox { status messages(first: 5) { ${connection} } }`,
    path: ["eBox", "messages"],
    empty: emptyConnection,
  },
};

/**
 * Who reads what on one screen, as the role-task table and the visibility rules decide it: "read", or the refusal's
 * reason (USE_EBOX: the decision `can` gives for the task, asked beside).
 */
const matrix: Record<Viewer, Record<FieldName, "read" | "ROLE_LACKS_TASK" | "NOT_HISTORY_READER" | "as can(USE_EBOX)">> = {
  legalRepresentative: { auditTrail: "read", expiringSoon: "read", roleAssignmentsAsOf: "read", eBoxMessages: "as can(USE_EBOX)" },
  mainAccessManager: { auditTrail: "read", expiringSoon: "read", roleAssignmentsAsOf: "read", eBoxMessages: "read" },
  accessManager: {
    auditTrail: "ROLE_LACKS_TASK",
    expiringSoon: "read",
    roleAssignmentsAsOf: "NOT_HISTORY_READER",
    eBoxMessages: "read",
  },
  user: {
    auditTrail: "ROLE_LACKS_TASK",
    expiringSoon: "ROLE_LACKS_TASK",
    roleAssignmentsAsOf: "NOT_HISTORY_READER",
    eBoxMessages: "read",
  },
  providerStaff: {
    auditTrail: "ROLE_LACKS_TASK",
    expiringSoon: "ROLE_LACKS_TASK",
    roleAssignmentsAsOf: "NOT_HISTORY_READER",
    eBoxMessages: "as can(USE_EBOX)",
  },
};

const at = (value: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>((v, key) => (v as Record<string, unknown> | null)?.[key], value);

/** The code, reason and field of each error, with its path: what a screen maps to the place it shows. */
const refusals = (errors: GraphQLErrorBody[] | undefined) =>
  (errors ?? []).map(({ path, extensions }) => ({
    path,
    code: extensions?.code,
    ...(extensions?.reason ? { reason: extensions.reason } : {}),
    ...(extensions?.field ? { field: extensions.field } : {}),
  }));

describe("the nested fields that may be refused", () => {
  it("answer empty when refused, except non-null scalars that have no empty value (their error bubbles)", () => {
    const { answeredEmpty, bubbling } = refusableFields(buildGatewaySchema(), fieldRules);
    expect(Object.fromEntries([...answeredEmpty].map(([name, { kind }]) => [name, kind]))).toEqual({
      "AccessReview.items": "connection",
      "EBox.messages": "connection",
      "Enterprise.accessRequests": "connection",
      "Enterprise.accessReview": "null",
      "Enterprise.accessReviews": "connection",
      "Enterprise.auditTrail": "connection",
      "Enterprise.clientsConnection": "connection",
      "Enterprise.expiringSoon": "list",
      "Enterprise.roleAssignments": "connection",
      "Enterprise.serviceProvidersConnection": "connection",
    });
    // Their only argument is `language`, an enum checked with the document: nothing refuses them at execution.
    expect(bubbling).toEqual(["Capacity.name", "Decision.message", "OnlineService.name"]);
  });
});

describeEachDatabase("screens shared by roles", (dialect) => {
  let gw: TestGateway;
  let batching: TestGateway;
  let client: SeededEnterprise;
  let provider: SeededEnterprise;
  /** An enterprise whose main access manager is the client's access manager. */
  let own: SeededEnterprise;
  let viewers: Record<Viewer, string>;
  let asOf: string;

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    batching = await startTestGateway(dialect, { BATCHED_REQUESTS: "on" }, { database: gw.database });
    provider = await gw.seed
      .enterprise({ name: "Payroll Bureau" })
      .withMainAccessManager()
      .active()
      .withCapacity("SOCIAL_SERVICE_PROVIDER")
      .withAccessManager("SOCIAL_SERVICE_PROVIDER")
      .build();
    client = await gw.seed
      .enterprise({ name: "Shared Screen Bakery" })
      .withMainAccessManager()
      .active()
      .withAccessManager("EMPLOYER_NSSO")
      .withUser("EMPLOYER_NSSO", ["DIMONA"])
      .withEBox()
      .withServiceProvider(provider, "EMPLOYER_NSSO")
      .build();
    // A right that expires within the window `expiringSoon` is asked for, so that its readers see it.
    await gw.seed.as(client.mainAccessManager!, (s) =>
      addUser(s, {
        enterprise: client.number,
        capacity: "EMPLOYER_NSSO",
        onlineServices: ["DMFA"],
        person: { ssin: ssin(), givenName: "Seasonal", familyName: "Worker" },
        validUntil: new Date(Date.now() + 10 * 24 * 3600 * 1000),
      }),
    );
    own = await gw.seed.enterprise({ name: "Own Shop" }).withMainAccessManager(client.accessManagers.EMPLOYER_NSSO).active().build();
    viewers = {
      legalRepresentative: client.legalRepresentative,
      mainAccessManager: client.mainAccessManager!,
      accessManager: client.accessManagers.EMPLOYER_NSSO,
      user: client.users[0].ssin,
      providerStaff: provider.accessManagers.SOCIAL_SERVICE_PROVIDER,
    };
    asOf = new Date().toISOString();
  });
  afterAll(async () => {
    await batching?.stop();
    await gw?.stop();
  });

  const ask = async (viewer: string, selection: string, variables: Record<string, unknown> = {}): Promise<HttpAnswer> =>
    graphql(gw.url, `query ($e: EnterpriseNumber!) { enterprise(number: $e) { number name status ${selection} } }`, {
      token: await gw.token(viewer),
      variables: { e: client.number, ...variables },
    });

  describe.each(Object.keys(matrix) as Viewer[])("as the %s", (viewer) => {
    it.each(Object.keys(fields) as FieldName[])("answers %s as the matrix says, and the enterprise around it whole", async (name) => {
      const field = fields[name];
      const answer = await ask(viewers[viewer], field.selection(asOf));
      expect(answer.status).toBe(200);
      const enterprise = answer.json?.data?.enterprise as Record<string, unknown>;
      expect(enterprise).toMatchObject({ number: client.display, name: "Shared Screen Bakery", status: "ACTIVE" });
      const expected = matrix[viewer][name];
      if (expected === "read") {
        expect(refusals(answer.json?.errors)).toEqual([]);
        // What the readers see is not empty: the refused answer below is not the list's truth.
        const value = at(enterprise, field.path) as { totalCount?: number } | unknown[];
        expect(Array.isArray(value) ? value.length : value.totalCount).toBeGreaterThan(0);
        return;
      }
      const reason =
        expected === "as can(USE_EBOX)"
          ? (
              await graphql(gw.url, "query ($e: EnterpriseNumber!) { can(enterprise: $e, task: USE_EBOX) { allowed reason } }", {
                token: await gw.token(viewers[viewer]),
                variables: { e: client.number },
              })
            ).json?.data?.can
          : { allowed: false, reason: expected };
      expect(reason).toMatchObject({ allowed: false });
      expect(at(enterprise, field.path)).toEqual(field.empty);
      expect(refusals(answer.json?.errors)).toEqual([
        { path: ["enterprise", ...field.path], code: "FORBIDDEN", reason: (reason as { reason: string }).reason },
      ]);
    });
  });

  it.each([
    ["a page size over 100", "roleAssignments(first: 101) { totalCount }", "legalRepresentative", ["roleAssignments"], "first"],
    [
      "an unknown capacity",
      `roleAssignments(capacity: "NO_SUCH_CAPACITY") { totalCount }`,
      "accessManager",
      ["roleAssignments"],
      "capacity",
    ],
    [
      "an instant in the future",
      `roleAssignments(asOf: "2999-01-01T00:00:00Z") { totalCount }`,
      "mainAccessManager",
      ["roleAssignments"],
      "asOf",
    ],
    ["a cursor that is not one", `auditTrail(after: "not-a-cursor") { totalCount }`, "legalRepresentative", ["auditTrail"], "after"],
    ["a window of 0 days", "expiringSoon(within: 0) { kind }", "accessManager", ["expiringSoon"], "within"],
    ["a negative page size", "eBox { messages(first: -1) { totalCount } }", "user", ["eBox", "messages"], "first"],
  ])("answers %s of a nested list empty with BAD_USER_INPUT at its path", async (_case, selection, viewer, path, field) => {
    const answer = await ask(viewers[viewer as Viewer], selection);
    expect(answer.status).toBe(200);
    const enterprise = answer.json?.data?.enterprise as Record<string, unknown>;
    expect(enterprise).toMatchObject({ number: client.display, name: "Shared Screen Bakery" });
    expect(at(enterprise, path)).toEqual(path.at(-1) === "expiringSoon" ? [] : { totalCount: 0 });
    expect(refusals(answer.json?.errors)).toEqual([{ path: ["enterprise", ...path], code: "BAD_USER_INPUT", field }]);
  });

  it("refuses a field before it checks its arguments: bad input to a field one may not read tells nothing more", async () => {
    const answer = await ask(viewers.accessManager, `auditTrail(after: "not-a-cursor", first: 500) { ${connection} }`);
    expect(answer.json?.data?.enterprise).toMatchObject({ number: client.display, auditTrail: emptyConnection });
    expect(refusals(answer.json?.errors)).toEqual([{ path: ["enterprise", "auditTrail"], code: "FORBIDDEN", reason: "ROLE_LACKS_TASK" }]);
  });

  it("answers every refused field of one screen at once, each with its own error, the readable ones in full", async () => {
    const selection = (Object.keys(fields) as FieldName[]).map((name) => fields[name].selection(asOf)).join(" ");
    const answer = await ask(viewers.user, `${selection} legalRepresentatives { ssin } myTasks`);
    const enterprise = answer.json?.data?.enterprise as Record<string, unknown>;
    expect(enterprise.legalRepresentatives).toEqual([{ ssin: client.legalRepresentative }]);
    expect(enterprise.myTasks).toEqual(expect.arrayContaining(["USE_EBOX", "USE_ONLINE_SERVICES"]));
    expect((at(enterprise, ["eBox", "messages"]) as { totalCount: number }).totalCount).toBeGreaterThan(0);
    // In document order, whatever order the fields settled in.
    expect(refusals(answer.json?.errors).map(({ path }) => path?.join("."))).toEqual([
      "enterprise.auditTrail",
      "enterprise.expiringSoon",
      "enterprise.roleAssignments",
    ]);
  });

  it("keeps every enterprise of a list, the refused field empty only where the viewer may not read it", async () => {
    const viewer = viewers.accessManager;
    const answer = await graphql(gw.url, "{ myEnterprises { number auditTrail(first: 1) { totalCount } } }", {
      token: await gw.token(viewer),
    });
    const enterprises = answer.json?.data?.myEnterprises as { number: string; auditTrail: { totalCount: number } }[];
    expect(enterprises.map((e) => e.number).sort()).toEqual([client.display, own.display].sort());
    const index = enterprises.findIndex((e) => e.number === client.display);
    expect(enterprises[index].auditTrail).toEqual({ totalCount: 0 });
    expect(enterprises[1 - index].auditTrail.totalCount).toBeGreaterThan(0);
    expect(refusals(answer.json?.errors)).toEqual([
      { path: ["myEnterprises", index, "auditTrail"], code: "FORBIDDEN", reason: "ROLE_LACKS_TASK" },
    ]);
  });

  it("answers a committed mutation the same way: the result stands, the refused and the invalid nested lists empty", async () => {
    const added = ssin();
    const answer = await graphql(
      gw.url,
      `
        mutation ($input: AddUserInput!) {
          addUser(input: $input) {
            role
            person {
              ssin
            }
            enterprise {
              number
              roleAssignments(first: 500) {
                totalCount
              }
              auditTrail {
                totalCount
              }
            }
          }
        }
      `,
      {
        token: await gw.token(viewers.accessManager),
        variables: {
          input: {
            enterprise: client.number,
            capacity: "EMPLOYER_NSSO",
            onlineServices: ["DIMONA"],
            person: { ssin: added, givenName: "Partial", familyName: "Answer" },
          },
        },
      },
    );
    expect(answer.status).toBe(200);
    expect(answer.json?.data).toEqual({
      addUser: {
        role: "USER",
        person: { ssin: added },
        enterprise: { number: client.display, roleAssignments: { totalCount: 0 }, auditTrail: { totalCount: 0 } },
      },
    });
    expect(refusals(answer.json?.errors)).toEqual([
      { path: ["addUser", "enterprise", "roleAssignments"], code: "BAD_USER_INPUT", field: "first" },
      { path: ["addUser", "enterprise", "auditTrail"], code: "FORBIDDEN", reason: "ROLE_LACKS_TASK" },
    ]);
    // Committed: the user is listed.
    const listed = await ask(viewers.accessManager, "roleAssignments(first: 100) { nodes { person { ssin } } }");
    expect(
      (at(listed.json?.data?.enterprise, ["roleAssignments", "nodes"]) as { person: { ssin: string } }[]).map((n) => n.person.ssin),
    ).toContain(added);
  });

  it("refuses a root field as before: no data, the error at the root", async () => {
    const token = await gw.token(viewers.accessManager);
    const paged = await graphql(gw.url, "{ myEnterprisesConnection(first: 500) { totalCount } }", { token });
    expect(paged.json?.data).toBeNull();
    expect(refusals(paged.json?.errors)).toEqual([{ path: ["myEnterprisesConnection"], code: "BAD_USER_INPUT", field: "first" }]);
    // An enterprise the viewer holds no role in stays null, with no error: its existence is not told.
    const stranger = await graphql(gw.url, "query ($e: EnterpriseNumber!) { enterprise(number: $e) { name auditTrail { totalCount } } }", {
      token: await gw.token(ssin()),
      variables: { e: client.number },
    });
    expect(stranger.json).toEqual({ data: { enterprise: null } });
  });

  it("reports each operation's refusals in its own answer when a batch asks the same document twice", async () => {
    const query = "query ($e: EnterpriseNumber!) { enterprise(number: $e) { number auditTrail(first: 1) { totalCount } } }";
    const answer = await send(batching.url, {
      body: [
        { query, variables: { e: client.number } },
        { query, variables: { e: own.number } },
      ],
      headers: { authorization: `Bearer ${await batching.token(viewers.accessManager)}` },
    });
    const [refused, read] = answer.json as unknown as {
      data: { enterprise: { auditTrail: { totalCount: number } } };
      errors?: GraphQLErrorBody[];
    }[];
    expect(refused.data.enterprise.auditTrail).toEqual({ totalCount: 0 });
    expect(refusals(refused.errors)).toEqual([{ path: ["enterprise", "auditTrail"], code: "FORBIDDEN", reason: "ROLE_LACKS_TASK" }]);
    expect(read.data.enterprise.auditTrail.totalCount).toBeGreaterThan(0);
    expect(read.errors).toBeUndefined();
  });
});
