import type { DataSource } from "typeorm";
import { auditEventPages } from "./read-chain";

/**
 * Writes the enterprise's audit events as NDJSON, one page at a time: each page is written before the next is read,
 * and `write` resolves only when the output has taken it (backpressure), so memory holds one page whatever the
 * trail's length. Each line carries every field the hash covers (README, "Access over time"), so the export can be
 * verified without the database. Returns the number of events written.
 */
export async function exportAuditTrail({
  dataSource,
  enterpriseId,
  enterpriseNumber,
  since,
  write,
  pageSize = 1000,
}: {
  dataSource: DataSource;
  enterpriseId: number;
  enterpriseNumber: string;
  since?: Date;
  write: (chunk: string) => Promise<void>;
  pageSize?: number;
}): Promise<number> {
  let count = 0;
  for await (const page of auditEventPages({ dataSource, enterpriseId, since, pageSize })) {
    let chunk = "";
    for (const e of page) {
      chunk += `${JSON.stringify({
        id: e.id,
        enterprise: enterpriseNumber,
        enterpriseId: e.enterpriseId,
        at: e.at.toISOString(),
        actorId: e.actorId,
        action: e.action,
        requestId: e.requestId,
        details: e.details,
        previousHash: e.previousHash,
        hash: e.hash,
      })}\n`;
    }
    await write(chunk);
    count += page.length;
  }
  return count;
}
