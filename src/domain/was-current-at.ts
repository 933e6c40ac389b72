import type { RoleAssignment, ServiceProviderMandate } from "./entities";
import { instant } from "./validity";

/**
 * THE predicate "was this assignment (or mandate) current at instant T", in SQL and in memory: begun at or before T,
 * not ended at T, and not expired at T (`valid_until`, src/domain/validity.ts: an expired right counts as ended from its
 * `valid_until` on, whether or not the expiry has been written down yet). Every point-in-time read of assignments and
 * mandates goes through it.
 */
export const wasCurrentAt = {
  /** A condition on the row of `alias` (a role_assignment or a service_provider_mandate), with T bound as `:asOf`. */
  sql(alias: string, table: "role_assignment" | "service_provider_mandate"): string {
    const start = table === "role_assignment" ? "granted_at" : "starts_at";
    return `(${alias}.${start} <= :asOf AND (${alias}.ended_at IS NULL OR ${alias}.ended_at > :asOf) AND (${alias}.valid_until IS NULL OR ${alias}.valid_until > :asOf))`;
  },
  /** The same condition on a row in memory. */
  holds(
    row: Pick<RoleAssignment, "grantedAt" | "endedAt" | "validUntil"> | Pick<ServiceProviderMandate, "startsAt" | "endedAt" | "validUntil">,
    at: Date,
  ): boolean {
    const start = "grantedAt" in row ? row.grantedAt : row.startsAt;
    const t = at.getTime();
    return (
      instant(start) <= t && (row.endedAt === null || instant(row.endedAt) > t) && (row.validUntil === null || instant(row.validUntil) > t)
    );
  },
};
