import { mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { projectRoot, runProcess, type Finished } from "./support/processes";
import { scratchDirectory } from "./support/scratch";

// The package as another project gets it: built, packed, installed from the tarball without network, type-checked
// and run against a real gateway that trusts nothing but the manifest the package ships.

const tsc = require.resolve("typescript/bin/tsc");
const scratch = scratchDirectory("client-package-");
const consumer = join(scratch, "consumer");

function succeeded(step: string, finished: Finished): Finished {
  if (finished.code !== 0) throw new Error(`${step} failed (${finished.code}):\n${finished.stdout}\n${finished.stderr}`);
  return finished;
}

/** A consumer as its README shows it: the SDK over graphql-request, documents sent by hash only. */
const consumerSource = `
import { GraphQLClient } from "graphql-request";
import { getSdk, persistedQueryFetch, MyEnterprisesDocument, type MyEnterprisesQuery } from "@secure-access/client";
import { print } from "graphql";
import { readFileSync } from "node:fs";

async function main(): Promise<void> {
  const client = new GraphQLClient(process.env.GATEWAY_URL!, {
    headers: { authorization: \`Bearer \${process.env.TOKEN}\` },
    fetch: persistedQueryFetch(),
  });
  const sdk = getSdk(client);
  const mine: MyEnterprisesQuery = await sdk.MyEnterprises();
  const numbers: string[] = mine.myEnterprises.map((enterprise) => enterprise.number);
  const catalog = await sdk.Catalog({ language: "FR" });
  const manifest = JSON.parse(readFileSync(require.resolve("@secure-access/client/persisted-documents.json"), "utf8")) as Record<string, string>;
  const schema = readFileSync(require.resolve("@secure-access/client/schema.graphql"), "utf8");
  console.log(JSON.stringify({
    numbers,
    capacities: catalog.capacities.length,
    documentInManifest: Object.values(manifest).includes(print(MyEnterprisesDocument)),
    schemaHasQuery: schema.includes("type Query {"),
  }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`;

/** Must not type-check: the SDK's variables and results are typed, not any. */
const misuseSource = `
import { GraphQLClient } from "graphql-request";
import { getSdk } from "@secure-access/client";

export async function misuse(): Promise<number> {
  const sdk = getSdk(new GraphQLClient("http://gateway/graphql"));
  const catalog = await sdk.Catalog({ language: "KLINGON" });
  return catalog.capacities[0].code;
}
`;

// The consumer checks the package's declarations too (skipLibCheck off); the misuse needs only its own errors.
const consumerTsconfig = (files: string[], { skipLibCheck = false } = {}) =>
  JSON.stringify({
    compilerOptions: {
      target: "ES2022",
      module: "node20",
      moduleResolution: "node16",
      lib: ["ES2023", "DOM"],
      strict: true,
      types: ["node"],
      outDir: "dist",
      rootDir: "src",
      skipLibCheck,
    },
    files,
  });

/** Links a package of the gateway's node_modules into the consumer's: the dependencies it brings itself. */
function linkDependency(name: string): void {
  const target = join(consumer, "node_modules", name);
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(realpathSync(join(projectRoot, "node_modules", name)), target, "dir");
}

describe("the client package @secure-access/client", () => {
  let gw: TestGateway;
  let installed: string;

  beforeAll(async () => {
    succeeded("npm run build:client", await runProcess("npm", ["run", "build:client"], {}));
    const packed = succeeded(
      "npm pack",
      await runProcess("npm", ["pack", "--json", "--pack-destination", scratch, "./packages/client"], {}),
    );
    const [{ filename }] = JSON.parse(packed.stdout) as { filename: string }[];
    mkdirSync(join(consumer, "src"), { recursive: true });
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }));
    // Offline: the tarball is the only thing to install; its peers are the consumer's own, linked from here afterwards.
    succeeded(
      "npm install",
      await runProcess(
        "npm",
        [
          "install",
          "--prefix",
          consumer,
          "--offline",
          "--no-audit",
          "--no-fund",
          "--ignore-scripts",
          "--legacy-peer-deps",
          join(scratch, filename),
        ],
        {},
      ),
    );
    for (const dependency of ["graphql", "graphql-request", "@graphql-typed-document-node/core", "@types/node"]) linkDependency(dependency);
    installed = join(consumer, "node_modules", "@secure-access", "client");
    gw = await startTestGateway("sqlite", {
      TRUSTED_DOCUMENTS: "only",
      TRUSTED_DOCUMENTS_MANIFEST: join(installed, "dist", "persisted-documents.json"),
    });
  }, 180_000);
  afterAll(() => gw?.stop());

  it("installs from its tarball with compiled JavaScript, declarations, the schema and the manifest", () => {
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as {
      name: string;
      dependencies?: unknown;
      peerDependencies: Record<string, string>;
    };
    expect(manifest.name).toBe("@secure-access/client");
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(["@graphql-typed-document-node/core", "graphql", "graphql-request"]);
    for (const file of [
      "index.js",
      "index.d.ts",
      "generated/sdk.js",
      "generated/sdk.d.ts",
      "generated/operations.d.ts",
      "persisted-fetch.js",
      "schema.graphql",
      "persisted-documents.json",
    ]) {
      expect(() => readFileSync(join(installed, "dist", file))).not.toThrow();
    }
    expect(readFileSync(join(installed, "dist", "schema.graphql"), "utf8")).toBe(
      readFileSync(join(projectRoot, "schema", "schema.graphql"), "utf8"),
    );
  });

  it("type-checks a consumer and refuses one that passes a wrong variable or misreads a result", async () => {
    writeFileSync(join(consumer, "src", "main.ts"), consumerSource);
    writeFileSync(join(consumer, "tsconfig.json"), consumerTsconfig(["src/main.ts"]));
    succeeded("tsc (consumer)", await runProcess(process.execPath, [tsc, "-p", join(consumer, "tsconfig.json")], {}));

    writeFileSync(join(consumer, "src", "misuse.ts"), misuseSource);
    writeFileSync(join(consumer, "tsconfig.misuse.json"), consumerTsconfig(["src/misuse.ts"], { skipLibCheck: true }));
    const misuse = await runProcess(process.execPath, [tsc, "--noEmit", "-p", join(consumer, "tsconfig.misuse.json")], {});
    expect(misuse.code).not.toBe(0);
    expect(misuse.stdout).toContain(`Type '"KLINGON"' is not assignable to type`);
    expect(misuse.stdout).toContain("Type 'string' is not assignable to type 'number'");
  }, 180_000);

  it("runs the consumer against a gateway that trusts only the manifest the package ships", async () => {
    const enterprise = await gw.seed.enterprise().build();
    const run = succeeded(
      "the consumer",
      await runProcess(process.execPath, [join(consumer, "dist", "main.js")], {
        GATEWAY_URL: gw.url,
        TOKEN: await gw.token(enterprise.legalRepresentative),
      }),
    );
    expect(JSON.parse(run.stdout)).toEqual({
      numbers: [enterprise.display],
      capacities: gw.catalog.capacities.size,
      documentInManifest: true,
      schemaHasQuery: true,
    });
  });
});
