import { dirname, join, resolve } from "node:path";
import { defaultDatabaseUrl, parseDatabaseUrl } from "./database/database-url";
import { type DatabaseDeadlines } from "./database/mysql-sessions";
import { parseCorsOrigins, type CorsOrigins } from "./http/cors";
import { defaultEnterpriseCacheSettings, type EnterpriseCacheSettings } from "./read/enterprise-cache-settings";

export class ConfigError extends Error {}

export interface Config {
  port: number;
  /** The interface to listen on: loopback in development (the demo API and its tokens stay on this machine), every one in production. */
  host: string;
  databaseUrl: string;
  replicaUrls: string[];
  /** How long a replica may take to reach a request's consistency token before the request reads the primary (src/database/fresh-reads.ts). */
  consistencyTokenWaitMs: number;
  databasePoolSize: number;
  /** OIDC verification; null means development tokens signed by the gateway. */
  oidc: { issuer: string; audience: string; jwksUrl: string } | null;
  /** How long after its `exp` a token is still accepted (clock skew), in seconds: one value for HTTP and WebSocket. */
  tokenClockToleranceSeconds: number;
  devKeyFile: string;
  playground: boolean;
  introspection: boolean;
  rateLimit: boolean;
  bodyLimit: string;
  /** Document limits, checked before any resolver runs (src/http/document-limits.ts). */
  limits: { maxDepth: number; maxCost: number; maxAliases: number; maxRootFields: number; maxTokens: number };
  /** Accept a JSON array of operations in one request; each operation meets the limits on its own. */
  batchedRequests: boolean;
  /** The most operations one batch may hold; a longer one is refused before any runs (src/http/batch-limit.ts). */
  batchMaxOperations: number;
  /** How long the answer of a mutation sent with an Idempotency-Key is kept for its retries, in hours (src/http/idempotency.ts). */
  idempotencyTtlHours: number;
  /**
   * Requests per window per viewer (token subject) and per client IP, and the viewer's budget of cost points per
   * window of its own (src/http/rate-limit.ts).
   */
  rateLimitQuota: { perViewer: number; perClient: number; windowSeconds: number; costPoints: number; costWindowSeconds: number };
  /** Prefix of every Redis key, so that several deployments can share one Redis. */
  redisPrefix: string;
  /** Express "trust proxy": the proxies whose X-Forwarded-For names the client IP (false: the socket's peer). */
  trustProxy: boolean | number | string;
  /** How long an idle keep-alive connection stays open, in ms: longer than the load balancer's idle timeout. */
  keepAliveTimeoutMs: number;
  logLevel: string;
  workers: number;
  redisUrl: string | null;
  /** Loads the demo register into an empty embedded database at start-up. */
  demoData: boolean;
  /** "only": execute nothing but the manifest's documents, sent by hash; "off": manifest hashes and APQ. */
  trustedDocuments: "only" | "off";
  /**
   * The trusted-documents manifests (a web app's, a mobile app's), each Apollo's persisted-query manifest or
   * `{ "<sha256>": "<document>" }` (codegen writes the SDK's).
   */
  trustedDocumentsManifests: string[];
  /** Bound of the automatic-persisted-query cache, in bytes: the in-memory LRU's size, or Redis's entries times the largest document. */
  apqCacheBytes: number;
  /** The largest document a client may register as an automatic persisted query, in bytes. */
  apqMaxDocumentBytes: number;
  /** How long a registered document stays in the APQ cache, in seconds. */
  apqTtlSeconds: number;
  /** The largest answer the gateway builds; execution stops past it and the client gets QUERY_TOO_COMPLEX (responseBytes). */
  maxResponseBytes: number;
  /** After this, a request answers TIMEOUT and its transaction rolls back (src/http/request-deadline.ts). */
  requestTimeoutMs: number;
  /** Per MySQL/MariaDB session bounds, so a stuck statement or a partitioned transaction cannot hold rows for long. */
  databaseDeadlines: DatabaseDeadlines;
  /** "jit": queries compiled by graphql-jit (src/http/compiled-execution.ts); "graphql-js": the reference executor. */
  execution: "jit" | "graphql-js";
  /** With EXECUTION=jit: how many distinct documents stay compiled (least recently used dropped first). */
  compiledDocuments: number;
  /** Apollo's cache of parsed and validated documents, in bytes of their JSON (src/http/document-store.ts). */
  documentCacheBytes: number;
  /** Origins whose browser pages may call the API (CORS, without credentials); empty: same-origin only (src/http/cors.ts). */
  corsOrigins: CorsOrigins;
  /** How often the sweep writes down expired rights, in seconds; 0: never (src/management/sweep-expired-rights.ts). */
  expirySweepSeconds: number;
  /** accessDelta (src/read/access-delta.ts): how long a delta token stays valid and the change log is kept, in days. */
  deltaRetentionDays: number;
  /** Days an unanswered access request stays open (ACCESS_REQUEST_TTL_DAYS). */
  accessRequestTtlDays: number;
  /** Access requests one person may make in 24 hours (ACCESS_REQUESTS_PER_DAY). */
  accessRequestsPerDay: number;
  /**
   * How old (by the database's clock) a change log entry must be before a delta token resumes past it, in seconds:
   * longer than twice the longest transaction (src/database/access-changes.ts). MySQL/MariaDB only.
   */
  deltaSettleSeconds: number;
  /** Live subscriptions (src/http/live.ts), per viewer in each process: open connections, and subscriptions across them. */
  live: { maxConnectionsPerViewer: number; maxSubscriptionsPerViewer: number };
  /** The enterprise read models kept across requests (src/read/enterprise-cache.ts): rows (0: off) and MB in all, assignments per enterprise. */
  enterpriseCache: EnterpriseCacheSettings;
  /**
   * Prometheus metrics at /metrics (src/http/metrics.ts): null unless METRICS=on. On a listener of their own
   * (METRICS_HOST, loopback by default, and METRICS_PORT), or on the gateway's own port with METRICS_PORT=main.
   */
  metrics: { port: number | "main"; host: string } | null;
}

const flag = (value: string | undefined, fallback: boolean, name: string): boolean => {
  if (value === undefined || value === "") return fallback;
  if (/^(on|true|1|yes)$/i.test(value)) return true;
  if (/^(off|false|0|no)$/i.test(value)) return false;
  throw new ConfigError(`${name} must be on or off (got "${value}")`);
};

const integer = (value: string | undefined, fallback: number, name: string, { min = 0, max = 65535 } = {}): number => {
  if (value === undefined || value === "") return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max)
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
  return parsed;
};

const oneOf = <T extends string>(value: string | undefined, allowed: readonly T[], fallback: T, name: string): T => {
  if (value === undefined || value === "") return fallback;
  const found = allowed.find((a) => a === value.toLowerCase());
  if (!found) throw new ConfigError(`${name} must be one of ${allowed.join(", ")} (got "${value}")`);
  return found;
};

const corsOrigins = (value: string | undefined, production: boolean): CorsOrigins => {
  try {
    return parseCorsOrigins(value, { wildcardAllowed: !production });
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
};

/** TRUST_PROXY: unset or off (the socket's peer is the client), on (every proxy), a hop count, or addresses/subnets for Express. */
const trustProxy = (value: string | undefined): boolean | number | string => {
  if (value === undefined || value === "" || /^(off|false|no)$/i.test(value)) return false;
  if (/^(on|true|yes)$/i.test(value)) return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
};

const commaList = (value: string): string[] =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

/** METRICS, METRICS_PORT and METRICS_HOST: where /metrics answers, if anywhere. */
function metrics(env: NodeJS.ProcessEnv, port: number, workers: number): Config["metrics"] {
  if (!flag(env.METRICS, false, "METRICS")) return null;
  const host = env.METRICS_HOST || "127.0.0.1";
  if (env.METRICS_PORT?.toLowerCase() === "main") {
    // Each worker answers a connection of the shared port alone; only the primary's listener can sum them all.
    if (workers > 1)
      throw new ConfigError("METRICS_PORT=main cannot serve one scrape for all WORKERS: set METRICS_PORT to a port of its own");
    return { port: "main", host };
  }
  const metricsPort = integer(env.METRICS_PORT, 9464, "METRICS_PORT");
  if (metricsPort !== 0 && metricsPort === port)
    throw new ConfigError(`METRICS_PORT ${metricsPort} is the gateway's PORT: set METRICS_PORT=main to serve /metrics there`);
  return { port: metricsPort, host };
}

/** AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL: the OIDC provider whose tokens are accepted, or null for development tokens. */
function identity(env: NodeJS.ProcessEnv): Config["oidc"] {
  const authVariables = [env.AUTH_ISSUER, env.AUTH_AUDIENCE, env.AUTH_JWKS_URL];
  const someAuth = authVariables.some(Boolean);
  if (someAuth && !authVariables.every(Boolean))
    throw new ConfigError("AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL go together: set all three or none");
  const oidc = someAuth ? { issuer: env.AUTH_ISSUER!, audience: env.AUTH_AUDIENCE!, jwksUrl: env.AUTH_JWKS_URL! } : null;
  // A production gateway that signs its own tokens would let anyone who can read its key file act as anyone.
  if (env.NODE_ENV === "production" && !oidc)
    throw new ConfigError(
      "NODE_ENV=production needs AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL: development tokens are refused in production",
    );
  return oidc;
}

/** DATABASE_URL, DATABASE_REPLICA_URLS, CONSISTENCY_TOKEN_WAIT_MS and DATABASE_POOL_SIZE. */
function database(
  env: NodeJS.ProcessEnv,
  databaseUrl: string,
): Pick<Config, "databaseUrl" | "replicaUrls" | "consistencyTokenWaitMs" | "databasePoolSize"> {
  return {
    databaseUrl,
    replicaUrls: commaList(env.DATABASE_REPLICA_URLS ?? ""),
    consistencyTokenWaitMs: integer(env.CONSISTENCY_TOKEN_WAIT_MS, 50, "CONSISTENCY_TOKEN_WAIT_MS", { min: 0, max: 10_000 }),
    databasePoolSize: integer(env.DATABASE_POOL_SIZE, 10, "DATABASE_POOL_SIZE", { min: 1, max: 500 }),
  };
}

function documentLimits(env: NodeJS.ProcessEnv): Config["limits"] {
  return {
    maxDepth: integer(env.MAX_DEPTH, 10, "MAX_DEPTH", { min: 2, max: 100 }),
    maxCost: integer(env.MAX_COST, 20_000, "MAX_COST", { min: 1, max: 10_000_000 }),
    maxAliases: integer(env.MAX_ALIASES, 20, "MAX_ALIASES", { min: 0, max: 10_000 }),
    maxRootFields: integer(env.MAX_ROOT_FIELDS, 10, "MAX_ROOT_FIELDS", { min: 1, max: 10_000 }),
    maxTokens: integer(env.MAX_TOKENS, 2_000, "MAX_TOKENS", { min: 100, max: 1_000_000 }),
  };
}

/** The rate limits; with them on, the cost budget must hold the costliest document the limits let through (MAX_COST). */
function rateLimitQuota(env: NodeJS.ProcessEnv): Config["rateLimitQuota"] {
  return {
    perViewer: integer(env.RATE_LIMIT_PER_VIEWER, 300, "RATE_LIMIT_PER_VIEWER", { min: 1, max: 1_000_000 }),
    perClient: integer(env.RATE_LIMIT_PER_CLIENT, 1_200, "RATE_LIMIT_PER_CLIENT", { min: 1, max: 1_000_000 }),
    windowSeconds: integer(env.RATE_LIMIT_WINDOW, 60, "RATE_LIMIT_WINDOW", { min: 1, max: 86_400 }),
    costPoints: integer(env.RATE_LIMIT_COST_POINTS, 100_000, "RATE_LIMIT_COST_POINTS", { min: 1, max: 1_000_000_000 }),
    costWindowSeconds: integer(env.RATE_LIMIT_COST_WINDOW_S, 60, "RATE_LIMIT_COST_WINDOW_S", { min: 1, max: 86_400 }),
  };
}

/** TRUSTED_DOCUMENTS_MANIFEST: comma-separated files; unset, the SDK's manifest that codegen writes. */
const trustedDocumentsManifests = (value: string | undefined): string[] =>
  value ? commaList(value) : [join(__dirname, "client", "generated", "persisted-documents.json")];

function databaseDeadlines(env: NodeJS.ProcessEnv): DatabaseDeadlines {
  return {
    statementTimeoutMs: integer(env.DATABASE_STATEMENT_TIMEOUT_MS, 5_000, "DATABASE_STATEMENT_TIMEOUT_MS", { min: 100, max: 3_600_000 }),
    lockWaitTimeoutS: integer(env.DATABASE_LOCK_WAIT_TIMEOUT_S, 3, "DATABASE_LOCK_WAIT_TIMEOUT_S", { min: 1, max: 3_600 }),
    idleTransactionTimeoutS: integer(env.DATABASE_IDLE_TRANSACTION_TIMEOUT_S, 5, "DATABASE_IDLE_TRANSACTION_TIMEOUT_S", {
      min: 1,
      max: 3_600,
    }),
    connectTimeoutMs: integer(env.DATABASE_CONNECT_TIMEOUT_MS, 5_000, "DATABASE_CONNECT_TIMEOUT_MS", { min: 100, max: 600_000 }),
    galeraSyncWait: integer(env.GALERA_SYNC_WAIT, 1, "GALERA_SYNC_WAIT", { min: 0, max: 15 }),
  };
}

function liveLimits(env: NodeJS.ProcessEnv): Config["live"] {
  return {
    maxConnectionsPerViewer: integer(env.LIVE_MAX_CONNECTIONS_PER_VIEWER, 5, "LIVE_MAX_CONNECTIONS_PER_VIEWER", { min: 1, max: 1_000 }),
    maxSubscriptionsPerViewer: integer(env.LIVE_MAX_SUBSCRIPTIONS_PER_VIEWER, 20, "LIVE_MAX_SUBSCRIPTIONS_PER_VIEWER", {
      min: 1,
      max: 10_000,
    }),
  };
}

function enterpriseCache(env: NodeJS.ProcessEnv): EnterpriseCacheSettings {
  return {
    maxRows: integer(env.ENTERPRISE_CACHE_ROWS, defaultEnterpriseCacheSettings.maxRows, "ENTERPRISE_CACHE_ROWS", {
      min: 0,
      max: 100_000_000,
    }),
    maxBytes:
      integer(env.ENTERPRISE_CACHE_MB, defaultEnterpriseCacheSettings.maxBytes / 2 ** 20, "ENTERPRISE_CACHE_MB", { min: 1, max: 65_536 }) *
      2 ** 20,
    maxAssignmentsPerEnterprise: integer(
      env.ENTERPRISE_CACHE_MAX_ASSIGNMENTS,
      defaultEnterpriseCacheSettings.maxAssignmentsPerEnterprise,
      "ENTERPRISE_CACHE_MAX_ASSIGNMENTS",
      { min: 1, max: 1_000_000 },
    ),
  };
}

/**
 * Reads the configuration from the environment (README, "Configuration"); a bad value stops the process with its name.
 * The settings are read in the order of the fields below, so that of several bad values the first one named is always
 * the same.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || defaultDatabaseUrl;
  const target = parseDatabaseUrl(databaseUrl);
  const oidc = identity(env);
  const production = oidc !== null || env.NODE_ENV === "production";
  const dataDir = target.dialect === "sqlite" && target.path !== ":memory:" ? dirname(resolve(target.path)) : resolve("data");
  const config: Config = {
    port: integer(env.PORT, 4000, "PORT"),
    // A container's port mapping reaches a production gateway only on its network interface, not on loopback.
    host: env.HOST || (production ? "0.0.0.0" : "127.0.0.1"),
    ...database(env, databaseUrl),
    oidc,
    tokenClockToleranceSeconds: integer(env.TOKEN_CLOCK_TOLERANCE, 30, "TOKEN_CLOCK_TOLERANCE", { min: 0, max: 300 }),
    devKeyFile: env.DEV_KEY_FILE || join(dataDir, "dev-signing-key.json"),
    playground: flag(env.PLAYGROUND, !production, "PLAYGROUND"),
    introspection: flag(env.INTROSPECTION, !production, "INTROSPECTION"),
    rateLimit: flag(env.RATE_LIMIT, true, "RATE_LIMIT"),
    bodyLimit: env.BODY_LIMIT || "1mb",
    limits: documentLimits(env),
    batchedRequests: flag(env.BATCHED_REQUESTS, false, "BATCHED_REQUESTS"),
    batchMaxOperations: integer(env.BATCH_MAX_OPERATIONS, 10, "BATCH_MAX_OPERATIONS", { min: 1, max: 1_000 }),
    idempotencyTtlHours: integer(env.IDEMPOTENCY_TTL_HOURS, 24, "IDEMPOTENCY_TTL_HOURS", { min: 1, max: 720 }),
    rateLimitQuota: rateLimitQuota(env),
    redisPrefix: env.REDIS_PREFIX ?? "gateway:",
    trustProxy: trustProxy(env.TRUST_PROXY),
    keepAliveTimeoutMs: integer(env.KEEP_ALIVE_TIMEOUT, 65, "KEEP_ALIVE_TIMEOUT", { min: 1, max: 3_600 }) * 1000,
    logLevel: env.LOG_LEVEL || (env.NODE_ENV === "test" ? "silent" : "info"),
    workers: integer(env.WORKERS, 1, "WORKERS", { min: 1, max: 64 }),
    redisUrl: env.REDIS_URL || null,
    demoData: flag(env.DEMO_DATA, target.dialect === "sqlite" && !production, "DEMO_DATA"),
    trustedDocuments: oneOf(env.TRUSTED_DOCUMENTS, ["off", "only"] as const, "off", "TRUSTED_DOCUMENTS"),
    trustedDocumentsManifests: trustedDocumentsManifests(env.TRUSTED_DOCUMENTS_MANIFEST),
    apqCacheBytes: integer(env.APQ_CACHE_MB, 16, "APQ_CACHE_MB", { min: 1, max: 1024 }) * 1024 * 1024,
    apqMaxDocumentBytes: integer(env.APQ_MAX_DOCUMENT_BYTES, 16_384, "APQ_MAX_DOCUMENT_BYTES", { min: 256, max: 1_048_576 }),
    apqTtlSeconds: integer(env.APQ_TTL, 3_600, "APQ_TTL", { min: 1, max: 604_800 }),
    maxResponseBytes: integer(env.MAX_RESPONSE_BYTES, 2_097_152, "MAX_RESPONSE_BYTES", { min: 1_024, max: 1_073_741_824 }),
    requestTimeoutMs: integer(env.REQUEST_TIMEOUT_MS, 10_000, "REQUEST_TIMEOUT_MS", { min: 100, max: 600_000 }),
    databaseDeadlines: databaseDeadlines(env),
    execution: oneOf(env.EXECUTION, ["jit", "graphql-js"] as const, "jit", "EXECUTION"),
    compiledDocuments: integer(env.COMPILED_DOCUMENTS, 1_000, "COMPILED_DOCUMENTS", { min: 1, max: 100_000 }),
    documentCacheBytes: integer(env.DOCUMENT_CACHE_MB, 8, "DOCUMENT_CACHE_MB", { min: 1, max: 1024 }) * 2 ** 20,
    corsOrigins: corsOrigins(env.CORS_ORIGINS, production),
    // Off in tests unless asked for: a test starts its sweeps itself, when it has set its clock.
    expirySweepSeconds: integer(env.EXPIRY_SWEEP_SECONDS, env.NODE_ENV === "test" ? 0 : 60, "EXPIRY_SWEEP_SECONDS", {
      min: 0,
      max: 86_400,
    }),
    deltaRetentionDays: integer(env.DELTA_RETENTION_DAYS, 30, "DELTA_RETENTION_DAYS", { min: 1, max: 3_650 }),
    accessRequestTtlDays: integer(env.ACCESS_REQUEST_TTL_DAYS, 30, "ACCESS_REQUEST_TTL_DAYS", { min: 1, max: 365 }),
    accessRequestsPerDay: integer(env.ACCESS_REQUESTS_PER_DAY, 10, "ACCESS_REQUESTS_PER_DAY", { min: 1, max: 1_000 }),
    deltaSettleSeconds: integer(env.DELTA_SETTLE_SECONDS, 60, "DELTA_SETTLE_SECONDS", { min: 0, max: 86_400 }),
    live: liveLimits(env),
    enterpriseCache: enterpriseCache(env),
    metrics: null,
  };
  config.metrics = metrics(env, config.port, config.workers);
  const { rateLimit, rateLimitQuota: quota, limits } = config;
  if (rateLimit && quota.costPoints < limits.maxCost)
    throw new ConfigError(
      `RATE_LIMIT_COST_POINTS (${quota.costPoints}) must be at least MAX_COST (${limits.maxCost}): a document within the limits must fit a whole budget`,
    );
  return config;
}
