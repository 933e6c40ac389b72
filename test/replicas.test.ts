import { join } from "node:path";
import { createConnection, type RowDataPacket } from "mysql2/promise";
import type { DataSource } from "typeorm";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/database/data-source";
import { loadOrCreateDevKeys } from "../src/identity/dev-keys";
import { signDevToken } from "../src/identity/tokens";
import { Catalog } from "../src/domain/catalog";
import { startGateway, type Gateway } from "../src/server";
import { createTestDatabase, describeMysql, serverOptions, type TestDatabase } from "./support/databases";
import { graphql } from "./support/http";
import { ssin } from "./support/identities";
import { Seed, type SeededEnterprise } from "./support/seed";
import { scratchDirectory } from "./support/scratch";

const databaseOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

/**
 * DATABASE_REPLICA_URLS on MariaDB. The "replica" is a second database that the test copies the primary into when it
 * says so: replication that lags as long as the test wants, so that where each read goes shows in the answers.
 */
describeMysql("read replicas [mysql]", () => {
  let primary: TestDatabase;
  let replica: TestDatabase;
  let seeding: DataSource;
  let gatewayData: DataSource;
  let gateway: Gateway;
  let enterprise: SeededEnterprise;
  let token: string;
  let keys: Awaited<ReturnType<typeof loadOrCreateDevKeys>>;

  /** Copies every table of the primary into the replica, as replication catching up would. */
  const replicate = async () => {
    const admin = await createConnection(serverOptions());
    try {
      const [tables] = await admin.query<RowDataPacket[]>(
        "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?",
        [databaseOf(primary.url)],
      );
      await admin.query("SET FOREIGN_KEY_CHECKS = 0");
      // The enterprise rows last: copying the other tables fires the replica's version triggers (real replication
      // replays the primary's rows, triggers included, and ends on the primary's versions, which this restores).
      tables.sort((a, b) => Number(a.name === "enterprise") - Number(b.name === "enterprise"));
      for (const { name } of tables) {
        await admin.query(`DELETE FROM \`${databaseOf(replica.url)}\`.\`${name}\``);
        await admin.query(
          `INSERT INTO \`${databaseOf(replica.url)}\`.\`${name}\` SELECT * FROM \`${databaseOf(primary.url)}\`.\`${name}\``,
        );
      }
    } finally {
      await admin.end();
    }
  };
  const accessManagers = async (headers: Record<string, string> = {}) => {
    const answer = await graphql(
      gateway.url,
      "query ($e: EnterpriseNumber!) { enterprise(number: $e) { roleAssignments(role: ACCESS_MANAGER) { totalCount } } }",
      { token, variables: { e: enterprise.number }, headers },
    );
    return (answer.json?.data?.enterprise as { roleAssignments: { totalCount: number } }).roleAssignments.totalCount;
  };

  beforeAll(async () => {
    [primary, replica] = await Promise.all([createTestDatabase("mysql"), createTestDatabase("mysql")]);
    seeding = await openDatabase({ url: primary.url });
    await (await openDatabase({ url: replica.url })).destroy();
    enterprise = await new Seed(seeding, await Catalog.load(seeding)).enterprise().withMainAccessManager().active().build();
    await replicate();

    const config = loadConfig({
      NODE_ENV: "test",
      DATABASE_URL: primary.url,
      DATABASE_REPLICA_URLS: replica.url,
      PORT: "0",
      HOST: "127.0.0.1",
      DEV_KEY_FILE: join(scratchDirectory("gateway-keys-"), "dev-signing-key.json"),
      RATE_LIMIT: "off",
    });
    gatewayData = await openDatabase({ url: config.databaseUrl, replicaUrls: config.replicaUrls });
    gateway = await startGateway({ config, dataSource: gatewayData });
    keys = await loadOrCreateDevKeys(config.devKeyFile);
    token = await signDevToken(keys, { ssin: enterprise.mainAccessManager! });
  });
  afterAll(async () => {
    await gateway?.stop();
    await gatewayData?.destroy();
    await seeding?.destroy();
    await Promise.all([primary?.drop(), replica?.drop()]);
  });

  it("names each replica's state in /readyz: reachable, and its lag (null: this replica copy does not replicate)", async () => {
    const readyz = await fetch(new URL("/readyz", gateway.url));
    expect(readyz.status).toBe(200);
    const { port } = serverOptions();
    await expect(readyz.json()).resolves.toEqual({
      status: "ready",
      replicas: [{ replica: `1 (127.0.0.1:${port})`, reachable: true, lagSeconds: null }],
    });
  });

  it("writes a mutation to the primary and reads its answer there, while queries read the replica until it catches up", async () => {
    expect(await accessManagers()).toBe(1);
    const manager = ssin();
    const answer = await graphql(
      gateway.url,
      "mutation ($input: AppointAccessManagerInput!) { appointAccessManager(input: $input) { role person { ssin } enterprise { roleAssignments(role: ACCESS_MANAGER) { totalCount } } } }",
      {
        token,
        variables: {
          input: {
            enterprise: enterprise.number,
            capacity: "EMPLOYER_NSSO",
            person: { ssin: manager, givenName: "Read", familyName: "Primary" },
          },
        },
      },
    );
    expect(answer.json).toEqual({
      data: {
        appointAccessManager: { role: "ACCESS_MANAGER", person: { ssin: manager }, enterprise: { roleAssignments: { totalCount: 2 } } },
      },
      extensions: { consistencyToken: answer.headers.get("consistency-token") },
    });

    const [row] = await seeding.query("SELECT COUNT(*) AS n FROM role_assignment WHERE role = 'ACCESS_MANAGER' AND ended_at IS NULL");
    expect(Number(row.n)).toBe(2);
    expect(await accessManagers()).toBe(1);
    await replicate();
    expect(await accessManagers()).toBe(2);
  });

  it("reads the primary for a query that sends back a mutation's consistency token, while the replica lacks the write", async () => {
    await replicate();
    const before = await accessManagers();
    const answer = await graphql(
      gateway.url,
      "mutation ($input: AppointAccessManagerInput!) { appointAccessManager(input: $input) { role } }",
      {
        token,
        variables: {
          input: {
            enterprise: enterprise.number,
            capacity: "EMPLOYER_NSSO",
            person: { ssin: ssin(), givenName: "Read", familyName: "Token" },
          },
        },
      },
    );
    const consistencyToken = answer.headers.get("consistency-token");
    expect(answer.json).toEqual({ data: { appointAccessManager: { role: "ACCESS_MANAGER" } }, extensions: { consistencyToken } });
    // This replica is a copy that never replicates: it reaches no position, and a `latest` token asks for the primary.
    expect(await accessManagers({ "consistency-token": consistencyToken! })).toBe(before + 1);
    expect(await accessManagers()).toBe(before);
    await replicate();
    expect(await accessManagers()).toBe(before + 1);
  });

  it("recognizes a new person on their second request before the replica has them", async () => {
    const newcomer = await signDevToken(keys, { ssin: ssin(), givenName: "New", familyName: "Comer" });
    const first = await graphql(gateway.url, "{ me { givenName } }", { token: newcomer });
    const second = await graphql(gateway.url, "{ me { givenName } }", { token: newcomer });
    expect([first.json, second.json]).toEqual([{ data: { me: { givenName: "New" } } }, { data: { me: { givenName: "New" } } }]);
  });
});
