/**
 * A gateway on a real GTID primary -> replica pair (test/support/replication.ts): DATABASE_URL is the primary,
 * DATABASE_REPLICA_URLS the replica, whose SQL thread the test stops and starts to make it lag. Run by
 * `npm run test:cluster` (jest.cluster.config.js), never by `npm test`.
 */
import { appendFileSync } from "node:fs";
import { gql } from "graphql-request";
import type { DataSource } from "typeorm";
import { ConsistencyTokens, createSdk } from "../../src/client";
import { openDatabase } from "../../src/database/data-source";
import { Catalog } from "../../src/domain/catalog";
import { startTestGateway, type TestGateway } from "../support/gateway";
import { outcomes } from "../support/graphql";
import { graphql, type HttpAnswer } from "../support/http";
import type { OwnMariadb } from "../support/mariadb-server";
import { ssin } from "../support/identities";
import { startReplicationPair, type ReplicationPair } from "../support/replication";
import { Seed } from "../support/seed";

const database = "gateway";

const m = {
  appointMain: gql`
    mutation ($input: AppointMainAccessManagerInput!) {
      appointMainAccessManager(input: $input) {
        id
      }
    }
  `,
  activate: gql`
    mutation ($enterprise: EnterpriseNumber!) {
      activateEnterpriseAccount(enterprise: $enterprise) {
        status
      }
    }
  `,
};

const addUser = `mutation ($input: AddUserInput!) { addUser(input: $input) { id } }`;
const users = `query ($e: EnterpriseNumber!) { enterprise(number: $e) { roleAssignments(role: USER) { totalCount } } }`;
const rounds = 100;

/** A server's statements so far (text and prepared): how a test tells whether a read reached it. */
async function statementsOn(server: OwnMariadb): Promise<number> {
  const admin = await server.admin();
  try {
    const [rows] = await admin.query("SHOW GLOBAL STATUS WHERE Variable_name IN ('Com_select', 'Com_stmt_execute')");
    return (rows as { Value: string }[]).reduce((sum, row) => sum + Number(row.Value), 0);
  } finally {
    await admin.end();
  }
}

/** What the suite measured, for the note (REPLICA_NOTE names a file to append it to). */
const note: string[] = [];

describe("a gateway on a GTID primary -> replica pair whose replica lags [replica]", () => {
  let pair: ReplicationPair;
  let gw: TestGateway;
  /** Seeds through the primary alone: a seed reading the replica would not find what it has just written. */
  let seeding: DataSource;
  let seed: Seed;

  const suiteStarted = Date.now();

  beforeAll(async () => {
    pair = await startReplicationPair();
    const admin = await pair.primary.admin();
    await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    gw = await startTestGateway(
      "mysql",
      { DATABASE_REPLICA_URLS: pair.replica.url(database) },
      { database: { url: pair.primary.url(database), drop: async () => undefined } },
    );
    seeding = await openDatabase({ url: pair.primary.url(database) });
    seed = new Seed(seeding, await Catalog.load(seeding));
    await pair.caughtUp();
    note.push(`Replication pair: primary and replica following it in ${pair.startMs} ms`);
  }, 120_000);

  afterAll(async () => {
    if (pair)
      note.push(
        `mariadbd RSS at the end: ${Math.round(pair.memoryMb())} MB (both servers); the suite took ${Math.round((Date.now() - suiteStarted) / 1000)} s`,
      );
    await gw?.stop().catch(() => undefined);
    await seeding?.destroy().catch(() => undefined);
    await pair?.stop();
    const report = `${note.join("\n")}\n`;
    process.stdout.write(report);
    if (process.env.REPLICA_NOTE) appendFileSync(process.env.REPLICA_NOTE, report);
  }, 60_000);

  /**
   * `rounds` rounds of a write then a read of it by the same caller: a user added, then the enterprise's users counted
   * (through the enterprise read models: src/read/enterprise-cache.ts). The replica's SQL thread is stopped for the
   * first and third quarters (it lags by every write since), running for the others. Each round tells whether the read
   * was stale, and whether the replica served it (more statements on it than the token's wait). With the token, a read
   * without one goes first, so that the gateway keeps the model of the replica's (older) state of the enterprise: the
   * read with the token must not be answered from it.
   */
  async function writeThenRead(sendToken: boolean) {
    const e = await seed.enterprise().withMainAccessManager().active().build();
    await pair.caughtUp();
    const token = await gw.token(e.mainAccessManager!);
    const rows: { paused: boolean; stale: boolean; onReplica: boolean }[] = [];
    let paused = false;
    try {
      for (let round = 0; round < rounds; round++) {
        const pause = Math.floor(round / (rounds / 4)) % 2 === 0;
        if (pause !== paused) await (pause ? pair.pause() : pair.resume());
        paused = pause;
        const person = { ssin: ssin(), givenName: "Round", familyName: `Number ${round}` };
        const written: HttpAnswer = await graphql(gw.url, addUser, {
          token,
          variables: { input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person } },
        });
        expect(written.json?.errors).toBeUndefined();
        const consistencyToken = written.headers.get("consistency-token");
        expect(consistencyToken).toMatch(/^gtid:\d+-1-\d+$/);
        expect(written.json).toMatchObject({ extensions: { consistencyToken } });
        if (sendToken) await graphql(gw.url, users, { token, variables: { e: e.number } });
        const before = await statementsOn(pair.replica);
        const read = await graphql(gw.url, users, {
          token,
          variables: { e: e.number },
          headers: sendToken ? { "consistency-token": consistencyToken! } : {},
        });
        const onReplica = (await statementsOn(pair.replica)) - before > (sendToken ? 1 : 0);
        const count = (read.json?.data?.enterprise as { roleAssignments: { totalCount: number } }).roleAssignments.totalCount;
        rows.push({ paused, stale: count !== round + 1, onReplica });
      }
    } finally {
      await pair.resume();
    }
    const tally = (pausedPhase: boolean) => {
      const phase = rows.filter((r) => r.paused === pausedPhase);
      return { rounds: phase.length, stale: phase.filter((r) => r.stale).length, onReplica: phase.filter((r) => r.onReplica).length };
    };
    return { stopped: tally(true), running: tally(false) };
  }

  it("answers a read that sends back its write's token from a state that has the write: 100 rounds while the replica lags, 0 stale", async () => {
    const cache = gw.gateway.enterpriseCache!.stats;
    const hits = cache.hits;
    const { stopped, running } = await writeThenRead(true);
    // The kept read models were in use all along: the model of the replica's state was taken by the reads without a token.
    expect(cache.hits).toBeGreaterThan(hits);
    note.push(
      `With the token, ${rounds} write-then-read rounds: SQL thread stopped ${stopped.stale}/${stopped.rounds} stale (${stopped.onReplica} read on the replica), running ${running.stale}/${running.rounds} stale (${running.onReplica} read on the replica)`,
    );
    expect({ stale: stopped.stale + running.stale }).toEqual({ stale: 0 });
    // The token sends a read to the primary only when the replica lacks the write: once it has it, the replica answers.
    expect(stopped.onReplica).toBe(0);
    expect(running.onReplica).toBeGreaterThan(running.rounds / 2);
  });

  it("may answer a read without a token from a replica that lacks the write: stale reads, counted", async () => {
    const { stopped, running } = await writeThenRead(false);
    note.push(
      `Without a token, ${rounds} write-then-read rounds: SQL thread stopped ${stopped.stale}/${stopped.rounds} stale, running ${running.stale}/${running.rounds} stale`,
    );
    // Every read while the SQL thread is stopped reads the replica, which has none of the writes since it stopped.
    expect(stopped.stale).toBe(stopped.rounds);
  });

  it("reads its own writes through the client package's SDK, which sends its latest token by itself, while the replica lags", async () => {
    const e = await seed.enterprise().withMainAccessManager().active().build();
    await pair.caughtUp();
    const consistency = new ConsistencyTokens();
    const sdk = createSdk(gw.url, { headers: { authorization: `Bearer ${await gw.token(e.mainAccessManager!)}` }, consistency });
    const counts: number[] = [];
    await pair.pause();
    try {
      for (let round = 1; round <= 10; round++) {
        const person = { ssin: ssin(), givenName: "Sdk", familyName: `Round ${round}` };
        await sdk.AddUser({ input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", onlineServices: ["DIMONA"], person } });
        counts.push((await sdk.EnterpriseUsers({ enterprise: e.number })).enterprise!.users.totalCount);
      }
    } finally {
      await pair.resume();
    }
    expect(consistency.latest).toMatch(/^gtid:\d+-1-\d+$/);
    expect(counts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("answers the same with a token the replica has reached as without one, from the replica: what the token costs, measured", async () => {
    const e = await seed.enterprise().withMainAccessManager().active().withUser("EMPLOYER_NSSO", ["DIMONA"]).build();
    const token = await gw.token(e.mainAccessManager!);
    const written = await graphql(gw.url, "mutation { updateMyAccount(input: { language: FR }) { language } }", { token });
    const consistencyToken = written.headers.get("consistency-token")!;
    await pair.caughtUp();
    const read = async (headers: Record<string, string>) => {
      const started = performance.now();
      const answer = await graphql(gw.url, users, { token, variables: { e: e.number }, headers });
      return { ms: performance.now() - started, answer };
    };
    const without: number[] = [];
    const withToken: number[] = [];
    for (let i = 0; i < 20; i++) await read({ "consistency-token": consistencyToken });
    const primaryBefore = await statementsOn(pair.primary);
    // Interleaved, the order alternating, so that drift of the machine weighs on both alike.
    for (let i = 0; i < 300; i++) {
      const pairOfReads = i % 2 === 0 ? [false, true] : [true, false];
      for (const sendToken of pairOfReads) {
        const { ms, answer } = await read(sendToken ? { "consistency-token": consistencyToken } : {});
        expect(answer.json).toEqual({ data: { enterprise: { roleAssignments: { totalCount: 1 } } } });
        (sendToken ? withToken : without).push(ms);
      }
    }
    // Every read, with the token or without, went to the replica: the primary read nothing meanwhile.
    expect((await statementsOn(pair.primary)) - primaryBefore).toBe(0);
    // What a token not yet known to be reached adds (src/database/fresh-reads.ts): the replica's wait, one round trip.
    const waits: number[] = [];
    const replica = await pair.replica.admin();
    try {
      for (let i = 0; i < 300; i++) {
        const started = performance.now();
        const [[reached]] = (await replica.query("SELECT MASTER_GTID_WAIT(?, 0.05) AS reached, @@gtid_slave_pos AS applied", [
          consistencyToken.slice("gtid:".length),
        ])) as unknown as [{ reached: number }[]];
        waits.push(performance.now() - started);
        expect(reached).toEqual({ reached: 0, applied: expect.any(String) });
      }
    } finally {
      await replica.end();
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const p90 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.9)];
    const ms = (values: number[]) => `median ${median(values).toFixed(2)} ms, p90 ${p90(values).toFixed(2)} ms`;
    note.push(
      `A read (the enterprise's users, from a kept model) on the replica, 300 with a token it has reached and 300 without, interleaved: with ${ms(withToken)}; without ${ms(without)}`,
      `The replica's wait for a token not yet known to be reached (MASTER_GTID_WAIT and @@gtid_slave_pos, one round trip), 300 times: ${ms(waits)}`,
    );
  });

  it("lets a main access manager just appointed activate the enterprise at once, however far the replica lags: 20 rounds, 0 refusals", async () => {
    const enterprises = await Promise.all(Array.from({ length: 20 }, () => seed.enterprise().build()));
    await pair.caughtUp();
    const results: string[] = [];
    // The first half with the replica's SQL thread stopped (it lags by every write of the round), the second with
    // replication running (it lags by a few milliseconds).
    await pair.pause();
    for (const [round, e] of enterprises.entries()) {
      if (round === 10) await pair.resume();
      const manager = ssin();
      const legal = await gw.client(e.legalRepresentative);
      const [appointed] = await outcomes([
        legal.request(m.appointMain, {
          input: { enterprise: e.number, person: { ssin: manager, givenName: "Just", familyName: "Appointed" } },
        }),
      ]);
      expect(appointed).toBe("ok");
      results.push(...(await outcomes([(await gw.client(manager)).request(m.activate, { enterprise: e.number })])));
    }
    await pair.resume();
    note.push(`activateEnterpriseAccount right after the appointment: ${summary(results)}`);
    expect(results.filter((r) => r !== "ok")).toEqual([]);
  });
});

function summary(results: string[]): string {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r] = (counts[r] ?? 0) + 1;
  return Object.entries(counts)
    .map(([outcome, n]) => `${outcome} ${n}`)
    .join(", ");
}
