import "reflect-metadata";
import { once } from "node:events";
import { parseArgs } from "node:util";
import { exportAuditTrail } from "../audit/export";
import { formatEnterpriseNumber } from "../domain/identifiers";
import { bootstrap } from "./bootstrap";
import { runCommand } from "./run-command";
import { enterpriseArgument } from "./enterprise-argument";

const usage = "usage: npm run audit:export -- ENTERPRISE [--since DATE]";

/** Waits for stdout to take the chunk when it says it is full, so that a slow reader slows the export instead of filling memory. */
async function writeOut(chunk: string): Promise<void> {
  if (!process.stdout.write(chunk)) await once(process.stdout, "drain");
}

/** `npm run audit:export -- ENTERPRISE [--since DATE]`: the enterprise's audit events as NDJSON on stdout, oldest first. */
runCommand(async () => {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { since: { type: "string" } } });
  if (positionals.length !== 1) throw new Error(usage);
  const since = values.since === undefined ? undefined : new Date(values.since);
  if (since && (Number.isNaN(since.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(values.since!))) {
    throw new Error(`--since must be an ISO 8601 date or date-time (e.g. 2026-03-01 or 2026-03-01T08:00:00Z); got "${values.since}"`);
  }
  // A reader that goes away (`| head`) ends the export, quietly.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => process.exit(error.code === "EPIPE" ? 0 : 1));
  const { dataSource } = await bootstrap();
  try {
    const enterprise = await enterpriseArgument(dataSource, positionals[0]);
    const count = await exportAuditTrail({
      dataSource,
      enterpriseId: enterprise.id,
      enterpriseNumber: formatEnterpriseNumber(enterprise.number),
      since,
      write: writeOut,
    });
    process.stderr.write(`Exported ${count} audit events\n`);
  } finally {
    await dataSource.destroy();
  }
});
