import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, print, visit } from "graphql";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import type { SeededEnterprise } from "./support/seed";

/**
 * Relay can be used: relay-compiler compiles the operations of test/fixtures/relay (connections
 * with `@connection`, fragments with `@refetchable`, `node(id:)`) against the emitted schema, with the fixture's own
 * config (`nodeInterfaceIdField: "nodeId"`); and the operations it writes are answered by a real gateway.
 */
const root = join(__dirname, "..");
const fixture = join(__dirname, "fixtures", "relay");
// The package's main export is the path of the compiler binary for this platform (null where there is none).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const relayCompiler = require("relay-compiler") as string | null;

/** Runs relay-compiler over a copy of the fixture beside `schemaFile`, its artifacts written in a temporary folder. */
function compile(schemaFile: string): { status: number | null; output: string; artifacts: Map<string, string> } {
  if (!relayCompiler) throw new Error(`relay-compiler has no binary for ${process.platform} ${process.arch}`);
  const project = mkdtempSync(join(tmpdir(), "relay-"));
  try {
    cpSync(fixture, project, { recursive: true });
    cpSync(schemaFile, join(project, "schema.graphql"));
    mkdirSync(join(project, "__generated__"));
    const run = spawnSync(relayCompiler, [], { cwd: project, encoding: "utf8", timeout: 60_000 });
    const generated = join(project, "__generated__");
    const artifacts = new Map(
      readdirSync(generated).map((file) => [file.replace(/\.graphql\.js$/, ""), readFileSync(join(generated, file), "utf8")]),
    );
    return { status: run.status, output: `${run.stdout}${run.stderr}`, artifacts };
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

/** The operation text of a compiled query artifact: what Relay sends to the server. */
function operationText(artifact: string | undefined): string {
  const match = /"text": ("(?:[^"\\]|\\.)*")/.exec(artifact ?? "");
  if (!match) throw new Error("The artifact holds no operation text");
  return JSON.parse(match[1]) as string;
}

const compiled = compile(join(root, "schema", "schema.graphql"));

type Direction = "forward" | "backward";
type Arguments = { count: string; cursor: string };

/** The connection arguments relay-compiler found for a refetchable fragment (its artifact's `refetch.connection`). */
function paginationMetadata(artifact: string | undefined): Record<Direction, Arguments> {
  const of = (direction: Direction): Arguments => {
    const match = new RegExp(`"${direction}": \\{\\s*"count": "(\\w+)",\\s*"cursor": "(\\w+)"`).exec(artifact ?? "");
    if (!match) throw new Error(`The artifact holds no ${direction} pagination metadata`);
    return { count: match[1], cursor: match[2] };
  };
  return { forward: of("forward"), backward: of("backward") };
}

/**
 * The variables usePaginationFragment's loadNext and loadPrevious send, by relay-runtime's getPaginationVariables:
 * the count and cursor of the direction asked, and the other direction's set to null.
 */
function paginationVariables(
  metadata: Record<Direction, Arguments>,
  direction: Direction,
  count: number,
  cursor: string | null,
  base: Record<string, unknown>,
): Record<string, unknown> {
  const other = metadata[direction === "forward" ? "backward" : "forward"];
  const own = metadata[direction];
  return { ...base, [own.cursor]: cursor, [own.count]: count, [other.cursor]: null, [other.count]: null };
}

type PageInfo = { endCursor: string | null; hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null };
type RelayPage = { edges: { cursor: string; node: { nodeId: string } }[]; pageInfo: PageInfo };

/**
 * How Relay's ConnectionHandler updates the connection in its store with a page: loadPrevious prepends its edges and
 * takes the page's hasPreviousPage and startCursor; loadNext appends and takes hasNextPage and endCursor.
 */
function mergePage(stored: RelayPage, page: RelayPage, direction: Direction): RelayPage {
  return direction === "backward"
    ? {
        edges: [...page.edges, ...stored.edges],
        pageInfo: { ...stored.pageInfo, hasPreviousPage: page.pageInfo.hasPreviousPage, startCursor: page.pageInfo.startCursor },
      }
    : {
        edges: [...stored.edges, ...page.edges],
        pageInfo: { ...stored.pageInfo, hasNextPage: page.pageInfo.hasNextPage, endCursor: page.pageInfo.endCursor },
      };
}

describe("relay-compiler", () => {
  it("compiles the fixture's connections, refetchable fragments and node query against the emitted schema", () => {
    expect({ status: compiled.status, output: compiled.output }).toEqual({
      status: 0,
      output: expect.stringContaining("Compilation completed"),
    });
    expect([...compiled.artifacts.keys()].filter((name) => name.endsWith("Query")).sort()).toEqual([
      "RelayAuditTrailPaginationQuery",
      "RelayAuditTrailQuery",
      "RelayBothWaysPaginationQuery",
      "RelayBothWaysQuery",
      "RelayEBoxMessagesPaginationQuery",
      "RelayEnterpriseListPaginationQuery",
      "RelayEnterpriseListQuery",
      "RelayEnterpriseUsersPaginationQuery",
      "RelayPersonRefetchQuery",
    ]);
  });

  it("refetches a Node through node(id:) and selects nodeId on every Node record, beside the database id", () => {
    const refetch = operationText(compiled.artifacts.get("RelayEnterpriseUsersPaginationQuery"));
    expect(refetch).toMatch(/node\(id: \$nodeId\)/);
    expect(refetch).toMatch(/^\s+nodeId$/m);
  });

  it("refuses the same operations against a schema whose PageInfo lacks hasPreviousPage and startCursor, as the v1 contract's does", () => {
    const emitted = parse(readFileSync(join(root, "schema", "schema.graphql"), "utf8"));
    const forwardOnly = visit(emitted, {
      ObjectTypeDefinition: (type) =>
        type.name.value === "PageInfo"
          ? { ...type, fields: type.fields?.filter((f) => !["hasPreviousPage", "startCursor"].includes(f.name.value)) }
          : undefined,
    });
    const folder = mkdtempSync(join(tmpdir(), "relay-schema-"));
    try {
      writeFileSync(join(folder, "schema.graphql"), print(forwardOnly));
      const refused = compile(join(folder, "schema.graphql"));
      expect(refused.status).not.toBe(0);
      expect(refused.output).toMatch(/hasPreviousPage|startCursor/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describeEachDatabase("Relay's operations on a real gateway", (dialect) => {
  let gw: TestGateway;
  let enterprise: SeededEnterprise;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    enterprise = await gw.seed
      .enterprise({ name: "Relay Bakery" })
      .withMainAccessManager()
      .active()
      .withUser("EMPLOYER_NSSO", ["DIMONA"])
      .withUser("EMPLOYER_NSSO", ["DMFA"])
      .withEBox()
      .build();
  });
  afterAll(() => gw?.stop());

  type Connection = { edges: { cursor: string; node: { nodeId: string } }[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } };

  it("answers the compiled list query, then pages the refetchable fragment of an enterprise through node(id:)", async () => {
    const api = await gw.client(enterprise.mainAccessManager!);
    const list = await api.request<{ myEnterprisesConnection: Connection & { totalCount: number } }>(
      operationText(compiled.artifacts.get("RelayEnterpriseListQuery")),
    );
    expect(list.myEnterprisesConnection.totalCount).toBe(1);
    const nodeId = list.myEnterprisesConnection.edges[0].node.nodeId;

    const pageQuery = operationText(compiled.artifacts.get("RelayEnterpriseUsersPaginationQuery"));
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const { node }: { node: { __typename: string; nodeId: string; roleAssignments: Connection & { totalCount: number } } } =
        await api.request(pageQuery, { nodeId, first: 1, after });
      expect(node).toMatchObject({ __typename: "Enterprise", nodeId });
      seen.push(...node.roleAssignments.edges.map((edge) => edge.node.nodeId));
      if (!node.roleAssignments.pageInfo.hasNextPage) break;
      after = node.roleAssignments.pageInfo.endCursor;
    }
    // The legal representative, the main access manager, the automatic access manager profile and two users.
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(4);

    const audit = await api.request<{ node: { __typename: string; auditTrail: Connection } }>(
      operationText(compiled.artifacts.get("RelayAuditTrailQuery")),
      { id: nodeId },
    );
    expect(audit.node.__typename).toBe("Enterprise");
    expect(audit.node.auditTrail.edges.length).toBeGreaterThan(0);
  });

  it("pages a bidirectional @connection backward with loadPrevious from its end, and forward with loadNext from its start", async () => {
    const api = await gw.client(enterprise.mainAccessManager!);
    const nodeId = (
      await api.request<{ enterprise: { nodeId: string } }>(`query ($e: EnterpriseNumber!) { enterprise(number: $e) { nodeId } }`, {
        e: enterprise.number,
      })
    ).enterprise.nodeId;
    const whole = await api.request<{ node: { auditTrail: { nodes: { nodeId: string }[] } } }>(
      `query ($id: ID!) { node(id: $id) { ... on Enterprise { auditTrail(first: 100) { nodes { nodeId } } } } }`,
      { id: nodeId },
    );
    const trail = whole.node.auditTrail.nodes.map((n) => n.nodeId);
    expect(trail.length).toBeGreaterThan(4);

    const metadata = paginationMetadata(compiled.artifacts.get("RelayBothWays_enterprise"));
    expect(metadata).toEqual({ forward: { count: "first", cursor: "after" }, backward: { count: "last", cursor: "before" } });
    const pageQuery = operationText(compiled.artifacts.get("RelayBothWaysPaginationQuery"));
    const page = async (variables: Record<string, unknown>) =>
      (await api.request<{ node: { auditTrail: RelayPage } }>(pageQuery, { nodeId, ...variables })).node.auditTrail;

    // The query renders the last two (the fragment's default), then loadPrevious(2) until there is nothing before.
    const initial = await api.request<{ node: { auditTrail: RelayPage } }>(operationText(compiled.artifacts.get("RelayBothWaysQuery")), {
      id: nodeId,
    });
    let stored = initial.node.auditTrail;
    expect(stored.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    for (let i = 0; i < 20 && stored.pageInfo.hasPreviousPage; i++)
      stored = mergePage(stored, await page(paginationVariables(metadata, "backward", 2, stored.pageInfo.startCursor, {})), "backward");
    expect(stored.edges.map((edge) => edge.node.nodeId)).toEqual(trail);
    expect(stored.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });

    // A refetch with the first two (the backward arguments null, as refetch({ first: 2, last: null }) sends), then loadNext(2).
    stored = await page({ first: 2, after: null, last: null, before: null });
    expect(stored.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    for (let i = 0; i < 20 && stored.pageInfo.hasNextPage; i++)
      stored = mergePage(stored, await page(paginationVariables(metadata, "forward", 2, stored.pageInfo.endCursor, {})), "forward");
    expect(stored.edges.map((edge) => edge.node.nodeId)).toEqual(trail);
    expect(stored.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  });

  it("answers pageInfo in both directions as Relay's connection spec reads it", async () => {
    const api = await gw.client(enterprise.mainAccessManager!);
    const query = `query ($e: EnterpriseNumber!, $after: String) { enterprise(number: $e) { roleAssignments(first: 2, after: $after) {
      nodes { nodeId } edges { cursor node { nodeId } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;
    type Page = {
      nodes: { nodeId: string }[];
      edges: { cursor: string; node: { nodeId: string } }[];
      pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
    };
    const first = (await api.request<{ enterprise: { roleAssignments: Page } }>(query, { e: enterprise.number })).enterprise
      .roleAssignments;
    expect(first.nodes).toEqual(first.edges.map((edge) => edge.node));
    expect(first.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: first.edges[0].cursor,
      endCursor: first.edges[1].cursor,
    });
    const empty = (
      await api.request<{ enterprise: { roleAssignments: Page } }>(query.replace("first: 2", "first: 0"), { e: enterprise.number })
    ).enterprise.roleAssignments;
    expect(empty).toMatchObject({ nodes: [], edges: [], pageInfo: { hasPreviousPage: false, startCursor: null, endCursor: null } });
  });
});
