import type { DataSource } from "typeorm";
import { AuditEvent } from "../domain/entities";

/**
 * The audit events of one enterprise (or of all, `enterpriseId` undefined), in id order, a page at a time: a keyset
 * loop, so that reading a trail of any length holds one page in memory. `since` keeps events at or after that instant.
 */
export async function* auditEventPages({
  dataSource,
  enterpriseId,
  since,
  pageSize = 1000,
}: {
  dataSource: DataSource;
  enterpriseId?: number;
  since?: Date;
  pageSize?: number;
}): AsyncGenerator<AuditEvent[]> {
  for (let after = 0; ;) {
    const query = dataSource.createQueryBuilder(AuditEvent, "e").where("e.id > :after", { after }).orderBy("e.id", "ASC").limit(pageSize);
    if (enterpriseId !== undefined) query.andWhere("e.enterprise_id = :enterpriseId", { enterpriseId });
    if (since) query.andWhere("e.at >= :since", { since });
    const page = await query.getMany();
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    after = page[page.length - 1].id;
  }
}
