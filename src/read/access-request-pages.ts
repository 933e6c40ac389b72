import type { EntityManager } from "typeorm";
import { AccessRequest } from "../domain/entities";
import type { AccessRequestStatus } from "../domain/states";
import { keysetPage } from "./keyset-page";
import { requestedServices } from "../domain/access-request-status";
import type { Page, PageWindow } from "./read-models";

/**
 * A page of access requests: the caller's own (`personId`), or an enterprise's in the capacities the caller decides
 * (`enterpriseNumber`, `capacities`). A status filter reads the status at `now`, as `AccessRequest.status` answers it:
 * an open request past its expiry is EXPIRED, not PENDING, before the sweep writes it down.
 */
export async function accessRequestPage(
  manager: EntityManager,
  {
    where,
    status,
    now,
    window,
    order,
  }: {
    where: { personId: number } | { enterpriseNumber: string; capacities: readonly string[] };
    status: AccessRequestStatus | null;
    now: Date;
    window: PageWindow;
    order: "ASC" | "DESC";
  },
): Promise<Page<AccessRequest>> {
  const query = manager.createQueryBuilder(AccessRequest, "row");
  if ("personId" in where) query.where("row.person_id = :personId", { personId: where.personId });
  else
    query
      .where("row.enterprise_number = :number", { number: where.enterpriseNumber })
      .andWhere("row.capacity_code IN (:...capacities)", { capacities: where.capacities });
  if (status === "PENDING") query.andWhere("row.status = 'PENDING' AND row.expires_at > :now", { now });
  else if (status === "EXPIRED") query.andWhere("(row.status = 'EXPIRED' OR (row.status = 'PENDING' AND row.expires_at <= :now))", { now });
  else if (status) query.andWhere("row.status = :status", { status });
  return keysetPage(query, { window, order });
}

/**
 * The viewer's latest request for online services of the enterprise: in `capacity`, or, for `service`, in any
 * capacity whose request asked for it. What `Decision.accessRequest` tells them of their own requests.
 */
export async function latestOwnRequest(
  manager: EntityManager,
  {
    personId,
    enterpriseNumber,
    capacity,
    service,
  }: { personId: number; enterpriseNumber: string; capacity: string | null; service: string | null },
): Promise<AccessRequest | null> {
  const query = manager
    .createQueryBuilder(AccessRequest, "row")
    .where("row.person_id = :personId AND row.enterprise_number = :enterpriseNumber", { personId, enterpriseNumber });
  if (capacity) query.andWhere("row.capacity_code = :capacity", { capacity });
  const rows = await query
    .orderBy("row.id", "DESC")
    .take(service ? 50 : 1)
    .getMany();
  return (service ? rows.find((r) => requestedServices(r).includes(service)) : rows[0]) ?? null;
}
