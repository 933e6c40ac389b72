import { spawn } from "node:child_process";
import { gql } from "graphql-request";
import { MoreThan } from "typeorm";
import { appendAuditEvents, auditEventHash } from "../src/audit/chain";
import { verifyAuditChains } from "../src/audit/verify";
import { getSdk } from "../src/client/generated/sdk";
import { openDatabase } from "../src/database/data-source";
import { databaseBefore } from "./support/migrations";
import { AuditChainHead, AuditEvent, Enterprise } from "../src/domain/entities";
import { createTestDatabase, describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { expectError } from "./support/graphql";
import { enterpriseNumber, ssin } from "./support/identities";
import { projectRoot, runScript, type Environment } from "./support/processes";
import type { SeededEnterprise } from "./support/seed";

const trail = gql`
  query ($e: EnterpriseNumber!) {
    enterprise(number: $e) {
      auditTrail(first: 100) {
        edges {
          node {
            id
            action
            hash
            previousHash
          }
        }
      }
    }
  }
`;

describeEachDatabase("the tamper-evident audit trail", (dialect) => {
  let gw: TestGateway;
  let env: Environment;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    env = { DATABASE_URL: gw.database.url, NODE_ENV: "test", LOG_LEVEL: "silent" };
  });
  afterAll(() => gw?.stop());

  const eventsOf = (e: SeededEnterprise) =>
    gw.dataSource.getRepository(AuditEvent).find({ where: { enterpriseId: e.id }, order: { id: "ASC" } });
  const verify = (...args: string[]) => runScript("src/cli/audit-verify.ts", args, env);

  it("links every event of an enterprise to the one before it, and shows hash and previousHash to the audit trail's readers only", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().withAccessManager("EMPLOYER_NSSO").build();
    const { enterprise } = await getSdk(await gw.client(e.legalRepresentative)).AuditChain({ enterprise: e.number });
    const nodes = enterprise!.auditTrail.edges.map((edge) => edge.node);
    expect(nodes.map((n) => n.action)).toEqual(["APPOINT_MAIN_ACCESS_MANAGER", "ACTIVATE_ENTERPRISE_ACCOUNT", "APPOINT_ACCESS_MANAGER"]);
    expect(nodes[0].previousHash).toBeNull();
    nodes.forEach((n, i) => {
      expect(n.hash).toMatch(/^[0-9a-f]{64}$/);
      if (i > 0) expect(n.previousHash).toBe(nodes[i - 1].hash);
    });
    // The hash is the documented one, recomputed from the stored row.
    for (const row of await eventsOf(e)) expect(auditEventHash(row, row.previousHash)).toBe(row.hash);
    expect(await gw.dataSource.getRepository(AuditChainHead).findOneByOrFail({ chain: `enterprise:${e.id}` })).toMatchObject({
      lastHash: nodes[2].hash,
    });

    await expect((await gw.client(ssin())).request(trail, { e: e.number })).resolves.toEqual({ enterprise: null });
    await expectError((await gw.client(e.accessManagers.EMPLOYER_NSSO)).request(trail, { e: e.number }), {
      code: "FORBIDDEN",
      reason: "ROLE_LACKS_TASK",
    });
  });

  it("keeps one unbroken chain per enterprise, and one for events outside any enterprise, under concurrent actions", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await gw.client(e.mainAccessManager!);
    const appoint = gql`
      mutation ($input: AppointAccessManagerInput!) {
        appointAccessManager(input: $input) {
          id
        }
      }
    `;
    const updateMe = gql`
      mutation ($input: UpdateMyAccountInput!) {
        updateMyAccount(input: $input) {
          email
        }
      }
    `;
    const people = Array.from({ length: 6 }, () => ssin());
    await Promise.all([
      ...people.map((p) =>
        main
          .request(appoint, {
            input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", person: { ssin: p, givenName: "Ann", familyName: "Lee" } },
          })
          .catch(() => null),
      ),
      ...people.map(async (p, i) => (await gw.client(p)).request(updateMe, { input: { email: `person${i}@example.be` } })),
    ]);
    const events = await eventsOf(e);
    expect(events.length).toBeGreaterThan(2);
    events.forEach((event, i) => expect(event.previousHash).toBe(i === 0 ? null : events[i - 1].hash));
    const finished = await verify();
    expect(finished).toMatchObject({ code: 0, stderr: "" });
    expect(finished.stdout).toMatch(/^OK: \d+ events in \d+ chains, 0 broken\n$/);
  });

  it("audit:verify names an edited event, a deleted one and a deleted last one, each in its enterprise, and exits non-zero", async () => {
    const build = () =>
      gw.seed
        .enterprise()
        .withMainAccessManager()
        .active()
        .withCapacity("ENTERPRISE_WITHOUT_STAFF")
        .withAccessManager("EMPLOYER_NSSO")
        .build();
    const [edited, deleted, truncated, intact] = [await build(), await build(), await build(), await build()];
    const [editedEvents, deletedEvents, truncatedEvents] = [await eventsOf(edited), await eventsOf(deleted), await eventsOf(truncated)];
    expect(editedEvents.length).toBeGreaterThanOrEqual(4);

    await gw.dataSource.query("UPDATE audit_event SET details = ? WHERE id = ?", [
      editedEvents[1].details.replace("{", '{"forged":true,'),
      editedEvents[1].id,
    ]);
    await gw.dataSource.query("DELETE FROM audit_event WHERE id = ?", [deletedEvents[2].id]);
    await gw.dataSource.query("DELETE FROM audit_event WHERE id = ?", [truncatedEvents[truncatedEvents.length - 1].id]);

    const all = await verify();
    expect(all.code).not.toBe(0);
    expect(all.stdout).toContain(`BROKEN enterprise ${edited.display}, event ${editedEvents[1].id}: CONTENT_EDITED`);
    expect(all.stdout).toContain(
      `BROKEN enterprise ${deleted.display}, event ${deletedEvents[3].id}: EVENT_MISSING: an event between event ${deletedEvents[1].id} and event ${deletedEvents[3].id} is missing`,
    );
    expect(all.stdout).toContain(
      `BROKEN enterprise ${truncated.display}, event ${truncatedEvents[truncatedEvents.length - 2].id}: HEAD_MISMATCH`,
    );
    expect(all.stdout).not.toContain(intact.display);
    expect(all.stderr).toMatch(/The audit trail is broken in 3 chain\(s\)/);

    const one = await verify(edited.number);
    expect(one.code).not.toBe(0);
    expect(one.stdout.trim().split("\n")).toEqual([
      `BROKEN enterprise ${edited.display}, event ${editedEvents[1].id}: CONTENT_EDITED: event ${editedEvents[1].id} no longer matches its hash: its content was edited`,
      `BROKEN: ${editedEvents.length} events in 1 chains, 1 broken`,
    ]);
    expect(await verify(intact.display)).toMatchObject({
      code: 0,
      stdout: `OK: ${(await eventsOf(intact)).length} events in 1 chains, 0 broken\n`,
    });
    expect(await verify("0123456789")).toMatchObject({ code: 1, stdout: "", stderr: expect.stringMatching(/check digits/) });
  });

  it("audit:verify reports CHAIN_MISSING for an enterprise whose whole chain is gone and for a person whose account changes left no event, and exits non-zero", async () => {
    // The register's rows alone (an enterprise and its legal representative, no event, as the seed makes them) need no chain.
    const registered = await gw.seed.enterprise().build();
    const provider = await gw.seed.enterprise().withMainAccessManager().active().withCapacity("SOCIAL_SERVICE_PROVIDER").build();
    const build = () =>
      gw.seed
        .enterprise()
        .withMainAccessManager()
        .active()
        .withAccessManager("EMPLOYER_NSSO")
        .withServiceProvider(provider, "EMPLOYER_NSSO")
        .build();
    const [headless, headed] = [await build(), await build()];
    for (const e of [registered, headless, headed]) expect(await verify(e.number)).toMatchObject({ code: 0 });
    expect(await verify(registered.number)).toMatchObject({ stdout: "OK: 0 events in 0 chains, 0 broken\n" });

    const person = ssin();
    await (
      await gw.client(person)
    ).request(gql`
      mutation {
        updateMyAccount(input: { phone: "+32 2 555 01 23", language: FR }) {
          phone
        }
      }
    `);
    const personId = (await gw.seed.person(person)).id;

    await gw.dataSource.query("DELETE FROM audit_event WHERE enterprise_id IN (?, ?)", [headless.id, headed.id]);
    await gw.dataSource.query("DELETE FROM audit_chain_head WHERE chain = ?", [`enterprise:${headless.id}`]);
    await gw.dataSource.query("DELETE FROM audit_event WHERE enterprise_id IS NULL");
    await gw.dataSource.query("DELETE FROM audit_chain_head WHERE chain = 'none'");

    expect(await verify(headless.number)).toMatchObject({
      code: 1,
      stdout: `BROKEN enterprise ${headless.display}, event -: CHAIN_MISSING: the enterprise has assignments, capacities or mandates, and its chain has no event and no head: the chain was deleted\nBROKEN: 0 events in 1 chains, 1 broken\n`,
    });
    expect(await verify(headed.number)).toMatchObject({
      code: 1,
      stdout: `BROKEN enterprise ${headed.display}, event -: CHAIN_MISSING: the enterprise has assignments, capacities or mandates, and its chain has no event: the chain was deleted\nBROKEN: 0 events in 1 chains, 1 broken\n`,
    });
    const all = await verify();
    expect(all.code).toBe(1);
    expect(all.stdout).toContain(`BROKEN enterprise ${headless.display}, event -: CHAIN_MISSING`);
    expect(all.stdout).toContain(`BROKEN enterprise ${headed.display}, event -: CHAIN_MISSING`);
    expect(all.stdout).toContain(
      `BROKEN events outside any enterprise, event -: CHAIN_MISSING: person ${personId} changed their account (phone or language), and no event of theirs is left in the chain of events outside any enterprise, which has no head: their events were deleted\n`,
    );
    expect(all.stdout).not.toContain(registered.display);
    expect(all.stdout).not.toContain(provider.display);
  });

  it("audit:export streams 100,000 events as NDJSON, oldest first, in bounded memory", async () => {
    const e = await gw.seed.enterprise().build();
    const total = 100_000;
    const start = Date.parse("2026-01-01T00:00:00.000Z");
    // Chained as the gateway chains them, inserted directly: a trail that long takes no actions to make.
    let previousHash: string | null = null;
    await gw.dataSource.transaction(async (em) => {
      for (let offset = 0; offset < total; offset += 1000) {
        const rows = [];
        for (let i = offset; i < offset + 1000; i++) {
          const content = {
            enterpriseId: e.id,
            at: new Date(start + i * 1000),
            actorId: null,
            action: "REGISTER_IMPORT",
            requestId: `bulk-${i}`,
            details: JSON.stringify({ before: null, after: { n: i } }),
          };
          const hash = auditEventHash(content, previousHash);
          rows.push({ ...content, previousHash, hash });
          previousHash = hash;
        }
        await em.createQueryBuilder().insert().into(AuditEvent).values(rows).updateEntity(false).execute();
      }
      await em.upsert(AuditChainHead, { chain: `enterprise:${e.id}`, lastHash: previousHash }, ["chain"]);
    });

    const exported = await exportAndCount([e.number]);
    expect(exported).toMatchObject({ code: 0, lines: total });
    expect(JSON.parse(exported.first)).toMatchObject({
      enterprise: e.display,
      action: "REGISTER_IMPORT",
      requestId: "bulk-0",
      previousHash: null,
      details: '{"before":null,"after":{"n":0}}',
    });
    expect(JSON.parse(exported.last)).toMatchObject({
      requestId: `bulk-${total - 1}`,
      hash: previousHash,
      at: new Date(start + (total - 1) * 1000).toISOString(),
    });

    const since = await exportAndCount([e.display, "--since", new Date(start + (total - 10) * 1000).toISOString()]);
    expect(since).toMatchObject({ code: 0, lines: 10 });
    expect(await exportAndCount([e.number, "--since", "2099-01-01"])).toMatchObject({ code: 0, lines: 0 });
    // Constant memory: exporting ten times as many events takes no more memory, give or take the garbage collector's
    // latitude (holding the trail would add its 35 MB of text and several times that as entities).
    const tenth = await exportAndCount([e.number, "--since", new Date(start + (total - total / 10) * 1000).toISOString()]);
    expect(tenth).toMatchObject({ code: 0, lines: total / 10 });
    process.stderr.write(
      `audit:export [${dialect}]: max RSS ${mb(exported.maxRss)} MB for ${total} events, ${mb(tenth.maxRss)} MB for ${total / 10}\n`,
    );
    // The exporter runs with its old space capped (exportHeapMb): holding the trail would not fit. Peak RSS then
    // depends on when the collector runs (the machine's load moves it): the bound only catches what was held.
    expect(exported.maxRss - tenth.maxRss).toBeLessThan(64 * 1024 * 1024);

    expect(await verify(e.number)).toMatchObject({ code: 0, stdout: `OK: ${total} events in 1 chains, 0 broken\n` });
    expect(await runScript("src/cli/audit-export.ts", [e.number, "--since", "yesterday"], env)).toMatchObject({
      code: 1,
      stdout: "",
      stderr: expect.stringMatching(/--since must be an ISO 8601 date/),
    });
    expect(await gw.dataSource.getRepository(Enterprise).countBy({ id: e.id })).toBe(1);
    // Five child processes over 100,000 rows on a shared machine: room to finish, not a speed bound.
  }, 300_000);

  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  /**
   * The exporter's old-space cap: its modules and one page fit (it streams with 44 MB); 100,000 events held even as
   * NDJSON text alone do not (measured: an exporter that kept its lines until the end ran out of memory on both
   * dialects). Deterministic where peak RSS is not: RSS moves with when the collector runs.
   */
  const exportHeapMb = 64;

  /** Runs audit:export, counting its lines as they come (never holding its output), with the child's peak memory. */
  function exportAndCount(
    args: string[],
  ): Promise<{ code: number | null; lines: number; first: string; last: string; maxRss: number; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(
        process.execPath,
        [
          `--max-old-space-size=${exportHeapMb}`,
          "-r",
          "@swc-node/register",
          "-r",
          "./test/support/max-rss.ts",
          "src/cli/audit-export.ts",
          ...args,
        ],
        {
          cwd: projectRoot,
          env: { ...process.env, ...env },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let lines = 0;
      let first = "";
      let tail = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        const text = tail + chunk;
        const parts = text.split("\n");
        tail = parts.pop()!;
        if (lines === 0 && parts.length > 0) first = parts[0];
        lines += parts.length;
        if (parts.length > 0) lastLine = parts[parts.length - 1];
      });
      let lastLine = "";
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      child.once("close", (code) => {
        // maxRSS is in kilobytes.
        const maxRss = Number(/maxRSS=(\d+)/.exec(stderr)?.[1] ?? NaN) * 1024;
        resolve({ code, lines, first, last: lastLine, maxRss, stderr });
      });
    });
  }
});

describeEachDatabase("the migration to the audit chain", (dialect) => {
  it("hashes the events already there in id order, one chain per enterprise and one outside any, and new events continue those chains", async () => {
    const database = await createTestDatabase(dialect);
    try {
      const { dataSource: previous, insert } = await databaseBefore(database.url, "AuditChain1764300000004");
      const enterprise = () =>
        insert("enterprise", {
          number: enterpriseNumber(),
          name: "E",
          status: "ACTIVE",
          default_capacity: "EMPLOYER_NSSO",
          created_at: "2026-01-01 12:00:00",
          updated_at: "2026-01-01 12:00:00",
        });
      const [a, b] = [await enterprise(), await enterprise()];
      const event = (enterpriseId: number | null, at: string, n: number) =>
        insert("audit_event", {
          at,
          actor_id: null,
          action: "REGISTER_IMPORT",
          enterprise_id: enterpriseId,
          request_id: n % 2 ? `r${n}` : null,
          details: JSON.stringify({ before: null, after: { n, name: "Łukasz" } }),
        });
      const ids = [
        await event(a, "2026-01-01 12:00:00", 1),
        await event(b, "2026-01-01 12:00:01.250", 2),
        await event(null, "2026-01-02 08:30:00.5", 3),
        await event(a, "2026-01-03 09:00:00.999", 4),
      ];
      await previous.destroy();

      const migrated = await openDatabase({ url: database.url });
      try {
        const rows = await migrated.getRepository(AuditEvent).find({ order: { id: "ASC" } });
        expect(rows.map((r) => r.id)).toEqual(ids);
        expect(rows[0].previousHash).toBeNull();
        expect(rows[1].previousHash).toBeNull();
        expect(rows[2].previousHash).toBeNull();
        expect(rows[3].previousHash).toBe(rows[0].hash);
        expect(await verifyAuditChains({ dataSource: migrated })).toEqual({ chains: 3, events: 4, broken: [] });
        await migrated.transaction((em) =>
          appendAuditEvents(em, [
            { enterpriseId: a, at: new Date(), actorId: null, action: "REGISTER_IMPORT", requestId: null, details: "{}" },
            { enterpriseId: null, at: new Date(), actorId: null, action: "UPDATE_MY_ACCOUNT", requestId: null, details: "{}" },
          ]),
        );
        const [nextA, nextNone] = await migrated.getRepository(AuditEvent).find({ where: { id: MoreThan(ids[3]) }, order: { id: "ASC" } });
        expect(nextA.previousHash).toBe(rows[3].hash);
        expect(nextNone.previousHash).toBe(rows[2].hash);
        expect(await verifyAuditChains({ dataSource: migrated })).toEqual({ chains: 3, events: 6, broken: [] });
      } finally {
        await migrated.destroy();
      }
    } finally {
      await database.drop();
    }
  });
});
