import { ClientError, gql, type GraphQLClient } from "graphql-request";
import { removeUser } from "../src/management/remove-user";
import { AuditEvent, EBoxMessage, RoleAssignment } from "../src/domain/entities";
import { encodeGlobalId, nodeTypeNames } from "../src/graphql/global-ids";
import { maxNodeIds } from "../src/graphql/resolvers/node.resolver";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { expectError } from "./support/graphql";
import { ssin } from "./support/identities";
import type { SeededEnterprise } from "./support/seed";

/**
 * Relay's object identification: `node(id:)` and `nodes(ids:)` show an object exactly where the
 * fields that list it would. Each viewer walks every field that lists a Node type (and nothing that shows a person
 * outside an assignment: a Person's node is as narrow as the lists of assignments); the global ids they meet there
 * must be exactly those that `nodes` answers them, out of every global id of the scenario.
 */
const walkEnterprise = `
  query Walk($e: EnterpriseNumber!) {
    enterprise(number: $e) {
      nodeId
      roleAssignments(first: 100) { nodes { nodeId person { nodeId } } }
      serviceProviders { nodeId }
      clients { nodeId }
    }
  }
`;
const walkMessages = `query Messages($e: EnterpriseNumber!) { enterprise(number: $e) { eBox { messages(first: 100) { nodes { nodeId } } } } }`;
const walkAudit = `query Audit($e: EnterpriseNumber!) { enterprise(number: $e) { auditTrail(first: 100) { nodes { nodeId } } } }`;
const walkMe = `{ me { nodeId roles { nodeId enterprise { nodeId } } } }`;
const walkReviews = `query Reviews($e: EnterpriseNumber!) { enterprise(number: $e) { accessReviews(first: 100) { nodes { nodeId items(first: 100) { nodes { nodeId } } } } } }`;
const askNodes = gql`
  query Nodes($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      nodeId
    }
  }
`;
const askNode = gql`
  query Node($id: ID!) {
    node(id: $id) {
      __typename
      nodeId
    }
  }
`;

type Json = null | string | number | boolean | Json[] | { [key: string]: Json };

/** Every `nodeId` in an answer. */
function nodeIds(answer: Json, found = new Set<string>()): Set<string> {
  if (Array.isArray(answer)) for (const item of answer) nodeIds(item, found);
  else if (answer && typeof answer === "object") {
    if (typeof answer.nodeId === "string") found.add(answer.nodeId);
    for (const value of Object.values(answer)) nodeIds(value, found);
  }
  return found;
}

/** The answer's data, including the part a refused field leaves (graphql-request throws on any error). */
async function dataOf(client: GraphQLClient, document: string, variables: Record<string, unknown> = {}): Promise<Json> {
  try {
    return await client.request<Json>(document, variables);
  } catch (error) {
    if (error instanceof ClientError) return (error.response.data ?? null) as Json;
    throw error;
  }
}

describeEachDatabase("node(id:) and nodes(ids:)", (dialect) => {
  let gw: TestGateway;
  let provider: SeededEnterprise;
  let client: SeededEnterprise;
  let otherClient: SeededEnterprise;
  let stranger: string;
  /** Every global id of the scenario, with ids no field shows to anyone (an ended assignment, an event outside any enterprise). */
  let everyId: string[];
  let shownToNoOne: string[];

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    provider = await gw.seed
      .enterprise({ name: "Payroll Bureau" })
      .withMainAccessManager()
      .active()
      .withCapacity("SOCIAL_SERVICE_PROVIDER")
      .withAccessManager("SOCIAL_SERVICE_PROVIDER")
      .withUser("SOCIAL_SERVICE_PROVIDER", ["DIMONA"])
      .withEBox()
      .build();
    client = await gw.seed
      .enterprise({ name: "Client Bakery" })
      .withMainAccessManager()
      .active()
      .withAccessManager("EMPLOYER_NSSO")
      .withUser("EMPLOYER_NSSO", ["DIMONA"])
      .withUser("EMPLOYER_NSSO", ["DMFA"])
      .withEBox()
      .withServiceProvider(provider, "EMPLOYER_NSSO")
      .build();
    otherClient = await gw.seed
      .enterprise({ name: "Other Client" })
      .withMainAccessManager()
      .active()
      .withUser("EMPLOYER_NSSO", ["DMFA"])
      .withServiceProvider(provider, "EMPLOYER_NSSO")
      .build();
    stranger = ssin();
    for (const e of [client, provider]) {
      await gw.seed.dataSource
        .getRepository(EBoxMessage)
        .insert({ enterpriseId: e.id, subject: `For ${e.number}`, body: "Body", sentAt: new Date(), readAt: null });
    }
    // An ended assignment and an audit event outside any enterprise: rows that exist, that no list shows.
    const removed = client.users[1];
    await gw.seed.as(client.mainAccessManager!, (s) => removeUser(s, { assignment: String(removed.assignmentId) }));
    await (
      await gw.client(stranger)
    ).request(gql`
      mutation {
        updateMyAccount(input: { language: FR }) {
          id
        }
      }
    `);
    const ownEvent = await gw.dataSource.getRepository(AuditEvent).findOneByOrFail({ action: "UPDATE_MY_ACCOUNT" });
    expect(await gw.dataSource.getRepository(RoleAssignment).findOneByOrFail({ id: removed.assignmentId })).toMatchObject({
      endedAt: expect.any(Date),
    });
    shownToNoOne = [encodeGlobalId("RoleAssignment", removed.assignmentId), encodeGlobalId("AuditEvent", ownEvent.id)];
    // An access review of the client: its access manager reviews the user, the main access manager every item.
    await (
      await gw.client(client.mainAccessManager!)
    ).request(
      gql`
        mutation ($e: EnterpriseNumber!, $dueAt: DateTime!) {
          startAccessReview(input: { enterprise: $e, dueAt: $dueAt, defaultDecision: KEEP }) {
            id
          }
        }
      `,
      { e: client.number, dueAt: new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString() },
    );

    const seen = new Set<string>(shownToNoOne);
    for (const viewer of everyone()) for (const id of await reachable(viewer)) seen.add(id);
    everyId = [...seen];
  });
  afterAll(() => gw?.stop());

  const enterprises = () => [client, provider, otherClient];
  const everyone = () => [
    ...enterprises().flatMap((e) => [
      e.legalRepresentative,
      e.mainAccessManager!,
      ...Object.values(e.accessManagers),
      ...e.users.map((u) => u.ssin),
    ]),
    stranger,
  ];

  /** The global ids the viewer meets through the fields that list Node types. */
  async function reachable(viewer: string): Promise<Set<string>> {
    const api = await gw.client(viewer);
    const found = nodeIds(await dataOf(api, walkMe));
    for (const e of enterprises()) {
      for (const document of [walkEnterprise, walkMessages, walkAudit, walkReviews])
        nodeIds(await dataOf(api, document, { e: e.number }), found);
    }
    return found;
  }

  async function visibleByNodes(viewer: string): Promise<Set<string>> {
    const { nodes } = await (
      await gw.client(viewer)
    ).request<{ nodes: ({ __typename: string; nodeId: string } | null)[] }>(askNodes, { ids: everyId });
    expect(nodes).toHaveLength(everyId.length);
    nodes.forEach((node, i) => {
      if (node) expect(node.nodeId).toBe(everyId[i]);
    });
    return new Set(nodes.flatMap((node) => (node ? [node.nodeId] : [])));
  }

  const typesOf = (ids: Iterable<string>) => new Set([...ids].map((id) => Buffer.from(id, "base64url").toString("utf8").split(":")[1]));

  it("meets every Node type in the scenario, so that the walk below covers each", () => {
    expect([...typesOf(everyId)].sort()).toEqual([...nodeTypeNames].sort());
  });

  it("answers every viewer exactly the objects the fields show them, and never an ended assignment or an event outside an enterprise", async () => {
    for (const viewer of everyone()) {
      const fields = await reachable(viewer);
      const nodes = await visibleByNodes(viewer);
      expect({ viewer, nodes: [...nodes].sort() }).toEqual({ viewer, nodes: [...fields].sort() });
      for (const hidden of shownToNoOne) expect(nodes.has(hidden)).toBe(false);
    }
  });

  it("answers a stranger null for every object but their own person, whatever its type", async () => {
    const api = await gw.client(stranger);
    const { me } = await api.request<{ me: { nodeId: string } }>(gql`
      {
        me {
          nodeId
        }
      }
    `);
    expect(await visibleByNodes(stranger)).toEqual(new Set([me.nodeId]));
    for (const id of everyId) {
      const { node } = await api.request<{ node: unknown }>(askNode, { id });
      expect(node).toEqual(id === me.nodeId ? { __typename: "Person", nodeId: me.nodeId } : null);
    }
  });

  it("gives the owners their objects: the enterprise, its people and mandate to its legal representative, its e-Box messages to a user, its audit trail to the main access manager", async () => {
    const legal = typesOf(await visibleByNodes(client.legalRepresentative));
    expect([...legal].sort()).toEqual([
      "AccessReview",
      "AccessReviewItem",
      "AuditEvent",
      "Enterprise",
      "Person",
      "RoleAssignment",
      "ServiceProviderMandate",
    ]);
    // The capacity's access manager reviews its users: the review and the user's item, not their own item.
    const reviewer = await visibleByNodes(client.accessManagers.EMPLOYER_NSSO);
    const items = (seen: Set<string>) => [...seen].filter((id) => typesOf([id]).has("AccessReviewItem"));
    expect(typesOf(reviewer).has("AccessReview")).toBe(true);
    expect(items(reviewer)).toHaveLength(1);
    expect(items(await visibleByNodes(client.mainAccessManager!))).toHaveLength(2);
    expect(typesOf(await visibleByNodes(client.users[0].ssin)).has("EBoxMessage")).toBe(true);
    expect(typesOf(await visibleByNodes(client.mainAccessManager!)).has("AuditEvent")).toBe(true);
  });

  it("shows a plain user and the other party of a mandate none of what only the enterprise's leaders see", async () => {
    const ofClient = await reachable(client.legalRepresentative);
    const ofProvider = await reachable(provider.legalRepresentative);
    const clientOnly = (seen: Set<string>) => [...seen].filter((id) => ofClient.has(id) && !ofProvider.has(id));
    const user = clientOnly(await visibleByNodes(client.users[0].ssin));
    expect(typesOf(user)).not.toContain("AuditEvent");
    expect(typesOf(user)).not.toContain("ServiceProviderMandate");
    expect(typesOf(user)).not.toContain("AccessReview");
    expect(typesOf(user)).not.toContain("AccessReviewItem");
    // Themself, the legal representative and the main access manager: no colleague.
    expect(user.filter((id) => typesOf([id]).has("Person"))).toHaveLength(3);
    // The provider's staff see the client enterprise and the mandate they act under, and no person or assignment of it.
    const staff = await visibleByNodes(provider.users[0].ssin);
    expect(clientOnly(staff)).toEqual([encodeGlobalId("Enterprise", client.id)]);
    const clientMandates = [...ofClient].filter((id) => typesOf([id]).has("ServiceProviderMandate"));
    expect(clientMandates).toHaveLength(1);
    expect(staff.has(clientMandates[0])).toBe(true);
    // The mandate names who appointed it, and its other party reads that person there, never by id (Person's narrow rule).
    const appointer = encodeGlobalId("Person", (await gw.seed.person(client.legalRepresentative)).id);
    const providerLegal = await gw.client(provider.legalRepresentative);
    const { node: mandate } = await providerLegal.request<{ node: { appointedBy: { nodeId: string } } | null }>(
      gql`
        query ($id: ID!) {
          node(id: $id) {
            ... on ServiceProviderMandate {
              appointedBy {
                nodeId
              }
            }
          }
        }
      `,
      { id: clientMandates[0] },
    );
    expect(mandate?.appointedBy.nodeId).toBe(appointer);
    expect((await providerLegal.request<{ node: unknown }>(askNode, { id: appointer })).node).toBeNull();
  });

  it("answers an unknown, a malformed and an invisible id with the same null", async () => {
    const api = await gw.client(client.users[0].ssin);
    const invisible = encodeGlobalId("Enterprise", otherClient.id);
    const unknown = encodeGlobalId("Person", 987654321);
    const answers = await Promise.all(
      [invisible, unknown, "not-a-global-id", "", "djE6RW50ZXJwcmlzZTpYWFg", encodeGlobalId("Enterprise", client.id).repeat(20)].map((id) =>
        api.rawRequest(askNode, { id }),
      ),
    );
    for (const answer of answers) expect({ data: answer.data, errors: answer.errors }).toEqual({ data: { node: null }, errors: undefined });
    // Each type's ids of an enterprise the caller cannot see, beside unknown ids of that type: the same answer.
    const theirs = everyId.filter((id) => !typesOf([id]).has("Person") && !typesOf([id]).has("Enterprise"));
    const unknownOfEachType = (
      ["RoleAssignment", "ServiceProviderMandate", "EBoxMessage", "AuditEvent", "AccessReview", "AccessReviewItem"] as const
    ).map((type) => encodeGlobalId(type, 987654321));
    const visible = await visibleByNodes(client.users[0].ssin);
    const hidden = theirs.filter((id) => !visible.has(id));
    expect(typesOf(hidden)).toEqual(
      new Set(["RoleAssignment", "ServiceProviderMandate", "EBoxMessage", "AuditEvent", "AccessReview", "AccessReviewItem"]),
    );
    for (const id of [...hidden, ...unknownOfEachType]) {
      const answer = await api.rawRequest(askNode, { id });
      expect({ id, data: answer.data, errors: answer.errors }).toEqual({ id, data: { node: null }, errors: undefined });
    }
  });

  it("refuses an anonymous caller and more than the bounded number of ids, changing nothing", async () => {
    await expectError((await gw.client()).request(askNode, { id: encodeGlobalId("Enterprise", client.id) }), { code: "UNAUTHENTICATED" });
    const api = await gw.client(client.legalRepresentative);
    const tooMany = Array.from({ length: maxNodeIds + 1 }, () => encodeGlobalId("Enterprise", client.id));
    await expectError(api.request(askNodes, { ids: tooMany }), { code: "BAD_USER_INPUT", field: "ids" });
    const { nodes } = await api.request<{ nodes: unknown[] }>(askNodes, { ids: tooMany.slice(1) });
    expect(nodes).toHaveLength(maxNodeIds);
  });
});
