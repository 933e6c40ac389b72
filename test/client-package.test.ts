import { mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { withBadCheckDigits } from "./support/check-digits";
import { ssin } from "./support/identities";
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

/** A consumer as its README shows it: the SDK over graphql-request, documents sent by hash only, and createSdk keeping its consistency token. */
const consumerSource = `
import { GraphQLClient } from "graphql-request";
import {
  ConsistencyTokens,
  createSdk,
  errorCode,
  getSdk,
  inputErrors,
  isBadUserInput,
  isConflict,
  isUnauthenticated,
  persistedQueryFetch,
  MyEnterprisesDocument,
  type ConflictReason,
  type ErrorCode,
  type MyEnterprisesQuery,
} from "@secure-access/client";
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
  // The guards, on the errors graphql-request throws: a refused variable, no token, a conflict with its reason.
  const refused = await sdk.Can({ enterprise: process.env.BAD_NUMBER!, task: "ACTIVATE_EBOX" }).catch((error: unknown) => error);
  const anonymous = await getSdk(new GraphQLClient(process.env.GATEWAY_URL!, { fetch: persistedQueryFetch() }))
    .MyEnterprises()
    .catch((error: unknown) => error);
  const input = { enterprise: numbers[0], person: { ssin: process.env.MAIN_SSIN!, givenName: "Pieter", familyName: "Peeters" } };
  await sdk.AppointMainAccessManager({ input });
  const again = await sdk.AppointMainAccessManager({ input }).catch((error: unknown) => error);
  const code: ErrorCode | undefined = errorCode(again);
  const reasons: ConflictReason[] = ["ALREADY_ASSIGNED", "ALREADY_ACTIVE"];
  const consistency = new ConsistencyTokens();
  const reading = createSdk(process.env.GATEWAY_URL!, { headers: { authorization: \`Bearer \${process.env.TOKEN}\` }, persisted: "hash-only", consistency });
  await reading.UpdateMyAccount({ input: { language: "FR" } });
  const reread = await reading.MyEnterprises();
  console.log(JSON.stringify({
    tokenKept: consistency.latest !== null,
    sameEnterprises: reread.myEnterprises.length === numbers.length,
    numbers,
    capacities: catalog.capacities.length,
    documentInManifest: Object.values(manifest).includes(print(MyEnterprisesDocument)),
    schemaHasQuery: schema.includes("type Query {"),
    refused: { code: errorCode(refused), badEnterprise: isBadUserInput(refused, "enterprise"), inputs: Object.keys(inputErrors(refused)) },
    anonymous: { missing: isUnauthenticated(anonymous, "TOKEN_MISSING"), expired: isUnauthenticated(anonymous, "TOKEN_EXPIRED") },
    again: { code, conflict: reasons.map((reason) => isConflict(again, reason)) },
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
import { getSdk, isConflict, isForbidden } from "@secure-access/client";

export async function misuse(): Promise<number> {
  const sdk = getSdk(new GraphQLClient("http://gateway/graphql"));
  const catalog = await sdk.Catalog({ language: "KLINGON" });
  return catalog.capacities[0].code;
}

export function misjudge(error: unknown): boolean {
  return isConflict(error, "ALREADY_ACTIVATED") || isForbidden(error, "ALREADY_ACTIVE");
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

  it("type-checks a consumer and refuses one that passes a wrong variable, misreads a result or names a reason its code lacks", async () => {
    writeFileSync(join(consumer, "src", "main.ts"), consumerSource);
    writeFileSync(join(consumer, "tsconfig.json"), consumerTsconfig(["src/main.ts"]));
    succeeded("tsc (consumer)", await runProcess(process.execPath, [tsc, "-p", join(consumer, "tsconfig.json")], {}));

    writeFileSync(join(consumer, "src", "misuse.ts"), misuseSource);
    writeFileSync(join(consumer, "tsconfig.misuse.json"), consumerTsconfig(["src/misuse.ts"], { skipLibCheck: true }));
    const misuse = await runProcess(process.execPath, [tsc, "--noEmit", "-p", join(consumer, "tsconfig.misuse.json")], {});
    expect(misuse.code).not.toBe(0);
    expect(misuse.stdout).toContain(`Type '"KLINGON"' is not assignable to type`);
    expect(misuse.stdout).toContain("Type 'string' is not assignable to type 'number'");
    // The guards take only the reasons of their code, as the schema's enums name them.
    expect(misuse.stdout).toContain(`Argument of type '"ALREADY_ACTIVATED"' is not assignable to parameter of type 'ConflictReason`);
    expect(misuse.stdout).toContain(`Argument of type '"ALREADY_ACTIVE"' is not assignable to parameter of type 'ForbiddenReason`);
  }, 180_000);

  it("runs the consumer against a gateway that trusts only the manifest the package ships, its error guards included", async () => {
    const enterprise = await gw.seed.enterprise().build();
    const run = succeeded(
      "the consumer",
      await runProcess(process.execPath, [join(consumer, "dist", "main.js")], {
        GATEWAY_URL: gw.url,
        TOKEN: await gw.token(enterprise.legalRepresentative),
        BAD_NUMBER: withBadCheckDigits(enterprise.number),
        MAIN_SSIN: ssin(),
      }),
    );
    expect(JSON.parse(run.stdout)).toEqual({
      tokenKept: true,
      sameEnterprises: true,
      numbers: [enterprise.display],
      capacities: gw.catalog.capacities.size,
      documentInManifest: true,
      schemaHasQuery: true,
      refused: { code: "BAD_USER_INPUT", badEnterprise: true, inputs: ["enterprise"] },
      anonymous: { missing: true, expired: false },
      again: { code: "CONFLICT", conflict: [true, false] },
    });
  });
});
