import type { EntityManager } from "typeorm";
import { currentAtSql } from "../domain/validity";
import { RoleAssignment, ServiceProviderMandate } from "../domain/entities";
import type { ExpiringRight } from "./expiring-right.type";

/**
 * The rights of an enterprise current at `now` that expire by `until`, soonest first (then assignments before
 * mandates, then by id), at most `limit`. `capacities` null: every assignment; otherwise only those held in these
 * capacities. `mandates`: include the mandates of which the enterprise is the client. What the caller may see is
 * decided by the access layer (Access.expiringScope) and passed in here.
 */
export async function expiringRights(
  manager: EntityManager,
  {
    enterpriseId,
    now,
    until,
    capacities,
    mandates,
    limit,
  }: { enterpriseId: number; now: Date; until: Date; capacities: readonly string[] | null; mandates: boolean; limit: number },
): Promise<ExpiringRight[]> {
  if (limit === 0) return [];
  const assignmentQuery = manager
    .createQueryBuilder(RoleAssignment, "ra")
    .where("ra.enterprise_id = :enterpriseId", { enterpriseId })
    .andWhere(currentAtSql("ra"), { validAt: now })
    .andWhere("ra.valid_until <= :until", { until })
    .orderBy("ra.valid_until")
    .addOrderBy("ra.id")
    .limit(limit);
  if (capacities) {
    if (capacities.length === 0) return [];
    assignmentQuery.andWhere("ra.capacity_code IN (:...capacities)", { capacities });
  }
  const mandateRows = mandates
    ? await manager
        .createQueryBuilder(ServiceProviderMandate, "m")
        .where("m.client_id = :enterpriseId", { enterpriseId })
        .andWhere(currentAtSql("m"), { validAt: now })
        .andWhere("m.valid_until <= :until", { until })
        .orderBy("m.valid_until")
        .addOrderBy("m.id")
        .limit(limit)
        .getMany()
    : [];
  const items: ExpiringRight[] = [
    ...(await assignmentQuery.getMany()).map((assignment) => ({
      kind: "ROLE_ASSIGNMENT" as const,
      assignment,
      mandate: null,
      validUntil: new Date(assignment.validUntil!),
    })),
    ...mandateRows.map((mandate) => ({
      kind: "SERVICE_PROVIDER_MANDATE" as const,
      assignment: null,
      mandate,
      validUntil: new Date(mandate.validUntil!),
    })),
  ];
  const rank = (i: ExpiringRight) => (i.kind === "ROLE_ASSIGNMENT" ? 0 : 1);
  const id = (i: ExpiringRight) => i.assignment?.id ?? i.mandate!.id;
  return items.sort((a, b) => a.validUntil.getTime() - b.validUntil.getTime() || rank(a) - rank(b) || id(a) - id(b)).slice(0, limit);
}
