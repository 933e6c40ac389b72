import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "../src/clock";
import { describeEachDatabase, type DialectName } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { holdWrites } from "./support/hold-writes";
import { graphql, maskedError } from "./support/http";
import { ssin } from "./support/identities";
import { captureLogs, type CapturedLogs } from "./support/logs";

/** The system's time, telling the test when the gateway next reads it: the gateway reads it as it builds a request's context. */
class WatchedClock implements Clock {
  private reading: (() => void) | undefined;

  readonly now = (): Date => {
    this.reading?.();
    this.reading = undefined;
    return new Date();
  };

  nextReading(): Promise<void> {
    return new Promise((resolve) => (this.reading = resolve));
  }
}

const renameTable = (dialect: DialectName, from: string, to: string) =>
  dialect === "sqlite" ? `ALTER TABLE ${from} RENAME TO ${to}` : `RENAME TABLE ${from} TO ${to}`;
const addUser = `mutation ($input: AddUserInput!) { addUser(input: $input) { id } }`;
const auditTrail = `query ($e: EnterpriseNumber!) { enterprise(number: $e) { auditTrail { totalCount } } }`;

describeEachDatabase("the request id, passed explicitly", (dialect) => {
  const clock = new WatchedClock();
  let gw: TestGateway;
  let logs: CapturedLogs;
  beforeAll(async () => {
    logs = captureLogs();
    // The first request waits for the database's write lock well past the time the second one takes.
    gw = await startTestGateway(
      dialect,
      { REQUEST_TIMEOUT_MS: "30000", DATABASE_LOCK_WAIT_TIMEOUT_S: "20", DATABASE_STATEMENT_TIMEOUT_MS: "30000" },
      { logger: logs.logger, clock },
    );
  });
  afterAll(() => gw?.stop());

  const linesOf = (requestId: string) =>
    (
      logs.lines() as { requestId?: string; level: string; msg: string; status?: number; errors?: string[]; err?: { message: string } }[]
    ).filter((line) => line.requestId === requestId);

  it("reaches a request's masked error and its log lines while another request is served in the middle of it", async () => {
    const enterprise = await gw.seed.enterprise().withMainAccessManager().active().build();
    const token = await gw.token(enterprise.mainAccessManager!);
    const input = {
      enterprise: enterprise.number,
      capacity: "EMPLOYER_NSSO",
      onlineServices: ["DIMONA"],
      person: { ssin: ssin(), givenName: "Inter", familyName: "Leaved" },
    };
    // Both requests fail unexpectedly on the missing table: the first only once the second has been answered.
    await gw.dataSource.query(renameTable(dialect, "audit_event", "audit_event_gone"));
    const held = await holdWrites(gw, dialect, enterprise.id);
    let released = false;
    try {
      const firstServed = clock.nextReading();
      const first = graphql(gw.url, addUser, { token, variables: { input }, headers: { "x-request-id": "first-0123456789" } });
      let firstAnswered = false;
      void first.then(() => (firstAnswered = true));
      await firstServed;
      const second = await graphql(gw.url, auditTrail, {
        token,
        variables: { e: enterprise.number },
        headers: { "x-request-id": "second-0123456789" },
      });
      expect(firstAnswered).toBe(false);
      await held.release();
      released = true;

      expect(second.json?.errors).toEqual([
        maskedError({ requestId: "second-0123456789", path: ["enterprise", "auditTrail"], language: "NL" }),
      ]);
      expect((await first).json?.errors).toEqual([maskedError({ requestId: "first-0123456789", path: ["addUser"], language: "NL" })]);
      for (const requestId of ["first-0123456789", "second-0123456789"]) {
        const lines = linesOf(requestId);
        expect(lines).toContainEqual(
          expect.objectContaining({
            level: "error",
            msg: "unexpected error",
            err: expect.objectContaining({ message: expect.stringMatching(/audit_event/) }),
          }),
        );
        expect(lines).toContainEqual(
          expect.objectContaining({ level: "info", msg: "graphql request", status: 200, errors: ["INTERNAL_SERVER_ERROR"] }),
        );
      }
    } finally {
      if (!released) await held.release();
      await gw.dataSource.query(renameTable(dialect, "audit_event_gone", "audit_event"));
    }
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

describe("the path of every request", () => {
  it("keeps no AsyncLocalStorage: the request's id and language travel with the request and its context", () => {
    const sources = sourceFiles(join(__dirname, "..", "src")).map((path) => ({
      path: path.slice(path.lastIndexOf("src")),
      text: readFileSync(path, "utf8"),
    }));
    expect(sources.length).toBeGreaterThan(50);
    // Code, not the comments that say why there is none.
    const uses = /\bfrom\s+["'](?:node:)?async_hooks["']|require\(\s*["'](?:node:)?async_hooks["']\s*\)|\bnew\s+AsyncLocalStorage\b/;
    expect(sources.filter((s) => uses.test(s.text)).map((s) => s.path)).toEqual([]);
    expect(uses.test('import { AsyncLocalStorage } from "node:async_hooks";')).toBe(true);
  });
});
