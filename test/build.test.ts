import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { GraphQLClient, gql } from "graphql-request";
import { migrationTimestamps } from "../src/database/pending-migrations";
import { createTestDatabase, describeEachDatabase, describeMysql, type TestDatabase } from "./support/databases";
import { spawnGateway, type GatewayProcess } from "./support/gateway-process";
import { enterpriseNumber, formatted, ssin } from "./support/identities";
import { projectRoot, runProcess, runScript, type Finished } from "./support/processes";
import { scratchDirectory } from "./support/scratch";

/** Every file under `directory`, as paths relative to it. */
const filesUnder = (directory: string): string[] =>
  readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(directory.length + 1))
    .sort();

/**
 * What is shipped, run the way an operator runs it: `npm run build` into a scratch package that holds dist/,
 * package.json and node_modules but no src/ (a file that the code finds only in the source tree would go unnoticed in
 * the project), then `node dist/main.js` and the compiled commands there, from the package's folder.
 */
let shipped: string;
let built: Finished;
const inShipped = () => ({ cwd: shipped });

beforeAll(async () => {
  shipped = scratchDirectory("shipped-");
  built = await runProcess("npm", ["run", "--silent", "build", "--", "--out", join(shipped, "dist")], {});
  copyFileSync(join(projectRoot, "package.json"), join(shipped, "package.json"));
  symlinkSync(join(projectRoot, "node_modules"), join(shipped, "node_modules"));
});

describe("npm run build", () => {
  it("compiles every module of src/ beside its source map, and copies the files src/ reads at run time", () => {
    expect(built).toMatchObject({ code: 0, stdout: "" });
    expect(built.stderr).toMatch(/^Built \d+ files of src\/ into /);
    const sources = filesUnder(join(projectRoot, "src"));
    const output = filesUnder(join(shipped, "dist"));
    const modules = sources.filter((file) => file.endsWith(".ts"));
    expect(modules.length).toBeGreaterThan(100);
    expect(output).toEqual(
      expect.arrayContaining(modules.flatMap((file) => [file.replace(/\.ts$/, ".js"), file.replace(/\.ts$/, ".js.map")])),
    );
    expect(output.filter((file) => file.endsWith(".ts"))).toEqual([]);
    for (const file of ["register/demo-register.csv", "client/generated/persisted-documents.json"]) {
      expect(readFileSync(join(shipped, "dist", file))).toEqual(readFileSync(join(projectRoot, "src", file)));
    }
    // The map of a module names its source (as seen from the project's dist/) and carries its text.
    const map = JSON.parse(readFileSync(join(shipped, "dist", "cli", "token.js.map"), "utf8")) as {
      sources: string[];
      sourcesContent: string[];
    };
    expect(map.sources.map((source) => resolve(projectRoot, "dist", "cli", source))).toEqual([join(projectRoot, "src", "cli", "token.ts")]);
    expect(map.sourcesContent).toEqual([readFileSync(join(projectRoot, "src", "cli", "token.ts"), "utf8")]);
    expect(readFileSync(join(shipped, "dist", "cli", "token.js"), "utf8")).toMatch(/\n\/\/# sourceMappingURL=token\.js\.map\n$/);
  });

  it("has the migrations' files that the commands' quick check reads, and a fresh database gets every one of them", async () => {
    // The check lists dist/database/migrations by file name (src/database/pending-migrations.ts): a build that renamed
    // or left out a file would make it answer "nothing pending" to a database that lacks a migration.
    const database = `sqlite:${join(scratchDirectory("shipped-fresh-"), "access.sqlite")}`;
    const check = async () => {
      const script =
        'const m = require("./dist/database/pending-migrations.js"); m.migrationsPending(process.argv[1])' +
        ".then((pending) => process.stdout.write(JSON.stringify({ timestamps: m.migrationTimestamps(), pending })))";
      const finished = await runProcess(process.execPath, ["-e", script, database], {}, inShipped());
      expect(finished).toMatchObject({ code: 0, stderr: "" });
      return JSON.parse(finished.stdout) as { timestamps: number[]; pending: boolean };
    };
    await expect(check()).resolves.toEqual({ timestamps: migrationTimestamps(), pending: true });
    const env = { DATABASE_URL: database, DEV_KEY_FILE: join(scratchDirectory("shipped-fresh-key-"), "key.json"), NODE_ENV: "test" };
    expect(await runScript("dist/cli/token.js", [ssin()], env, inShipped())).toMatchObject({ code: 0, stderr: "" });
    await expect(check()).resolves.toEqual({ timestamps: migrationTimestamps(), pending: false });
  });

  it("transforms as the tests do: the swc options of jest.config.js, with source maps", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { swcOptions } = require("../scripts/build.js") as { swcOptions: Record<string, unknown> };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jest = require("../jest.config.js") as { transform: Record<string, [string, Record<string, unknown>]> };
    const [transformer, options] = Object.values(jest.transform)[0];
    expect(transformer).toBe("@swc/jest");
    expect(swcOptions).toEqual({ ...options, sourceMaps: true, swcrc: false, configFile: false });
  });

  it("is what package.json's main and npm start run", () => {
    const manifest = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as {
      main: string;
      scripts: Record<string, string>;
    };
    expect(existsSync(join(shipped, manifest.main))).toBe(true);
    expect(manifest.scripts.start).toBe(`node ${manifest.main}`);
    for (const command of ["start", "token", "register:import", "audit:verify", "audit:export", "schema"]) {
      expect(manifest.scripts[command]).toMatch(/^node dist\/[\w/-]+\.js$/);
      expect(manifest.scripts[`pre${command}`]).toBe("node scripts/build.js --if-stale");
    }
  });

  it("gives the schema of the sources: the compiled schema command writes the committed schema/schema.graphql", async () => {
    mkdirSync(join(shipped, "schema"), { recursive: true });
    const finished = await runScript("dist/cli/emit-schema.js", [], {}, inShipped());
    expect(finished).toMatchObject({ code: 0, stdout: "" });
    expect(readFileSync(join(shipped, "schema", "schema.graphql"), "utf8")).toBe(
      readFileSync(join(projectRoot, "schema", "schema.graphql"), "utf8"),
    );
  });
});

describe("npm run build -- --if-stale (the pre-script of npm start and of the commands)", () => {
  /** A project of its own: the build script, a src/ of two modules and a data file, the project's node_modules. */
  let project: string;
  const build = (...args: string[]) => runProcess(process.execPath, [join(project, "scripts", "build.js"), ...args], {}, { cwd: project });
  const builds = (finished: Finished[]) => finished.filter((f) => /^Built /.test(f.stderr)).length;
  beforeAll(() => {
    project = scratchDirectory("build-project-");
    mkdirSync(join(project, "scripts"));
    copyFileSync(join(projectRoot, "scripts", "build.js"), join(project, "scripts", "build.js"));
    symlinkSync(join(projectRoot, "node_modules"), join(project, "node_modules"));
    mkdirSync(join(project, "src", "data"), { recursive: true });
    writeFileSync(
      join(project, "src", "main.ts"),
      'import { answer } from "./answer";\nprocess.stdout.write(`${answer satisfies number}\\n`);\n',
    );
    writeFileSync(join(project, "src", "answer.ts"), "export const answer: number = 41;\n");
    writeFileSync(join(project, "src", "data", "rows.csv"), "a,b\n");
  });

  it("builds once when several start together on a stale tree, and not again while the sources stay as they are", async () => {
    const together = await Promise.all([1, 2, 3, 4].map(() => build("--if-stale")));
    expect(together.map((f) => f.code)).toEqual([0, 0, 0, 0]);
    expect(builds(together)).toBe(1);
    expect(await runProcess(process.execPath, ["dist/main.js"], {}, { cwd: project })).toMatchObject({ code: 0, stdout: "41\n" });
    expect(existsSync(join(project, "dist", "data", "rows.csv"))).toBe(true);
    const again = await build("--if-stale");
    expect(again).toMatchObject({ code: 0, stdout: "", stderr: "" });
  });

  it("builds again after a source changes, and leaves out of dist/ a file removed from src/", async () => {
    writeFileSync(join(project, "src", "answer.ts"), "export const answer: number = 42;\n");
    rmSync(join(project, "src", "data", "rows.csv"));
    const rebuilt = await build("--if-stale");
    expect(builds([rebuilt])).toBe(1);
    expect(await runProcess(process.execPath, ["dist/main.js"], {}, { cwd: project })).toMatchObject({ code: 0, stdout: "42\n" });
    expect(filesUnder(join(project, "dist")).filter((file) => !file.startsWith("."))).toEqual([
      "answer.js",
      "answer.js.map",
      "main.js",
      "main.js.map",
    ]);
    expect(readdirSync(project).sort()).toEqual(["dist", "node_modules", "scripts", "src"]);
  });

  it("does nothing where only dist/ was shipped, and fails, saying why, where neither src/ nor dist/ is", async () => {
    rmSync(join(project, "src"), { recursive: true });
    expect(await build("--if-stale")).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect(await build("--if-stale", "--out", join(project, "elsewhere"))).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^build failed: no .*src to build, and no .*elsewhere\/main\.js\n$/),
    });
  });
});

describeEachDatabase("the build, run as shipped (node dist/main.js and the compiled commands)", (dialect) => {
  let database: TestDatabase;
  let gateway: GatewayProcess;
  let env: Record<string, string>;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    env = { DATABASE_URL: database.url, DEV_KEY_FILE: join(scratchDirectory("shipped-keys-"), "dev-signing-key.json"), NODE_ENV: "test" };
    // An empty database: the compiled migrations make it, and the demo register is read from dist/.
    gateway = await spawnGateway({ ...env, DEMO_DATA: "on", PLAYGROUND: "on" }, { entry: "dist/main.js", cwd: shipped });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  const token = async (person: string) => {
    const finished = await runScript("dist/cli/token.js", [person], env, inShipped());
    expect(finished).toMatchObject({ code: 0, stderr: "" });
    return finished.stdout.trim();
  };
  /** A request that names a document of the trusted-documents manifest by its hash alone: the manifest is dist/'s. */
  const persisted = async (bearer: string, document: string, variables: Record<string, unknown> = {}) => {
    const manifest = JSON.parse(readFileSync(join(shipped, "dist", "client", "generated", "persisted-documents.json"), "utf8")) as Record<
      string,
      string
    >;
    const [hash] = Object.entries(manifest).find(([, text]) => text.startsWith(document))!;
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  };

  it("answers a query and a mutation of the manifest with a token of the compiled token command; the audit commands see the event", async () => {
    const bearer = await token("85073003328");
    await expect(persisted(bearer, "query MyEnterprises")).resolves.toMatchObject({
      data: {
        me: { ssin: "85073003328", givenName: "An", familyName: "Peeters" },
        myEnterprises: [{ number: "0123.456.749", name: "Bakkerij Peeters BV", status: "REGISTERED" }],
      },
    });
    const appointed = await persisted(bearer, "mutation AppointMainAccessManager(", {
      input: { enterprise: "0123.456.749", person: { ssin: "90011512363", givenName: "Pieter", familyName: "Peeters" } },
    });
    expect(appointed).toEqual({
      data: {
        appointMainAccessManager: expect.objectContaining({
          role: "MAIN_ACCESS_MANAGER",
          person: { ssin: "90011512363", givenName: "Pieter", familyName: "Peeters" },
          enterprise: { number: "0123.456.749", status: "PENDING_ACTIVATION" },
        }),
      },
      extensions: expect.anything(),
    });

    const verified = await runScript("dist/cli/audit-verify.js", [], env, inShipped());
    expect(verified).toMatchObject({ code: 0, stdout: expect.stringMatching(/^OK: \d+ events in \d+ chains, 0 broken\n$/) });
    const exported = await runScript("dist/cli/audit-export.js", ["0123.456.749"], env, inShipped());
    expect(exported.code).toBe(0);
    const events = exported.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { enterprise: string; action: string });
    expect(events).toContainEqual(
      expect.objectContaining({ enterprise: "0123.456.749", action: expect.stringMatching(/MAIN_ACCESS_MANAGER/) }),
    );
  });

  it("imports a register with the compiled command, and the gateway then answers for its new legal representative", async () => {
    const [number, person] = [enterpriseNumber(), ssin()];
    const file = join(scratchDirectory("shipped-register-"), "register.csv");
    writeFileSync(
      file,
      `enterprise_number,name,default_capacity,legal_representative_ssin,given_name,family_name\n${formatted(number)},Compiled BV,EMPLOYER_NSSO,${person},Els,Maes\n`,
    );
    const imported = await runScript("dist/cli/register-import.js", [file], env, inShipped());
    expect(imported).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Imported 1 rows .* enterprises 1 created/) });
    const client = new GraphQLClient(gateway.url, { headers: { authorization: `Bearer ${await token(person)}` } });
    await expect(
      client.request(gql`
        {
          myEnterprises {
            number
            name
          }
        }
      `),
    ).resolves.toEqual({
      myEnterprises: [{ number: formatted(number), name: "Compiled BV" }],
    });
  });

  it("serves the playground with the IDE's files from node_modules", async () => {
    const page = await fetch(gateway.url, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    const script = await fetch(new URL("/playground/assets/graphiql.js", gateway.url));
    expect(script.status).toBe(200);
    // Compared by digest: Jest's toEqual walks a 3.5 MB buffer byte by byte for seconds.
    const digest = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
    expect(digest(new Uint8Array(await script.arrayBuffer()))).toBe(
      digest(readFileSync(join(dirname(require.resolve("graphiql/package.json")), "graphiql.min.js"))),
    );
  });
});

describeMysql("the build with WORKERS=2 [mysql]", () => {
  let database: TestDatabase;
  let gateway: GatewayProcess;
  beforeAll(async () => {
    database = await createTestDatabase("mysql");
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it("forks workers that run dist/main.js as the primary does, and they answer", async () => {
    const env = { DATABASE_URL: database.url, DEV_KEY_FILE: join(scratchDirectory("shipped-workers-"), "key.json"), NODE_ENV: "test" };
    gateway = await spawnGateway({ ...env, WORKERS: "2" }, { entry: "dist/main.js", cwd: shipped });
    const commandLine = (pid: string) => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    const workers = readFileSync(`/proc/${gateway.pid}/task/${gateway.pid}/children`, "utf8").trim().split(/\s+/);
    expect(workers).toHaveLength(2);
    for (const pid of [String(gateway.pid), ...workers]) {
      const [node, script, ...rest] = commandLine(pid);
      expect([node, resolve(shipped, script), ...rest]).toEqual([process.execPath, join(shipped, "dist", "main.js")]);
    }
    const person = ssin();
    const token = await runScript("dist/cli/token.js", [person], env, inShipped());
    const client = new GraphQLClient(gateway.url, { headers: { authorization: `Bearer ${token.stdout.trim()}` } });
    await expect(
      client.request(gql`
        {
          me {
            ssin
          }
        }
      `),
    ).resolves.toEqual({ me: { ssin: person } });
  });
});
