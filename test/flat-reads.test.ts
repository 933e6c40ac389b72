import { In } from "typeorm";
import { requestReader } from "../src/database/readers";
import { Enterprise, Person, RoleAssignment, ServiceProviderMandate, assignmentActiveKey, mandateActiveKey } from "../src/domain/entities";
import { formatMessage } from "../src/i18n/messages";
import { wholeListUpTo } from "../src/read/enterprise-pages";
import { encodeCursor, indexWhere, pageOfList, type PageWindow } from "../src/read/read-models";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { graphql } from "./support/http";
import { enterpriseNumber, ssin } from "./support/identities";
import type { SeededEnterprise } from "./support/seed";

/**
 * Issue 22, point 5: two reads that cost the length of a provider's list now cost a page. `myEnterprisesConnection`
 * of a provider's staff member is read with a keyset on the enterprise number (past `wholeListUpTo` active mandates):
 * every page must be the one the old code cut from the whole list (`myEnterprises`, which still reads it whole), in
 * the same order, with the same cursors. The v1 lists `clients` and `serviceProviders` are counted before they are
 * read, and refused then when their answer would pass the response budget.
 */

const hour = 3_600_000;

/** An enterprise number as stored (ten digits), from the form the API answers (0123.456.749). */
const stored = (number: string) => number.replace(/\D/g, "");

type MandateKind = "active" | "ended" | "expired" | "expiring" | "notYetStarted" | "twoCapacities";

/** What each client's mandate to the provider is, in turn: every kind the visibility rules tell apart. */
const kinds: MandateKind[] = [
  "active",
  "ended",
  "expired",
  "expiring",
  "notYetStarted",
  "twoCapacities",
  "active",
  "active",
  "active",
  "active",
];

interface Inserted {
  id: number;
  number: string;
  kind: MandateKind;
}

/** Inserts `count` ACTIVE enterprises, 500 a statement, and answers them in insertion order. */
async function insertEnterprises(gw: TestGateway, count: number): Promise<Enterprise[]> {
  const now = new Date();
  const found: Enterprise[] = [];
  for (let start = 0; start < count; start += 500) {
    const numbers = Array.from({ length: Math.min(500, count - start) }, () => enterpriseNumber());
    await gw.dataSource.getRepository(Enterprise).insert(
      numbers.map((number) => ({
        number,
        name: `Client ${number}`,
        status: "ACTIVE" as const,
        defaultCapacity: "EMPLOYER_NSSO",
        createdAt: now,
        updatedAt: now,
      })),
    );
    const rows = await gw.dataSource.getRepository(Enterprise).findBy({ number: In(numbers) });
    found.push(...numbers.map((n) => rows.find((r) => r.number === n)!));
  }
  return found;
}

/** Mandates of each pair's provider for its client, each of the kind `kindOf` gives it, straight into the table. */
async function insertMandates(
  gw: TestGateway,
  appointedById: number,
  pairs: readonly { provider: { id: number }; client: { id: number } }[],
  kindOf: (i: number) => MandateKind,
  capacity = "EMPLOYER_NSSO",
): Promise<void> {
  const now = Date.now();
  type Row = Omit<ServiceProviderMandate, "id" | "startsAt" | "endedAt" | "validUntil"> & {
    startsAt: Date;
    endedAt: Date | null;
    validUntil: Date | null;
  };
  const rows = pairs.flatMap(({ provider, client }, i): Row[] => {
    const kind = kindOf(i);
    const base = {
      clientId: client.id,
      providerId: provider.id,
      capacityCode: capacity,
      status: "ACTIVE" as "ACTIVE" | "ENDED",
      appointedById,
      startsAt: new Date(now - 48 * hour),
      endedAt: null as Date | null,
      endedById: null as number | null,
      validUntil: null as Date | null,
      activeKey: null as string | null,
    };
    const active = (capacityCode: string) => ({
      ...base,
      capacityCode,
      activeKey: mandateActiveKey({ clientId: client.id, capacityCode }),
    });
    switch (kind) {
      case "ended":
        return [{ ...base, status: "ENDED" as const, endedAt: new Date(now - hour), endedById: appointedById }];
      case "expired":
        return [{ ...active(capacity), validUntil: new Date(now - hour) }];
      case "expiring":
        return [{ ...active(capacity), validUntil: new Date(now + 30 * 24 * hour) }];
      case "notYetStarted":
        return [{ ...active(capacity), startsAt: new Date(now + 24 * hour) }];
      case "twoCapacities":
        return [active(capacity), active("ENTERPRISE_WITHOUT_STAFF")];
      default:
        return [active(capacity)];
    }
  });
  for (let start = 0; start < rows.length; start += 500)
    await gw.dataSource.getRepository(ServiceProviderMandate).insert(rows.slice(start, start + 500));
}

/** Current assignments of a person, straight into the table. */
async function insertRoles(
  gw: TestGateway,
  personId: number,
  roles: { enterpriseId: number; role: "LEGAL_REPRESENTATIVE" | "USER" | "ACCESS_MANAGER"; capacityCode: string | null; ended?: boolean }[],
): Promise<void> {
  const now = new Date();
  await gw.dataSource.getRepository(RoleAssignment).insert(
    roles.map(({ enterpriseId, role, capacityCode, ended }) => {
      const fields = { personId, enterpriseId, role, capacityCode };
      return {
        ...fields,
        grantedById: null,
        grantedAt: now,
        endedAt: ended ? now : null,
        endedById: null,
        activeKey: ended ? null : assignmentActiveKey(fields),
        exclusiveKey: null,
      };
    }),
  );
}

interface Edge {
  cursor: string;
  node: { number: string; name: string };
}
interface Connection {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: Edge[];
}

const connectionDocument = `query Page($first: Int, $after: String, $last: Int, $before: String) {
  myEnterprisesConnection(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { number name } }
  }
}`;

describeEachDatabase("pages that cost a page as the data grows", (dialect) => {
  let gw: TestGateway;
  let provider: SeededEnterprise;
  let otherProvider: SeededEnterprise;
  let clients: Inserted[];
  /** Every enterprise's id by its number, and number by id: the cursors the old code gave. */
  const idOf = new Map<string, number>();
  const numberOf = new Map<number, string>();
  const viewers: Record<string, string> = {};

  beforeAll(async () => {
    // The provider's model (thousands of mandates) is too large for this cache: each request reads what it needs.
    gw = await startTestGateway(dialect, { MAX_RESPONSE_BYTES: "300000", ENTERPRISE_CACHE_ROWS: "2000" });
    const staff = ssin();
    provider = await gw.seed
      .enterprise({ defaultCapacity: "SOCIAL_SERVICE_PROVIDER" })
      .withMainAccessManager()
      .active()
      .withAccessManager("SOCIAL_SERVICE_PROVIDER", staff)
      .build();
    otherProvider = await gw.seed
      .enterprise({ defaultCapacity: "SOCIAL_SERVICE_PROVIDER" })
      .withMainAccessManager()
      .active()
      .withAccessManager("SOCIAL_SERVICE_PROVIDER", staff)
      .build();
    const appointer = await gw.seed.person(provider.legalRepresentative);
    // Past the bound, so that the staff member's pages are read with the keyset: every client has an ACTIVE
    // mandate row but the ended ones, so the count of ACTIVE rows passes it.
    const count = Math.ceil((wholeListUpTo + 150) / 0.9);
    const inserted = await insertEnterprises(gw, count + 40);
    const kindOf = (i: number) => kinds[i % kinds.length];
    clients = inserted.slice(0, count).map((e, i) => ({ id: e.id, number: e.number, kind: kindOf(i) }));
    await insertMandates(
      gw,
      appointer.id,
      clients.map((client) => ({ provider, client })),
      kindOf,
    );
    // The other provider's clients: ten of the first provider's (ended, expired and active ones), ten of its own.
    const others = [...clients.slice(0, 10), ...inserted.slice(count, count + 10)];
    await insertMandates(
      gw,
      appointer.id,
      others.map((client) => ({ provider: otherProvider, client })),
      (i) => (i === 3 ? "ended" : "active"),
      "APPROVED_SOCIAL_SECRETARIAT",
    );
    for (const e of await gw.dataSource.getRepository(Enterprise).find()) {
      idOf.set(e.number, e.id);
      numberOf.set(e.id, e.number);
    }
    // The staff member also holds roles of their own: in a client (visible both ways), a client whose mandate ended,
    // an enterprise of no provider, and one ended role (not visible).
    const staffPerson = (await gw.dataSource.getRepository(Person).findOneByOrFail({ ssin: staff })).id;
    await insertRoles(gw, staffPerson, [
      { enterpriseId: clients[0].id, role: "USER", capacityCode: "EMPLOYER_NSSO" },
      { enterpriseId: clients[1].id, role: "LEGAL_REPRESENTATIVE", capacityCode: null },
      { enterpriseId: inserted[count + 20].id, role: "LEGAL_REPRESENTATIVE", capacityCode: null },
      { enterpriseId: inserted[count + 21].id, role: "USER", capacityCode: "EMPLOYER_NSSO", ended: true },
    ]);
    // A legal representative of a few clients; a person in several enterprises (no provider staff: an access manager
    // of the provider in a capacity that is not a provider's).
    const representative = await gw.seed.person(ssin());
    await insertRoles(
      gw,
      representative.id,
      clients.slice(20, 26).map((c) => ({ enterpriseId: c.id, role: "LEGAL_REPRESENTATIVE" as const, capacityCode: null })),
    );
    const several = await gw.seed.person(ssin());
    await insertRoles(gw, several.id, [
      { enterpriseId: provider.id, role: "ACCESS_MANAGER", capacityCode: "EMPLOYER_NSSO" },
      { enterpriseId: clients[30].id, role: "USER", capacityCode: "EMPLOYER_NSSO" },
      { enterpriseId: inserted[count + 30].id, role: "LEGAL_REPRESENTATIVE", capacityCode: null },
      { enterpriseId: inserted[count + 31].id, role: "USER", capacityCode: "EMPLOYER_NSSO", ended: true },
    ]);
    Object.assign(viewers, {
      "a provider's staff member (two providers, roles of their own)": staff,
      "the provider's main access manager (its staff too, as its access manager)": provider.mainAccessManager!,
      "a legal representative of six clients": representative.ssin,
      "a person in several enterprises": several.ssin,
    });
  }, 180_000);
  afterAll(async () => {
    await gw?.stop();
  });

  /** The page the old code answered: cut from the whole list as `myEnterprises` reads it, by the cursors' numbers. */
  const oldPage = (list: string[], window: PageWindow): Connection => {
    const enterprises = list.map((number) => ({ id: idOf.get(number)!, number }));
    const after = window.afterId === null ? null : numberOf.get(window.afterId)!;
    const before = window.beforeId === null ? null : numberOf.get(window.beforeId)!;
    const start = after === null ? 0 : indexWhere(enterprises, (e) => e.number > after);
    const end = before === null ? enterprises.length : indexWhere(enterprises, (e) => e.number >= before);
    const page = pageOfList(enterprises, window, start, end);
    return {
      totalCount: page.totalCount as number,
      pageInfo: page.pageInfo,
      edges: page.edges.map((e) => ({ cursor: e.cursor, node: { number: e.node.number, name: `Client ${e.node.number}` } })),
    };
  };

  /** The whole list through `myEnterprises` (the old reader, unchanged). */
  const wholeList = async (token: string): Promise<string[]> => {
    const answer = await graphql(gw.url, "{ myEnterprises { number } }", { token });
    expect(answer.json?.errors).toBeUndefined();
    return (answer.json!.data!.myEnterprises as { number: string }[]).map((e) => stored(e.number));
  };

  const page = async (token: string, variables: Record<string, unknown>): Promise<Connection> => {
    const answer = await graphql(gw.url, connectionDocument, { token, variables });
    expect(answer.json?.errors).toBeUndefined();
    return answer.json!.data!.myEnterprisesConnection as Connection;
  };

  /** Numbers as stored; the provider and non-client enterprises carry other names: named here as the old page is. */
  const named = (connection: Connection): Connection => ({
    ...connection,
    edges: connection.edges.map((e) => ({
      cursor: e.cursor,
      node: { number: stored(e.node.number), name: `Client ${stored(e.node.number)}` },
    })),
  });

  it("sees, through the keyset, exactly what the old rule shows the staff member", async () => {
    const token = await gw.token(viewers["a provider's staff member (two providers, roles of their own)"]);
    const list = await wholeList(token);
    const visibleKinds: MandateKind[] = ["active", "expiring", "notYetStarted", "twoCapacities"];
    const expected = new Set([
      ...clients.filter((c) => visibleKinds.includes(c.kind)).map((c) => c.number),
      ...clients
        .slice(0, 10)
        .filter((_, i) => i !== 3)
        .map((c) => c.number),
      clients[0].number,
      clients[1].number,
      provider.number,
      otherProvider.number,
    ]);
    // The roles of their own outside any mandate, and the other provider's own clients.
    expect(list.filter((n) => expected.has(n))).toHaveLength(expected.size);
    const ownElsewhere = list.filter((n) => !expected.has(n));
    expect(ownElsewhere).toHaveLength(11);
    // The rows of ACTIVE status pass the bound: this viewer's pages are read with the keyset.
    expect(
      await gw.dataSource.getRepository(ServiceProviderMandate).countBy({ providerId: provider.id, status: "ACTIVE" }),
    ).toBeGreaterThan(wholeListUpTo);
    expect([...list].sort()).toEqual(list);
  });

  for (const viewer of [
    "a provider's staff member (two providers, roles of their own)",
    "the provider's main access manager (its staff too, as its access manager)",
    "a legal representative of six clients",
    "a person in several enterprises",
  ]) {
    it(`answers every page as the old code did, forward and backward: ${viewer}`, async () => {
      const token = await gw.token(viewers[viewer]);
      const list = await wholeList(token);
      const size = list.length > 200 ? 97 : 2;
      const compare = async (window: PageWindow) => {
        const variables = {
          ...(window.take === "first" ? { first: window.size } : { last: window.size }),
          after: window.afterId === null ? null : encodeCursor(window.afterId),
          before: window.beforeId === null ? null : encodeCursor(window.beforeId),
        };
        const got = named(await page(token, variables));
        expect({ window, got }).toEqual({ window, got: oldPage(list, window) });
        return got;
      };
      // Forward, page by page, to the end.
      let afterId: number | null = null;
      let pages = 0;
      for (;;) {
        const got = await compare({ take: "first", size, afterId, beforeId: null });
        pages++;
        if (!got.pageInfo.hasNextPage) break;
        afterId = idOf.get(got.edges.at(-1)!.node.number)!;
      }
      expect(pages).toBe(Math.max(1, Math.ceil(list.length / size)));
      // Backward, page by page, to the start.
      let beforeId: number | null = null;
      for (;;) {
        const got = await compare({ take: "last", size, afterId: null, beforeId });
        if (!got.pageInfo.hasPreviousPage) break;
        beforeId = idOf.get(got.edges[0].node.number)!;
      }
      // Between two cursors, both ways; cursors of enterprises the viewer does not see (a client whose mandate
      // ended, one that expired): the page starts after (or ends before) their number all the same.
      const third = (i: number) => idOf.get(list[Math.min(list.length - 1, Math.floor((list.length * i) / 3))])!;
      for (const take of ["first", "last"] as const) {
        await compare({ take, size: 5, afterId: third(1), beforeId: third(2) });
        await compare({ take, size: 0, afterId: third(1), beforeId: null });
        for (const hidden of clients.filter((c) => c.kind === "ended" || c.kind === "expired").slice(4, 6))
          if (!list.includes(hidden.number)) {
            await compare({ take, size: 3, afterId: hidden.id, beforeId: null });
            await compare({ take, size: 3, afterId: null, beforeId: hidden.id });
          }
      }
    }, 120_000);
  }

  /** The statements a request sends (on SQLite through either connection), with what they were given. */
  const statementsOf = async <T>(
    run: () => Promise<T>,
  ): Promise<{ result: T; sql: string[]; calls: { sql: string; params: unknown[] }[] }> => {
    const spies = [...new Set([gw.dataSource, requestReader(gw.dataSource)].map((d) => d.logger))].map((logger) =>
      jest.spyOn(logger, "logQuery"),
    );
    try {
      const result = await run();
      const calls = spies.flatMap((spy) => spy.mock.calls.map((call) => ({ sql: String(call[0]), params: (call[1] ?? []) as unknown[] })));
      return { result, sql: calls.map((c) => c.sql), calls };
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  };
  /** A statement that reads mandate rows (their columns), as the loaders and the lists do, not a count or a check. */
  const readsMandates = (sql: string) => /client_id\W*\s+AS\s+\W*clientId/i.test(sql);

  it("reads a page of the staff member's enterprises without reading the providers' mandates, and counts only when asked", async () => {
    const token = await gw.token(viewers["a provider's staff member (two providers, roles of their own)"]);
    const { result: withCount, sql } = await statementsOf(() => page(token, { first: 10 }));
    expect(withCount.edges).toHaveLength(10);
    expect(sql.filter(readsMandates)).toEqual([]);
    expect(sql.filter((s) => /COUNT\(DISTINCT/i.test(s))).toHaveLength(1);
    const { result: withoutCount, sql: fewer } = await statementsOf(async () => {
      const answer = await graphql(gw.url, "{ myEnterprisesConnection(last: 10) { edges { node { number } } } }", { token });
      expect(answer.json?.errors).toBeUndefined();
      return answer.json!.data!.myEnterprisesConnection as { edges: unknown[] };
    });
    expect(withoutCount.edges).toHaveLength(10);
    expect(fewer.filter(readsMandates)).toEqual([]);
    expect(fewer.filter((s) => /COUNT\(DISTINCT/i.test(s))).toEqual([]);
  });

  it("finds one enterprise of the staff member by its number without reading the providers' mandates, as the old rule sees it", async () => {
    const token = await gw.token(viewers["a provider's staff member (two providers, roles of their own)"]);
    const list = new Set(await wholeList(token));
    const sample = [...clients.slice(0, 40), ...clients.slice(-10)];
    for (const client of sample) {
      const { result: answer, calls } = await statementsOf(() =>
        graphql(gw.url, "query ($n: EnterpriseNumber!) { enterprise(number: $n) { number } }", { token, variables: { n: client.number } }),
      );
      expect(answer.json?.errors).toBeUndefined();
      const found = (answer.json!.data!.enterprise as { number: string } | null)?.number ?? null;
      expect({ kind: client.kind, found: found && stored(found) }).toEqual({
        kind: client.kind,
        found: list.has(client.number) ? client.number : null,
      });
      // No read of the mandates of the staff member's providers (the provider's own model is too large to keep here).
      const providerIds = [provider.id, otherProvider.id];
      expect(calls.filter((c) => readsMandates(c.sql) && c.params.some((p) => providerIds.includes(Number(p)))).map((c) => c.sql)).toEqual(
        [],
      );
    }
  });

  const clientsDocument = `query ($number: EnterpriseNumber!) { enterprise(number: $number) { clients { id status client { number name } } } }`;
  const providersDocument = `query ($number: EnterpriseNumber!) { enterprise(number: $number) { serviceProviders { id status startsAt endedAt capacity { code } provider { number name status } } } }`;

  it("refuses the v1 list of a provider past the response budget at once, naming clientsConnection, in the viewer's language", async () => {
    const token = await gw.token(provider.mainAccessManager!);
    const count = clients.length + clients.filter((c) => c.kind === "twoCapacities").length;
    for (const language of ["EN", "NL", "FR", "DE"] as const) {
      const { result: answer, sql } = await statementsOf(() =>
        graphql(gw.url, clientsDocument, {
          token,
          variables: { number: provider.number },
          headers: { "accept-language": language.toLowerCase() },
        }),
      );
      expect(answer.status).toBe(400);
      const params = { max: 300000, list: "clients", count, connection: "clientsConnection" };
      expect(answer.json).toEqual({
        errors: [
          {
            message: formatMessage({ key: "limits.responseBytesList", params }, language),
            extensions: {
              code: "QUERY_TOO_COMPLEX",
              limit: "responseBytes",
              max: 300000,
              actual: null,
              messageKey: "limits.responseBytesList",
              params,
              englishMessage: formatMessage({ key: "limits.responseBytesList", params }, "EN"),
            },
          },
        ],
      });
      expect(answer.json!.errors![0].message).toContain("clientsConnection");
      // Counted, not read: no statement read the mandates' rows.
      expect(sql.filter(readsMandates)).toEqual([]);
      expect(sql.some((s) => /COUNT\(\*\)/i.test(s) && /service_provider_mandate/.test(s))).toBe(true);
    }
  });

  it("answers a v1 list under the bound as before, and refuses serviceProviders past it naming serviceProvidersConnection", async () => {
    // The other provider's 20 mandates fit: the same mandates as its clientsConnection, in the same order.
    const token = await gw.token(otherProvider.mainAccessManager!);
    const small = await graphql(gw.url, clientsDocument, { token, variables: { number: otherProvider.number } });
    expect(small.status).toBe(200);
    expect(small.json?.errors).toBeUndefined();
    const listed = (small.json!.data!.enterprise as { clients: { id: string }[] }).clients;
    const paged = await graphql(
      gw.url,
      `
        query ($number: EnterpriseNumber!) {
          enterprise(number: $number) {
            clientsConnection(first: 100) {
              nodes {
                id
                status
                client {
                  number
                  name
                }
              }
            }
          }
        }
      `,
      { token, variables: { number: otherProvider.number } },
    );
    expect(listed).toHaveLength(20);
    expect(listed).toEqual((paged.json!.data!.enterprise as { clientsConnection: { nodes: unknown[] } }).clientsConnection.nodes);
    // A client with 2,500 providers (mandates since ended: the v1 list shows them), seen by its legal representative:
    // past the budget on the other side.
    const [client] = await insertEnterprises(gw, 1);
    const providers = await insertEnterprises(gw, 2500);
    const appointer = await gw.seed.person(provider.legalRepresentative);
    await insertMandates(
      gw,
      appointer.id,
      providers.map((p) => ({ provider: p, client })),
      () => "ended",
    );
    const representative = await gw.seed.person(ssin());
    await insertRoles(gw, representative.id, [{ enterpriseId: client.id, role: "LEGAL_REPRESENTATIVE", capacityCode: null }]);
    const refused = await graphql(gw.url, providersDocument, {
      token: await gw.token(representative.ssin),
      variables: { number: client.number },
    });
    expect(refused.status).toBe(400);
    expect(refused.json?.errors?.[0].extensions).toMatchObject({
      code: "QUERY_TOO_COMPLEX",
      limit: "responseBytes",
      params: { list: "serviceProviders", count: 2500, connection: "serviceProvidersConnection" },
    });
    expect(refused.json?.errors?.[0].message).toContain("serviceProvidersConnection");
    // A provider's staff member sees only their own provider's mandate of that client: one, answered.
    const own = await graphql(gw.url, providersDocument, {
      token: await gw.token(viewers["a provider's staff member (two providers, roles of their own)"]),
      variables: { number: clients[0].number },
    });
    expect(own.json?.errors).toBeUndefined();
    expect((own.json!.data!.enterprise as { serviceProviders: unknown[] }).serviceProviders).toHaveLength(2);
  }, 60_000);
});
