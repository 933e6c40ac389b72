import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GraphQLClient } from "graphql-request";
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import type { Clock } from "../../src/clock";
import { loadConfig, type Config } from "../../src/config";
import { openDatabase } from "../../src/database/data-source";
import { loadOrCreateDevKeys } from "../../src/identity/dev-keys";
import { signDevToken } from "../../src/identity/tokens";
import { Catalog } from "../../src/domain/catalog";
import { startGateway, type Gateway } from "../../src/server";
import { createTestDatabase, type DialectName, type TestDatabase } from "./databases";
import { Seed } from "./seed";

export interface TestGateway {
  url: string;
  /** The database it serves (shared with another gateway when it was given one). */
  database: TestDatabase;
  dataSource: DataSource;
  catalog: Catalog;
  config: Config;
  gateway: Gateway;
  seed: Seed;
  /** A development token for the person with this SSIN. */
  token(ssin: string, names?: { givenName?: string; familyName?: string }): Promise<string>;
  /** A graphql-request client acting as the person with this SSIN (anonymous without one). */
  client(ssin?: string, headers?: Record<string, string>): Promise<GraphQLClient>;
  stop(): Promise<void>;
}

export interface TestGatewayOptions {
  /** The gateway's logger (default: silent), to read the lines a test causes. */
  logger?: Logger;
  /** Rewrites the database URL the gateway opens, e.g. to reach the server through a test proxy. */
  databaseUrl?: (url: string) => string;
  /** Serve this database (another gateway's) instead of a new one; the gateway that created it drops it. */
  database?: TestDatabase;
  /** The gateway's "now" (src/clock.ts), shared with the seed: a ManualClock replays history without sleeping. */
  clock?: Clock;
}

/** A real gateway on a real database, listening on a free port; one per test file. */
export async function startTestGateway(
  dialect: DialectName,
  env: Record<string, string> = {},
  { logger, databaseUrl = (url) => url, database: shared, clock }: TestGatewayOptions = {},
): Promise<TestGateway> {
  const database: TestDatabase = shared ?? (await createTestDatabase(dialect, { fromTemplate: true }));
  // The signing key's folder, unless the test names a key file (another gateway's): removed when this gateway stops.
  const keyDirectory = env.DEV_KEY_FILE ? null : mkdtempSync(join(tmpdir(), "gateway-keys-"));
  const removeOwn = async () => {
    if (!shared) await database.drop();
    if (keyDirectory) rmSync(keyDirectory, { recursive: true, force: true });
  };
  let config: Config;
  let dataSource: DataSource | undefined;
  let gateway: Gateway;
  try {
    config = loadConfig({
      NODE_ENV: "test",
      DATABASE_URL: databaseUrl(database.url),
      PORT: "0",
      HOST: "127.0.0.1",
      ...(keyDirectory ? { DEV_KEY_FILE: join(keyDirectory, "dev-signing-key.json") } : {}),
      LOG_LEVEL: "silent",
      RATE_LIMIT: "off",
      // EXECUTION=graphql-js npx jest … runs a suite on the reference executor instead of the compiled one.
      ...(process.env.EXECUTION ? { EXECUTION: process.env.EXECUTION } : {}),
      ...env,
    });
    dataSource = await openDatabase({ url: config.databaseUrl, replicaUrls: config.replicaUrls, deadlines: config.databaseDeadlines });
    gateway = await startGateway({ config, dataSource, logger, clock });
  } catch (error) {
    // A start the test expects to fail leaves nothing behind either.
    if (dataSource?.isInitialized) await dataSource.destroy();
    await removeOwn();
    throw error;
  }
  const catalog = await Catalog.load(dataSource);
  const keys = config.oidc ? null : await loadOrCreateDevKeys(config.devKeyFile);
  const token = async (ssin: string, names: { givenName?: string; familyName?: string } = {}) => {
    if (!keys) throw new Error("OIDC mode: sign tokens with the test's identity provider");
    return signDevToken(keys, { ssin, ...names });
  };
  return {
    url: gateway.url,
    database,
    dataSource,
    catalog,
    config,
    gateway,
    seed: new Seed(dataSource, catalog, clock),
    token,
    async client(ssin, headers = {}) {
      return new GraphQLClient(gateway.url, { headers: { ...(ssin ? { authorization: `Bearer ${await token(ssin)}` } : {}), ...headers } });
    },
    async stop() {
      await gateway.stop();
      await dataSource.destroy();
      await removeOwn();
    },
  };
}
