import type { RoleAssignment, ServiceProviderMandate } from "../model/entities";

/**
 * THE predicate "was this assignment (or mandate) current at instant T", in SQL and in memory: begun at or before T,
 * not ended at T. Every point-in-time read of assignments and mandates goes through it, so that a new way for a right
 * to end (an expiry, `valid_until`) is added here once: `AND (valid_until IS NULL OR valid_until > T)`.
 */
export const wasCurrentAt = {
  /** A condition on the row of `alias` (a role_assignment or a service_provider_mandate), with T bound as `:asOf`. */
  sql(alias: string, table: "role_assignment" | "service_provider_mandate"): string {
    const start = table === "role_assignment" ? "granted_at" : "starts_at";
    return `(${alias}.${start} <= :asOf AND (${alias}.ended_at IS NULL OR ${alias}.ended_at > :asOf))`;
  },
  /** The same condition on a row in memory. */
  holds(row: Pick<RoleAssignment, "grantedAt" | "endedAt"> | Pick<ServiceProviderMandate, "startsAt" | "endedAt">, at: Date): boolean {
    const start = "grantedAt" in row ? row.grantedAt : row.startsAt;
    return start.getTime() <= at.getTime() && (row.endedAt === null || row.endedAt.getTime() > at.getTime());
  },
};
