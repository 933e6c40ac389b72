// @ts-check
/**
 * `npm run build:client`: compiles src/client (typed documents, SDK, persistedQueryFetch) into packages/client/dist
 * as CommonJS with .d.ts, and puts the emitted SDL and the trusted-documents manifest beside it. dist/ is built, never
 * committed: the package test builds it.
 */
const { execFileSync } = require("node:child_process");
const { copyFileSync, rmSync } = require("node:fs");
const { join } = require("node:path");

const here = __dirname;
const root = join(here, "..", "..");
const dist = join(here, "dist");
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", join(here, "tsconfig.json")], { stdio: "inherit", cwd: root });
copyFileSync(join(root, "schema", "schema.graphql"), join(dist, "schema.graphql"));
copyFileSync(join(root, "src", "client", "generated", "persisted-documents.json"), join(dist, "persisted-documents.json"));
