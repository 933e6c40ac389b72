import DataLoader from "dataloader";
import { In, type EntityManager } from "typeorm";
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
import { endedAsOf } from "../access/validity";
import { currentRow, RowReader } from "./row-reader";

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
 * across callers. Each batch is one prepared statement answering plain rows (src/model/row-reader.ts).
 */
export function createLoaders(manager: EntityManager, now: Date) {
  const rows = new RowReader(manager);
  const currentAssignment = (alias: string) => currentRow.roleAssignment(alias, now);
  return {
    person: byKey((keys: readonly number[]) => rows.whereIn(Person, { id: keys }), (p) => p.id),
    enterprise: byKey((keys: readonly number[]) => rows.whereIn(Enterprise, { id: keys }), (e) => e.id),
    enterpriseByNumber: byKey((keys: readonly string[]) => rows.whereIn(Enterprise, { number: keys }), (e) => e.number),
    assignment: byKey((keys: readonly number[]) => rows.whereIn(RoleAssignment, { id: keys }), (a) => a.id),
    mandate: byKey((keys: readonly number[]) => rows.whereIn(ServiceProviderMandate, { id: keys }).then(mandatesAsOf(now)), (m) => m.id),
    eBoxMessage: byKey((keys: readonly number[]) => rows.whereIn(EBoxMessage, { id: keys }), (m) => m.id),
    // Off the hot path (node(id:) only), and the audit chain works with the entity's Date: TypeORM reads it.
    auditEvent: byKey((keys: readonly number[]) => manager.findBy(AuditEvent, { id: In([...keys]) }), (e) => e.id),
    /** The current assignments of a person, across enterprises. */
    assignmentsOfPerson: groupedByKey(
      (keys: readonly number[]) => rows.whereIn(RoleAssignment, { personId: keys }, { condition: currentAssignment, orderById: true }),
      (a) => a.personId,
    ),
    /** The current holders of a role in an enterprise, keyed "enterpriseId:ROLE". */
    roleHolders: groupedByKey(
      async (keys: readonly RoleHoldersKey[]) => {
        const pairs = keys.map((key) => key.split(":") as [string, Role]);
        return rows.whereIn(
          RoleAssignment,
          { enterpriseId: [...new Set(pairs.map(([e]) => Number(e)))], role: [...new Set(pairs.map(([, r]) => r))] },
          { condition: currentAssignment, orderById: true },
        );
      },
      (a): RoleHoldersKey => `${a.enterpriseId}:${a.role}`,
    ),
    onlineServicesOfAssignment: groupedByKey((keys: readonly number[]) => rows.whereIn(RoleAssignmentOnlineService, { assignmentId: keys }), (s) => s.assignmentId),
    capacitiesOfEnterprise: groupedByKey((keys: readonly number[]) => rows.whereIn(EnterpriseCapacity, { enterpriseId: keys }, { orderById: true }), (c) => c.enterpriseId),
    eBoxOfEnterprise: byKey((keys: readonly number[]) => rows.whereIn(EBox, { enterpriseId: keys }), (b) => b.enterpriseId),
    mandatesAsClient: groupedByKey(
      (keys: readonly number[]) => rows.whereIn(ServiceProviderMandate, { clientId: keys }, { orderById: true }).then(mandatesAsOf(now)),
      (m) => m.clientId,
    ),
    mandatesAsProvider: groupedByKey(
      (keys: readonly number[]) => rows.whereIn(ServiceProviderMandate, { providerId: keys }, { orderById: true }).then(mandatesAsOf(now)),
      (m) => m.providerId,
    ),
    structuredMessagingOfEnterprise: groupedByKey(
      (keys: readonly number[]) => rows.whereIn(StructuredMessagingConfig, { enterpriseId: keys }, { condition: currentRow.structuredMessagingConfig, orderById: true }),
      (c) => c.enterpriseId,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
