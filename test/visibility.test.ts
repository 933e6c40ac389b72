import { ClientError, gql } from "graphql-request";
import { getNamedType, isObjectType, parse, TypeInfo, visit, visitWithTypeInfo, type GraphQLSchema } from "graphql";
import { addUser } from "../src/management/add-user";
import { configureStructuredMessaging } from "../src/management/configure-structured-messaging";
import { startAccessReview } from "../src/management/start-access-review";
import { buildGatewaySchema } from "../src/graphql/schema";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { graphql } from "./support/http";
import { ssin } from "./support/identities";
import type { SeededEnterprise } from "./support/seed";

/**
 * Who sees which person, on every path, on a need-to-know basis: the documents below reach every field of the schema
 * that returns a Person, and each kind of viewer walks them. What a viewer may see is stated as the set of national
 * numbers the answer contains.
 */
const person = `id ssin givenName familyName email phone language`;
const assignment = `role capacity { code } person { ${person} } grantedBy { ${person} }`;
const mandate = `status capacity { code } appointedBy { ${person} }`;
const partyFields = `
  number name status
  legalRepresentatives { ${person} }
  mainAccessManager { ${person} }
  capacities { capacity { code } status activatedBy { ${person} } }
  roleAssignments(first: 100) { totalCount edges { node { ${assignment} } } }
  eBox { status notificationEmail activatedBy { ${person} } }
  structuredMessaging { capacity { code } technicalContactEmail configuredBy { ${person} } }
  searched: roleAssignments(first: 5, search: $probe) { totalCount edges { node { ${assignment} } } }
`;
const walkEnterprise = `
  query Walk($e: EnterpriseNumber!, $probe: String!, $review: ID!) {
    enterprise(number: $e) {
      ${partyFields}
      accessReviews(first: 5) { totalCount edges { node { id items(first: 50) { totalCount edges { node { role person { ${person} } } } } } } nodes { items(first: 5) { nodes { person { ${person} } } } } }
      accessReview(id: $review) { items(first: 50) { totalCount nodes { role person { ${person} } } } }
      roleAssignments(first: 100) { totalCount edges { node { ${assignment} person { roles { ${assignment} enterprise { number } } } } } }
      serviceProviders { ${mandate} provider { ${partyFields} clients { ${mandate} client { number } } } }
      clients { ${mandate} client { ${partyFields} serviceProviders { ${mandate} provider { number } } } }
      ordered: roleAssignments(first: 20, orderBy: { field: FAMILY_NAME, direction: ASC }) { totalCount nodes { ${assignment} } }
      serviceProvidersConnection(first: 2) { totalCount nodes { ${mandate} provider { ${partyFields} clientsConnection(first: 5) { totalCount nodes { ${mandate} client { number } } } } } }
      clientsConnection(first: 3) { totalCount edges { node { ${mandate} client { ${partyFields} serviceProvidersConnection(first: 5) { totalCount nodes { ${mandate} provider { number } } } } } } }
    }
  }
`;
const walkAudit = `query Audit($e: EnterpriseNumber!) { enterprise(number: $e) { auditTrail(first: 100) { edges { node { action actor { ${person} } enterprise { number } } } nodes { actor { ${person} } } } } }`;
const walkExpiring = `query Expiring($e: EnterpriseNumber!) { enterprise(number: $e) { expiringSoon(within: 366) { kind assignment { ${assignment} } mandate { ${mandate} } } } }`;
const walkMe = `{ me { ${person} roles { ${assignment} } } }`;
const walkDecision = `query Can($e: EnterpriseNumber!) { can(enterprise: $e, task: USE_EBOX) { allowed via { ${assignment} } } }`;
const walkOwnAccount = `mutation { updateMyAccount(input: { language: FR }) { ${person} } }`;
const walkMutation = `mutation Add($input: AddUserInput!) { addUser(input: $input) { ${assignment} enterprise { number } } }`;
const walkBulk = `mutation AddMany($input: AddUsersInput!) { addUsers(input: $input, atomic: false) { items { index error { code } assignment { ${assignment} enterprise { number } person { roles { ${assignment} enterprise { number } } } } } } }`;
const walkRequests = `query Requests($e: EnterpriseNumber!) {
  enterprise(number: $e) { accessRequests(first: 100) { totalCount nodes { status requester { givenName familyName ssin } } } }
  edges: enterprise(number: $e) { accessRequests(first: 100) { edges { node { requester { ssin } } } } }
  myAccessRequests(first: 100) { totalCount nodes { status requester { givenName familyName ssin } } }
}`;
const walkEBox = `mutation Activate($input: ActivateEBoxInput!) { activateEBox(input: $input) { status activatedBy { ${person} } notificationEmail } }`;
// A back-end's full sync: every item it lists, with every person each item names (aliases where the union's types differ).
const walkDelta = `
  query Delta($token: String, $probe: String!) {
    accessDelta(token: $token, first: 10) {
      changes {
        enterprise
        item {
          __typename
          ... on Enterprise { ${partyFields} }
          ... on RoleAssignment { ${assignment} }
          ... on ServiceProviderMandate { mandateStatus: status appointedBy { ${person} } client { number } provider { number } }
          ... on EnterpriseCapacity { capacityStatus: status activatedBy { ${person} } }
          ... on EBox { eBoxStatus: status notificationEmail activatedBy { ${person} } }
          ... on AccessRequest { requestStatus: status requester { givenName familyName ssin } }
        }
      }
      nextToken
      deltaToken
    }
  }
`;

/** A type that shows a person: Person itself, or one that carries a national number (AccessRequester). */
function showsPerson(type: unknown): boolean {
  if (!type || typeof type !== "object" || !("name" in type)) return false;
  return type.name === "Person" || (isObjectType(type) && "ssin" in type.getFields());
}

/** Every (type, field) of the schema whose type shows a person, or a list of them. */
function personFields(schema: GraphQLSchema): string[] {
  return Object.values(schema.getTypeMap())
    .filter((type) => "getFields" in type && !type.name.startsWith("__") && !("parseValue" in type))
    .flatMap((type) =>
      Object.values((type as { getFields(): Record<string, { name: string; type: Parameters<typeof getNamedType>[0] }> }).getFields())
        .filter((field) => showsPerson(getNamedType(field.type)))
        .map((field) => `${type.name}.${field.name}`),
    )
    .sort();
}

/**
 * Every (type, field) of an object type other than the roots whose type leads to a Person, through any depth of
 * fields (a connection, its edges, a mandate): a new list of such objects on a type the walks visit must be walked too.
 */
function fieldsLeadingToPeople(schema: GraphQLSchema, visited: Set<string>): string[] {
  type Fields = Record<string, { name: string; type: Parameters<typeof getNamedType>[0] }>;
  const objectTypes = Object.values(schema.getTypeMap()).filter(
    (type) => "getFields" in type && !type.name.startsWith("__") && !("parseValue" in type) && !("getInterfaces" in type && false),
  ) as unknown as { name: string; getFields(): Fields }[];
  const leads = new Set(["Person", ...objectTypes.filter(showsPerson).map((type) => type.name)]);
  for (let grew = true; grew;) {
    grew = false;
    for (const type of objectTypes)
      if (!leads.has(type.name) && Object.values(type.getFields()).some((f) => leads.has(getNamedType(f.type)?.name ?? ""))) {
        leads.add(type.name);
        grew = true;
      }
  }
  const roots = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name, schema.getSubscriptionType()?.name]);
  return objectTypes
    .filter((type) => !roots.has(type.name) && visited.has(type.name))
    .flatMap((type) =>
      Object.values(type.getFields())
        .filter((field) => leads.has(getNamedType(field.type)?.name ?? ""))
        .map((field) => `${type.name}.${field.name}`),
    )
    .sort();
}

/** The (type, field) pairs that a set of documents selects. */
function selectedFields(schema: GraphQLSchema, documents: string[]): Set<string> {
  const selected = new Set<string>();
  for (const source of documents) {
    const typeInfo = new TypeInfo(schema);
    visit(
      parse(source),
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          const parent = typeInfo.getParentType();
          if (parent) selected.add(`${parent.name}.${node.name.value}`);
        },
      }),
    );
  }
  return selected;
}

type Json = null | string | number | boolean | Json[] | { [key: string]: Json };

/** Every national number in an answer, with the account data seen beside it. */
function people(answer: Json, found = new Map<string, { email: Json; phone: Json; language: Json }>()) {
  if (Array.isArray(answer)) for (const item of answer) people(item, found);
  else if (answer && typeof answer === "object") {
    if (typeof answer.ssin === "string")
      found.set(answer.ssin, { email: answer.email ?? null, phone: answer.phone ?? null, language: answer.language ?? null });
    for (const value of Object.values(answer)) people(value, found);
  }
  return found;
}

describe("the visibility documents", () => {
  it("reach every field of the schema that returns a person", () => {
    const schema = buildGatewaySchema({ shield: false });
    const covered = selectedFields(schema, [
      walkEnterprise,
      walkAudit,
      walkMe,
      walkDecision,
      walkOwnAccount,
      walkMutation,
      walkBulk,
      walkEBox,
      walkDelta,
      walkRequests,
    ]);
    const fields = personFields(schema);
    expect(fields).toContain("AccessRequest.requester");
    expect(fields.length).toBeGreaterThanOrEqual(10);
    expect(fields.filter((f) => !covered.has(f))).toEqual([]);
  });

  it("reach every field that leads to a person, through connections and mandates, on the types they visit", () => {
    const schema = buildGatewaySchema({ shield: false });
    const documents = [walkEnterprise, walkAudit, walkExpiring, walkMe, walkDecision, walkOwnAccount, walkMutation, walkEBox, walkRequests];
    const covered = selectedFields(schema, documents);
    const visited = new Set([...covered].map((f) => f.split(".")[0]));
    const fields = fieldsLeadingToPeople(schema, visited);
    expect(fields).toEqual(expect.arrayContaining(["Enterprise.clientsConnection", "Enterprise.serviceProvidersConnection"]));
    expect(fields.filter((f) => !covered.has(f))).toEqual([]);
  });
});

describeEachDatabase("who sees which person", (dialect) => {
  let gw: TestGateway;
  let provider: SeededEnterprise;
  let client: SeededEnterprise;
  let otherClient: SeededEnterprise;
  /** A user of the client added by an access manager (not by the main access manager). */
  let addedByManager: string;
  let providerUserWithoutServices: string;
  /** An open access review of the client, of every capacity. */
  let review: string;

  beforeAll(async () => {
    // The walk asks every path at once, the old lists and the connections beside them: more than a screen would.
    gw = await startTestGateway(dialect, { MAX_COST: "60000" });
    providerUserWithoutServices = ssin();
    provider = await gw.seed
      .enterprise({ name: "Payroll Bureau" })
      .withMainAccessManager()
      .active()
      .withCapacity("SOCIAL_SERVICE_PROVIDER")
      .withAccessManager("SOCIAL_SERVICE_PROVIDER")
      .withUser("SOCIAL_SERVICE_PROVIDER", ["DIMONA"])
      .withUser("SOCIAL_SERVICE_PROVIDER", [], providerUserWithoutServices)
      .build();
    client = await gw.seed
      .enterprise({ name: "Client Bakery" })
      .withMainAccessManager()
      .active()
      .withCapacity("ENTERPRISE_WITHOUT_STAFF")
      .withAccessManager("EMPLOYER_NSSO")
      .withAccessManager("ENTERPRISE_WITHOUT_STAFF")
      .withUser("EMPLOYER_NSSO", ["DIMONA"])
      .withUser("ENTERPRISE_WITHOUT_STAFF", ["LIMOSA"])
      .withEBox("bakery-ebox@example.be")
      .withServiceProvider(provider, "EMPLOYER_NSSO")
      .build();
    otherClient = await gw.seed
      .enterprise({ name: "Other Client" })
      .withMainAccessManager()
      .active()
      .withUser("EMPLOYER_NSSO", ["DMFA"])
      .withServiceProvider(provider, "EMPLOYER_NSSO")
      .build();
    addedByManager = ssin();
    await gw.seed.as(client.accessManagers.EMPLOYER_NSSO, (s) =>
      addUser(s, {
        enterprise: client.number,
        capacity: "EMPLOYER_NSSO",
        onlineServices: ["DMFA"],
        person: { ssin: addedByManager, givenName: "Added", familyName: "By Manager" },
      }),
    );
    for (const capacity of ["EMPLOYER_NSSO", "ENTERPRISE_WITHOUT_STAFF"]) {
      await gw.seed.as(client.accessManagers[capacity], (s) =>
        configureStructuredMessaging(s, {
          enterprise: client.number,
          capacity,
          channel: "SFTP",
          technicalContactEmail: `tech-${capacity.toLowerCase()}@example.be`,
        }),
      );
    }
    review = String(
      (
        await gw.seed.as(client.mainAccessManager!, (s) =>
          startAccessReview(s, { enterprise: client.number, dueAt: new Date(Date.now() + 30 * 86_400_000), defaultDecision: "KEEP" }),
        )
      ).id,
    );
    // Account data that only its owner may read.
    for (const owner of [client.users[0].ssin, client.legalRepresentative, provider.accessManagers.SOCIAL_SERVICE_PROVIDER]) {
      await (
        await gw.client(owner)
      ).request(gql`
        mutation {
          updateMyAccount(input: { email: "owner@example.be", phone: "+32 2 123 45 67", language: DE }) {
            id
          }
        }
      `);
    }
  });
  afterAll(() => gw?.stop());

  /** The national number every walk searches for: a user of the client whom only some viewers may list. */
  const probe = () => client.users[0].ssin;
  const walk = async (viewer: string, number: string) =>
    (await gw.client(viewer)).request<{ enterprise: Json }>(walkEnterprise, { e: number, probe: probe(), review });
  const seenBy = async (viewer: string, number = client.number) => people((await walk(viewer, number)) as Json);
  const ssins = (seen: Map<string, unknown>) => [...seen.keys()].sort();
  const clientPeople = () => [
    client.legalRepresentative,
    client.mainAccessManager!,
    client.accessManagers.EMPLOYER_NSSO,
    client.accessManagers.ENTERPRISE_WITHOUT_STAFF,
    ...client.users.map((u) => u.ssin),
    addedByManager,
  ];

  it("shows the legal representative and the main access manager every person of the enterprise and nobody of the provider but through the mandate", async () => {
    for (const viewer of [client.legalRepresentative, client.mainAccessManager!]) {
      expect(ssins(await seenBy(viewer))).toEqual([...clientPeople()].sort());
    }
  });

  it("shows an access manager the people of their own capacity, the legal representatives and the main access manager, no one else", async () => {
    const manager = client.accessManagers.EMPLOYER_NSSO;
    const expected = [
      client.legalRepresentative,
      client.mainAccessManager!,
      manager,
      client.users.find((u) => u.capacity === "EMPLOYER_NSSO")!.ssin,
      addedByManager,
    ];
    expect(ssins(await seenBy(manager))).toEqual(expected.sort());
    const answer = (await walk(manager, client.number)).enterprise as {
      structuredMessaging: { capacity: { code: string } }[];
      eBox: { notificationEmail: string | null };
    };
    expect(answer.structuredMessaging.map((c) => c.capacity.code)).toEqual(["EMPLOYER_NSSO"]);
    expect(answer.eBox.notificationEmail).toBeNull();
  });

  it("shows the items of an access review to who may decide them, every item to the legal side, and none to a user", async () => {
    const reviewed = async (viewer: string) => {
      const answer = (await walk(viewer, client.number)).enterprise as {
        accessReview: { items: { nodes: { person: { ssin: string } }[] } } | null;
      } | null;
      return answer?.accessReview?.items.nodes.map((i) => i.person.ssin).sort() ?? null;
    };
    // Every role below the main access manager: the access managers and the users, never the main access manager's own.
    const below = clientPeople().filter((p) => p !== client.legalRepresentative && p !== client.mainAccessManager);
    for (const viewer of [client.legalRepresentative, client.mainAccessManager!]) expect(await reviewed(viewer)).toEqual(below.sort());
    // An access manager: the users of their capacity, not their own role, not a colleague access manager's.
    expect(await reviewed(client.accessManagers.EMPLOYER_NSSO)).toEqual(
      [client.users.find((u) => u.capacity === "EMPLOYER_NSSO")!.ssin, addedByManager].sort(),
    );
    for (const viewer of [client.users[0].ssin, addedByManager]) expect(await reviewed(viewer)).toBeNull();
    for (const staff of [provider.accessManagers.SOCIAL_SERVICE_PROVIDER, provider.users[0].ssin]) expect(await reviewed(staff)).toBeNull();
  });

  it("shows a user their own assignments, the legal representatives and the main access manager, and no colleague, not even who added them", async () => {
    const user = client.users.find((u) => u.capacity === "EMPLOYER_NSSO")!.ssin;
    expect(ssins(await seenBy(user))).toEqual([client.legalRepresentative, client.mainAccessManager!, user].sort());
    expect(ssins(await seenBy(addedByManager))).toEqual([client.legalRepresentative, client.mainAccessManager!, addedByManager].sort());
    const answer = (await walk(addedByManager, client.number)).enterprise as {
      roleAssignments: { totalCount: number; edges: { node: { person: { ssin: string }; grantedBy: unknown } }[] };
      structuredMessaging: unknown[];
      eBox: { status: string; notificationEmail: unknown; activatedBy: unknown };
      serviceProviders: unknown[];
    };
    const own = answer.roleAssignments.edges.find((e) => e.node.person.ssin === addedByManager)!;
    expect(own.node.grantedBy).toBeNull();
    // Two legal-side roles (legal representative, main access manager) and their own: the total counts what they may list.
    expect(answer.roleAssignments.totalCount).toBe(3);
    expect(answer.structuredMessaging).toEqual([]);
    expect(answer.eBox).toEqual({ status: "ACTIVE", notificationEmail: null, activatedBy: null });
    expect(answer.serviceProviders).toEqual([]);
  });

  it("shows the provider's staff the client's number, name, status, capacities and the mandate with who appointed it, and no other person of the client", async () => {
    for (const staff of [provider.accessManagers.SOCIAL_SERVICE_PROVIDER, provider.users[0].ssin, providerUserWithoutServices]) {
      const answer = (await walk(staff, client.number)).enterprise as Record<string, Json>;
      expect(answer).toMatchObject({
        number: client.display,
        name: "Client Bakery",
        status: "ACTIVE",
        legalRepresentatives: [],
        mainAccessManager: null,
        roleAssignments: { totalCount: 0, edges: [] },
        structuredMessaging: [],
        eBox: { notificationEmail: null, activatedBy: null },
        clients: [],
      });
      expect((answer.capacities as { activatedBy: unknown }[]).every((c) => c.activatedBy === null)).toBe(true);
      // The mandate, with the client's legal representative who appointed it: the one person of the client they see.
      expect(answer.serviceProviders).toEqual([
        expect.objectContaining({ status: "ACTIVE", appointedBy: expect.objectContaining({ ssin: client.legalRepresentative }) }),
      ]);
      expect(ssins(people(answer as Json))).toEqual(
        expect.not.arrayContaining(clientPeople().filter((p) => p !== client.legalRepresentative)),
      );
    }
  });

  it("shows a provider's staff member without any online service their own assignment, the legal representatives and the main access manager of the provider, no colleague", async () => {
    expect(ssins(await seenBy(providerUserWithoutServices, provider.number))).toEqual(
      [
        provider.legalRepresentative,
        provider.mainAccessManager!,
        providerUserWithoutServices,
        ...[client, otherClient].map((c) => c.legalRepresentative),
      ].sort(),
    );
  });

  it("shows the client's legal representative the provider by number, name, status and capacities, and only their own mandate with it", async () => {
    const answer = (await walk(client.legalRepresentative, client.number)).enterprise as {
      serviceProviders: { provider: Record<string, Json> }[];
    };
    const { provider: seen } = answer.serviceProviders[0];
    expect(seen).toMatchObject({
      number: provider.display,
      name: "Payroll Bureau",
      legalRepresentatives: [],
      mainAccessManager: null,
      roleAssignments: { totalCount: 0, edges: [] },
    });
    expect(seen.clients).toEqual([expect.objectContaining({ client: { number: client.display } })]);
    expect(ssins(people(seen as Json))).toEqual([client.legalRepresentative]);
  });

  it("shows the provider's legal representative its clients as parties of a mandate only", async () => {
    const answer = (await walk(provider.legalRepresentative, provider.number)).enterprise as {
      clients: { client: Record<string, Json> }[];
    };
    expect(answer.clients.map((m) => m.client.number).sort()).toEqual([client.display, otherClient.display].sort());
    for (const { client: seen } of answer.clients) {
      expect(seen).toMatchObject({
        legalRepresentatives: [],
        mainAccessManager: null,
        roleAssignments: { totalCount: 0 },
        structuredMessaging: [],
      });
    }
    // The client is not one of theirs: it stays invisible by number.
    expect((await walk(provider.legalRepresentative, client.number)).enterprise).toBeNull();
  });

  it("shows, through accessDelta, no person and no account data that the enterprise's own fields do not show the same viewer", async () => {
    const viewers = [
      client.legalRepresentative,
      client.mainAccessManager!,
      client.accessManagers.EMPLOYER_NSSO,
      client.users[0].ssin,
      addedByManager,
      provider.legalRepresentative,
      provider.accessManagers.SOCIAL_SERVICE_PROVIDER,
      provider.users[0].ssin,
      providerUserWithoutServices,
    ];
    for (const viewer of viewers) {
      const changes: Json[] = [];
      let token: string | null = null;
      do {
        const { accessDelta: page }: { accessDelta: { changes: Json[]; nextToken: string | null } } = await (
          await gw.client(viewer)
        ).request(walkDelta, { token, probe: probe() });
        changes.push(...page.changes);
        token = page.nextToken;
      } while (token);
      const enterprises = [...new Set(changes.map((c) => (c as { enterprise: string }).enterprise))];
      expect(enterprises.length).toBeGreaterThan(0);
      const shown = new Map<string, unknown>();
      for (const number of enterprises) for (const [seen, account] of await seenBy(viewer, number)) shown.set(seen, account);
      const delta = people(changes);
      expect([viewer, [...delta.keys()].filter((seen) => !shown.has(seen))]).toEqual([viewer, []]);
      for (const [seen, account] of delta) expect([viewer, seen, account]).toEqual([viewer, seen, shown.get(seen)]);
    }
    const stranger = await (
      await gw.client(ssin())
    ).request<{ accessDelta: { changes: Json[] } }>(walkDelta, { token: null, probe: probe() });
    expect(stranger.accessDelta.changes).toEqual([]);
  });

  it("shows access requests only to their requester and to those who decide them, the national number as the table says", async () => {
    const asker = ssin();
    await gw.seed.person(asker, { givenName: "Asking", familyName: "Person" });
    await (
      await gw.client(asker)
    ).request(
      `mutation ($e: EnterpriseNumber!) { requestAccess(input: { enterprise: $e, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"] }) { id } }`,
      {
        e: client.number,
      },
    );
    type Requests = { totalCount: number; nodes: { requester: { givenName: string; ssin: string | null } }[] };
    const requests = async (viewer: string) => {
      const answer = await (
        await gw.client(viewer)
      )
        .rawRequest<{ enterprise: { accessRequests: Requests } | null; myAccessRequests: Requests }>(walkRequests, { e: client.number })
        .catch(
          (error: {
            response: {
              data: { enterprise: { accessRequests: Requests } | null; myAccessRequests: Requests };
              errors: { extensions: { code: string } }[];
            };
          }) => ({
            data: error.response.data,
            errors: error.response.errors,
          }),
        );
      return {
        listed: answer.data.enterprise?.accessRequests ?? null,
        mine: answer.data.myAccessRequests.totalCount,
        refused: (answer.errors ?? []).map((e) => e.extensions.code),
      };
    };
    // Those who decide: the main access manager with the national number, the capacity's access manager with names only.
    expect(await requests(client.mainAccessManager!)).toEqual({
      listed: { totalCount: 1, nodes: [{ status: "PENDING", requester: { givenName: "Asking", familyName: "Person", ssin: asker } }] },
      mine: 0,
      refused: [],
    });
    expect(await requests(client.accessManagers.EMPLOYER_NSSO)).toEqual({
      listed: { totalCount: 1, nodes: [{ status: "PENDING", requester: { givenName: "Asking", familyName: "Person", ssin: null } }] },
      mine: 0,
      refused: [],
    });
    expect((await requests(client.accessManagers.ENTERPRISE_WITHOUT_STAFF)).listed).toMatchObject({ totalCount: 0 });
    // Everyone else of the enterprise or acting for it is refused (once per alias); a stranger does not see the enterprise.
    for (const viewer of [client.legalRepresentative, probe(), provider.accessManagers.SOCIAL_SERVICE_PROVIDER, provider.users[0].ssin])
      expect([viewer, await requests(viewer)]).toEqual([
        viewer,
        { listed: { totalCount: 0, nodes: [] }, mine: 0, refused: ["FORBIDDEN", "FORBIDDEN"] },
      ]);
    expect(await requests(ssin())).toEqual({ listed: null, mine: 0, refused: [] });
    // The requester sees their own, with their own national number.
    expect(await requests(asker)).toEqual({ listed: null, mine: 1, refused: [] });
    const own = await (await gw.client(asker)).request<{ myAccessRequests: Requests }>(walkRequests, { e: client.number });
    expect(own.myAccessRequests.nodes).toEqual([
      { status: "PENDING", requester: { givenName: "Asking", familyName: "Person", ssin: asker } },
    ]);
    // Through accessDelta: the requester's own request, as myAccessRequests shows it; nobody else's delta holds it.
    type DeltaItems = { accessDelta: { changes: { item: { __typename: string; requestStatus?: string; requester?: unknown } }[] } };
    const deltaRequests = async (viewer: string) =>
      (await (await gw.client(viewer)).request<DeltaItems>(walkDelta, { token: null, probe: probe() })).accessDelta.changes
        .map((c) => c.item)
        .filter((item) => item.__typename === "AccessRequest");
    expect(await deltaRequests(asker)).toEqual([
      { __typename: "AccessRequest", requestStatus: "PENDING", requester: { givenName: "Asking", familyName: "Person", ssin: asker } },
    ]);
    for (const viewer of [client.mainAccessManager!, client.accessManagers.EMPLOYER_NSSO, client.legalRepresentative, ssin()])
      expect([viewer, await deltaRequests(viewer)]).toEqual([viewer, []]);
  });

  it("shows a stranger nothing", async () => {
    expect((await walk(ssin(), client.number)).enterprise).toBeNull();
  });

  it("finds a person by national number only for viewers who may list them, and counts nothing for the others", async () => {
    type Searched = { searched: { totalCount: number } };
    const count = async (viewer: string, number = client.number) =>
      ((await walk(viewer, number)).enterprise as Searched | null)?.searched.totalCount ?? null;
    for (const viewer of [client.legalRepresentative, client.mainAccessManager!, client.accessManagers.EMPLOYER_NSSO, probe()])
      expect(await count(viewer)).toBe(1);
    const others = [
      client.accessManagers.ENTERPRISE_WITHOUT_STAFF,
      addedByManager,
      client.users.find((u) => u.capacity === "ENTERPRISE_WITHOUT_STAFF")!.ssin,
      provider.accessManagers.SOCIAL_SERVICE_PROVIDER,
      provider.users[0].ssin,
    ];
    for (const viewer of others) expect(await count(viewer)).toBe(0);
    expect(await count(ssin())).toBeNull();
  });

  it("shows in the expiring rights no one the viewer may not list", async () => {
    for (const viewer of [client.legalRepresentative, client.accessManagers.EMPLOYER_NSSO]) {
      const answer = await (await gw.client(viewer)).request<{ enterprise: Json }>(walkExpiring, { e: client.number });
      expect(ssins(await seenBy(viewer))).toEqual(expect.arrayContaining(ssins(people(answer as Json))));
    }
  });

  it("shows a person's e-mail, phone and language to that person alone", async () => {
    const owner = client.users[0].ssin;
    for (const viewer of [client.legalRepresentative, client.mainAccessManager!, client.accessManagers.EMPLOYER_NSSO]) {
      const seen = await seenBy(viewer);
      expect(seen.get(owner)).toEqual({ email: null, phone: null, language: "NL" });
      expect(seen.get(viewer === client.legalRepresentative ? client.mainAccessManager! : client.legalRepresentative)).toEqual({
        email: null,
        phone: null,
        language: "NL",
      });
    }
    expect((await seenBy(owner)).get(owner)).toEqual({ email: "owner@example.be", phone: "+32 2 123 45 67", language: "DE" });
    const me = await (await gw.client(owner)).request<{ me: Json }>(walkMe);
    expect(people(me as Json).get(owner)).toEqual({ email: "owner@example.be", phone: "+32 2 123 45 67", language: "DE" });
  });

  it("lets the audit trail's readers see every actor, and no one else read it", async () => {
    const audit = await (await gw.client(client.mainAccessManager!)).request<{ enterprise: Json }>(walkAudit, { e: client.number });
    expect(ssins(people(audit as Json))).toEqual(
      expect.arrayContaining([client.legalRepresentative, client.mainAccessManager!, client.accessManagers.EMPLOYER_NSSO]),
    );
    for (const viewer of [client.accessManagers.EMPLOYER_NSSO, client.users[0].ssin, provider.accessManagers.SOCIAL_SERVICE_PROVIDER]) {
      // The trail answers empty beside its refusal: no actor reaches them.
      const refused = await graphql(gw.url, walkAudit, { token: await gw.token(viewer), variables: { e: client.number } });
      expect(refused.json?.data).toEqual({ enterprise: { auditTrail: { edges: [], nodes: [] } } });
      expect(refused.json?.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    }
  });

  it("names only the viewer's own assignments in a decision", async () => {
    const user = client.users[0].ssin;
    const { can } = await (
      await gw.client(user)
    ).request<{ can: { allowed: boolean; via: { person: { ssin: string }; grantedBy: { ssin: string } | null }[] } }>(walkDecision, {
      e: client.number,
    });
    expect(can.allowed).toBe(true);
    expect(can.via.map((a) => a.person.ssin)).toEqual([user]);
    // Added by the main access manager, whom a user may see.
    expect(can.via.map((a) => a.grantedBy?.ssin)).toEqual([client.mainAccessManager]);
  });

  it("answers a manager who adds a known person without that person's account data, and without their roles elsewhere", async () => {
    const victim = client.users[0].ssin;
    const elsewhere = await gw.seed.enterprise().withMainAccessManager().active().build();
    const answer = await (
      await gw.client(elsewhere.mainAccessManager!)
    ).request<{ addUser: Json }>(walkMutation, {
      input: {
        enterprise: elsewhere.number,
        capacity: "EMPLOYER_NSSO",
        onlineServices: ["DIMONA"],
        person: { ssin: victim, givenName: "Any", familyName: "Name", email: "attacker@example.be" },
      },
    });
    expect(people(answer.addUser).get(victim)).toEqual({ email: null, phone: null, language: "NL" });
    const roles = await (
      await gw.client(elsewhere.mainAccessManager!)
    ).request<{
      enterprise: { roleAssignments: { edges: { node: { person: { ssin: string; roles: { enterprise: { number: string } }[] } } }[] } };
    }>(
      gql`
        query ($e: EnterpriseNumber!) {
          enterprise(number: $e) {
            roleAssignments(role: USER) {
              edges {
                node {
                  person {
                    ssin
                    roles {
                      enterprise {
                        number
                      }
                    }
                  }
                }
              }
            }
          }
        }
      `,
      { e: elsewhere.number },
    );
    expect(roles.enterprise.roleAssignments.edges.map((e) => e.node.person)).toEqual([
      { ssin: victim, roles: [{ enterprise: { number: elsewhere.display } }] },
    ]);
  });

  it("answers a manager who adds known people in bulk without their account data, and without their roles elsewhere", async () => {
    const victim = client.users[1].ssin;
    await (
      await gw.client(victim)
    ).request(gql`
      mutation {
        updateMyAccount(input: { email: "victim@example.be", phone: "+32 470 00 00 00" }) {
          id
        }
      }
    `);
    const elsewhere = await gw.seed.enterprise().withMainAccessManager().active().build();
    const stranger = ssin();
    const answer = await (
      await gw.client(elsewhere.mainAccessManager!)
    ).request<{ addUsers: { items: Json[] } }>(walkBulk, {
      input: {
        enterprise: elsewhere.number,
        capacity: "EMPLOYER_NSSO",
        users: [victim, stranger].map((s) => ({
          person: { ssin: s, givenName: "Any", familyName: "Name", email: "attacker@example.be" },
          onlineServices: ["DIMONA"],
        })),
      },
    });
    const seen = people(answer.addUsers.items as Json);
    expect(seen.get(victim)).toEqual({ email: null, phone: null, language: "NL" });
    expect([...seen.keys()].sort()).toEqual([elsewhere.mainAccessManager!, stranger, victim].sort());
    const roles = (
      answer.addUsers.items as { assignment: { person: { ssin: string; roles: { enterprise: { number: string } }[] } } }[]
    ).map((i) => i.assignment.person.roles.map((r) => r.enterprise.number));
    expect(roles).toEqual([[elsewhere.display], [elsewhere.display]]);
  });

  it("shows the legal representative who activates the e-Box its address and themself as activator", async () => {
    const fresh = await gw.seed.enterprise().withMainAccessManager().active().build();
    const { activateEBox } = await (
      await gw.client(fresh.legalRepresentative)
    ).request<{ activateEBox: Json }>(walkEBox, {
      input: { enterprise: fresh.number, notificationEmail: "fresh@example.be" },
    });
    expect(activateEBox).toMatchObject({
      status: "ACTIVE",
      notificationEmail: "fresh@example.be",
      activatedBy: { ssin: fresh.legalRepresentative },
    });
  });

  describe("a committed mutation whose answer asks for a field the caller may not read", () => {
    it("answers the result, with the refused field empty and a FORBIDDEN error at its path", async () => {
      const manager = client.accessManagers.EMPLOYER_NSSO;
      const added = ssin();
      let caught: unknown;
      try {
        await (
          await gw.client(manager)
        ).request(
          gql`
            mutation ($input: AddUserInput!) {
              addUser(input: $input) {
                role
                person {
                  ssin
                }
                enterprise {
                  number
                  auditTrail {
                    totalCount
                  }
                }
              }
            }
          `,
          {
            input: {
              enterprise: client.number,
              capacity: "EMPLOYER_NSSO",
              onlineServices: ["DIMONA"],
              person: { ssin: added, givenName: "Partial", familyName: "Answer" },
            },
          },
        );
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ClientError);
      const { data, errors } = (caught as ClientError).response as unknown as {
        data: Json;
        errors: { path: Json; extensions: Record<string, Json> }[];
      };
      expect(data).toEqual({
        addUser: { role: "USER", person: { ssin: added }, enterprise: { number: client.display, auditTrail: { totalCount: 0 } } },
      });
      expect(errors).toEqual([
        expect.objectContaining({
          path: ["addUser", "enterprise", "auditTrail"],
          extensions: expect.objectContaining({ code: "FORBIDDEN" }),
        }),
      ]);
      // Committed: the user is there.
      const seen = await seenBy(manager);
      expect(seen.has(added)).toBe(true);
    });

    it("answers the same field in a query empty too, with the same refusal at its path", async () => {
      const answer = await graphql(
        gw.url,
        "query ($e: EnterpriseNumber!) { enterprise(number: $e) { number auditTrail { totalCount } } }",
        { token: await gw.token(client.accessManagers.EMPLOYER_NSSO), variables: { e: client.number } },
      );
      expect(answer.json?.data).toEqual({ enterprise: { number: client.display, auditTrail: { totalCount: 0 } } });
      expect(answer.json?.errors).toEqual([
        expect.objectContaining({ path: ["enterprise", "auditTrail"], extensions: expect.objectContaining({ code: "FORBIDDEN" }) }),
      ]);
    });
  });
});
