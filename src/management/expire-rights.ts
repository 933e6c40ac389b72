import type { EntityManager } from "typeorm";
import { dueAtSql } from "../domain/validity";
import { appendAuditEvents, type AuditEventContent } from "../audit/chain";
import type { RecordedChange } from "../database/change-feed";
import { RoleAssignment, ServiceProviderMandate } from "../domain/entities";

/** Who wrote an expiry down: the first management action that met it, or the sweep. Kept in the event's details. */
export type ExpiredBy = "request" | "sweep";

/** The action of the audit event that records an expiry (actor null: no one ended the right, time did). */
export const expireRightAction = "EXPIRE_RIGHT";

/**
 * Writes down the end of the assignments and mandates of these enterprises (mandates: as client) that have expired by
 * `now` (src/domain/validity.ts), each with one EXPIRE_RIGHT audit event on the enterprise's chain, in the caller's
 * transaction. Readers never wait for this: they already see an expired row as ended. What it adds is the record, and
 * the release of the unique keys (`active_key`, `exclusive_key`) so that the right can be granted again.
 *
 * Exactly once across requests, sweeps and processes: each row is ended by a guarded UPDATE (still not ended, still
 * expired) that sets `ended_at` to `valid_until`, and only the transaction whose UPDATE changed the row writes the
 * event. A concurrent writer of the same row waits for the row lock (MySQL) or the write lock (SQLite), then matches
 * nothing.
 */
export async function expireDueRights(
  em: EntityManager,
  { enterpriseIds, now, requestId, by }: { enterpriseIds: readonly number[]; now: Date; requestId: string | null; by: ExpiredBy },
): Promise<(AuditEventContent & { previousHash: string | null; hash: string })[]> {
  if (enterpriseIds.length === 0) return [];
  const ids = [...new Set(enterpriseIds)];
  const assignments = await em
    .createQueryBuilder(RoleAssignment, "ra")
    .where("ra.enterprise_id IN (:...ids)", { ids })
    .andWhere(dueAtSql("ra"), { validAt: now })
    .orderBy("ra.id")
    .getMany();
  const mandates = await em
    .createQueryBuilder(ServiceProviderMandate, "m")
    .where("m.client_id IN (:...ids)", { ids })
    .andWhere(dueAtSql("m"), { validAt: now })
    .orderBy("m.id")
    .getMany();
  const events: AuditEventContent[] = [];
  const event = (enterpriseId: number, details: Record<string, unknown>): AuditEventContent => ({
    enterpriseId,
    at: now,
    actorId: null,
    action: expireRightAction,
    requestId,
    details: JSON.stringify({ expiredBy: by, ...details }),
  });
  for (const a of assignments) {
    const { affected } = await em
      .createQueryBuilder()
      .update(RoleAssignment)
      .set({ endedAt: () => "valid_until", endedById: null, activeKey: null, exclusiveKey: null })
      .where("id = :id", { id: a.id })
      .andWhere(dueAtSql("role_assignment"), { validAt: now })
      .execute();
    if (affected !== 1) continue;
    const summary = { id: a.id, personId: a.personId, role: a.role, capacity: a.capacityCode, validUntil: a.validUntil };
    events.push(
      event(a.enterpriseId, {
        kind: "ROLE_ASSIGNMENT",
        before: { ...summary, endedAt: null },
        after: { ...summary, endedAt: a.validUntil },
      }),
    );
  }
  for (const m of mandates) {
    const { affected } = await em
      .createQueryBuilder()
      .update(ServiceProviderMandate)
      .set({ status: "ENDED", endedAt: () => "valid_until", endedById: null, activeKey: null })
      .where("id = :id", { id: m.id })
      .andWhere(dueAtSql("service_provider_mandate"), { validAt: now })
      .execute();
    if (affected !== 1) continue;
    const summary = { id: m.id, clientId: m.clientId, providerId: m.providerId, capacity: m.capacityCode, validUntil: m.validUntil };
    events.push(
      event(m.clientId, {
        kind: "SERVICE_PROVIDER_MANDATE",
        before: { ...summary, status: "ACTIVE", endedAt: null },
        after: { ...summary, status: "ENDED", endedAt: m.validUntil },
      }),
    );
  }
  return appendAuditEvents(em, events);
}

/** The enterprises with rights that have expired by `now` and are not written down yet (at most `limit`, lowest ids first). */
export async function enterprisesWithDueRights(em: EntityManager, now: Date, limit: number): Promise<number[]> {
  const [assignments, mandates] = await Promise.all([
    em
      .createQueryBuilder(RoleAssignment, "ra")
      .select("DISTINCT ra.enterprise_id", "id")
      .where(dueAtSql("ra"), { validAt: now })
      .orderBy("id")
      .limit(limit)
      .getRawMany<{ id: number | string }>(),
    em
      .createQueryBuilder(ServiceProviderMandate, "m")
      .select("DISTINCT m.client_id", "id")
      .where(dueAtSql("m"), { validAt: now })
      .orderBy("id")
      .limit(limit)
      .getRawMany<{ id: number | string }>(),
  ]);
  return [...new Set([...assignments, ...mandates].map((r) => Number(r.id)))].sort((a, b) => a - b).slice(0, limit);
}

/**
 * The access changes an expiry makes, for live subscribers (src/database/change-feed.ts), from the EXPIRE_RIGHT events that
 * wrote it down: an assignment's end to its enterprise, a mandate's to its client and its provider. Published when
 * the expiry is written down (by an action or the sweep), not at the instant itself: until then readers already see
 * the right as ended, and the sweep bounds the delay (EXPIRY_SWEEP_SECONDS).
 */
export function expiryChanges(events: readonly Pick<AuditEventContent, "action" | "enterpriseId" | "details">[]): RecordedChange[] {
  return events
    .filter((e) => e.action === expireRightAction && e.enterpriseId !== null)
    .flatMap((e): RecordedChange[] => {
      const details = JSON.parse(e.details) as {
        kind: string;
        after: { personId?: number; role?: string; capacity?: string | null; clientId?: number; providerId?: number };
      };
      const { after } = details;
      if (details.kind === "ROLE_ASSIGNMENT") {
        return [
          {
            kind: "ASSIGNMENT",
            enterpriseId: e.enterpriseId!,
            assignment: { personId: after.personId!, role: after.role!, capacityCode: after.capacity ?? null },
          },
        ];
      }
      const mandate = { clientId: after.clientId!, providerId: after.providerId! };
      return [
        { kind: "MANDATE", enterpriseId: mandate.clientId, mandate },
        { kind: "MANDATE", enterpriseId: mandate.providerId, mandate },
      ];
    });
}
