/**
 * The gateway's Prometheus metrics (METRICS=on), kept in this process: every floor records into them through the
 * functions below, which do nothing until `enableMetrics` has run, so that a gateway without metrics pays one test of
 * a variable per event. The labels take their values from closed lists only (operation names of the trusted
 * documents, error codes, tasks, reasons): a person, a document or any other value a caller chooses never becomes a
 * label, so the number of series stays bounded whatever the traffic.
 */
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** What the metrics of one source (a gateway's pool, its read models) read at each scrape. */
export type Sample = () => number;

interface Instruments {
  registry: Registry;
  requests: Counter<"operation" | "type" | "outcome" | "transport">;
  duration: Histogram<"operation" | "type" | "transport">;
  decisions: Counter<"task" | "reason">;
  retries: Counter<"reason">;
  transactions: Counter<"outcome">;
  rateLimited: Counter<"scope">;
  subscriptions: Gauge;
  subscriptionEvents: Counter;
  auditEvents: Counter;
}

let instruments: Instruments | null = null;

/** The sources read at each scrape, by metric name: several gateways of one process (tests) add up, a stopped one is gone. */
const sampled = new Map<string, Set<Sample>>();

const sum = (name: string): number => {
  let total = 0;
  for (const sample of sampled.get(name) ?? []) total += sample();
  return total;
};

/**
 * Requests (an HTTP request, a subscription started over the WebSocket) take at least a millisecond and at most the
 * request deadline (10 s by default, REQUEST_TIMEOUT_MS): buckets from 2.5 ms to 10 s, then +Inf.
 */
const durationBuckets = [0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function createInstruments(): Instruments {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const sampledGauge = (name: string, help: string) => {
    const metric = name;
    // prom-client reads `collect` at each scrape: the value is what the sources hold then.
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(sum(metric));
      },
    });
  };
  const sampledCounter = (name: string, help: string) => {
    const metric = name;
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(sum(metric));
      },
    });
  };
  sampledCounter("gateway_read_model_hits_total", "Enterprise read models found kept and current (ENTERPRISE_CACHE_ROWS).");
  sampledCounter("gateway_read_model_misses_total", "Enterprise read models read from the database (not kept, or of an older version).");
  sampledCounter(
    "gateway_read_model_evictions_total",
    "Enterprise read models dropped to stay within ENTERPRISE_CACHE_ROWS and ENTERPRISE_CACHE_MB.",
  );
  sampledGauge("gateway_read_model_rows", "Rows held by the kept enterprise read models.");
  sampledGauge(
    "gateway_read_model_bytes",
    "Estimated bytes held by the kept enterprise read models and their answers (ENTERPRISE_CACHE_MB).",
  );
  sampledGauge("gateway_read_models", "Enterprise read models kept.");
  sampledGauge(
    "gateway_database_pool_connections_in_use",
    "Connections of the MySQL/MariaDB pools lent out to a statement or transaction.",
  );
  sampledGauge("gateway_database_pool_connections_idle", "Open connections of the MySQL/MariaDB pools waiting for work.");
  sampledGauge("gateway_database_pool_waiting", "Requests for a connection queued because every connection of the pool is in use.");
  return {
    registry,
    requests: new Counter({
      name: "gateway_requests_total",
      help: "GraphQL requests answered, by operation (a trusted document's name, else anonymous), type, outcome (OK or the first error code) and transport (http, websocket).",
      labelNames: ["operation", "type", "outcome", "transport"],
      registers: [registry],
    }),
    duration: new Histogram({
      name: "gateway_request_duration_seconds",
      help: "Time from a request's arrival to its answer (HTTP), or to the subscription's start (WebSocket).",
      labelNames: ["operation", "type", "transport"],
      buckets: durationBuckets,
      registers: [registry],
    }),
    decisions: new Counter({
      name: "gateway_authorization_decisions_total",
      help: "Authorization decisions made (src/access/decision.ts), by task and reason.",
      labelNames: ["task", "reason"],
      registers: [registry],
    }),
    retries: new Counter({
      name: "gateway_transaction_retries_total",
      help: "Transactions run again by their retry policy (src/database/retry-policies.ts), by the failure's code.",
      labelNames: ["reason"],
      registers: [registry],
    }),
    transactions: new Counter({
      name: "gateway_transactions_total",
      help: "Units of work run by the transaction runner (every write), by outcome: committed, held (a dry run), failed.",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: "gateway_rate_limit_refusals_total",
      help: "Requests refused RATE_LIMITED, by the quota that refused them (client, viewer, cost).",
      labelNames: ["scope"],
      registers: [registry],
    }),
    subscriptions: new Gauge({
      name: "gateway_subscriptions_open",
      help: "Subscriptions listening for access changes in this process.",
      registers: [registry],
    }),
    subscriptionEvents: new Counter({
      name: "gateway_subscription_events_total",
      help: "Access-change events pushed to subscriptions.",
      registers: [registry],
    }),
    auditEvents: new Counter({
      name: "gateway_audit_events_total",
      help: "Audit events written by committed transactions.",
      registers: [registry],
    }),
  };
}

/** Starts recording (METRICS=on); once per process, whatever the number of gateways it runs. */
export function enableMetrics(): void {
  instruments ??= createInstruments();
}

export const metricsEnabled = (): boolean => instruments !== null;

/** The Prometheus text of this process's metrics, and its content type. */
export async function metricsText(): Promise<{ contentType: string; text: string }> {
  enableMetrics();
  const { registry } = instruments!;
  return { contentType: registry.contentType, text: await registry.metrics() };
}

/**
 * In a worker of WORKERS=N: answers the primary's requests for this process's metrics (prom-client's cluster
 * messages), so that the primary's scrape sums every worker.
 */
export function serveMetricsToPrimary(): void {
  enableMetrics();
  AggregatorRegistry.setRegistries([instruments!.registry]);
  // Its constructor is what starts listening for the primary's messages in a worker.
  new AggregatorRegistry();
}

/** In the primary of WORKERS=N: the metrics of every worker, counters and gauges summed (prom-client's IPC). */
export function clusterMetrics(): () => Promise<{ contentType: string; text: string }> {
  const aggregator = new AggregatorRegistry();
  return async () => ({ contentType: aggregator.contentType, text: await aggregator.clusterMetrics() });
}

/**
 * Adds a source read at each scrape to one of the sampled metrics (the read models' counts, a pool's connections);
 * returns what removes it (a gateway that stops).
 */
export function sample(metric: SampledMetric, read: Sample): () => void {
  let sources = sampled.get(metric);
  if (!sources) sampled.set(metric, (sources = new Set()));
  sources.add(read);
  return () => sources.delete(read);
}

export type SampledMetric =
  | "gateway_read_model_hits_total"
  | "gateway_read_model_misses_total"
  | "gateway_read_model_evictions_total"
  | "gateway_read_model_rows"
  | "gateway_read_model_bytes"
  | "gateway_read_models"
  | "gateway_database_pool_connections_in_use"
  | "gateway_database_pool_connections_idle"
  | "gateway_database_pool_waiting";

export interface RequestOutcome {
  /** A trusted document's operation name, or "anonymous". */
  operation: string;
  /** query, mutation, subscription, or "unknown" before the document was read. */
  type: string;
  /** "OK", or the first error's code (one of src/errors.ts's). */
  outcome: string;
  transport: "http" | "websocket";
  seconds: number;
}

export function countRequest({ operation, type, outcome, transport, seconds }: RequestOutcome): void {
  if (!instruments) return;
  instruments.requests.inc({ operation, type, outcome, transport });
  instruments.duration.observe({ operation, type, transport }, seconds);
}

export function countDecision(task: string, reason: string): void {
  instruments?.decisions.inc({ task, reason });
}

export function countRetry(reason: string): void {
  instruments?.retries.inc({ reason });
}

export function countTransaction(outcome: "committed" | "held" | "failed"): void {
  instruments?.transactions.inc({ outcome });
}

export function countRateLimitRefusal(scope: string): void {
  instruments?.rateLimited.inc({ scope });
}

export function subscriptionOpened(): void {
  instruments?.subscriptions.inc();
}

export function subscriptionClosed(): void {
  instruments?.subscriptions.dec();
}

export function countSubscriptionEvent(): void {
  instruments?.subscriptionEvents.inc();
}

/**
 * Audit events are counted once their transaction commits: appended ones wait here under their transaction (its query
 * runner, or its manager), and the runner hands them over (`transactionCommitted`) or lets them go with a rollback.
 */
const appended = new WeakMap<object, number>();

export function auditEventsAppended(transaction: object, count: number): void {
  if (!instruments) return;
  appended.set(transaction, (appended.get(transaction) ?? 0) + count);
}

export function transactionCommitted(transaction: object): void {
  if (!instruments) return;
  const count = appended.get(transaction);
  if (count === undefined) return;
  appended.delete(transaction);
  instruments.auditEvents.inc(count);
}

export function transactionRolledBack(transaction: object): void {
  appended.delete(transaction);
}
