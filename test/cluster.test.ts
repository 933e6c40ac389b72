import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { IsNull, type DataSource } from "typeorm";
import { openDatabase } from "../src/database/data-source";
import { loadOrCreateDevKeys } from "../src/identity/dev-keys";
import { signDevToken } from "../src/identity/tokens";
import { Catalog } from "../src/domain/catalog";
import { AuditEvent, Person, RoleAssignment } from "../src/domain/entities";
import { createTestDatabase, describeMysql, type TestDatabase } from "./support/databases";
import { spawnGateway, type GatewayProcess } from "./support/gateway-process";
import { graphql } from "./support/http";
import { ssin } from "./support/identities";
import { Seed } from "./support/seed";
import { scratchDirectory } from "./support/scratch";

interface LogLine {
  msg?: string;
  pid?: number;
  workerPid?: number;
  requestId?: string;
}

const linesOf = (gateway: GatewayProcess): LogLine[] =>
  gateway
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as LogLine);

/** `npm start` with WORKERS=2: one primary process forks two workers that serve on one port and share one database. */
describeMysql("the gateway as several processes on one port [mysql]", () => {
  let database: TestDatabase;
  let gateway: GatewayProcess;
  let dataSource: DataSource;
  let keyFile: string;

  beforeAll(async () => {
    database = await createTestDatabase("mysql");
    keyFile = join(scratchDirectory("gateway-keys-"), "dev-signing-key.json");
    // The primary migrates the empty database before it forks; the test opens it only afterwards.
    gateway = await spawnGateway({ DATABASE_URL: database.url, DEV_KEY_FILE: keyFile, WORKERS: "2", LOG_LEVEL: "info" });
    dataSource = await openDatabase({ url: database.url });
  });
  afterAll(async () => {
    await gateway?.stop();
    await dataSource?.destroy();
    await database?.drop();
  });

  it("answers from two worker processes and keeps one appointment out of sixteen identical concurrent ones", async () => {
    const seed = new Seed(dataSource, await Catalog.load(dataSource));
    const enterprise = await seed.enterprise().withMainAccessManager().active().build();
    const token = await signDevToken(await loadOrCreateDevKeys(keyFile), { ssin: enterprise.mainAccessManager! });
    const manager = ssin();
    const auditBefore = await dataSource.getRepository(AuditEvent).countBy({ enterpriseId: enterprise.id });

    const requestIds = Array.from({ length: 16 }, () => `cluster-${randomUUID()}`);
    const answers = await Promise.all(
      requestIds.map((requestId) =>
        graphql(gateway.url, "mutation ($input: AppointAccessManagerInput!) { appointAccessManager(input: $input) { role } }", {
          token,
          headers: { "x-request-id": requestId },
          variables: {
            input: {
              enterprise: enterprise.number,
              capacity: "EMPLOYER_NSSO",
              person: { ssin: manager, givenName: "Race", familyName: "Winner" },
            },
          },
        }),
      ),
    );

    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    const outcomes = answers.map((a) => (a.json?.data?.appointAccessManager ? "appointed" : a.json?.errors?.[0].extensions?.code));
    expect(outcomes.filter((o) => o === "appointed")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "CONFLICT")).toHaveLength(15);

    const person = await dataSource.getRepository(Person).findOneByOrFail({ ssin: manager });
    expect(
      await dataSource
        .getRepository(RoleAssignment)
        .countBy({ personId: person.id, enterpriseId: enterprise.id, role: "ACCESS_MANAGER", endedAt: IsNull() }),
    ).toBe(1);
    expect(await dataSource.getRepository(AuditEvent).countBy({ enterpriseId: enterprise.id })).toBe(auditBefore + 1);

    const servedBy = new Set(
      linesOf(gateway)
        .filter((line) => line.msg === "graphql request" && requestIds.includes(line.requestId!))
        .map((line) => line.pid),
    );
    expect(servedBy.size).toBe(2);
  });

  it("replaces a worker that dies, and keeps answering", async () => {
    const workers = () =>
      linesOf(gateway)
        .filter((line) => line.msg === "worker listening")
        .map((line) => line.workerPid!);
    const [victim] = workers();
    process.kill(victim, "SIGKILL");
    for (let attempt = 0; attempt < 100 && workers().length < 3; attempt++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(workers()).toHaveLength(3);
    expect(linesOf(gateway)).toContainEqual(expect.objectContaining({ msg: "worker exited; starting another", workerPid: victim }));
    const statuses = await Promise.all(Array.from({ length: 8 }, () => graphql(gateway.url, "{ __typename }").then((a) => a.status)));
    expect(statuses).toEqual(statuses.map(() => 200));
  });

  it("drains both workers and exits cleanly on SIGTERM", async () => {
    expect(await gateway.stop("SIGTERM")).toBe(0);
  });
});
