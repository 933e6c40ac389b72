import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { gql } from "graphql-request";
import { Enterprise } from "../src/domain/entities";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { graphql, send, type HttpAnswer } from "./support/http";
import { enterpriseNumber, ssin } from "./support/identities";
import { runScript, startScript } from "./support/processes";

/**
 * The file sizes of the test: large enough that the import runs for many seconds beside the live requests, small enough
 * for the test to stay under a minute on a loaded two-core machine (SQLite's import yields half its time to the
 * gateway). 100,000 rows were measured by hand: see README.
 */
const fileRows = { sqlite: 10_000, mysql: 20_000 };
/** The measurement by hand: `LIVE_IMPORT_ROWS=100000 npx jest test/register-import-live.test.ts`. */
const rowsByHand = Number(process.env.LIVE_IMPORT_ROWS ?? 0);
const header = "enterprise_number,name,default_capacity,legal_representative_ssin,given_name,family_name";

/** Two legal representatives per enterprise; `people` are the SSINs of the file in file order. */
function largeRegisterFile(dir: string, rows: number, namePrefix = "Imported"): { file: string; people: string[]; enterprises: number } {
  const lines = [header];
  const people: string[] = [];
  for (let i = 0; i < rows / 2; i++) {
    const number = enterpriseNumber();
    for (let lr = 0; lr < 2; lr++) {
      const person = ssin({ born2000: lr === 1 });
      people.push(person);
      lines.push([number, `${namePrefix} ${i}`, "EMPLOYER_NSSO", person, `Given ${i}`, `Family ${lr}`].join(","));
    }
  }
  const file = join(dir, `${namePrefix}-register.csv`);
  writeFileSync(file, lines.join("\n") + "\n");
  return { file, people, enterprises: rows / 2 };
}

interface StatementPrototype {
  run(...args: unknown[]): unknown;
  all(...args: unknown[]): unknown;
}

/**
 * Times every synchronous SQLite call made in this process (the gateway runs in it): better-sqlite3 blocks the event
 * loop for exactly as long as a call lasts, busy waits included.
 */
function timeSqliteStatements(gw: TestGateway): { longestMs: () => number; restore: () => void } {
  const connection = (gw.dataSource.driver as unknown as { databaseConnection: { prepare(sql: string): StatementPrototype } })
    .databaseConnection;
  const prototype = Object.getPrototypeOf(connection.prepare("SELECT 1")) as StatementPrototype;
  const original = { run: prototype.run, all: prototype.all };
  let longest = 0;
  for (const method of ["run", "all"] as const) {
    prototype[method] = function (this: StatementPrototype, ...args: unknown[]) {
      const started = performance.now();
      try {
        return original[method].apply(this, args);
      } finally {
        longest = Math.max(longest, performance.now() - started);
      }
    };
  }
  return { longestMs: () => longest, restore: () => Object.assign(prototype, original) };
}

describeEachDatabase("a register import beside a live gateway", (dialect) => {
  let gw: TestGateway;
  let dir: string;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    dir = mkdtempSync(join(tmpdir(), "register-import-live-"));
  });
  afterAll(async () => {
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    "leaves every live request answered within a second, without error, while a large file is imported",
    async () => {
      const unrelated = await gw.seed.enterprise().withMainAccessManager().active().build();
      const mainToken = await gw.token(unrelated.mainAccessManager!);
      const rows = rowsByHand || fileRows[dialect];
      const { file, people, enterprises } = largeRegisterFile(dir, rows);
      const statements = dialect === "sqlite" ? timeSqliteStatements(gw) : null;
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();

      const answers: { what: string; ms: number; answer: HttpAnswer }[] = [];
      const timed = async (what: string, request: () => Promise<HttpAnswer>) => {
        const started = performance.now();
        const answer = await request();
        answers.push({ what, ms: performance.now() - started, answer });
      };
      let finished = false;
      const importing = runScript("src/cli/register-import.ts", [file], { DATABASE_URL: gw.config.databaseUrl, NODE_ENV: "test" }).finally(
        () => {
          finished = true;
        },
      );
      let midImport = 0;
      let signedIn = 0;
      try {
        while (!finished) {
          // A person of the file signs in for the first time (people in file order, half-way through the ones seen so far).
          const imported = await gw.dataSource.getRepository(Enterprise).countBy({ status: "REGISTERED" });
          if (imported > 0 && imported < enterprises) midImport++;
          const person = people[Math.min(people.length - 1, imported * 2 + 40 + signedIn++)]!;
          const token = await gw.token(person);
          await Promise.all([
            timed("first sign-in of a person in the file", () => graphql(gw.url, "{ me { ssin } }", { token })),
            timed("/healthz", () => send(gw.url.replace(/\/graphql$/, "/healthz"), { method: "GET" })),
            timed("addUser on an unrelated enterprise", () =>
              graphql(
                gw.url,
                gql`
                  mutation ($input: AddUserInput!) {
                    addUser(input: $input) {
                      id
                    }
                  }
                `,
                {
                  token: mainToken,
                  variables: {
                    input: {
                      enterprise: unrelated.number,
                      capacity: "EMPLOYER_NSSO",
                      onlineServices: [],
                      person: { ssin: ssin(), givenName: "Live", familyName: "Request" },
                    },
                  },
                },
              ),
            ),
          ]);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      } finally {
        loop.disable();
        statements?.restore();
      }
      const imported = await importing;
      expect(imported.stderr).not.toMatch(/rejected|Error/);
      expect(imported.code).toBe(0);
      expect(imported.stdout).toMatch(new RegExp(`Imported ${rows} rows .*enterprises ${enterprises} created`));

      // The requests ran while the import was writing, not only before or after it.
      expect(midImport).toBeGreaterThanOrEqual(5);
      const failed = answers.filter(({ answer }) => answer.status !== 200 || answer.json?.errors !== undefined);
      expect(failed.map(({ what, answer }) => `${what}: ${answer.status} ${answer.text.slice(0, 200)}`)).toEqual([]);
      const slowest = answers.reduce((a, b) => (b.ms > a.ms ? b : a));
      process.stderr.write(
        `[${dialect}] ${imported.stdout.trim()}\n[${dialect}] ${answers.length} live requests (${midImport} rounds mid-import): slowest ${slowest.ms.toFixed(0)} ms (${slowest.what}); ` +
          `event loop delay max ${(loop.max / 1e6).toFixed(0)} ms${statements ? `; longest SQLite call ${statements.longestMs().toFixed(0)} ms` : ""}\n`,
      );
      // Within a second of waiting on the import. The gateway runs in this process: the longest stretch during which the
      // process could not run at all (the event-loop delay: on a quiet machine a few ms, on an overloaded one up to a
      // second, MySQL included where no database call is synchronous) is not time spent waiting on the import, so it
      // is taken off; what blocks the loop from inside (SQLite calls) is bounded on its own just below.
      const stalledMs = loop.max / 1e6;
      expect({ slowest: slowest.what, withinOneSecond: slowest.ms - stalledMs < 1000 }).toEqual({
        slowest: slowest.what,
        withinOneSecond: true,
      });
      // The direct measure of blocking: how long the longest synchronous SQLite call kept this process's event loop. The
      // event-loop delay is only reported: on an overloaded machine it also counts the time the process was not
      // scheduled at all (it reaches 100-200 ms on MySQL too, where no database call is synchronous). The bound is
      // generous for the same reason: a call's wall time also counts the moments its process was not scheduled (122 ms
      // for a call of a few ms at a load of 12 on two cores), while an import batch that blocked the loop would take
      // seconds.
      if (statements) expect(statements.longestMs()).toBeLessThan(400);
    },
    rowsByHand ? 30 * rowsByHand : 120_000,
  );

  it("leaves whole enterprises when killed part-way, and the same file imported again finishes the job", async () => {
    const { file, enterprises } = largeRegisterFile(dir, 6000, "Killed");
    // Per enterprise of the file: its legal representatives and its audit events of the import.
    const imported = () =>
      gw.dataSource.query<{ lrs: number | string; events: number | string }[]>(
        `SELECT (SELECT COUNT(*) FROM role_assignment r WHERE r.enterprise_id = e.id AND r.role = 'LEGAL_REPRESENTATIVE' AND r.ended_at IS NULL) AS lrs,
                (SELECT COUNT(*) FROM audit_event a WHERE a.enterprise_id = e.id AND a.action = 'REGISTER_IMPORT') AS events
           FROM enterprise e WHERE e.name LIKE 'Killed %'`,
      );
    const importing = startScript("src/cli/register-import.ts", [file], { DATABASE_URL: gw.config.databaseUrl, NODE_ENV: "test" });
    let seen = 0;
    while (seen === 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      seen = (await imported()).length;
    }
    await importing.stop("SIGKILL");

    const partly = await imported();
    expect(partly.length).toBeGreaterThan(0);
    expect(partly.length).toBeLessThan(enterprises);
    // Every enterprise there is complete: both legal representatives, its creation and their audit events.
    expect(partly.filter((e) => Number(e.lrs) !== 2 || Number(e.events) !== 3)).toEqual([]);

    const again = await runScript("src/cli/register-import.ts", [file], { DATABASE_URL: gw.config.databaseUrl, NODE_ENV: "test" });
    expect(again.code).toBe(0);
    const remaining = enterprises - partly.length;
    expect(again.stdout).toMatch(
      new RegExp(
        `enterprises ${remaining} created, 0 updated; persons ${2 * remaining} created, 0 updated; legal representatives ${2 * remaining} created\\.`,
      ),
    );
    const whole = await imported();
    expect(whole).toHaveLength(enterprises);
    expect(whole.filter((e) => Number(e.lrs) !== 2 || Number(e.events) !== 3)).toEqual([]);
  }, 120_000);
});
