import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GraphQLClient, gql } from "graphql-request";
import { withBadCheckDigits } from "./support/check-digits";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "./support/databases";
import { startTestGateway } from "./support/gateway";
import { ssin } from "./support/identities";
import { freePort, projectRoot, runProcess, runScript, startScript, type Environment, type RunningProcess } from "./support/processes";

const jwtLine = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/;

/** What a newcomer's shell has: none of the variables that the test runner or a developer may have set. */
const freshEnvironment: Environment = {
  NODE_ENV: undefined,
  DEV_KEY_FILE: undefined,
  AUTH_ISSUER: undefined,
  AUTH_AUDIENCE: undefined,
  AUTH_JWKS_URL: undefined,
  DEMO_DATA: undefined,
  LOG_LEVEL: undefined,
  HOST: undefined,
  PLAYGROUND: undefined,
  RATE_LIMIT: undefined,
};

describeEachDatabase("the token command", (dialect) => {
  let database: TestDatabase;
  let keyDir: string;
  let env: Environment;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    keyDir = mkdtempSync(join(tmpdir(), "token-cli-"));
    env = { ...freshEnvironment, DATABASE_URL: database.url, DEV_KEY_FILE: join(keyDir, "dev-signing-key.json"), NODE_ENV: "test" };
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it("prints one token alone on stdout, which the gateway accepts with its name claims", async () => {
    const person = ssin();
    const finished = await runScript("src/cli/token.ts", [person, "--given-name", "Ines", "--family-name", "Claes"], env);
    expect(finished).toMatchObject({ code: 0, stderr: "" });
    expect(finished.stdout).toMatch(jwtLine);
    expect(statSync(env.DEV_KEY_FILE!).mode & 0o777).toBe(0o600);

    const gw = await startTestGateway(dialect, { DEV_KEY_FILE: env.DEV_KEY_FILE! });
    try {
      const client = new GraphQLClient(gw.url, { headers: { authorization: `Bearer ${finished.stdout.trim()}` } });
      await expect(
        client.request(gql`
          {
            me {
              ssin
              givenName
              familyName
            }
          }
        `),
      ).resolves.toEqual({ me: { ssin: person, givenName: "Ines", familyName: "Claes" } });
    } finally {
      await gw.stop();
    }
  });

  it("accepts an SSIN written with dots and a dash, and prints it normalized in the token", async () => {
    const person = ssin({ born2000: true });
    const finished = await runScript(
      "src/cli/token.ts",
      [`${person.slice(0, 2)}.${person.slice(2, 4)}.${person.slice(4, 6)}-${person.slice(6, 9)}.${person.slice(9)}`],
      env,
    );
    expect(finished.code).toBe(0);
    const [, payload] = finished.stdout.trim().split(".");
    expect(JSON.parse(Buffer.from(payload, "base64url").toString("utf8"))).toMatchObject({ sub: person });
  });
});

/** Refused before any database is opened: shown once, not once per database. */
describe("the token command's refusals", () => {
  let keyDir: string;
  let env: Environment;
  beforeAll(() => {
    keyDir = mkdtempSync(join(tmpdir(), "token-refusals-"));
    env = {
      ...freshEnvironment,
      DATABASE_URL: `sqlite:${join(keyDir, "never-made.sqlite")}`,
      DEV_KEY_FILE: join(keyDir, "dev-signing-key.json"),
      NODE_ENV: "test",
    };
  });
  afterAll(() => rmSync(keyDir, { recursive: true, force: true }));

  it.each([
    ["an SSIN with wrong check digits", (s: string) => [withBadCheckDigits(s)], /check digits/],
    ["an SSIN that is too short", (s: string) => [s.slice(0, 10)], /11 digits/],
    ["no SSIN", () => [], /usage: npm run token -- SSIN/],
    ["an option it does not know", (s: string) => [s, "--name", "X"], /Unknown option '--name'/],
    ["an empty given name", (s: string) => [s, "--given-name", " "], /--given-name must not be empty/],
    [
      "a family name over 100 characters",
      (s: string) => [s, "--family-name", "F".repeat(101)],
      /--family-name must be at most 100 characters/,
    ],
  ])("refuses %s with a message on stderr, nothing on stdout and a non-zero exit", async (_case, args, message) => {
    const finished = await runScript("src/cli/token.ts", args(ssin()), env);
    expect(finished.code).not.toBe(0);
    expect(finished.stdout).toBe("");
    expect(finished.stderr).toMatch(message);
  });

  it("refuses to sign when the gateway verifies tokens of an identity provider", async () => {
    const finished = await runScript("src/cli/token.ts", [ssin()], {
      ...env,
      AUTH_ISSUER: "https://idp.example.org",
      AUTH_AUDIENCE: "gateway",
      AUTH_JWKS_URL: "https://idp.example.org/jwks",
    });
    expect(finished.code).not.toBe(0);
    expect(finished.stdout).toBe("");
    expect(finished.stderr).toMatch(/identity provider/);
  });

  it("makes nothing before refusing: no database, no key", () => {
    expect(readdirSync(keyDir)).toEqual([]);
  });
});

describe("npm run --silent token", () => {
  it("prints the token alone, ready for a pipe", async () => {
    const dir = mkdtempSync(join(tmpdir(), "token-npm-"));
    try {
      const finished = await runProcess("npm", ["run", "--silent", "token", "--", ssin()], {
        ...freshEnvironment,
        DATABASE_URL: `sqlite:${join(dir, "access.sqlite")}`,
        DEV_KEY_FILE: join(dir, "dev-signing-key.json"),
      });
      expect(finished.code).toBe(0);
      expect(finished.stdout).toMatch(jwtLine);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the gateway on a fresh machine (src/main.ts, the embedded database by default)", () => {
  let dir: string;
  let gateway: RunningProcess | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "fresh-machine-"));
  });
  afterEach(async () => {
    await gateway?.stop("SIGKILL");
    gateway = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const start = async (port: number) => {
    gateway = startScript("src/main.ts", [], {
      ...freshEnvironment,
      DATABASE_URL: `sqlite:${join(dir, "access.sqlite")}`,
      PORT: String(port),
    });
    const [, token] = await gateway.waitForOutput(/Authorization: Bearer (\S+)\n/);
    return { token, base: `http://127.0.0.1:${port}` };
  };

  const demoQuery = gql`
    {
      me {
        ssin
        roles {
          role
          enterprise {
            number
            name
            status
          }
        }
      }
      myEnterprises {
        number
      }
    }
  `;
  const demoAnswer = {
    me: {
      ssin: "85073003328",
      roles: [{ role: "LEGAL_REPRESENTATIVE", enterprise: { number: "0123.456.749", name: "Bakkerij Peeters BV", status: "REGISTERED" } }],
    },
    myEnterprises: [{ number: "0123.456.749" }],
  };
  let firstToken: string;

  it("migrates, loads the demo register, prints its URL and a token that works, answers health checks, and stops on SIGTERM", async () => {
    const port = await freePort();
    const { token, base } = await start(port);
    firstToken = token;
    expect(gateway!.stdout()).toContain(`http://127.0.0.1:${port}/graphql`);
    expect(existsSync(join(dir, "dev-signing-key.json"))).toBe(true);

    const client = new GraphQLClient(`${base}/graphql`, { headers: { authorization: `Bearer ${token}` } });
    await expect(client.request(demoQuery)).resolves.toEqual(demoAnswer);
    const healthz = await fetch(`${base}/healthz`);
    expect(healthz.status).toBe(200);
    const readyz = await fetch(`${base}/readyz`);
    expect(readyz.status).toBe(200);
    await expect(readyz.json()).resolves.toEqual({ status: "ready" });

    // The playground's "Act as" offers the demo people, as the README lists them.
    const actAs = (await (await fetch(`${base}/playground/act-as`)).json()) as {
      people: {
        ssin: string;
        givenName: string;
        familyName: string;
        roles: { roleName: string; enterprise: { number: string; name: string } }[];
      }[];
    };
    const readmeRows = [...readFileSync(join(projectRoot, "README.md"), "utf8").matchAll(/^\| ([^|]+) \| (\d{11}) \| ([^|]+) \|$/gm)];
    expect(readmeRows.map(([, person, ssin, role]) => [person, ssin, role.replace(/\), an enterprise without staff$/, ")")])).toEqual(
      actAs.people.map((p) => [
        `${p.givenName} ${p.familyName}`,
        p.ssin,
        p.roles.map((r) => `${r.roleName.toLowerCase()} of ${r.enterprise.name} (${r.enterprise.number})`).join("; "),
      ]),
    );

    expect(await gateway!.stop("SIGTERM")).toBe(0);
  });

  it("starts again on the same database: the demo register is not loaded twice and earlier tokens stay valid", async () => {
    expect(firstToken).toBeDefined();
    const port = await freePort();
    const { base } = await start(port);
    const client = new GraphQLClient(`${base}/graphql`, { headers: { authorization: `Bearer ${firstToken}` } });
    await expect(client.request(demoQuery)).resolves.toEqual(demoAnswer);
    const lr = await client.request<{ enterprise: { legalRepresentatives: { ssin: string }[] } }>(gql`
      {
        enterprise(number: "0123456749") {
          legalRepresentatives {
            ssin
          }
        }
      }
    `);
    expect(lr.enterprise.legalRepresentatives.map((p) => p.ssin)).toEqual(["85073003328", "90011512363"]);
    expect(await gateway!.stop("SIGTERM")).toBe(0);
    // The demo register is chained as it is loaded: an untouched database verifies clean (no CHAIN_MISSING).
    const verified = await runScript("src/cli/audit-verify.ts", [], {
      ...freshEnvironment,
      DATABASE_URL: `sqlite:${join(dir, "access.sqlite")}`,
    });
    expect(verified).toMatchObject({
      code: 0,
      stderr: "",
      stdout: expect.stringMatching(/^OK: [1-9]\d* events in [1-9]\d* chains, 0 broken\n$/),
    });
  });

  it("refuses to start with a clear message when DATABASE_URL is not one it knows", async () => {
    const finished = await runScript("src/main.ts", [], {
      ...freshEnvironment,
      DATABASE_URL: "postgres://localhost/access",
      PORT: String(await freePort()),
    });
    expect(finished.code).not.toBe(0);
    expect(finished.stderr).toMatch(/DATABASE_URL must start with sqlite: or mysql:\/\//);
  });
});
