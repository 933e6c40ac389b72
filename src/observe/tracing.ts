/**
 * Traces with OpenTelemetry, when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) names a
 * collector: spans exported over OTLP/HTTP, configured by the SDK's standard variables (OTEL_SERVICE_NAME,
 * OTEL_TRACES_SAMPLER, OTEL_EXPORTER_OTLP_HEADERS...). Unset, no SDK starts and nothing is patched: every helper below
 * tests one variable and runs the work as it is. On, the spans follow the async context (AsyncLocalStorage), which
 * costs every promise a little; that is the price of parenting a driver's statement under its request.
 *
 * Every span carries the request's id (`gateway.request.id`, src/http/request-id.ts) when it starts inside a request,
 * so that a trace and the log lines of its request find each other.
 */
import {
  context,
  createContextKey,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from "@opentelemetry/api";
import type { NodeTracerProvider, ReadableSpan, Span as SdkSpan, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-node";

export { SpanKind, SpanStatusCode, type Span } from "@opentelemetry/api";

export const requestIdAttribute = "gateway.request.id";

const requestIdKey = createContextKey("gateway.request.id");

let tracer: Tracer | null = null;
let provider: NodeTracerProvider | null = null;

/** Gives every span started inside a request the request's id, read from the context it starts in. */
class RequestIdProcessor implements SpanProcessor {
  onStart(span: SdkSpan, parent: Context): void {
    const id = parent.getValue(requestIdKey);
    if (typeof id === "string") span.setAttribute(requestIdAttribute, id);
  }
  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Whether the SDK's variables ask for traces: an OTLP endpoint for traces, and the SDK not disabled. */
export function tracesRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === "true") return false;
  if (env.OTEL_TRACES_EXPORTER === "none") return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Starts the SDK once per process: spans batched to `exporter` (the OTLP/HTTP exporter the variables configure, unless
 * a test or the benchmark gives its own), the W3C `traceparent` read from callers, the database drivers' statements
 * traced (`traceDrivers`). Returns what flushes and stops it.
 */
export function startTracing({
  exporter,
  serviceName = "secure-access-gateway",
  processor,
}: { exporter?: SpanExporter; serviceName?: string; processor?: SpanProcessor } = {}): () => Promise<void> {
  if (provider) return () => Promise.resolve();
  // Loaded here, not at the top: a process without traces never loads the SDK.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { BatchSpanProcessor, NodeTracerProvider } =
    require("@opentelemetry/sdk-trace-node") as typeof import("@opentelemetry/sdk-trace-node");
  const { OTLPTraceExporter } =
    require("@opentelemetry/exporter-trace-otlp-http") as typeof import("@opentelemetry/exporter-trace-otlp-http");
  const { defaultResource, detectResources, envDetector, resourceFromAttributes } =
    require("@opentelemetry/resources") as typeof import("@opentelemetry/resources");
  const { ATTR_SERVICE_NAME } = require("@opentelemetry/semantic-conventions") as typeof import("@opentelemetry/semantic-conventions");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }))
    .merge(detectResources({ detectors: [envDetector] }));
  provider = new NodeTracerProvider({
    resource,
    spanProcessors: [new RequestIdProcessor(), processor ?? new BatchSpanProcessor(exporter ?? new OTLPTraceExporter())],
  });
  // The default propagators: W3C trace context (traceparent, tracestate) and baggage.
  provider.register();
  tracer = provider.getTracer("secure-access-gateway");
  traceDrivers();
  const stopping = provider;
  return async () => {
    await stopping.shutdown();
  };
}

export const tracing = (): boolean => tracer !== null;

/**
 * A request's server span, continuing the caller's `traceparent` when it sends one; `run` runs inside it (its
 * children's parent), with the request id in the context for every span below. Null when tracing is off.
 */
export function startRequestSpan(
  name: string,
  headers: Record<string, string | string[] | undefined>,
  requestId: string,
  attributes: Attributes,
): { span: Span; context: Context } | null {
  if (!tracer) return null;
  const parent = propagation.extract(context.active(), headers);
  const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes: { ...attributes, [requestIdAttribute]: requestId } }, parent);
  return { span, context: trace.setSpan(parent, span).setValue(requestIdKey, requestId) };
}

/** Runs `fn` with `ctx` as the active context (a request span's), so that what it starts is parented under it. */
export function runIn<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, fn);
}

/** A child span of the active one, ended by the caller; null when tracing is off. */
export function startSpan(name: string, attributes?: Attributes, kind: SpanKind = SpanKind.INTERNAL): Span | null {
  return tracer ? tracer.startSpan(name, { kind, attributes }) : null;
}

/** Runs `work` in a span of its own (its children inside it), ended with its outcome; the work as it is when tracing is off. */
export async function inSpan<T>(name: string, attributes: Attributes, work: (span: Span | null) => Promise<T>): Promise<T> {
  if (!tracer) return work(null);
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks a span failed with the error's class and code only: a message may quote a value (an SSIN in a unique key). */
export function failed(span: Span, error: unknown): void {
  const code =
    (error as { code?: unknown; extensions?: { code?: unknown } } | null)?.extensions?.code ?? (error as { code?: unknown })?.code;
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.setAttribute("error.type", typeof code === "string" ? code : error instanceof Error ? error.constructor.name : "Error");
}

/** The SQL statements of a span: the parameterized text, never its values, and bounded. */
const maxStatementChars = 4_096;

function statementAttributes(system: "sqlite" | "mariadb", text: string): Attributes {
  const bounded = text.length > maxStatementChars ? text.slice(0, maxStatementChars) : text;
  return {
    "db.system": system,
    "db.system.name": system,
    "db.statement": bounded,
    "db.query.text": bounded,
    "db.operation.name": operationOf(text),
  };
}

const operationOf = (text: string): string => /^\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? "SQL";

/**
 * Each statement a driver runs becomes a client span, whoever sends it (TypeORM's query runners, the read side's
 * prepared statements, the replicas' pools): better-sqlite3's statements and mysql2's connections are wrapped at their
 * prototypes, once. The text is the statement as written, with its `?` placeholders: mysql2 formats the values into
 * the text it sends, so the text is taken before.
 */
function traceDrivers(): void {
  traceSqlite();
  traceMysql();
}

function traceSqlite(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require("better-sqlite3") as typeof import("better-sqlite3");
  const probe = new Database(":memory:");
  const prototype = Object.getPrototypeOf(probe.prepare("SELECT 1")) as Record<string, (...args: unknown[]) => unknown>;
  probe.close();
  for (const method of ["run", "get", "all", "iterate"]) {
    const original = prototype[method];
    prototype[method] = function (this: { source: string }, ...args: unknown[]) {
      if (!tracer) return original.apply(this, args);
      const span = tracer.startSpan(operationOf(this.source), {
        kind: SpanKind.CLIENT,
        attributes: statementAttributes("sqlite", this.source),
      });
      try {
        return original.apply(this, args);
      } catch (error) {
        failed(span, error);
        throw error;
      } finally {
        span.end();
      }
    };
  }
}

type Callback = (error: unknown, ...rest: unknown[]) => void;
interface Command {
  sql?: unknown;
  onResult?: Callback;
  once?(event: string, listener: (...args: unknown[]) => void): unknown;
}

function traceMysql(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Connection } = require("mysql2") as { Connection: { prototype: object } };
  // The base class of every connection (a pool's included): query and execute are its methods.
  const prototype = Object.getPrototypeOf(Connection.prototype) as Record<string, (...args: unknown[]) => unknown>;
  for (const method of ["query", "execute"]) {
    const original = prototype[method];
    prototype[method] = function (this: unknown, ...args: unknown[]) {
      if (!tracer) return original.apply(this, args);
      const first = args[0] as Command | string;
      const text = typeof first === "string" ? first : typeof first?.sql === "string" ? first.sql : "";
      const span = tracer.startSpan(operationOf(text), { kind: SpanKind.CLIENT, attributes: statementAttributes("mariadb", text) });
      let ended = false;
      const end = (error?: unknown) => {
        if (ended) return;
        ended = true;
        if (error) failed(span, error);
        span.end();
      };
      const wrap =
        (callback: Callback): Callback =>
        (error, ...rest) => {
          end(error);
          return callback(error, ...rest);
        };
      const last = args.length - 1;
      if (typeof first === "object" && first !== null && typeof first.onResult === "function") first.onResult = wrap(first.onResult);
      else if (typeof args[last] === "function") args[last] = wrap(args[last] as Callback);
      let command: Command;
      try {
        command = original.apply(this, args) as Command;
      } catch (error) {
        end(error);
        throw error;
      }
      if (!ended && typeof command?.once === "function" && !(typeof command.onResult === "function")) {
        // An "error" listener would change what an unheard error does; "end" follows an error too.
        command.once("end", () => end());
      }
      return command;
    };
  }
}
