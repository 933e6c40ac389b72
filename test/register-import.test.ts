import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gql } from "graphql-request";
import { openDatabase } from "../src/database/data-source";
import { Enterprise, Person, RoleAssignment } from "../src/domain/entities";
import { withBadCheckDigits } from "./support/check-digits";
import { createTestDatabase, describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { enterpriseNumber, formatted, ssin } from "./support/identities";
import { freePort, runScript, type Finished } from "./support/processes";
import { snapshot } from "./support/snapshot";

const header = "enterprise_number,name,default_capacity,legal_representative_ssin,given_name,family_name";

/** One CSV record; fields with a comma, quote or line break are quoted. */
const csvRecord = (fields: readonly string[]) => fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(",");

let workDir: string;
beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "register-import-"));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

let fileCounter = 0;
function registerFile(lines: readonly string[], { trailingNewline = true } = {}): string {
  const file = join(workDir, `register-${++fileCounter}.csv`);
  writeFileSync(file, lines.join("\n") + (trailingNewline ? "\n" : ""));
  return file;
}

function importRegister(databaseUrl: string, ...args: string[]): Promise<Finished> {
  return runScript("src/cli/register-import.ts", args, { DATABASE_URL: databaseUrl, NODE_ENV: "test" });
}

describeEachDatabase("the register import command", (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.stop());

  const bakery = { number: enterpriseNumber(), lr1: ssin(), lr2: ssin({ born2000: true }) };
  const selfEmployed = { number: enterpriseNumber(), lr: ssin() };
  const goodFile = () =>
    registerFile([
      header,
      csvRecord([formatted(bakery.number), "Bakkerij De Korst, BV", "EMPLOYER_NSSO", bakery.lr1, "Ann", "Peeters"]),
      csvRecord([
        bakery.number,
        "Bakkerij De Korst, BV",
        "EMPLOYER_NSSO",
        `${bakery.lr2.slice(0, 6)}-${bakery.lr2.slice(6, 9)}.${bakery.lr2.slice(9)}`,
        "Lars",
        "Peeters",
      ]),
      csvRecord([`BE ${selfEmployed.number}`, "Jan Janssens", "ENTERPRISE_WITHOUT_STAFF", selfEmployed.lr, "Jan", "Janssens"]),
    ]);

  it("imports a good file: enterprises REGISTERED, legal representatives as role assignments granted by the register", async () => {
    const finished = await importRegister(gw.config.databaseUrl, goodFile());
    expect(finished).toMatchObject({ code: 0 });
    expect(finished.stdout).toMatch(
      /Imported 3 rows .*enterprises 2 created, 0 updated; persons 3 created, 0 updated; legal representatives 3 created\./,
    );

    const lr = await gw.client(bakery.lr2);
    const seen = await lr.request<{
      me: { ssin: string; givenName: string; roles: { role: string; capacity: null; grantedBy: null; enterprise: { number: string } }[] };
      enterprise: {
        name: string;
        status: string;
        legalRepresentatives: { ssin: string; givenName: string }[];
        roleAssignments: { totalCount: number; edges: { node: { role: string; person: { ssin: string }; grantedBy: null } }[] };
      };
    }>(
      gql`
        query ($e: EnterpriseNumber!) {
          me {
            ssin
            givenName
            roles {
              role
              capacity {
                code
              }
              grantedBy {
                ssin
              }
              enterprise {
                number
              }
            }
          }
          enterprise(number: $e) {
            name
            status
            legalRepresentatives {
              ssin
              givenName
            }
            roleAssignments {
              totalCount
              edges {
                node {
                  role
                  person {
                    ssin
                  }
                  grantedBy {
                    ssin
                  }
                }
              }
            }
          }
        }
      `,
      { e: bakery.number },
    );
    expect(seen.me).toEqual({
      ssin: bakery.lr2,
      givenName: "Lars",
      roles: [{ role: "LEGAL_REPRESENTATIVE", capacity: null, grantedBy: null, enterprise: { number: formatted(bakery.number) } }],
    });
    expect(seen.enterprise).toEqual({
      name: "Bakkerij De Korst, BV",
      status: "REGISTERED",
      legalRepresentatives: [
        { ssin: bakery.lr1, givenName: "Ann" },
        { ssin: bakery.lr2, givenName: "Lars" },
      ],
      roleAssignments: {
        totalCount: 2,
        edges: [
          { node: { role: "LEGAL_REPRESENTATIVE", person: { ssin: bakery.lr1 }, grantedBy: null } },
          { node: { role: "LEGAL_REPRESENTATIVE", person: { ssin: bakery.lr2 }, grantedBy: null } },
        ],
      },
    });
    const selfEmployedSeen = await (
      await gw.client(selfEmployed.lr)
    ).request<{ enterprise: { status: string; name: string } }>(
      gql`
        query ($e: EnterpriseNumber!) {
          enterprise(number: $e) {
            status
            name
          }
        }
      `,
      { e: selfEmployed.number },
    );
    expect(selfEmployedSeen.enterprise).toEqual({ status: "REGISTERED", name: "Jan Janssens" });
  });

  it("changes nothing, audit trail included, when the same file is imported again", async () => {
    const file = goodFile();
    expect((await importRegister(gw.config.databaseUrl, file)).code).toBe(0);
    const before = await snapshot(gw.dataSource);
    const again = await importRegister(gw.config.databaseUrl, file);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/enterprises 0 created, 0 updated; persons 0 created, 0 updated; legal representatives 0 created\./);
    expect(await snapshot(gw.dataSource)).toEqual(before);
  });

  it("rejects a file with bad rows whole, names every bad line by its number, and changes nothing", async () => {
    const good = (number = enterpriseNumber(), name = `Enterprise ${number}`) => [number, name, "EMPLOYER_NSSO", ssin(), "Good", "Row"];
    const disputed = enterpriseNumber();
    const file = registerFile([
      header, // line 1
      csvRecord(good()), // line 2
      csvRecord(good(withBadCheckDigits(enterpriseNumber()))), // line 3: enterprise number check digits
      csvRecord([enterpriseNumber(), "Bad SSIN", "EMPLOYER_NSSO", withBadCheckDigits(ssin()), "Bad", "Ssin"]), // line 4
      csvRecord([enterpriseNumber(), "Unknown capacity", "BAKER", ssin(), "Unknown", "Capacity"]), // line 5
      csvRecord([enterpriseNumber(), "Missing given name", "EMPLOYER_NSSO", ssin(), "", "Missing"]), // line 6: empty field
      csvRecord([enterpriseNumber(), "Long name", "EMPLOYER_NSSO", ssin(), "x".repeat(101), "Long"]), // line 7
      csvRecord(good(disputed, "First Name NV")), // line 8
      csvRecord(good(disputed, "Other Name NV")), // line 9: same enterprise, another name
      csvRecord(good()), // line 10
      csvRecord([enterpriseNumber(), "Short row", "EMPLOYER_NSSO", ssin(), "Short"]), // line 11: a field is missing altogether
      csvRecord([enterpriseNumber(), "x".repeat(201), "EMPLOYER_NSSO", ssin(), "Long", "Enterprise"]), // line 12
      csvRecord(good()), // line 13
    ]);
    const before = await snapshot(gw.dataSource);
    const finished = await importRegister(gw.config.databaseUrl, file);
    expect(finished.code).not.toBe(0);
    const named = [...finished.stderr.matchAll(/^line (\d+):/gm)].map((m) => Number(m[1]));
    expect([...new Set(named)].sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 9, 11, 12]);
    expect(finished.stderr).toMatch(/^line 3: .*enterprise.number.*check digits/m);
    expect(finished.stderr).toMatch(/^line 4: .*legal_representative_ssin.*check digits/m);
    expect(finished.stderr).toMatch(/^line 5: .*BAKER/m);
    expect(finished.stderr).toMatch(/^line 6: .*given_name/m);
    expect(finished.stderr).toMatch(/^line 7: .*given_name.*100/m);
    expect(finished.stderr).toMatch(/^line 9: .*line 8/m);
    expect(finished.stderr).toMatch(/^line 11: .*6/m);
    expect(finished.stderr).toMatch(/^line 12: .*name.*200/m);
    expect(finished.stdout).toBe("");
    expect(await snapshot(gw.dataSource)).toEqual(before);
  });

  it("names the exact lines of a Windows file (BOM, CRLF, blank lines) and goes on checking after a malformed line", async () => {
    const file = join(workDir, "windows-register.csv");
    const lines = [
      `\uFEFF${header}`, // line 1
      csvRecord([enterpriseNumber(), "Good", "EMPLOYER_NSSO", ssin(), "Good", "Row"]), // line 2
      "", // line 3
      `${enterpriseNumber()},"Unclosed,EMPLOYER_NSSO,${ssin()},Open,Quote`, // line 4
      csvRecord([enterpriseNumber(), "Good", "EMPLOYER_NSSO", ssin(), "Good", "Row"]), // line 5
      `${enterpriseNumber()},"Quoted" trailing,EMPLOYER_NSSO,${ssin()},Bad,Quote`, // line 6
      csvRecord([enterpriseNumber(), "Good", "EMPLOYER_NSSO", ssin(), "Good", "Row"]), // line 7
      csvRecord([withBadCheckDigits(enterpriseNumber()), "Bad number", "EMPLOYER_NSSO", ssin(), "Bad", "Number"]), // line 8
    ];
    writeFileSync(file, lines.join("\r\n") + "\r\n");
    const before = await snapshot(gw.dataSource);
    const finished = await importRegister(gw.config.databaseUrl, file);
    expect(finished.code).not.toBe(0);
    expect([...finished.stderr.matchAll(/^line (\d+):/gm)].map((m) => Number(m[1]))).toEqual([4, 6, 8]);
    expect(finished.stderr).toMatch(/^line 4: malformed CSV: a quoted field is not closed/m);
    expect(await snapshot(gw.dataSource)).toEqual(before);
  });

  it("refuses a file that is not UTF-8 (Windows-1252), naming each line that is not, and changes nothing", async () => {
    const file = join(workDir, "windows-1252-register.csv");
    const lines = [
      header, // line 1
      csvRecord([enterpriseNumber(), "Plain ASCII BV", "EMPLOYER_NSSO", ssin(), "Jan", "Peeters"]), // line 2
      csvRecord([enterpriseNumber(), "Secrétariat Démo ASBL", "EMPLOYER_NSSO", ssin(), "Hélène", "Dubois"]), // line 3: é as the byte 0xE9
      csvRecord([enterpriseNumber(), "Plain Again BV", "EMPLOYER_NSSO", ssin(), "Piet", "Claes"]), // line 4
      csvRecord([enterpriseNumber(), "Café Zoë", "EMPLOYER_NSSO", ssin(), "Zoë", "Maes"]), // line 5
    ];
    writeFileSync(file, Buffer.from(lines.join("\r\n") + "\r\n", "latin1"));
    const before = await snapshot(gw.dataSource);
    const finished = await importRegister(gw.config.databaseUrl, file);
    expect(finished.code).not.toBe(0);
    expect([...finished.stderr.matchAll(/^line (\d+):/gm)].map((m) => Number(m[1]))).toEqual([3, 5]);
    expect(finished.stderr).toMatch(/^line 3: not UTF-8/m);
    expect(finished.stderr).not.toContain("\uFFFD");
    expect(await snapshot(gw.dataSource)).toEqual(before);
  });

  it("accepts the same names saved as UTF-8", async () => {
    const number = enterpriseNumber();
    const lr = ssin();
    expect(
      (
        await importRegister(
          gw.config.databaseUrl,
          registerFile([header, csvRecord([number, "Secrétariat Démo ASBL", "EMPLOYER_NSSO", lr, "Hélène", "Zoë"])]),
        )
      ).code,
    ).toBe(0);
    const seen = await (
      await gw.client(lr)
    ).request<{ enterprise: { name: string; legalRepresentatives: { givenName: string; familyName: string }[] } }>(
      gql`
        query ($e: EnterpriseNumber!) {
          enterprise(number: $e) {
            name
            legalRepresentatives {
              givenName
              familyName
            }
          }
        }
      `,
      { e: number },
    );
    expect(seen.enterprise).toEqual({ name: "Secrétariat Démo ASBL", legalRepresentatives: [{ givenName: "Hélène", familyName: "Zoë" }] });
  });

  it("refuses one SSIN with two different names in the file, naming both lines, and changes nothing", async () => {
    const twice = ssin();
    const file = registerFile([
      header, // line 1
      csvRecord([enterpriseNumber(), "First BV", "EMPLOYER_NSSO", twice, "Ann", "Peeters"]), // line 2
      csvRecord([enterpriseNumber(), "Second BV", "EMPLOYER_NSSO", ssin(), "Other", "Person"]), // line 3
      csvRecord([enterpriseNumber(), "Third BV", "EMPLOYER_NSSO", twice, "Anna", "Peeters"]), // line 4: another given name
      csvRecord([enterpriseNumber(), "Fourth BV", "EMPLOYER_NSSO", twice, "Ann", "Peeters"]), // line 5: the same names again
    ]);
    const before = await snapshot(gw.dataSource);
    const finished = await importRegister(gw.config.databaseUrl, file);
    expect(finished.code).not.toBe(0);
    expect([...finished.stderr.matchAll(/^line (\d+):/gm)].map((m) => Number(m[1]))).toEqual([4]);
    expect(finished.stderr).toMatch(/^line 4: .*other names than on line 2/m);
    expect(await snapshot(gw.dataSource)).toEqual(before);
  });

  it("applies a later version of the register: renames an enterprise, fills names still empty, keeps a known person's names", async () => {
    const number = enterpriseNumber();
    const known = ssin();
    const firstSeenByToken = ssin();
    expect(
      (
        await importRegister(
          gw.config.databaseUrl,
          registerFile([header, csvRecord([number, "Old Name BV", "EMPLOYER_NSSO", known, "Known", "Person"])]),
        )
      ).code,
    ).toBe(0);
    // A person who has only shown a token without name claims: their names are still empty.
    await (
      await gw.client(firstSeenByToken)
    ).request(gql`
      {
        me {
          ssin
        }
      }
    `);

    const finished = await importRegister(
      gw.config.databaseUrl,
      registerFile([
        header,
        csvRecord([number, "New Name BV", "EMPLOYER_NSSO", known, "Other", "Names"]),
        csvRecord([number, "New Name BV", "EMPLOYER_NSSO", firstSeenByToken, "Filled", "In"]),
      ]),
    );
    expect(finished.code).toBe(0);
    expect(finished.stdout).toMatch(/enterprises 0 created, 1 updated; persons 0 created, 1 updated; legal representatives 1 created\./);
    const seen = await (
      await gw.client(known)
    ).request<{
      enterprise: { name: string; status: string; legalRepresentatives: { ssin: string; givenName: string; familyName: string }[] };
    }>(
      gql`
        query ($e: EnterpriseNumber!) {
          enterprise(number: $e) {
            name
            status
            legalRepresentatives {
              ssin
              givenName
              familyName
            }
          }
        }
      `,
      { e: number },
    );
    expect(seen.enterprise).toEqual({
      name: "New Name BV",
      status: "REGISTERED",
      legalRepresentatives: [
        { ssin: known, givenName: "Known", familyName: "Person" },
        { ssin: firstSeenByToken, givenName: "Filled", familyName: "In" },
      ],
    });
  });

  describe("stops with a clear message, a non-zero exit and no change, for", () => {
    const cases: [string, () => string, RegExp][] = [
      [
        "a quoted field that is never closed",
        () =>
          registerFile([
            header,
            csvRecord([enterpriseNumber(), "Open", "EMPLOYER_NSSO", ssin(), "Quote", "Field"]),
            `${enterpriseNumber()},"Never closed,EMPLOYER_NSSO,${ssin()},A,B`,
          ]),
        /line 3.*quot/i,
      ],
      [
        "a header without a column",
        () =>
          registerFile([
            "enterprise_number,name,default_capacity,legal_representative_ssin,given_name",
            csvRecord([enterpriseNumber(), "No family", "EMPLOYER_NSSO", ssin(), "Given"]),
          ]),
        /line 1: .*family_name/,
      ],
      [
        "a header without a column, on a file whose rows have every field",
        () =>
          registerFile([
            "enterprise_number,name,default_capacity,legal_representative_ssin,given_name",
            csvRecord([enterpriseNumber(), "No family", "EMPLOYER_NSSO", ssin(), "Given", "Family"]),
          ]),
        /line 1: .*family_name/,
      ],
      [
        "a header that names a column twice",
        () =>
          registerFile([
            `${header},given_name`,
            csvRecord([enterpriseNumber(), "Twice", "EMPLOYER_NSSO", ssin(), "Given", "Family", "Again"]),
          ]),
        /line 1: .*header names given_name more than once/,
      ],
      ["a header alone", () => registerFile([header]), /no rows/i],
      ["an empty file", () => registerFile([], { trailingNewline: false }), /empty/i],
      ["a file that does not exist", () => join(workDir, "no-such-register.csv"), /no-such-register\.csv.*(no such file|does not exist)/i],
    ];

    it.each(cases)("%s", async (_case, makeFile, message) => {
      const before = await snapshot(gw.dataSource);
      const finished = await importRegister(gw.config.databaseUrl, makeFile());
      expect(finished.code).not.toBe(0);
      expect(finished.stderr).toMatch(message);
      expect(finished.stderr).not.toMatch(/\n\s+at /);
      expect(await snapshot(gw.dataSource)).toEqual(before);
    });

    it("no file argument", async () => {
      const finished = await importRegister(gw.config.databaseUrl);
      expect(finished.code).not.toBe(0);
      expect(finished.stderr).toMatch(/usage: npm run register:import -- FILE\.csv/);
    });
  });

  it("imports a generated file of 3,000 rows into a database it migrates first", async () => {
    const database = await createTestDatabase(dialect);
    try {
      const enterprises = 1500;
      const lines = [header];
      for (let i = 0; i < enterprises; i++) {
        const number = enterpriseNumber();
        for (let lr = 0; lr < 2; lr++)
          lines.push(
            csvRecord([
              number,
              `Generated ${i}`,
              i % 2 ? "ENTERPRISE_WITHOUT_STAFF" : "EMPLOYER_NSSO",
              ssin({ born2000: lr === 1 }),
              `Given ${i}`,
              `Family ${lr}`,
            ]),
          );
      }
      const finished = await importRegister(database.url, registerFile(lines));
      expect(finished.stderr).toBe("");
      expect(finished.code).toBe(0);
      expect(finished.stdout).toMatch(
        /Imported 3000 rows .*enterprises 1500 created, 0 updated; persons 3000 created, 0 updated; legal representatives 3000 created\./,
      );
      const dataSource = await openDatabase({ url: database.url });
      try {
        expect(await dataSource.getRepository(Enterprise).countBy({ status: "REGISTERED" })).toBe(enterprises);
        expect(await dataSource.getRepository(Enterprise).count()).toBe(enterprises);
        expect(await dataSource.getRepository(Person).count()).toBe(2 * enterprises);
        expect(await dataSource.getRepository(RoleAssignment).countBy({ role: "LEGAL_REPRESENTATIVE" })).toBe(2 * enterprises);
        expect(await dataSource.getRepository(RoleAssignment).count()).toBe(2 * enterprises);
      } finally {
        await dataSource.destroy();
      }
    } finally {
      await database.drop();
    }
  });
});

describe("the register import command with a DATABASE_URL it cannot use", () => {
  const file = () => registerFile([header, csvRecord([enterpriseNumber(), "Any", "EMPLOYER_NSSO", ssin(), "Any", "One"])]);

  it.each([
    ["names no database kind it knows", async () => "postgres://localhost/access", /DATABASE_URL must start with sqlite: or mysql:\/\//],
    ["has an empty SQLite path", async () => "sqlite:", /DATABASE_URL sqlite: needs a file path/],
    ["names no database on the server", async () => "mysql://root@127.0.0.1:3306/", /DATABASE_URL must name a host and a database/],
    [
      "points at a server that does not answer, without printing the password",
      async () => `mysql://root:s3cret-pass@127.0.0.1:${await freePort()}/access`,
      /^Cannot open the database of DATABASE_URL \(mysql:\/\/root@127\.0\.0\.1:\d+\/access\): .*ECONNREFUSED/m,
    ],
  ])("%s: a clear message and a non-zero exit", async (_case, url, message) => {
    const finished = await importRegister(await url(), file());
    expect(finished.code).not.toBe(0);
    expect(finished.stdout).toBe("");
    expect(finished.stderr).toMatch(message);
    expect(finished.stderr).not.toContain("s3cret-pass");
  });
});
