import "reflect-metadata";
import { verifyAuditChains } from "../audit/verify";
import { bootstrap } from "./bootstrap";
import { runCommand } from "./run-command";
import { enterpriseArgument } from "./enterprise-argument";

/** `npm run audit:verify [-- ENTERPRISE]`: recomputes the audit chains; exit 0 when every link holds, 1 when one is broken, a chain is missing (or the command fails). */
runCommand(async () => {
  const [argument, ...extra] = process.argv.slice(2);
  if (extra.length > 0 || argument?.startsWith("-")) throw new Error("usage: npm run audit:verify [-- ENTERPRISE]");
  const { dataSource } = await bootstrap();
  try {
    const enterprise = argument === undefined ? undefined : await enterpriseArgument(dataSource, argument);
    const report = await verifyAuditChains({ dataSource, enterpriseId: enterprise?.id });
    for (const b of report.broken) {
      const where = b.enterprise === null ? "events outside any enterprise" : `enterprise ${b.enterprise}`;
      process.stdout.write(`BROKEN ${where}, event ${b.eventId ?? "-"}: ${b.kind}: ${b.message}\n`);
    }
    // One line per break, one count per chain: the chain outside any enterprise may miss the events of many persons.
    const broken = new Set(report.broken.map((b) => b.chain)).size;
    process.stdout.write(`${broken === 0 ? "OK" : "BROKEN"}: ${report.events} events in ${report.chains} chains, ${broken} broken\n`);
    if (broken > 0) throw new Error(`The audit trail is broken in ${broken} chain(s)`);
  } finally {
    await dataSource.destroy();
  }
});
