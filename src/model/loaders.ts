import DataLoader from "dataloader";
import { In, IsNull, type EntityManager } from "typeorm";
import {
  AuditEvent,
  EBox,
  EBoxMessage,
  Enterprise,
  EnterpriseCapacity,
  Person,
  RoleAssignment,
  RoleAssignmentOnlineService,
  ServiceProviderMandate,
  StructuredMessagingConfig,
} from "./entities";
import type { Role } from "../access/role-tasks";
import { currentAtWhere, endedAsOf } from "../access/validity";

/** One row per key, in key order (DataLoader's contract); null where there is none. */
function byKey<K, V>(fetch: (keys: readonly K[]) => Promise<V[]>, keyOf: (row: V) => K): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(async (keys) => {
    const rows = await fetch(keys);
    const index = new Map(rows.map((row) => [keyOf(row), row]));
    return keys.map((key) => index.get(key) ?? null);
  });
}

/** Every row of each key, in key order. */
function groupedByKey<K, V>(fetch: (keys: readonly K[]) => Promise<V[]>, keyOf: (row: V) => K): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(async (keys) => {
    const rows = await fetch(keys);
    const groups = new Map<K, V[]>(keys.map((key) => [key, []]));
    for (const row of rows) groups.get(keyOf(row))?.push(row);
    return keys.map((key) => groups.get(key)!);
  });
}

const ids = (keys: readonly number[]) => In([...keys]);

export type RoleHoldersKey = `${number}:${Role}`;

/**
 * A mandate as of `now`: one that has expired reads as ended at its `validUntil` (src/access/validity.ts), so that
 * everything that asks `status === "ACTIVE"` sees it ended without a job having run. The row is a copy.
 */
export function mandateAsOf(mandate: ServiceProviderMandate, now: Date): ServiceProviderMandate {
  const endedAt = endedAsOf(mandate, now);
  if (endedAt === mandate.endedAt) return mandate;
  return Object.assign(new ServiceProviderMandate(), mandate, { status: "ENDED", endedAt, activeKey: null });
}

const mandatesAsOf = (now: Date) => (rows: ServiceProviderMandate[]) => rows.map((m) => mandateAsOf(m, now));

/**
 * The batched readers of one request (or one transaction: they read through the entity manager they are given), as
 * of the instant `now`: what has expired by then reads as ended. Created per request in the context, never shared
 * across callers.
 */
export function createLoaders(manager: EntityManager, now: Date) {
  const current = currentAtWhere(now);
  return {
    person: byKey((keys: readonly number[]) => manager.findBy(Person, { id: ids(keys) }), (p) => p.id),
    enterprise: byKey((keys: readonly number[]) => manager.findBy(Enterprise, { id: ids(keys) }), (e) => e.id),
    enterpriseByNumber: byKey((keys: readonly string[]) => manager.findBy(Enterprise, { number: In([...keys]) }), (e) => e.number),
    assignment: byKey((keys: readonly number[]) => manager.findBy(RoleAssignment, { id: ids(keys) }), (a) => a.id),
    mandate: byKey((keys: readonly number[]) => manager.findBy(ServiceProviderMandate, { id: ids(keys) }).then(mandatesAsOf(now)), (m) => m.id),
    eBoxMessage: byKey((keys: readonly number[]) => manager.findBy(EBoxMessage, { id: ids(keys) }), (m) => m.id),
    auditEvent: byKey((keys: readonly number[]) => manager.findBy(AuditEvent, { id: ids(keys) }), (e) => e.id),
    /** The current assignments of a person, across enterprises. */
    assignmentsOfPerson: groupedByKey(
      (keys: readonly number[]) => manager.find(RoleAssignment, { where: { personId: ids(keys), ...current }, order: { id: "ASC" } }),
      (a) => a.personId,
    ),
    /** The current holders of a role in an enterprise, keyed "enterpriseId:ROLE". */
    roleHolders: groupedByKey(
      async (keys: readonly RoleHoldersKey[]) => {
        const pairs = keys.map((key) => key.split(":") as [string, Role]);
        return manager.find(RoleAssignment, {
          where: { enterpriseId: In([...new Set(pairs.map(([e]) => Number(e)))]), role: In([...new Set(pairs.map(([, r]) => r))]), ...current },
          order: { id: "ASC" },
        });
      },
      (a): RoleHoldersKey => `${a.enterpriseId}:${a.role}`,
    ),
    onlineServicesOfAssignment: groupedByKey(
      (keys: readonly number[]) => manager.find(RoleAssignmentOnlineService, { where: { assignmentId: ids(keys) } }),
      (s) => s.assignmentId,
    ),
    capacitiesOfEnterprise: groupedByKey(
      (keys: readonly number[]) => manager.find(EnterpriseCapacity, { where: { enterpriseId: ids(keys) }, order: { id: "ASC" } }),
      (c) => c.enterpriseId,
    ),
    eBoxOfEnterprise: byKey((keys: readonly number[]) => manager.findBy(EBox, { enterpriseId: ids(keys) }), (b) => b.enterpriseId),
    mandatesAsClient: groupedByKey(
      (keys: readonly number[]) => manager.find(ServiceProviderMandate, { where: { clientId: ids(keys) }, order: { id: "ASC" } }).then(mandatesAsOf(now)),
      (m) => m.clientId,
    ),
    mandatesAsProvider: groupedByKey(
      (keys: readonly number[]) => manager.find(ServiceProviderMandate, { where: { providerId: ids(keys) }, order: { id: "ASC" } }).then(mandatesAsOf(now)),
      (m) => m.providerId,
    ),
    structuredMessagingOfEnterprise: groupedByKey(
      (keys: readonly number[]) => manager.find(StructuredMessagingConfig, { where: { enterpriseId: ids(keys), endedAt: IsNull() }, order: { id: "ASC" } }),
      (c) => c.enterpriseId,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
