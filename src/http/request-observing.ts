import type { ApolloServerPlugin } from "@apollo/server";
import type { Request, RequestHandler } from "express";
import type { GraphQLError } from "graphql";
import type { Context } from "../context";
import { errorCodes } from "../errors";
import { countRequest, metricsEnabled } from "../observe/metrics";
import { failed, runIn, startRequestSpan, startSpan, tracing, type Span } from "../observe/tracing";
import type { Context as TraceContext } from "@opentelemetry/api";
import { scopeOf, type RequestScope } from "./request-id";

/**
 * What the metrics and the trace of one request say of it, gathered as it goes: the operation once Apollo has read
 * the document, the outcome once it is known. Keyed by the request's scope, which both Express and Apollo's context
 * hold.
 */
interface Observed {
  operation: string;
  type: string;
  outcome: string | null;
  span: Span | null;
}

const observed = new WeakMap<RequestScope, Observed>();
const traceContexts = new WeakMap<Request, TraceContext>();

/** An error code as a label: one of src/errors.ts's list (formatError masks any other), else OTHER. */
export function outcomeLabel(code: unknown): string {
  return typeof code === "string" && Object.hasOwn(errorCodes, code) ? code : "OTHER";
}

/** The code a request's answer has when nothing named one (a refusal answered before GraphQL ran), by its HTTP status. */
function statusOutcome(status: number): string {
  if (status < 400) return "OK";
  const byStatus: Record<number, string> = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "BAD_REQUEST",
    413: "PAYLOAD_TOO_LARGE",
    415: "BAD_REQUEST",
    429: "RATE_LIMITED",
    503: "UNAVAILABLE",
    504: "TIMEOUT",
  };
  return byStatus[status] ?? (status >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_REQUEST");
}

/**
 * The name an operation is counted and traced under: its name when a trusted document (TRUSTED_DOCUMENTS_MANIFEST)
 * holds an operation of that name, else `anonymous`. A caller chooses its own operation names; only the manifests'
 * are a closed list.
 */
export function operationLabeller(trustedNames: ReadonlySet<string>): (name: string | null | undefined) => string {
  return (name) => (name && trustedNames.has(name) ? name : "anonymous");
}

/** A refusal decided before Apollo's plugins run (the context's front door): its code, for the request's outcome. */
export function noteOutcome(scope: RequestScope, code: unknown): void {
  const record = observed.get(scope);
  if (record) record.outcome = outcomeLabel(code);
}

/**
 * The /graphql route's first handler when metrics or traces are on (nothing otherwise): the request is counted and
 * timed when its answer has been sent, under its operation and outcome (`gateway_requests_total`,
 * `gateway_request_duration_seconds`), and traced in a server span that continues the caller's `traceparent`.
 */
export function observeRequests(): { first: RequestHandler[]; afterBody: RequestHandler[] } {
  if (!metricsEnabled() && !tracing()) return { first: [], afterBody: [] };
  const start: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    const scope = scopeOf(req);
    const traced = startRequestSpan(`${req.method} /graphql`, req.headers, scope.requestId, {
      "http.request.method": req.method,
      "http.route": "/graphql",
      "url.path": "/graphql",
      "url.scheme": req.protocol,
      "network.protocol.version": req.httpVersion,
    });
    const record: Observed = { operation: "anonymous", type: "unknown", outcome: null, span: traced?.span ?? null };
    observed.set(scope, record);
    if (traced) traceContexts.set(req, traced.context);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const status = res.headersSent ? res.statusCode : 499;
      const outcome = record.outcome ?? statusOutcome(status);
      countRequest({
        operation: record.operation,
        type: record.type,
        outcome,
        transport: "http",
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
      });
      if (record.span) {
        record.span.setAttribute("http.response.status_code", status);
        if (status >= 500) failed(record.span, { code: outcome });
        record.span.end();
      }
    };
    res.once("finish", finish);
    res.once("close", finish);
    if (traced) runIn(traced.context, next);
    else next();
  };
  // After the JSON body: its stream's events ran in the socket's async context, so the request's is entered again.
  const resume: RequestHandler = (req, _res, next) => {
    const traced = traceContexts.get(req);
    if (traced) runIn(traced, next);
    else next();
  };
  return { first: [start], afterBody: tracing() ? [resume] : [] };
}

/**
 * Apollo's side: the operation's name and type for the request's record and span, spans for parsing, validation and
 * execution, and the answer's outcome (OK, or its first error's code as the client gets it).
 */
export function requestObserving(label: (name: string | null | undefined) => string): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const record = contextValue.requestScope ? observed.get(contextValue.requestScope) : undefined;
      if (!record) return;
      const child = (name: string) => (record.span ? startSpan(name) : null);
      const ender =
        (span: Span | null) =>
        async (error?: unknown): Promise<void> => {
          if (!span) return;
          const first = Array.isArray(error) ? error[0] : error;
          if (first) failed(span, first);
          span.end();
        };
      return {
        async parsingDidStart() {
          return ender(child("graphql.parse"));
        },
        async validationDidStart() {
          return ender(child("graphql.validate"));
        },
        async didResolveOperation({ operation }) {
          record.operation = label(operation?.name?.value);
          record.type = operation?.operation ?? "unknown";
          if (record.span) {
            record.span.setAttribute("graphql.operation.type", record.type);
            record.span.setAttribute("graphql.operation.name", record.operation);
          }
        },
        async executionDidStart() {
          const span = child("graphql.execute");
          if (span) {
            span.setAttribute("graphql.operation.type", record.type);
            span.setAttribute("graphql.operation.name", record.operation);
          }
          const end = ender(span);
          return { executionDidEnd: (error) => end(error) };
        },
        async willSendResponse({ response }) {
          const result = response.body.kind === "single" ? response.body.singleResult : undefined;
          const first = result?.errors?.[0] as GraphQLError | undefined;
          // A batch's first operation names the request's outcome; the others are not counted again.
          record.outcome ??= first ? outcomeLabel(first.extensions?.code) : "OK";
        },
      };
    },
  };
}
