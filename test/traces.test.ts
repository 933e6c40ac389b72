import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { spawnGateway, type GatewayProcess } from "./support/gateway-process";
import { graphql } from "./support/http";

/** A span as OTLP/HTTP JSON carries it, its attributes flattened. */
interface CollectedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  service: unknown;
}

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type OtlpAttribute = { key: string; value: OtlpValue };

const valueOf = (value: OtlpValue): unknown =>
  value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value.doubleValue));

const flatten = (attributes: OtlpAttribute[] = []) => Object.fromEntries(attributes.map(({ key, value }) => [key, valueOf(value)]));

/** An OTLP/HTTP collector on loopback that keeps every span it is sent (JSON: the exporter's encoding). */
async function startCollector(): Promise<{ url: string; spans: CollectedSpan[]; close(): Promise<void> }> {
  const spans: CollectedSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (req.url === "/v1/traces" && req.method === "POST") {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          resourceSpans: {
            resource: { attributes: OtlpAttribute[] };
            scopeSpans: { spans: (Omit<CollectedSpan, "attributes" | "service"> & { attributes: OtlpAttribute[] })[] }[];
          }[];
        };
        for (const { resource, scopeSpans } of body.resourceSpans) {
          const service = flatten(resource.attributes)["service.name"];
          for (const { spans: batch } of scopeSpans)
            for (const span of batch) spans.push({ ...span, attributes: flatten(span.attributes), service });
        }
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function eventually<T>(read: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const found = read();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`never collected: ${what}`);
}

const activateCapacity = `mutation ActivateCapacity($e: EnterpriseNumber!, $c: String!) { activateCapacity(enterprise: $e, capacity: $c) { status } }`;

describeEachDatabase("traces over OTLP (OTEL_EXPORTER_OTLP_ENDPOINT)", (dialect) => {
  let seeding: TestGateway;
  let traced: GatewayProcess;
  let collector: Awaited<ReturnType<typeof startCollector>>;

  beforeAll(async () => {
    collector = await startCollector();
    // The seed is written through a gateway of this process; the traced one is a real process on the same database.
    seeding = await startTestGateway(dialect);
    traced = await spawnGateway({
      DATABASE_URL: seeding.database.url,
      DEV_KEY_FILE: seeding.config.devKeyFile,
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_SERVICE_NAME: "gateway-under-test",
      OTEL_BSP_SCHEDULE_DELAY: "100",
    });
  });
  afterAll(async () => {
    await traced?.stop();
    await seeding?.stop();
    await collector?.close();
  });

  it("trace a mutation in the caller's trace: its request, GraphQL phases, transaction and SQL statements, each with the request id", async () => {
    const e = await seeding.seed.enterprise().withMainAccessManager().active().build();
    const traceId = randomBytes(16).toString("hex");
    const callerSpanId = randomBytes(8).toString("hex");
    const requestId = `trace-${randomBytes(6).toString("hex")}`;
    const answer = await graphql(traced.url, activateCapacity, {
      token: await seeding.token(e.mainAccessManager!),
      variables: { e: e.number, c: "ENTERPRISE_WITHOUT_STAFF" },
      headers: { traceparent: `00-${traceId}-${callerSpanId}-01`, "x-request-id": requestId },
    });
    expect(answer.json?.errors).toBeUndefined();

    const inTrace = () => collector.spans.filter((span) => span.traceId === traceId);
    const request = await eventually(() => inTrace().find((span) => span.name === "POST /graphql"), "the request's span");
    // The spans of the statements end before the request's, and are exported in the same or an earlier batch.
    const spans = inTrace();
    expect(request).toMatchObject({ parentSpanId: callerSpanId, kind: 2, service: "gateway-under-test" });
    expect(request.attributes).toMatchObject({
      "graphql.operation.name": "ActivateCapacity",
      "graphql.operation.type": "mutation",
      "http.request.method": "POST",
      "http.response.status_code": 200,
    });

    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const under = (span: CollectedSpan, ancestor: CollectedSpan): boolean => {
      for (let at: CollectedSpan | undefined = span; at; at = at.parentSpanId ? byId.get(at.parentSpanId) : undefined)
        if (at.spanId === ancestor.spanId) return true;
      return false;
    };
    const named = (name: string) => spans.filter((span) => span.name === name);
    for (const phase of ["graphql.parse", "graphql.validate", "graphql.execute"]) {
      expect(named(phase)).toHaveLength(1);
      expect(named(phase)[0].parentSpanId).toBe(request.spanId);
    }
    const [transaction] = named("transaction");
    expect(transaction).toBeDefined();
    expect(under(transaction, request)).toBe(true);
    const attempts = named("transaction.attempt");
    expect(attempts.length).toBeGreaterThanOrEqual(1);
    expect(attempts.every((attempt) => attempt.parentSpanId === transaction.spanId)).toBe(true);

    const statements = spans.filter((span) => span.kind === 3);
    expect(statements.length).toBeGreaterThan(3);
    const system = dialect === "sqlite" ? "sqlite" : "mariadb";
    for (const statement of statements) {
      expect(under(statement, request)).toBe(true);
      expect(statement.attributes["db.system"]).toBe(system);
      const text = statement.attributes["db.query.text"] as string;
      expect(text).toBe(statement.attributes["db.statement"]);
      // The parameterized text: never the values bound to it.
      expect(text).not.toContain(e.number);
      expect(text).not.toContain(e.mainAccessManager!);
    }
    // The audit event is written inside the action's transaction, with its values as parameters.
    const audit = statements.find((statement) => /INSERT INTO [`"]?audit_event/i.test(statement.attributes["db.query.text"] as string));
    expect(audit).toBeDefined();
    expect(under(audit!, transaction)).toBe(true);
    expect(audit!.attributes["db.query.text"]).toContain("?");

    for (const span of spans) expect(span.attributes["gateway.request.id"]).toBe(requestId);
  });
});
