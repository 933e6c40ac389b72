import { formatEnterpriseNumber } from "../../src/domain/identifiers";
import { encodeCursor } from "../../src/read/read-models";
import { familyNames, ssinAt, type ScaleSeed } from "./seed";

/** An answer as the harness reads it. */
export interface Answer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** What a scenario is given to prepare its requests. */
export interface ScenarioContext {
  seed: ScaleSeed;
  /** Sends a document as this person to the measured gateway. */
  send(as: string, document: string, variables?: Record<string, unknown>): Promise<Answer>;
  /** Runs `make` once per run and key: scenarios that page the same list share one walk. */
  memo<T>(key: string, make: () => Promise<T>): Promise<T>;
  /** A read of the measured database, outside the gateway (setup only: e.g. the id a deep page starts after). */
  query(sql: string, parameters?: unknown[]): Promise<Record<string, unknown>[]>;
  /** A person no one has named yet in this database (the writing scenarios add them). */
  freshPerson(): { ssin: string; givenName: string; familyName: string };
}

export interface ScaleScenario {
  name: string;
  /**
   * What the document needs that the schema may not have yet, as schema coordinates: `Type.field` or
   * `Type.field(argument)`. A gateway without one of them skips the scenario with "needs field X".
   */
  needs: readonly string[];
  document: string;
  /** The SSIN the requests are sent as. */
  viewer(seed: ScaleSeed): string;
  /** The variables of the i-th request (after `prepare`, whose result it is given). */
  variables?(context: ScenarioContext, prepared: unknown, i: number): Record<string, unknown>;
  prepare?(context: ScenarioContext): Promise<unknown>;
  /**
   * Requests measured (the run's setting when absent): 1,000 for `addUser` (what 1,000 users cost today), fewer where
   * one request takes a minute. Below 2, the request is not sent before the measure, nor its statements counted.
   */
  requests?: number | ((seed: ScaleSeed) => number);
  /** Writes: each request gets fresh variables, and it is not sent again to warm up. */
  writes?: boolean;
}

const display = (number: string) => formatEnterpriseNumber(number);
const pageInfo = "pageInfo { startCursor endCursor hasNextPage hasPreviousPage }";
const page = 100;

/** The cursors of every page of `first: 100` over a connection, walked forward once (setup, not measured). */
async function walk(
  context: ScenarioContext,
  as: string,
  document: string,
  variables: Record<string, unknown>,
  connection: (data: Record<string, unknown>) => { pageInfo: { startCursor: string; endCursor: string; hasNextPage: boolean } },
): Promise<{ startCursor: string; endCursor: string }[]> {
  const pages: { startCursor: string; endCursor: string }[] = [];
  let after: string | null = null;
  for (;;) {
    const answer = await context.send(as, document, { ...variables, after });
    if (!answer.data || answer.errors) throw new Error(`walking the pages: ${JSON.stringify(answer.errors ?? answer).slice(0, 300)}`);
    const info = connection(answer.data).pageInfo;
    pages.push({ startCursor: info.startCursor, endCursor: info.endCursor });
    if (!info.hasNextPage) return pages;
    after = info.endCursor;
  }
}

const assignmentFields = "id role grantedAt validUntil person { givenName familyName ssin } capacity { code } onlineServices { code }";
/**
 * A page of the employer's users as a client pages through them: without `totalCount`, which costs the list's length
 * by nature (a count of every row), and is measured once on its own ("..., first page with totalCount").
 */
const assignmentsDocument = (
  counted = false,
) => `query Assignments($e: EnterpriseNumber!, $first: Int, $after: String, $last: Int, $before: String) {
  enterprise(number: $e) {
    roleAssignments(role: USER, first: $first, after: $after, last: $last, before: $before) {
      ${counted ? "totalCount " : ""}${pageInfo}
      edges { cursor node { ${assignmentFields} } }
    }
  }
}`;
type EnterpriseData = { enterprise: Record<string, { pageInfo: { startCursor: string; endCursor: string; hasNextPage: boolean } }> };
/**
 * The cursor in the middle of the employer's users (the 500th page of 100 at full size), from the database: walking
 * there through the gateway would take 500 requests before the first measured one.
 */
const employerMiddle = (context: ScenarioContext) =>
  context.memo("employer's middle", async () => {
    const [row] = await context.query(
      `SELECT a.id AS id FROM role_assignment a JOIN enterprise e ON e.id = a.enterprise_id
       WHERE e.number = ? AND a.role = 'USER' AND a.ended_at IS NULL ORDER BY a.id LIMIT 1 OFFSET ?`,
      [context.seed.employer.number, Math.floor(context.seed.counts.employerUsers / 2)],
    );
    return encodeCursor(Number(row.id));
  });

const clientsDocument = `query Clients($e: EnterpriseNumber!, $first: Int, $after: String, $last: Int, $before: String) {
  enterprise(number: $e) {
    clientsConnection(first: $first, after: $after, last: $last, before: $before) {
      ${pageInfo}
      edges { cursor node { id status startsAt capacity { code } client { number name status } } }
    }
  }
}`;
/** Only the cursors, to walk to the last page (setup): the cursor's format is the field's own. */
const clientCursorsDocument = `query ClientCursors($e: EnterpriseNumber!, $first: Int, $after: String) {
  enterprise(number: $e) { clientsConnection(first: $first, after: $after) { ${pageInfo} } }
}`;
const clientPages = (context: ScenarioContext) =>
  context.memo("provider's clients", () =>
    walk(
      context,
      context.seed.provider.mainAccessManager,
      clientCursorsDocument,
      { e: display(context.seed.provider.number), first: page },
      (data) => (data as EnterpriseData).enterprise.clientsConnection,
    ),
  );

const searchDocument = (counted: boolean) => `query Search($e: EnterpriseNumber!, $search: String!) {
  enterprise(number: $e) {
    roleAssignments(search: $search, first: 20) { ${counted ? "totalCount " : ""}${pageInfo} edges { cursor node { ${assignmentFields} } } }
  }
}`;
const byFamilyName = { field: "FAMILY_NAME", direction: "ASC" };
const orderedDocument = `query Ordered($e: EnterpriseNumber!, $first: Int, $after: String, $last: Int, $before: String, $search: String, $orderBy: RoleAssignmentOrder) {
  enterprise(number: $e) {
    roleAssignments(role: USER, search: $search, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
      ${pageInfo}
      edges { cursor node { ${assignmentFields} } }
    }
  }
}`;
/**
 * A cursor in the middle of the employer's users ordered by family name: the cursor of one user in the middle (by
 * id), found by their national number in that order, is a position of the unsearched list too (the same order).
 */
const employerMiddleByName = (context: ScenarioContext) =>
  context.memo("employer's middle by name", async () => {
    const answer = await context.send(context.seed.employer.mainAccessManager, orderedDocument, {
      e: display(context.seed.employer.number),
      first: 1,
      search: context.seed.searchSsin,
      orderBy: byFamilyName,
    });
    const cursor = (answer.data as { enterprise: { roleAssignments: { edges: { cursor: string }[] } } } | undefined)?.enterprise
      .roleAssignments.edges[0]?.cursor;
    if (!cursor) throw new Error(`the middle user by name: ${JSON.stringify(answer).slice(0, 300)}`);
    return cursor;
  });

const addUsersDocument = `mutation AddUsers($input: AddUsersInput!) {
  addUsers(input: $input) { done refused items { index assignment { id } error { code } } }
}`;
const deltaDocument = `query Delta($enterprises: [EnterpriseNumber!], $token: String) {
  accessDelta(enterprises: $enterprises, token: $token, first: 100) { nextToken deltaToken changes { __typename } }
}`;
const thousandUsers = (context: ScenarioContext) => ({
  input: {
    enterprise: display(context.seed.employer.number),
    capacity: "EMPLOYER_NSSO",
    users: Array.from({ length: 1000 }, () => ({ person: context.freshPerson(), onlineServices: ["DIMONA"] })),
  },
});

/**
 * The operations of `npm run bench:scale`, each one entry: what it sends, as whom, and what it needs of the schema.
 * Those whose fields the gateway does not have yet are listed and skipped; they run once the fields exist.
 */
export const scaleScenarios: readonly ScaleScenario[] = [
  {
    name: "me, a viewer with 1,000 roles",
    needs: [],
    document: `query Me { me { ssin givenName familyName roles { id role grantedAt validUntil capacity { code } onlineServices { code } enterprise { number name status } } } }`,
    viewer: (seed) => seed.viewer,
  },
  {
    name: "myEnterprisesConnection of a provider's staff member, first page",
    needs: [],
    document: `query Mine { myEnterprisesConnection(first: 100) { ${pageInfo} edges { cursor node { number name status } } } }`,
    viewer: (seed) => seed.providerStaff,
  },
  {
    name: "myEnterprisesConnection of a provider's staff member, first page with totalCount",
    needs: [],
    document: `query Mine { myEnterprisesConnection(first: 100) { totalCount ${pageInfo} edges { cursor node { number name status } } } }`,
    viewer: (seed) => seed.providerStaff,
  },
  {
    name: "roleAssignments of the employer's users, first page",
    needs: [],
    document: assignmentsDocument(),
    viewer: (seed) => seed.employer.mainAccessManager,
    variables: ({ seed }) => ({ e: display(seed.employer.number), first: page }),
  },
  {
    name: "roleAssignments of the employer's users, first page with totalCount",
    needs: [],
    document: assignmentsDocument(true),
    viewer: (seed) => seed.employer.mainAccessManager,
    variables: ({ seed }) => ({ e: display(seed.employer.number), first: page }),
  },
  {
    name: "roleAssignments of the employer's users, middle page forward",
    needs: [],
    document: assignmentsDocument(),
    viewer: (seed) => seed.employer.mainAccessManager,
    prepare: employerMiddle,
    variables: ({ seed }, cursor) => ({ e: display(seed.employer.number), first: page, after: cursor }),
  },
  {
    name: "roleAssignments of the employer's users, last page backward",
    needs: [],
    document: assignmentsDocument(),
    viewer: (seed) => seed.employer.mainAccessManager,
    variables: ({ seed }) => ({ e: display(seed.employer.number), last: page }),
  },
  {
    name: "roleAssignments of the employer's users, middle page backward",
    needs: [],
    document: assignmentsDocument(),
    viewer: (seed) => seed.employer.mainAccessManager,
    prepare: employerMiddle,
    variables: ({ seed }, cursor) => ({ e: display(seed.employer.number), last: page, before: cursor }),
  },
  {
    name: "Enterprise.clients of the provider (the v1 list)",
    needs: [],
    document: `query Clients($e: EnterpriseNumber!) { enterprise(number: $e) { clients { id status capacity { code } client { number name status } } } }`,
    viewer: (seed) => seed.provider.mainAccessManager,
    variables: ({ seed }) => ({ e: display(seed.provider.number) }),
    // 50,000 mandates in one answer take about a minute at full size.
    requests: (seed) => (seed.counts.clients > 1_000 ? 1 : 50),
  },
  {
    name: "addUser, one user (today's provisioning: 1,000 calls for 1,000 users)",
    needs: [],
    document: `mutation AddUser($input: AddUserInput!) { addUser(input: $input) { id role grantedAt } }`,
    viewer: (seed) => seed.employer.mainAccessManager,
    variables: (context) => ({
      input: {
        enterprise: display(context.seed.employer.number),
        capacity: "EMPLOYER_NSSO",
        onlineServices: ["DIMONA"],
        person: context.freshPerson(),
      },
    }),
    requests: 1000,
    writes: true,
  },
  {
    name: "roleAssignments search by family-name prefix in the employer's users, first page",
    needs: ["Enterprise.roleAssignments(search)"],
    document: searchDocument(false),
    viewer: (seed) => seed.employer.mainAccessManager,
    variables: ({ seed }) => ({ e: display(seed.employer.number), search: seed.searchPrefix }),
  },
  {
    name: "roleAssignments search by family-name prefix in the employer's users, with totalCount",
    needs: ["Enterprise.roleAssignments(search)"],
    document: searchDocument(true),
    viewer: (seed) => seed.employer.mainAccessManager,
    variables: ({ seed }) => ({ e: display(seed.employer.number), search: seed.searchPrefix }),
  },
  {
    name: "roleAssignments search by family-name prefix in the employer's users, ordered by family name, first page",
    needs: ["Enterprise.roleAssignments(orderBy)"],
    document: orderedDocument,
    viewer: (seed) => seed.employer.mainAccessManager,
    variables: ({ seed }) => ({ e: display(seed.employer.number), first: 20, search: seed.searchPrefix, orderBy: byFamilyName }),
  },
  {
    name: "roleAssignments of the employer's users by family name, middle page forward",
    needs: ["Enterprise.roleAssignments(orderBy)"],
    document: orderedDocument,
    viewer: (seed) => seed.employer.mainAccessManager,
    prepare: employerMiddleByName,
    variables: ({ seed }, cursor) => ({ e: display(seed.employer.number), first: page, after: cursor, orderBy: byFamilyName }),
  },
  {
    name: "roleAssignments of the employer's users by family name, middle page backward",
    needs: ["Enterprise.roleAssignments(orderBy)"],
    document: orderedDocument,
    viewer: (seed) => seed.employer.mainAccessManager,
    prepare: employerMiddleByName,
    variables: ({ seed }, cursor) => ({ e: display(seed.employer.number), last: page, before: cursor, orderBy: byFamilyName }),
  },
  {
    name: "roleAssignments search by exact national number in the employer's users",
    needs: ["Enterprise.roleAssignments(search)"],
    document: searchDocument(true),
    viewer: (seed) => seed.employer.mainAccessManager,
    variables: ({ seed }) => ({ e: display(seed.employer.number), search: seed.searchSsin }),
  },
  {
    name: "clientsConnection of the provider, first page forward",
    needs: ["Enterprise.clientsConnection"],
    document: clientsDocument,
    viewer: (seed) => seed.provider.mainAccessManager,
    variables: ({ seed }) => ({ e: display(seed.provider.number), first: page }),
  },
  {
    name: "clientsConnection of the provider, first page with totalCount",
    needs: ["Enterprise.clientsConnection"],
    document: clientsDocument.replace("{\n      ", "{\n      totalCount "),
    viewer: (seed) => seed.provider.mainAccessManager,
    variables: ({ seed }) => ({ e: display(seed.provider.number), first: page }),
  },
  {
    name: "clientsConnection of the provider, 500th page forward (the last)",
    needs: ["Enterprise.clientsConnection"],
    document: clientsDocument,
    viewer: (seed) => seed.provider.mainAccessManager,
    prepare: clientPages,
    variables: ({ seed }, pages) => {
      const all = pages as { endCursor: string }[];
      return { e: display(seed.provider.number), first: page, after: all[all.length - 2]?.endCursor ?? null };
    },
  },
  {
    name: "clientsConnection of the provider, first page backward",
    needs: ["Enterprise.clientsConnection"],
    document: clientsDocument,
    viewer: (seed) => seed.provider.mainAccessManager,
    variables: ({ seed }) => ({ e: display(seed.provider.number), last: page }),
  },
  {
    name: "clientsConnection of the provider, 500th page backward (the first)",
    needs: ["Enterprise.clientsConnection"],
    document: clientsDocument,
    viewer: (seed) => seed.provider.mainAccessManager,
    prepare: clientPages,
    variables: ({ seed }, pages) => {
      const all = pages as { startCursor: string }[];
      return { e: display(seed.provider.number), last: page, before: all[1]?.startCursor ?? null };
    },
  },
  {
    name: "addUsers, 1,000 users in one call",
    needs: ["Mutation.addUsers"],
    document: addUsersDocument,
    viewer: (seed) => seed.employer.mainAccessManager,
    variables: (context) => thousandUsers(context),
    requests: 5,
    writes: true,
  },
  {
    name: "accessDelta of the employer, a page of 100 of 10,000 changes since the token",
    needs: ["Query.accessDelta", "Mutation.addUsers"],
    document: deltaDocument,
    viewer: (seed) => seed.employer.mainAccessManager,
    // Setup: a full sync of the employer to its delta token, 10 x 1,000 users added, then the tokens of each page of
    // the delta that follows; request i reads page i (mod their number).
    prepare: async (context) => {
      const as = context.seed.employer.mainAccessManager;
      const enterprises = [display(context.seed.employer.number)];
      const drain = async (token: string | null) => {
        const tokens: (string | null)[] = [];
        for (;;) {
          tokens.push(token);
          const answer = await context.send(as, deltaDocument, { enterprises, token });
          const delta = (answer.data as { accessDelta: { nextToken: string | null; deltaToken: string | null } } | undefined)?.accessDelta;
          if (!delta) throw new Error(`accessDelta: ${JSON.stringify(answer.errors).slice(0, 300)}`);
          if (delta.deltaToken) return { tokens, deltaToken: delta.deltaToken };
          token = delta.nextToken;
        }
      };
      const { deltaToken } = await drain(null);
      for (let i = 0; i < 10; i++) await context.send(as, addUsersDocument, thousandUsers(context));
      return (await drain(deltaToken)).tokens;
    },
    variables: ({ seed }, tokens, i) => {
      const all = tokens as string[];
      return { enterprises: [display(seed.employer.number)], token: all[Math.max(0, i) % all.length] };
    },
  },
];

/** A person of the writing scenarios, from a run's own range of SSIN indexes far past the seeded ones. */
export function freshPeople(seed: ScaleSeed): () => { ssin: string; givenName: string; familyName: string } {
  let next = seed.freeSsinIndex + 1_000_000 * (1 + Math.floor(Math.random() * 190));
  return () => {
    const index = next++;
    return { ssin: ssinAt(index), givenName: "Bench", familyName: familyNames[index % familyNames.length] };
  };
}
