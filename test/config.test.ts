import { ConfigError, loadConfig } from "../src/config";

describe("the configuration", () => {
  it("refuses to run in production on development tokens", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL/);
  });

  it("wants all three OIDC variables or none", () => {
    expect(() => loadConfig({ AUTH_ISSUER: "https://idp.example.be" })).toThrow(ConfigError);
  });

  it("turns the playground, introspection and demo data off in production unless asked for", () => {
    const production = loadConfig({
      AUTH_ISSUER: "https://idp.example.be",
      AUTH_AUDIENCE: "gateway",
      AUTH_JWKS_URL: "https://idp.example.be/jwks",
    });
    expect(production).toMatchObject({ playground: false, introspection: false, demoData: false });
    expect(loadConfig({})).toMatchObject({
      playground: true,
      introspection: true,
      demoData: true,
      port: 4000,
      databaseUrl: "sqlite:data/access.sqlite",
    });
  });

  it("bounds requests and database sessions by default, and takes other bounds", () => {
    expect(loadConfig({})).toMatchObject({
      requestTimeoutMs: 10_000,
      databaseDeadlines: {
        statementTimeoutMs: 5_000,
        lockWaitTimeoutS: 3,
        idleTransactionTimeoutS: 5,
        connectTimeoutMs: 5_000,
        galeraSyncWait: 1,
      },
    });
    const tuned = loadConfig({
      REQUEST_TIMEOUT_MS: "2500",
      DATABASE_STATEMENT_TIMEOUT_MS: "1500",
      DATABASE_LOCK_WAIT_TIMEOUT_S: "2",
      DATABASE_IDLE_TRANSACTION_TIMEOUT_S: "4",
      DATABASE_CONNECT_TIMEOUT_MS: "800",
      GALERA_SYNC_WAIT: "0",
    });
    expect(tuned).toMatchObject({
      requestTimeoutMs: 2_500,
      databaseDeadlines: {
        statementTimeoutMs: 1_500,
        lockWaitTimeoutS: 2,
        idleTransactionTimeoutS: 4,
        connectTimeoutMs: 800,
        galeraSyncWait: 0,
      },
    });
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: "0" })).toThrow(/REQUEST_TIMEOUT_MS/);
    expect(() => loadConfig({ DATABASE_LOCK_WAIT_TIMEOUT_S: "never" })).toThrow(/DATABASE_LOCK_WAIT_TIMEOUT_S/);
    expect(() => loadConfig({ GALERA_SYNC_WAIT: "16" })).toThrow(/GALERA_SYNC_WAIT must be a whole number from 0 to 15/);
  });

  it("executes compiled queries unless EXECUTION=graphql-js asks for the reference executor", () => {
    expect(loadConfig({}).execution).toBe("jit");
    expect(loadConfig({ EXECUTION: "graphql-js" }).execution).toBe("graphql-js");
    expect(() => loadConfig({ EXECUTION: "fast" })).toThrow(/EXECUTION/);
  });

  it("sweeps expired rights every minute, never in tests unless asked, and takes another interval or 0 for never", () => {
    expect(loadConfig({}).expirySweepSeconds).toBe(60);
    expect(loadConfig({ NODE_ENV: "test" }).expirySweepSeconds).toBe(0);
    expect(loadConfig({ NODE_ENV: "test", EXPIRY_SWEEP_SECONDS: "5" }).expirySweepSeconds).toBe(5);
    expect(loadConfig({ EXPIRY_SWEEP_SECONDS: "0" }).expirySweepSeconds).toBe(0);
    expect(() => loadConfig({ EXPIRY_SWEEP_SECONDS: "soon" })).toThrow(/EXPIRY_SWEEP_SECONDS/);
  });

  it("caps each viewer's live connections at 5 and subscriptions at 20 per process, and takes other caps", () => {
    expect(loadConfig({}).live).toEqual({ maxConnectionsPerViewer: 5, maxSubscriptionsPerViewer: 20 });
    expect(loadConfig({ LIVE_MAX_CONNECTIONS_PER_VIEWER: "2", LIVE_MAX_SUBSCRIPTIONS_PER_VIEWER: "8" }).live).toEqual({
      maxConnectionsPerViewer: 2,
      maxSubscriptionsPerViewer: 8,
    });
    expect(() => loadConfig({ LIVE_MAX_CONNECTIONS_PER_VIEWER: "0" })).toThrow(/LIVE_MAX_CONNECTIONS_PER_VIEWER/);
    expect(() => loadConfig({ LIVE_MAX_SUBSCRIPTIONS_PER_VIEWER: "many" })).toThrow(/LIVE_MAX_SUBSCRIPTIONS_PER_VIEWER/);
  });

  it("serves no metrics unless METRICS=on, then on a loopback port of their own or, asked for, the gateway's port", () => {
    expect(loadConfig({}).metrics).toBeNull();
    expect(loadConfig({ METRICS: "off", METRICS_PORT: "9000" }).metrics).toBeNull();
    expect(loadConfig({ METRICS: "on" }).metrics).toEqual({ port: 9464, host: "127.0.0.1" });
    expect(loadConfig({ METRICS: "on", METRICS_PORT: "9100", METRICS_HOST: "10.0.0.5" }).metrics).toEqual({ port: 9100, host: "10.0.0.5" });
    expect(loadConfig({ METRICS: "on", METRICS_PORT: "main" }).metrics).toEqual({ port: "main", host: "127.0.0.1" });
    expect(() => loadConfig({ METRICS: "maybe" })).toThrow(/METRICS must be on or off/);
    expect(() => loadConfig({ METRICS: "on", METRICS_PORT: "http" })).toThrow(/METRICS_PORT/);
    expect(() => loadConfig({ METRICS: "on", PORT: "4000", METRICS_PORT: "4000" })).toThrow(/METRICS_PORT=main/);
    // Only the primary's listener sums the workers: the shared port would answer one worker's metrics.
    expect(() => loadConfig({ METRICS: "on", METRICS_PORT: "main", WORKERS: "2" })).toThrow(/WORKERS/);
  });

  it("listens on 127.0.0.1 in development and on every interface in production, unless HOST names one", () => {
    const production = { AUTH_ISSUER: "https://idp.example.be", AUTH_AUDIENCE: "gateway", AUTH_JWKS_URL: "https://idp.example.be/jwks" };
    expect(loadConfig({}).host).toBe("127.0.0.1");
    expect(loadConfig({ NODE_ENV: "test" }).host).toBe("127.0.0.1");
    expect(loadConfig(production).host).toBe("0.0.0.0");
    expect(loadConfig({ ...production, NODE_ENV: "production" }).host).toBe("0.0.0.0");
    expect(loadConfig({ HOST: "0.0.0.0" }).host).toBe("0.0.0.0");
    expect(loadConfig({ ...production, HOST: "10.0.0.5" }).host).toBe("10.0.0.5");
  });

  it("tolerates 30 s of clock skew on tokens, or TOKEN_CLOCK_TOLERANCE seconds from 0 to 300", () => {
    expect(loadConfig({}).tokenClockToleranceSeconds).toBe(30);
    expect(loadConfig({ TOKEN_CLOCK_TOLERANCE: "0" }).tokenClockToleranceSeconds).toBe(0);
    expect(loadConfig({ TOKEN_CLOCK_TOLERANCE: "120" }).tokenClockToleranceSeconds).toBe(120);
    expect(() => loadConfig({ TOKEN_CLOCK_TOLERANCE: "301" })).toThrow(/TOKEN_CLOCK_TOLERANCE/);
    expect(() => loadConfig({ TOKEN_CLOCK_TOLERANCE: "-1" })).toThrow(/TOKEN_CLOCK_TOLERANCE/);
  });

  it("names the variable of a bad value", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => loadConfig({ PLAYGROUND: "maybe" })).toThrow(/PLAYGROUND/);
    expect(() => loadConfig({ DATABASE_URL: "postgres://localhost/x" })).toThrow(/DATABASE_URL/);
  });
});
