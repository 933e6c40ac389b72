import { isDeepStrictEqual } from "node:util";
import { ApolloClient, HttpLink, InMemoryCache, gql as apolloGql } from "@apollo/client";
import { relayStylePagination } from "@apollo/client/utilities";
import { gql } from "graphql-request";
import { EBoxMessage, RoleAssignment } from "../src/domain/entities";
import { appointServiceProvider } from "../src/management/appoint-service-provider";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { ssin } from "./support/identities";
import type { SeededEnterprise } from "./support/seed";

const assignmentsPage = gql`
  query ($e: EnterpriseNumber!, $after: String) {
    enterprise(number: $e) {
      roleAssignments(first: 2, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            id
          }
        }
      }
    }
  }
`;
const messagesPage = gql`
  query ($e: EnterpriseNumber!, $after: String) {
    enterprise(number: $e) {
      eBox {
        messages(first: 2, after: $after) {
          pageInfo {
            hasNextPage
            endCursor
          }
          edges {
            node {
              id
              subject
            }
          }
        }
      }
    }
  }
`;
type Page<Node = { id: string }> = { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: Node }[] };

/** Keyset cursors: rows added while a client pages through a list neither repeat nor hide the others. */
describeEachDatabase("pagination", (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.stop());

  it("keeps role-assignment pages stable when users are added between pages", async () => {
    const e = await gw.seed
      .enterprise()
      .withMainAccessManager()
      .active()
      .withUser("EMPLOYER_NSSO", ["DIMONA"])
      .withUser("EMPLOYER_NSSO", ["DMFA"])
      .build();
    const main = await gw.client(e.mainAccessManager!);
    const before = (
      await main.request<{ enterprise: { roleAssignments: Page & { totalCount: number } } }>(
        gql`
          query ($e: EnterpriseNumber!) {
            enterprise(number: $e) {
              roleAssignments(first: 100) {
                totalCount
                pageInfo {
                  hasNextPage
                  endCursor
                }
                edges {
                  node {
                    id
                  }
                }
              }
            }
          }
        `,
        { e: e.number },
      )
    ).enterprise.roleAssignments;
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const { enterprise }: { enterprise: { roleAssignments: Page } } = await main.request(assignmentsPage, { e: e.number, after });
      seen.push(...enterprise.roleAssignments.edges.map((x) => x.node.id));
      if (page === 0) {
        await main.request(
          gql`
            mutation ($input: AddUserInput!) {
              addUser(input: $input) {
                id
              }
            }
          `,
          {
            input: {
              enterprise: e.number,
              capacity: "EMPLOYER_NSSO",
              onlineServices: [],
              person: { ssin: ssin(), givenName: "Late", familyName: "Comer" },
            },
          },
        );
      }
      if (!enterprise.roleAssignments.pageInfo.hasNextPage) break;
      after = enterprise.roleAssignments.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, before.totalCount)).toEqual(before.edges.map((x) => x.node.id));
    expect(seen).toHaveLength(before.totalCount + 1);
  });

  it("keeps e-Box pages, newest first, stable when messages arrive between pages", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().withEBox().build();
    const deliver = (subject: string) =>
      gw.dataSource.getRepository(EBoxMessage).insert({ enterpriseId: e.id, subject, body: "Body", sentAt: new Date(), readAt: null });
    for (const subject of ["one", "two", "three", "four"]) await deliver(subject);
    const reader = await gw.client(e.mainAccessManager!);
    const subjects: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const { enterprise }: { enterprise: { eBox: { messages: Page<{ id: string; subject: string }> } } } = await reader.request(
        messagesPage,
        { e: e.number, after },
      );
      subjects.push(...enterprise.eBox.messages.edges.map((x) => x.node.subject));
      if (page === 0) await deliver("arrived while paging");
      if (!enterprise.eBox.messages.pageInfo.hasNextPage) break;
      after = enterprise.eBox.messages.pageInfo.endCursor;
    }
    expect(subjects).toEqual(["four", "three", "two", "one", "Welcome to your e-Box"]);
  });
});

/** A window as Relay's connection arguments ask it, on a list whose cursors the test knows. */
interface Window {
  take: "first" | "last";
  size: number;
  after: number | null;
  before: number | null;
}
type PageAnswer = {
  totalCount: number;
  nodes: { id: string }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
};
type Listed = { id: string; cursor: string }[];

/**
 * What Relay's connection spec (ApplyCursorsToEdges, then first or last; hasNextPage and hasPreviousPage from the
 * edges beyond the slice and beyond the cursors) answers for a window of a list, positions given as indexes.
 */
function expectedPage(list: Listed, { take, size, after, before }: Window): PageAnswer {
  const start = after === null ? 0 : after + 1;
  const end = before === null ? list.length : before;
  const inside = list.slice(start, Math.max(start, end));
  const page = take === "first" ? inside.slice(0, size) : inside.slice(Math.max(0, inside.length - size));
  return {
    totalCount: list.length,
    nodes: page.map(({ id }) => ({ id })),
    pageInfo: {
      hasNextPage: (take === "first" && inside.length > size) || end < list.length,
      hasPreviousPage: (take === "last" && inside.length > size) || start > 0,
      startCursor: page[0]?.cursor ?? null,
      endCursor: page.at(-1)?.cursor ?? null,
    },
  };
}

/**
 * The windows of a list of n: no cursor or one at either end, next to either end or in the middle, on either side;
 * first and last, of sizes 0, 1, 2 and n.
 */
function everyWindow(n: number): Window[] {
  const positions = [null, ...new Set([0, 1, Math.floor(n / 2), n - 2, n - 1])];
  const windows: Window[] = [];
  for (const take of ["first", "last"] as const)
    for (const size of [0, 1, 2, n])
      for (const after of positions) for (const before of positions) windows.push({ take, size, after, before });
  return windows;
}

const arguments_ = (list: Listed, { take, size, after, before }: Window) =>
  [
    `${take}: ${size}`,
    after === null ? "" : `, after: "${list[after].cursor}"`,
    before === null ? "" : `, before: "${list[before].cursor}"`,
  ].join("");

const pageSelection = "{ totalCount nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }";

/** The connections of the API, each with how to ask for windows of it in one document (aliases) and read them back. */
const connections = {
  roleAssignments: {
    wrap: (fields: string) => `query ($e: EnterpriseNumber!) { enterprise(number: $e) { ${fields} } }`,
    field: "roleAssignments",
    read: (data: Record<string, unknown>) => data.enterprise as Record<string, PageAnswer>,
  },
  auditTrail: {
    wrap: (fields: string) => `query ($e: EnterpriseNumber!) { enterprise(number: $e) { ${fields} } }`,
    field: "auditTrail",
    read: (data: Record<string, unknown>) => data.enterprise as Record<string, PageAnswer>,
  },
  messages: {
    wrap: (fields: string) => `query ($e: EnterpriseNumber!) { enterprise(number: $e) { eBox { ${fields} } } }`,
    field: "messages",
    // The e-Box is read with USE_EBOX, which the main access manager holds and the legal representative does not.
    byManager: true,
    read: (data: Record<string, unknown>) => (data.enterprise as { eBox: Record<string, PageAnswer> }).eBox,
  },
  myEnterprisesConnection: {
    wrap: (fields: string) => `query ($e: EnterpriseNumber!) { ${fields} ignored: enterprise(number: $e) { number } }`,
    field: "myEnterprisesConnection",
    read: (data: Record<string, unknown>) => data as Record<string, PageAnswer>,
  },
  // Each ordering of roleAssignments has cursors of its own; ties (the same granted at, no validUntil) are broken by id.
  ...Object.fromEntries(
    ["FAMILY_NAME", "GRANTED_AT", "VALID_UNTIL"].flatMap((order) =>
      ["ASC", "DESC"].map((direction) => [
        `roleAssignments ordered by ${order} ${direction}`,
        {
          wrap: (fields: string) => `query ($e: EnterpriseNumber!) { enterprise(number: $e) { ${fields} } }`,
          field: "roleAssignments",
          arguments: `orderBy: { field: ${order}, direction: ${direction} }, `,
          read: (data: Record<string, unknown>) => data.enterprise as Record<string, PageAnswer>,
        },
      ]),
    ),
  ),
  "roleAssignments searched": {
    wrap: (fields: string) => `query ($e: EnterpriseNumber!) { enterprise(number: $e) { ${fields} } }`,
    field: "roleAssignments",
    arguments: `search: "number", `,
    read: (data: Record<string, unknown>) => data.enterprise as Record<string, PageAnswer>,
  },
  serviceProvidersConnection: {
    wrap: (fields: string) => `query ($e: EnterpriseNumber!) { enterprise(number: $e) { ${fields} } }`,
    field: "serviceProvidersConnection",
    read: (data: Record<string, unknown>) => data.enterprise as Record<string, PageAnswer>,
  },
  clientsConnection: {
    wrap: (fields: string) => `query ($e: EnterpriseNumber!) { enterprise(number: $e) { ${fields} } }`,
    field: "clientsConnection",
    // The provider's list, as its legal representative sees it.
    ofProvider: true,
    read: (data: Record<string, unknown>) => data.enterprise as Record<string, PageAnswer>,
  },
} as Record<
  string,
  {
    wrap: (fields: string) => string;
    field: string;
    arguments?: string;
    byManager?: boolean;
    ofProvider?: boolean;
    read: (data: Record<string, unknown>) => Record<string, PageAnswer>;
  }
>;

describeEachDatabase("paging both ways", (dialect) => {
  // Room for one document asking every window of a list at once (hundreds of pages, each its own reads: time too).
  const roomy = { MAX_ALIASES: "5000", MAX_ROOT_FIELDS: "5000", MAX_TOKENS: "1000000", MAX_COST: "10000000", REQUEST_TIMEOUT_MS: "120000" };
  let gw: TestGateway;
  let withoutModels: TestGateway;
  let e: SeededEnterprise;
  let owner: string;
  let provider: SeededEnterprise;
  let providerOwner: string;

  beforeAll(async () => {
    gw = await startTestGateway(dialect, roomy);
    withoutModels = await startTestGateway(dialect, { ...roomy, ENTERPRISE_CACHE_ROWS: "0" }, { database: gw.database });
    owner = ssin();
    e = await gw.seed
      .enterprise({ legalRepresentative: owner })
      .withMainAccessManager()
      .active()
      .withUser("EMPLOYER_NSSO", ["DIMONA"])
      .withUser("EMPLOYER_NSSO", ["DMFA"])
      .withUser("EMPLOYER_NSSO", ["DIMONA", "DMFA"])
      .withUser("EMPLOYER_NSSO", [])
      .withEBox()
      .build();
    for (let i = 0; i < 3; i++) await gw.seed.enterprise({ legalRepresentative: owner }).build();
    // Four mandates of the employer as client (each new provider ends the previous one's), and a provider with five clients.
    providerOwner = ssin();
    provider = await gw.seed
      .enterprise({ legalRepresentative: providerOwner, defaultCapacity: "SOCIAL_SERVICE_PROVIDER" })
      .withMainAccessManager()
      .active()
      .build();
    for (let i = 0; i < 3; i++) {
      const other = await gw.seed.enterprise({ defaultCapacity: "SOCIAL_SERVICE_PROVIDER" }).withMainAccessManager().active().build();
      await gw.seed.as(owner, (s) =>
        appointServiceProvider(s, { enterprise: e.number, provider: other.number, capacity: "EMPLOYER_NSSO" }),
      );
    }
    await gw.seed.as(owner, (s) =>
      appointServiceProvider(s, { enterprise: e.number, provider: provider.number, capacity: "EMPLOYER_NSSO" }),
    );
    for (let i = 0; i < 4; i++)
      await gw.seed.enterprise().withMainAccessManager().active().withServiceProvider(provider, "EMPLOYER_NSSO").build();
    // Two users with an end date, so that VALID_UNTIL orders more than ties.
    for (const [index, days] of [
      [0, 20],
      [2, 10],
    ])
      await gw.dataSource
        .getRepository(RoleAssignment)
        .update({ id: e.users[index].assignmentId }, { validUntil: new Date(Date.now() + days * 24 * 3600 * 1000) });
    for (const subject of ["one", "two", "three", "four"])
      await gw.dataSource
        .getRepository(EBoxMessage)
        .insert({ enterpriseId: e.id, subject, body: "Body", sentAt: new Date(), readAt: null });
  });
  afterAll(async () => {
    await withoutModels?.stop();
    await gw?.stop();
  });

  /** The whole list, in its order, with each item's cursor. */
  const viewerOf = (name: keyof typeof connections) =>
    connections[name].byManager ? e.mainAccessManager! : connections[name].ofProvider ? providerOwner : owner;
  const numberOf = (name: keyof typeof connections) => (connections[name].ofProvider ? provider.number : e.number);

  async function wholeList(on: TestGateway, name: keyof typeof connections): Promise<Listed> {
    const { wrap, field, read, arguments: given = "" } = connections[name];
    const api = await on.client(viewerOf(name));
    const data = await api.request<Record<string, unknown>>(wrap(`all: ${field}(${given}first: 100) { edges { cursor node { id } } }`), {
      e: numberOf(name),
    });
    const all = read(data).all as unknown as { edges: { cursor: string; node: { id: string } }[] };
    return all.edges.map(({ cursor, node }) => ({ id: node.id, cursor }));
  }

  it.each(Object.keys(connections) as (keyof typeof connections)[])(
    "answers windows of %s, forward and backward, between any cursors, with the page and page info of Relay's spec",
    async (name) => {
      const { wrap, field, read, arguments: given = "" } = connections[name];
      for (const on of [gw, withoutModels]) {
        const list = await wholeList(on, name);
        expect(list.length).toBeGreaterThanOrEqual(4);
        const windows = everyWindow(list.length);
        const fields = windows.map((w, i) => `w${i}: ${field}(${given}${arguments_(list, w)}) ${pageSelection}`).join("\n");
        const api = await on.client(viewerOf(name));
        const answered = read(await api.request<Record<string, unknown>>(wrap(fields), { e: numberOf(name) }));
        const mismatches = windows
          .map((w, i) => ({ window: w, answered: answered[`w${i}`], expected: expectedPage(list, w) }))
          .filter(({ answered, expected }) => !isDeepStrictEqual(answered, expected));
        expect(mismatches.slice(0, 3)).toEqual([]);
      }
    },
  );

  it("pages backward from the end to the start and forward again, meeting every item once each way", async () => {
    const api = await gw.client(owner);
    const query = `query ($e: EnterpriseNumber!, $first: Int, $after: String, $last: Int, $before: String) {
      enterprise(number: $e) { roleAssignments(first: $first, after: $after, last: $last, before: $before) ${pageSelection} } }`;
    const page = async (variables: Record<string, unknown>) =>
      (await api.request<{ enterprise: { roleAssignments: PageAnswer } }>(query, { e: e.number, ...variables })).enterprise.roleAssignments;
    const list = await wholeList(gw, "roleAssignments");
    const backward: string[] = [];
    let before: string | null = null;
    for (let i = 0; i < 10; i++) {
      // Relay's loadPrevious sends the forward arguments as null; Apollo's fetchMore leaves them out.
      const current: PageAnswer = await page(i % 2 === 0 ? { last: 2, before, first: null, after: null } : { last: 2, before });
      backward.unshift(...current.nodes.map((n) => n.id));
      expect(current.pageInfo.hasNextPage).toBe(before !== null);
      if (!current.pageInfo.hasPreviousPage) break;
      before = current.pageInfo.startCursor;
    }
    expect(backward).toEqual(list.map((x) => x.id));
    const forward: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const current: PageAnswer = await page({ first: 3, after });
      forward.push(...current.nodes.map((n) => n.id));
      expect(current.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!current.pageInfo.hasNextPage) break;
      after = current.pageInfo.endCursor;
    }
    expect(forward).toEqual(backward);
  });

  it("keeps its place before a cursor whose item has left the list", async () => {
    const api = await gw.client(owner);
    const list = await wholeList(gw, "roleAssignments");
    const removed = e.users[1].assignmentId;
    const at = list.findIndex((x) => x.id === String(removed));
    expect(at).toBeGreaterThan(0);
    await (
      await gw.client(e.mainAccessManager!)
    ).request(`mutation ($a: ID!) { removeUser(assignment: $a) { id } }`, { a: String(removed) });
    const query = `query ($e: EnterpriseNumber!, $before: String, $after: String) { enterprise(number: $e) {
      before: roleAssignments(last: 100, before: $before) ${pageSelection} after: roleAssignments(first: 100, after: $after) ${pageSelection} } }`;
    const { enterprise } = await api.request<{ enterprise: { before: PageAnswer; after: PageAnswer } }>(query, {
      e: e.number,
      before: list[at].cursor,
      after: list[at].cursor,
    });
    expect(enterprise.before.nodes).toEqual(list.slice(0, at).map(({ id }) => ({ id })));
    expect(enterprise.before.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    expect(enterprise.after.nodes).toEqual(list.slice(at + 1).map(({ id }) => ({ id })));
    expect(enterprise.after.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const again = await wholeList(gw, "roleAssignments");
    expect(again.map((x) => x.id)).toEqual(list.filter((x) => x.id !== String(removed)).map((x) => x.id));
  });

  it("pages the assignments of several enterprises backward in one request, each from its own end", async () => {
    const api = await gw.client(owner);
    const query = `{ myEnterprises { number roleAssignments(last: 2) ${pageSelection} } }`;
    type Together = { myEnterprises: { number: string; roleAssignments: PageAnswer }[] };
    const each = `query ($e: EnterpriseNumber!) { enterprise(number: $e) { roleAssignments(last: 2) ${pageSelection} } }`;
    for (const on of [gw, withoutModels]) {
      const together = (await (await on.client(owner)).request<Together>(query)).myEnterprises;
      expect(together).toHaveLength(4);
      for (const { number, roleAssignments } of together) {
        const alone = await api.request<{ enterprise: { roleAssignments: PageAnswer } }>(each, { e: number });
        expect(roleAssignments).toEqual(alone.enterprise.roleAssignments);
      }
    }
  });

  it("answers a page without its count the same, and the count alone, whether pages come from kept models or statements", async () => {
    const list = await wholeList(gw, "roleAssignments");
    const middle = list[Math.floor(list.length / 2)].cursor;
    const uncounted = "{ nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }";
    const query = `query ($e: EnterpriseNumber!, $c: String) { enterprise(number: $e) {
      a: roleAssignments(first: 2) ${uncounted} b: roleAssignments(first: 2, after: $c) ${uncounted}
      c: roleAssignments(last: 2, before: $c) ${uncounted} d: roleAssignments(last: 1) ${uncounted}
      counted: roleAssignments(first: 2, after: $c) ${pageSelection} count: roleAssignments(first: 0) { totalCount } } }`;
    type Answer = { enterprise: Record<string, PageAnswer> };
    const answers: Answer[] = [];
    for (const on of [gw, withoutModels]) answers.push(await (await on.client(owner)).request<Answer>(query, { e: e.number, c: middle }));
    expect(answers[1]).toEqual(answers[0]);
    const { enterprise } = answers[1];
    expect(enterprise.count.totalCount).toBe(list.length);
    expect(enterprise.counted.totalCount).toBe(list.length);
    expect(enterprise.b).toEqual({ nodes: enterprise.counted.nodes, pageInfo: enterprise.counted.pageInfo });
    expect(enterprise.a.nodes).toEqual(list.slice(0, 2).map(({ id }) => ({ id })));
    expect(enterprise.a.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    const at = Math.floor(list.length / 2);
    expect(enterprise.b.nodes).toEqual(list.slice(at + 1, at + 3).map(({ id }) => ({ id })));
    expect(enterprise.b.pageInfo.hasPreviousPage).toBe(true);
    expect(enterprise.c.nodes).toEqual(list.slice(Math.max(0, at - 2), at).map(({ id }) => ({ id })));
    expect(enterprise.c.pageInfo.hasNextPage).toBe(true);
    expect(enterprise.d.nodes).toEqual(list.slice(-1).map(({ id }) => ({ id })));
    expect(enterprise.d.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
  });

  it("reads the pages of more enterprises than one statement holds, each its own, as the kept models answer them", async () => {
    const many = ssin();
    for (let i = 0; i < 53; i++) await gw.seed.enterprise({ legalRepresentative: many }).withMainAccessManager().build();
    const query = `{ myEnterprises { number roleAssignments(first: 1) { totalCount nodes { id role } pageInfo { hasNextPage hasPreviousPage } } } }`;
    type Together = { myEnterprises: { number: string; roleAssignments: PageAnswer }[] };
    const [kept, read] = await Promise.all(
      [gw, withoutModels].map(async (on) => (await (await on.client(many)).request<Together>(query)).myEnterprises),
    );
    expect(read).toHaveLength(53);
    expect(read).toEqual(kept);
    for (const { roleAssignments } of read) {
      expect(roleAssignments.totalCount).toBe(2);
      expect(roleAssignments.nodes).toHaveLength(1);
      expect(roleAssignments.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false });
    }
    expect(new Set(read.map(({ roleAssignments }) => roleAssignments.nodes[0].id)).size).toBe(53);
  });

  it("pages the assignments as of a past instant backward as well", async () => {
    const api = await gw.client(owner);
    const query = `query ($e: EnterpriseNumber!, $at: DateTime!) { enterprise(number: $e) {
      all: roleAssignments(first: 100, asOf: $at) { nodes { id } } lastTwo: roleAssignments(last: 2, asOf: $at) ${pageSelection} } }`;
    const { enterprise } = await api.request<{ enterprise: { all: { nodes: { id: string }[] }; lastTwo: PageAnswer } }>(query, {
      e: e.number,
      at: new Date().toISOString(),
    });
    expect(enterprise.all.nodes.length).toBeGreaterThan(2);
    expect(enterprise.lastTwo.nodes).toEqual(enterprise.all.nodes.slice(-2));
    expect(enterprise.lastTwo.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
  });

  it("pages with Apollo Client's relayStylePagination, backward from the end and forward from the start", async () => {
    const sent: Record<string, unknown>[] = [];
    const client = new ApolloClient({
      link: new HttpLink({
        uri: gw.url,
        headers: { authorization: `Bearer ${await gw.token(owner)}` },
        fetch: (input, init) => {
          if (typeof init?.body === "string") sent.push((JSON.parse(init.body) as { variables: Record<string, unknown> }).variables);
          return fetch(input, init);
        },
      }),
      cache: new InMemoryCache({
        typePolicies: { Enterprise: { fields: { roleAssignments: relayStylePagination(["role", "capacity", "asOf"]) } } },
      }),
    });
    const query = apolloGql`
      query Assignments($e: EnterpriseNumber!, $first: Int, $after: String, $last: Int, $before: String) {
        enterprise(number: $e) {
          id
          roleAssignments(first: $first, after: $after, last: $last, before: $before) {
            edges {
              cursor
              node {
                id
              }
            }
            pageInfo {
              hasNextPage
              hasPreviousPage
              startCursor
              endCursor
            }
          }
        }
      }
    `;
    type Answer = {
      enterprise: { roleAssignments: { edges: { node: { id: string } }[]; pageInfo: PageAnswer["pageInfo"] } };
    };
    const list = (await wholeList(gw, "roleAssignments")).map((x) => x.id);

    /** Starts a list with `start` and calls fetchMore with `more(pageInfo)` until `done(pageInfo)`, as a screen's button would. */
    async function pageThrough(
      start: Record<string, unknown>,
      more: (info: PageAnswer["pageInfo"]) => Record<string, unknown>,
      done: (info: PageAnswer["pageInfo"]) => boolean,
    ) {
      const watched = client.watchQuery<Answer>({ query, variables: { e: e.number, ...start } });
      const subscription = watched.subscribe(() => undefined);
      // What the screen renders once Apollo has merged a page: the cached list, read through the field's policy.
      const shown = () => client.readQuery<Answer>({ query, variables: watched.variables })!;
      try {
        await watched.refetch();
        let current = shown();
        for (let i = 0; i < 10 && !done(current.enterprise.roleAssignments.pageInfo); i++) {
          await watched.fetchMore({ variables: more(current.enterprise.roleAssignments.pageInfo) });
          current = shown();
        }
        return current.enterprise.roleAssignments;
      } finally {
        subscription.unsubscribe();
      }
    }

    const backward = await pageThrough(
      { last: 2 },
      ({ startCursor }) => ({ before: startCursor }),
      ({ hasPreviousPage }) => !hasPreviousPage,
    );
    expect(backward.edges.map((edge) => edge.node.id)).toEqual(list);
    expect(backward.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: false });
    expect(sent.filter((variables) => "before" in variables).length).toBeGreaterThanOrEqual(2);

    await client.clearStore();
    const forward = await pageThrough(
      { first: 2 },
      ({ endCursor }) => ({ after: endCursor }),
      ({ hasNextPage }) => !hasNextPage,
    );
    expect(forward.edges.map((edge) => edge.node.id)).toEqual(list);
    expect(forward.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: false });
  });

  it("refuses first with last, a size out of bounds and a bad before cursor with BAD_USER_INPUT naming the argument", async () => {
    const api = await gw.client(owner);
    const ask = async (args: string, variables: Record<string, unknown> = {}) => {
      const answer = await api
        .request(
          `query ($e: EnterpriseNumber!${args.includes("$n") ? ", $n: Int" : ""}) { enterprise(number: $e) { roleAssignments(${args}) { totalCount } } }`,
          {
            e: e.number,
            ...variables,
          },
        )
        .then(
          () => null,
          (error: { response?: { errors?: { extensions?: Record<string, unknown> }[] } }) => error.response?.errors?.[0]?.extensions,
        );
      return answer && { code: answer.code, field: answer.field };
    };
    expect(await ask("first: 2, last: 2")).toEqual({ code: "BAD_USER_INPUT", field: "last" });
    expect(await ask("first: $n, last: 2", { n: 5 })).toEqual({ code: "BAD_USER_INPUT", field: "last" });
    expect(await ask("last: 101")).toEqual({ code: "BAD_USER_INPUT", field: "last" });
    expect(await ask("last: -1")).toEqual({ code: "BAD_USER_INPUT", field: "last" });
    expect(await ask('last: 2, before: "not-a-cursor"')).toEqual({ code: "BAD_USER_INPUT", field: "before" });
    // `first` left to its default (absent, null, or a variable not sent) does not count as asked.
    expect(await ask("last: 2")).toBeNull();
    expect(await ask("first: null, last: 2")).toBeNull();
    expect(await ask("first: $n, last: 2")).toBeNull();
  });
});
