import "reflect-metadata";
import { parseArgs } from "node:util";
import { loadConfig } from "../config";
import { loadOrCreateDevKeys } from "../identity/dev-keys";
import { signDevToken } from "../identity/tokens";
import { parseName, parseSsin } from "../domain/identifiers";
import { bootstrap, runCommand } from "./bootstrap";
import { englishProblem, englishText } from "../i18n/messages";

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
  if (loadConfig().oidc) throw new Error("AUTH_ISSUER is set: tokens come from the identity provider, not from the gateway");
  const { config, dataSource } = await bootstrap();
  await dataSource.destroy();
  const keys = await loadOrCreateDevKeys(config.devKeyFile);
  const token = await signDevToken(keys, {
    ssin: ssin.value,
    givenName: values["given-name"],
    familyName: values["family-name"],
    expiresIn: values["expires-in"],
  });
  process.stdout.write(`${token}\n`);
});
