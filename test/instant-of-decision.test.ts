import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gql } from "graphql-request";
import { sweepExpiredRights } from "../src/management/sweep-expired-rights";
import { AuditEvent, RoleAssignment } from "../src/domain/entities";
import { importRegister } from "../src/register/import-register";
import { TestClock } from "./support/clock";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { expectError } from "./support/graphql";
import { holdWrites } from "./support/hold-writes";
import { graphql } from "./support/http";
import { ssin } from "./support/identities";
import { snapshot } from "./support/snapshot";

/**
 * An action is decided, and recorded, at the instant its enterprise's lock is held, not when it was
 * sent. Each test holds the enterprise's lock (MySQL: its row; SQLite: the database's write lock) while something waits
 * for it, moves the gateway's clock on, then lets go.
 */

const person = (s: string) => ({ ssin: s, givenName: "Late", familyName: "Comer" });
const m = {
  appointManager: gql`
    mutation ($input: AppointAccessManagerInput!) {
      appointAccessManager(input: $input) {
        id
      }
    }
  `,
  addUser: `mutation ($input: AddUserInput!) { addUser(input: $input) { id } }`,
};
/** A stored instant as a Date: SQLite keeps "YYYY-MM-DD HH:MM:SS.SSS" (UTC) where TypeORM does not read it as a Date. */
const instant = (value: Date | string) =>
  value instanceof Date ? value : new Date(/Z$/.test(value) ? value : `${value.replace(" ", "T")}Z`);
const userInput = (enterprise: string, validUntil?: string) => ({
  enterprise,
  capacity: "EMPLOYER_NSSO",
  onlineServices: ["DIMONA"],
  person: person(ssin()),
  ...(validUntil ? { validUntil } : {}),
});

describeEachDatabase("the instant an action is decided at", (dialect) => {
  const clock = new TestClock();
  let gw: TestGateway;
  beforeAll(async () => {
    // Lock waits (MySQL) and the request's deadline far longer than the tests hold a lock: the wait ends when the test lets go.
    gw = await startTestGateway(
      dialect,
      { REQUEST_TIMEOUT_MS: "30000", DATABASE_LOCK_WAIT_TIMEOUT_S: "20", DATABASE_STATEMENT_TIMEOUT_MS: "30000" },
      { clock },
    );
  });
  afterAll(() => gw?.stop());

  const inDays = (n: number) => new Date(clock.now().getTime() + n * 24 * 60 * 60 * 1000).toISOString();
  /** Starts `work` while the enterprise's lock is held, runs `meanwhile` once `work` waits for it, then lets go. */
  const acrossHeldLock = async <T>(enterpriseId: number, work: () => Promise<T>, meanwhile: () => void): Promise<T> => {
    const held = await holdWrites(gw, dialect, enterpriseId);
    let pending: Promise<T>;
    try {
      pending = work();
      // Awaited below; this only keeps a failure before then from being reported as unhandled.
      pending.catch(() => undefined);
      await held.waiter();
      meanwhile();
    } finally {
      await held.release();
    }
    return pending;
  };
  const eventsOf = (enterpriseId: number, action: string) =>
    gw.dataSource.getRepository(AuditEvent).find({ where: { enterpriseId, action }, order: { id: "ASC" } });

  it("refuses an access manager whose right ends while their action waits for the enterprise's lock, as if sent after the end, and writes the expiry down once", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await gw.client(e.mainAccessManager!);
    const managerSsin = ssin();
    const until = inDays(1);
    await main.request(m.appointManager, {
      input: { enterprise: e.number, capacity: "EMPLOYER_NSSO", person: person(managerSsin), validUntil: until },
    });
    const token = await gw.token(managerSsin);
    const before = await snapshot(gw.dataSource);

    // Sent while the right holds (the shield lets it through); the enterprise's lock comes only after its end.
    const late = await acrossHeldLock(
      e.id,
      () => graphql(gw.url, m.addUser, { token, variables: { input: userInput(e.number) } }),
      () => clock.passes(until),
    );

    // The same refusal as an action sent after the end.
    const after = await expectError((await gw.client(managerSsin)).request(m.addUser, { input: userInput(e.number) }), {
      code: "FORBIDDEN",
      reason: "NO_ROLE_IN_ENTERPRISE",
    });
    expect(late.json).toMatchObject({
      data: null,
      errors: [
        {
          message: after.message,
          extensions: { code: "FORBIDDEN", reason: "NO_ROLE_IN_ENTERPRISE", messageKey: after.extensions.messageKey },
        },
      ],
    });
    // A refused action changes nothing, not even the write-down of the expiry it met.
    expect(await snapshot(gw.dataSource)).toEqual(before);

    // The expiry is written down once, by whoever gets there first (here the sweep), and the enterprise's next action finds nothing left to write.
    await sweepExpiredRights({ dataSource: gw.dataSource, clock });
    await sweepExpiredRights({ dataSource: gw.dataSource, clock });
    await main.request(m.addUser, { input: userInput(e.number) });
    expect(
      (await eventsOf(e.id, "EXPIRE_RIGHT")).map((x) => JSON.parse(x.details) as { expiredBy: string; after: { endedAt: string } }),
    ).toEqual([expect.objectContaining({ expiredBy: "sweep", after: expect.objectContaining({ endedAt: until }) })]);
  });

  it("refuses a validUntil that has passed by the time the enterprise's lock is held, as one in the past", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const token = await gw.token(e.mainAccessManager!);
    const soon = inDays(1);
    const before = await snapshot(gw.dataSource);
    const late = await acrossHeldLock(
      e.id,
      () => graphql(gw.url, m.addUser, { token, variables: { input: userInput(e.number, soon) } }),
      () => clock.passes(soon),
    );
    expect(late.json?.errors).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({ code: "BAD_USER_INPUT", field: "input.validUntil", messageKey: "input.validUntilPast" }),
      }),
    ]);
    expect(await snapshot(gw.dataSource)).toEqual(before);
  });

  it("records a successful action (its audit event, what it grants) at an instant no earlier than the moment its enterprise's lock was obtained", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const token = await gw.token(e.mainAccessManager!);
    let lockedAt = clock.now();
    const answer = await acrossHeldLock(
      e.id,
      () =>
        graphql(gw.url, m.addUser, { token, variables: { input: userInput(e.number) }, headers: { "x-request-id": `late-${Date.now()}` } }),
      () => {
        clock.advance({ hours: 1 });
        lockedAt = clock.now();
      },
    );
    const { id } = (answer.json?.data as { addUser: { id: string } }).addUser;
    const [event] = await gw.dataSource.getRepository(AuditEvent).findBy({ requestId: answer.headers.get("x-request-id")! });
    const granted = await gw.dataSource.getRepository(RoleAssignment).findOneByOrFail({ id: Number(id) });
    expect({ event: instant(event.at) >= lockedAt, granted: instant(granted.grantedAt) >= lockedAt }).toEqual({
      event: true,
      granted: true,
    });
    expect(instant(granted.grantedAt)).toEqual(instant(event.at));
  });

  it("has the sweep write an expiry down at the instant it holds the enterprise's lock", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const main = await gw.client(e.mainAccessManager!);
    const until = inDays(1);
    await main.request(m.addUser, { input: userInput(e.number, until) });
    clock.passes(until);
    let lockedAt = clock.now();
    await acrossHeldLock(
      e.id,
      () => sweepExpiredRights({ dataSource: gw.dataSource, clock }),
      () => {
        clock.advance({ hours: 1 });
        lockedAt = clock.now();
      },
    );
    const [expiry] = await eventsOf(e.id, "EXPIRE_RIGHT");
    expect(instant(expiry.at) >= lockedAt).toBe(true);
  });

  it("has the register import record a batch at the instant it holds the batch's enterprises", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const dir = mkdtempSync(join(tmpdir(), "instant-import-"));
    try {
      const file = join(dir, "register.csv");
      writeFileSync(
        file,
        `enterprise_number,name,default_capacity,legal_representative_ssin,given_name,family_name\n${e.number},Renamed While Locked,EMPLOYER_NSSO,${ssin()},Ann,Peeters\n`,
      );
      let lockedAt = clock.now();
      await acrossHeldLock(
        e.id,
        () => importRegister({ dataSource: gw.dataSource, catalog: gw.catalog, file, clock }),
        () => {
          clock.advance({ hours: 1 });
          lockedAt = clock.now();
        },
      );
      const events = await eventsOf(e.id, "REGISTER_IMPORT");
      expect(events.length).toBeGreaterThan(0);
      expect(events.map((x) => instant(x.at) >= lockedAt)).toEqual(events.map(() => true));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
