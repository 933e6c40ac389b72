/**
 * A gateway on a real GTID primary -> replica pair (test/support/replication.ts): DATABASE_URL is the primary,
 * DATABASE_REPLICA_URLS the replica, whose SQL thread the test stops and starts to make it lag. Run by
 * `npm run test:cluster` (jest.cluster.config.js), never by `npm test`.
 */
import { appendFileSync } from "node:fs";
import { gql } from "graphql-request";
import type { DataSource } from "typeorm";
import { openDatabase } from "../../src/database/data-source";
import { Catalog } from "../../src/domain/catalog";
import { startTestGateway, type TestGateway } from "../support/gateway";
import { outcomes } from "../support/graphql";
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

/** What the suite measured, for the note (REPLICA_NOTE names a file to append it to). */
const note: string[] = [];

describe("a gateway on a GTID primary -> replica pair whose replica lags [replica]", () => {
  let pair: ReplicationPair;
  let gw: TestGateway;
  /** Seeds through the primary alone: a seed reading the replica would not find what it has just written. */
  let seeding: DataSource;
  let seed: Seed;

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
    await gw?.stop().catch(() => undefined);
    await seeding?.destroy().catch(() => undefined);
    await pair?.stop();
    const report = `${note.join("\n")}\n`;
    process.stdout.write(report);
    if (process.env.REPLICA_NOTE) appendFileSync(process.env.REPLICA_NOTE, report);
  }, 60_000);

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
