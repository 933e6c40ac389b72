import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createConnection, type Connection, type RowDataPacket } from "mysql2/promise";
import { openDatabase } from "../src/database/data-source";
import { createTestDatabase, describeMysql, serverOptions, type TestDatabase } from "./support/databases";
import { startOwnMariadb, type OwnMariadb } from "./support/mariadb-server";
import { freePort, startScript } from "./support/processes";
import { testPort } from "./support/test-run";
import { scratchDirectory } from "./support/scratch";

/** Starts `src/main.ts` (what `npm start` runs) on `databaseUrl`: whether it got as far as listening, and what it printed. */
async function start(databaseUrl: string): Promise<{ started: boolean; output: string }> {
  const port = await freePort();
  const gateway = startScript("src/main.ts", [], {
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    RATE_LIMIT: "off",
    DEMO_DATA: "off",
    HOST: "127.0.0.1",
    PORT: String(port),
    DEV_KEY_FILE: join(scratchDirectory("gateway-keys-"), "dev-signing-key.json"),
    DATABASE_URL: databaseUrl,
  });
  const started = await gateway.waitForOutput(/Secure access gateway:/).then(
    () => true,
    () => false,
  );
  if (started) await gateway.stop("SIGTERM");
  return { started, output: gateway.stdout() + gateway.stderr() };
}

/** Every privilege a gateway uses on its database, but TRIGGER (and, being on one database, no SUPER). */
const withoutTrigger =
  "SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, REFERENCES, CREATE VIEW, SHOW VIEW, LOCK TABLES, CREATE TEMPORARY TABLES";

/** An account of a random name on `admin`'s server, for 'localhost' and '127.0.0.1', dropped by `drop`. */
async function restrictedAccount(admin: Connection) {
  const user = `gw_restricted_${randomBytes(4).toString("hex")}`;
  const password = randomBytes(12).toString("hex");
  const hosts = ["localhost", "127.0.0.1"];
  for (const host of hosts) await admin.query(`CREATE USER '${user}'@'${host}' IDENTIFIED BY '${password}'`);
  return {
    url: (port: number, database: string) => `mysql://${user}:${password}@127.0.0.1:${port}/${database}`,
    grant: async (privileges: string, database: string) => {
      for (const host of hosts) await admin.query(`GRANT ${privileges} ON \`${database}\`.* TO '${user}'@'${host}'`);
    },
    drop: async () => {
      for (const host of hosts) await admin.query(`DROP USER IF EXISTS '${user}'@'${host}'`);
    },
  };
}

const databaseOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

describeMysql("what the gateway refuses at start: an account without the triggers' privileges [mysql]", () => {
  let admin: Connection;
  let account: Awaited<ReturnType<typeof restrictedAccount>>;
  const databases: TestDatabase[] = [];
  const scratch = async () => {
    const database = await createTestDatabase("mysql");
    databases.push(database);
    await account.grant(withoutTrigger, databaseOf(database.url));
    return databaseOf(database.url);
  };

  beforeAll(async () => {
    admin = await createConnection(serverOptions());
    account = await restrictedAccount(admin);
  });
  afterAll(async () => {
    await account?.drop();
    await admin?.end();
    for (const database of databases) await database.drop();
  });

  it("refuses a new database without TRIGGER before migrating, saying what to grant, and starts once granted", async () => {
    const name = await scratch();
    const { started, output } = await start(account.url(serverOptions().port, name));
    expect(started).toBe(false);
    expect(output).toContain("The gateway could not start: Cannot create the enterprise version triggers");
    expect(output).toContain(`GRANT TRIGGER ON \`${name}\`.*`);
    // Refused before migrating: nothing half-made that the next start would fail on.
    const [tables] = await admin.query<RowDataPacket[]>("SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?", [
      name,
    ]);
    expect(tables.map((t) => t.name)).toEqual(["migrations"]);
    await account.grant("TRIGGER", name);
    expect(await start(account.url(serverOptions().port, name))).toMatchObject({ started: true });
  }, 90_000);

  it("refuses to start when the version triggers are missing and the account cannot create them, and starts once it may", async () => {
    const name = await scratch();
    // Migrated by an account that may, then the triggers lost (a dump restored without them).
    const { host, port } = serverOptions();
    await (await openDatabase({ url: `mysql://root:@${host}:${port}/${name}` })).destroy();
    const [triggers] = await admin.query<RowDataPacket[]>(
      "SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND TRIGGER_NAME LIKE 'tr\\_%\\_version\\_%'",
      [name],
    );
    expect(triggers).toHaveLength(20);
    const countTriggers = async () =>
      Number(
        (await admin.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?", [name]))[0][0]
          .n,
      );
    // The version triggers and the others (the access change log's), all of which the start must find again.
    const total = await countTriggers();
    for (const { name: trigger } of triggers) await admin.query(`DROP TRIGGER \`${name}\`.\`${trigger}\``);

    const refused = await start(account.url(port, name));
    expect(refused.started).toBe(false);
    expect(refused.output).toContain("The enterprise version triggers are missing (20) and cannot be created");
    expect(refused.output).toContain(`GRANT TRIGGER ON \`${name}\`.*`);

    await account.grant("TRIGGER", name);
    const accepted = await start(account.url(port, name));
    expect(accepted).toMatchObject({ started: true });
    expect(await countTriggers()).toBe(total);
  }, 120_000);
});

describeMysql("what the gateway refuses at start: a server of its own with binary logging [mysql]", () => {
  let server: OwnMariadb;
  let admin: Connection;

  beforeAll(async () => {
    server = await startOwnMariadb(testPort(101), ["--log-bin=binlog", "--server-id=1", "--binlog-format=STATEMENT"]);
    admin = await server.admin();
  }, 60_000);
  afterAll(async () => {
    await admin?.end();
    await server?.stop();
  }, 30_000);

  it("refuses binlog_format=STATEMENT before writing anything, saying to set ROW, and starts on ROW", async () => {
    await admin.query("CREATE DATABASE access_statement");
    const refused = await start(server.url("access_statement"));
    expect(refused.started).toBe(false);
    expect(refused.output).toContain("binlog_format=STATEMENT");
    expect(refused.output).toContain("Set binlog_format=ROW");
    // Nothing was migrated.
    const [tables] = await admin.query<RowDataPacket[]>(
      "SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'access_statement'",
    );
    expect(Number(tables[0].n)).toBe(0);

    await admin.query("SET GLOBAL binlog_format = 'ROW'");
    expect(await start(server.url("access_statement"))).toMatchObject({ started: true });
  }, 120_000);

  it("refuses an account with TRIGGER but without SUPER while binary logging is on, naming log_bin_trust_function_creators", async () => {
    await admin.query("SET GLOBAL binlog_format = 'ROW'");
    await admin.query("CREATE DATABASE access_nosuper");
    const account = await restrictedAccount(admin);
    try {
      await account.grant(`${withoutTrigger}, TRIGGER`, "access_nosuper");
      const refused = await start(account.url(server.port, "access_nosuper"));
      expect(refused.started).toBe(false);
      expect(refused.output).toContain("log_bin_trust_function_creators = 1");
      const [tables] = await admin.query<RowDataPacket[]>(
        "SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'access_nosuper'",
      );
      expect(Number(tables[0].n)).toBeLessThanOrEqual(1);
      await admin.query("SET GLOBAL log_bin_trust_function_creators = 1");
      const accepted = await start(account.url(server.port, "access_nosuper"));
      expect(accepted).toMatchObject({ started: true });
    } finally {
      await account.drop();
    }
  }, 120_000);
});

/** A Galera node of the test's own (a cluster of one, on ports 33131-33134) with the table-level auto-increment locks Galera does not support. */
describeMysql("what the gateway refuses at start: a Galera node not set as Galera needs [mysql, galera]", () => {
  let server: OwnMariadb;
  let admin: Connection;

  beforeAll(async () => {
    server = await startOwnMariadb(33131, [
      "--binlog-format=ROW",
      "--innodb-autoinc-lock-mode=1",
      "--wsrep-on=ON",
      "--wsrep-provider=/usr/lib/galera/libgalera_smm.so",
      "--wsrep-cluster-address=gcomm://",
      "--wsrep-node-address=127.0.0.1",
      "--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:33132;ist.recv_addr=127.0.0.1:33133",
      "--wsrep-sst-receive-address=127.0.0.1:33134",
    ]);
    admin = await server.admin();
    // It answers before it has formed its cluster of one (1047 until then): at most 30 s.
    for (let i = 0; i < 150; i++) {
      const [ready] = await admin.query<RowDataPacket[]>("SHOW STATUS LIKE 'wsrep_ready'");
      if (ready[0]?.Value === "ON") break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 60_000);
  afterAll(async () => {
    await admin?.end();
    await server?.stop();
  }, 30_000);

  it("refuses innodb_autoinc_lock_mode other than 2 before writing anything, saying what to set", async () => {
    await admin.query("CREATE DATABASE access_galera");
    const refused = await start(server.url("access_galera"));
    expect(refused.started).toBe(false);
    expect(refused.output).toContain("is a Galera node (wsrep_on) with innodb_autoinc_lock_mode=1");
    expect(refused.output).toContain("set innodb_autoinc_lock_mode=2 in the server's configuration and restart it");
    const [tables] = await admin.query<RowDataPacket[]>(
      "SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'access_galera'",
    );
    expect(Number(tables[0].n)).toBe(0);
  }, 120_000);
});
