import { In, IsNull, type EntityManager } from "typeorm";
import { CapacityActiveSpan, EBoxActiveSpan, EnterpriseStatusSpan, OnlineServiceGrantSpan } from "./entities/history.entity";
import type { EnterpriseStatus } from "./states";

/**
 * The writing half of the history tables (src/domain/entities/history.entity.ts): each function closes the span that
 * held until `at` and opens the one that holds from then, in the caller's transaction, so that a state and its history
 * never disagree. Every management action and the register import that change a state the decision reads call one.
 */

/** The enterprise's status from `at` on; nothing happens when it already has that status. */
export async function recordEnterpriseStatus(
  em: EntityManager,
  { enterpriseId, status, at }: { enterpriseId: number; status: EnterpriseStatus; at: Date },
): Promise<void> {
  const open = await em.findOneBy(EnterpriseStatusSpan, { enterpriseId, validTo: IsNull() });
  if (open?.status === status) return;
  if (open) await em.update(EnterpriseStatusSpan, { id: open.id }, { validTo: at });
  await em.insert(EnterpriseStatusSpan, { enterpriseId, status, validFrom: at, validTo: null });
}

/** Enterprises that enter the register at `at` (REGISTERED): one statement however many. */
export async function recordRegistrations(em: EntityManager, enterpriseIds: readonly number[], at: Date): Promise<void> {
  if (enterpriseIds.length === 0) return;
  await em
    .createQueryBuilder()
    .insert()
    .into(EnterpriseStatusSpan)
    .values(enterpriseIds.map((enterpriseId) => ({ enterpriseId, status: "REGISTERED" as const, validFrom: at, validTo: null })))
    .updateEntity(false)
    .execute();
}

/** The capacity is active from `at` (kept as it is when it already was). */
export async function recordCapacityActive(
  em: EntityManager,
  { enterpriseId, capacityCode, at }: { enterpriseId: number; capacityCode: string; at: Date },
): Promise<void> {
  if (await em.existsBy(CapacityActiveSpan, { enterpriseId, capacityCode, validTo: IsNull() })) return;
  await em.insert(CapacityActiveSpan, { enterpriseId, capacityCode, validFrom: at, validTo: null });
}

/** The e-Box is active from `at`. */
export async function recordEBoxActive(em: EntityManager, { enterpriseId, at }: { enterpriseId: number; at: Date }): Promise<void> {
  if (await em.existsBy(EBoxActiveSpan, { enterpriseId, validTo: IsNull() })) return;
  await em.insert(EBoxActiveSpan, { enterpriseId, validFrom: at, validTo: null });
}

/** deleteEnterpriseAccess: every capacity and the e-Box stop being active at `at`. */
export async function recordAccessDeleted(em: EntityManager, { enterpriseId, at }: { enterpriseId: number; at: Date }): Promise<void> {
  await em.update(CapacityActiveSpan, { enterpriseId, validTo: IsNull() }, { validTo: at });
  await em.update(EBoxActiveSpan, { enterpriseId, validTo: IsNull() }, { validTo: at });
  await recordEnterpriseStatus(em, { enterpriseId, status: "ACCESS_DELETED", at });
}

/** The online services of a USER assignment from `at` on: those no longer granted end, new ones begin, the others go on. */
export async function recordOnlineServices(
  em: EntityManager,
  { assignmentId, codes, at }: { assignmentId: number; codes: readonly string[]; at: Date },
): Promise<void> {
  await recordOnlineServicesOf(em, { grants: [{ assignmentId, codes }], at });
}

/** Rows of one multi-row insert: within every database's bound on a statement's parameters (SQLite: 32,766). */
export const rowsPerInsert = 500;

/**
 * `recordOnlineServices` for many assignments at once, as a bulk action changes them: one read of their open spans,
 * one update of those that end, and multi-row inserts of those that begin, whatever the number of assignments.
 */
export async function recordOnlineServicesOf(
  em: EntityManager,
  { grants, at }: { grants: readonly { assignmentId: number; codes: readonly string[] }[]; at: Date },
): Promise<void> {
  if (grants.length === 0) return;
  const open: OnlineServiceGrantSpan[] = [];
  for (let i = 0; i < grants.length; i += rowsPerInsert)
    open.push(
      ...(await em.findBy(OnlineServiceGrantSpan, {
        assignmentId: In(grants.slice(i, i + rowsPerInsert).map((g) => g.assignmentId)),
        validTo: IsNull(),
      })),
    );
  const held = new Map<number, Set<string>>();
  for (const span of open) held.set(span.assignmentId, (held.get(span.assignmentId) ?? new Set()).add(span.onlineServiceCode));
  const wanted = new Map(grants.map((g) => [g.assignmentId, new Set(g.codes)]));
  const ending = open.filter((s) => !wanted.get(s.assignmentId)!.has(s.onlineServiceCode)).map((s) => s.id);
  for (let i = 0; i < ending.length; i += rowsPerInsert)
    await em.update(OnlineServiceGrantSpan, { id: In(ending.slice(i, i + rowsPerInsert)) }, { validTo: at });
  const beginning = grants.flatMap(({ assignmentId, codes }) =>
    [...new Set(codes)]
      .filter((code) => !held.get(assignmentId)?.has(code))
      .map((onlineServiceCode) => ({ assignmentId, onlineServiceCode, validFrom: at, validTo: null })),
  );
  for (let i = 0; i < beginning.length; i += rowsPerInsert) await em.insert(OnlineServiceGrantSpan, beginning.slice(i, i + rowsPerInsert));
}
