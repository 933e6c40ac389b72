import { gql } from "graphql-request";
import { createConnection } from "mysql2/promise";
import { describeDatabase, parseDatabaseUrl } from "../src/database/database-url";
import { describeMysql, serverOptions } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";

describe("DATABASE_URL", () => {
  it("takes the Unix socket of a MySQL or MariaDB server on this machine, and refuses a relative socket or a parameter it does not know", () => {
    expect(parseDatabaseUrl("mysql://app:pw@localhost/access?socket=/run/mysqld/mysqld.sock")).toEqual({
      dialect: "mysql",
      host: "localhost",
      port: 3306,
      user: "app",
      password: "pw",
      database: "access",
      socketPath: "/run/mysqld/mysqld.sock",
    });
    expect(parseDatabaseUrl("mysql://app@db.internal:3307/access")).not.toHaveProperty("socketPath");
    expect(() => parseDatabaseUrl("mysql://app@localhost/access?socket=run/mysqld.sock")).toThrow(/socket must be an absolute path/);
    expect(() => parseDatabaseUrl("mysql://app@localhost/access?sockt=/run/mysqld/mysqld.sock")).toThrow(
      /knows one parameter, socket \(got "sockt"\)/,
    );
    expect(describeDatabase("mysql://app:secret@localhost/access?socket=/run/mysqld/mysqld.sock")).toBe(
      "mysql://app@localhost/access?socket=/run/mysqld/mysqld.sock",
    );
  });
});

describeMysql("a gateway on MariaDB over its Unix socket [mysql]", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    const admin = await createConnection(serverOptions());
    const [rows] = await admin.query("SELECT @@socket AS socket");
    await admin.end();
    const { socket } = (rows as { socket: string }[])[0];
    gw = await startTestGateway(
      "mysql",
      {},
      {
        databaseUrl: (url) => {
          const tcp = new URL(url);
          return `mysql://${tcp.username}:${tcp.password}@localhost${tcp.pathname}?socket=${socket}`;
        },
      },
    );
  });
  afterAll(() => gw?.stop());

  it("answers through connections that all use the socket", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const answer = await (
      await gw.client(e.mainAccessManager!)
    ).request<{ myEnterprises: { name: string }[] }>(gql`
      {
        myEnterprises {
          name
        }
      }
    `);
    expect(answer.myEnterprises).toEqual([{ name: expect.any(String) }]);
    // A socket connection shows its host as "localhost"; a TCP one as "127.0.0.1:PORT".
    const hosts = (await gw.dataSource.query("SELECT HOST AS host FROM information_schema.PROCESSLIST WHERE DB = DATABASE()")) as {
      host: string;
    }[];
    expect(hosts.length).toBeGreaterThan(0);
    expect(new Set(hosts.map((h) => h.host))).toEqual(new Set(["localhost"]));
  });
});
