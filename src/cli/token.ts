import "reflect-metadata";
import { parseArgs } from "node:util";
import { loadConfig } from "../config";
import { migrationsPending } from "../database/pending-migrations";
import { loadOrCreateDevKeys, signDevToken } from "../identity/dev-keys";
import { parseName, parseSsin } from "../domain/identifiers";
import { runCommand } from "./run-command";
import { englishProblem, englishText } from "../i18n/messages";

/**
 * Prints a development token. It loads only what signing needs: the database is asked in one statement whether it
 * lacks a migration, and only then opened the usual way (TypeORM, the entities, the migrations: most of a second),
 * so that on a fresh machine the database exists, migrated, beside the key that signs for it.
 */
runCommand(async () => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { "given-name": { type: "string" }, "family-name": { type: "string" }, "expires-in": { type: "string", default: "12h" } },
  });
  const ssin = parseSsin(positionals[0] ?? "");
  if (!ssin.ok)
    throw new Error(
      `usage: npm run token -- SSIN [--given-name X --family-name Y] (${positionals[0] ? englishText(ssin.problem) : "an SSIN is required"})`,
    );
  for (const option of ["given-name", "family-name"] as const) {
    const value = values[option];
    const checked = value === undefined ? null : parseName(value);
    if (checked && !checked.ok) throw new Error(englishProblem(checked.problem, `--${option}`));
  }
  const config = loadConfig();
  if (config.oidc) throw new Error("AUTH_ISSUER is set: tokens come from the identity provider, not from the gateway");
  if (await migrationsPending(config.databaseUrl)) {
    // Loaded only now: `import()` of a relative path is an ES import under module node20 (it wants "./bootstrap.js",
    // which the TypeScript register does not resolve), so require it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { bootstrap } = require("./bootstrap") as typeof import("./bootstrap");
    await (await bootstrap()).dataSource.destroy();
  }
  const keys = await loadOrCreateDevKeys(config.devKeyFile);
  const token = await signDevToken(keys, {
    ssin: ssin.value,
    givenName: values["given-name"],
    familyName: values["family-name"],
    expiresIn: values["expires-in"],
  });
  process.stdout.write(`${token}\n`);
});
