import DataLoader from "dataloader";
import { In, type EntityManager } from "typeorm";
import { wasCurrentAt } from "../domain/was-current-at";
import type { Role } from "../domain/roles";
import {
  CapacityActiveSpan,
  EBox,
  EBoxActiveSpan,
  Enterprise,
  EnterpriseCapacity,
  EnterpriseStatusSpan,
  OnlineServiceGrantSpan,
  RoleAssignment,
  RoleAssignmentOnlineService,
  ServiceProviderMandate,
} from "../domain/entities";
import { createLoaders, type Loaders } from "./loaders";
import type { Page, PageWindow } from "./read-models";
import { keysetPage } from "./keyset-page";

/**
 * The read side as of a past instant (point-in-time answers, src/access/history.ts): loaders shaped like today's
 * (src/read/loaders.ts) whose rows are what the history tables and the kept rows of assignments and mandates say
 * held at `asOf`. An access layer built on them feeds the one decision function the state as of then.
 *
 * Only the inputs of the decision are read as of `asOf` (enterprises and their status, capacities, e-Box, the viewer's
 * assignments with their online services, mandates); the other loaders are today's, for the rest of the answer.
 */

/** A span of a history table that holds at `:asOf`: begun at or before, not ended then. */
const spanHolds = (alias: string) => `(${alias}.valid_from <= :asOf AND (${alias}.valid_to IS NULL OR ${alias}.valid_to > :asOf))`;

function grouped<K, V>(fetch: (keys: readonly K[]) => Promise<V[]>, keyOf: (row: V) => K): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(async (keys) => {
    const groups = new Map<K, V[]>(keys.map((key) => [key, []]));
    for (const row of await fetch(keys)) groups.get(keyOf(row))?.push(row);
    return keys.map((key) => groups.get(key)!);
  });
}

function single<K, V>(fetch: (keys: readonly K[]) => Promise<V[]>, keyOf: (row: V) => K): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(async (keys) => {
    const index = new Map((await fetch(keys)).map((row) => [keyOf(row), row]));
    return keys.map((key) => index.get(key) ?? null);
  });
}

/** The online services each USER assignment held at `asOf`. */
async function servicesAt(manager: EntityManager, assignmentIds: readonly number[], asOf: Date): Promise<OnlineServiceGrantSpan[]> {
  if (assignmentIds.length === 0) return [];
  return manager
    .createQueryBuilder(OnlineServiceGrantSpan, "s")
    .where("s.assignment_id IN (:...assignmentIds)", { assignmentIds: [...assignmentIds] })
    .andWhere(spanHolds("s"), { asOf })
    .orderBy("s.id")
    .getMany();
}

/** Marks USER assignments read as of `asOf` with the services they held then (RoleAssignment.servicesAsOf). */
async function withServicesAsOf(manager: EntityManager, assignments: RoleAssignment[], asOf: Date): Promise<RoleAssignment[]> {
  const users = assignments.filter((a) => a.role === "USER");
  const spans = await servicesAt(
    manager,
    users.map((a) => a.id),
    asOf,
  );
  for (const a of users) a.servicesAsOf = spans.filter((s) => s.assignmentId === a.id).map((s) => s.onlineServiceCode);
  return assignments;
}

/** Enterprises with their status at `asOf`; one not registered yet then (no status span holds) is absent. */
async function enterprisesAt(manager: EntityManager, found: Enterprise[], asOf: Date): Promise<Enterprise[]> {
  if (found.length === 0) return [];
  const spans = await manager
    .createQueryBuilder(EnterpriseStatusSpan, "st")
    .where("st.enterprise_id IN (:...ids)", { ids: found.map((e) => e.id) })
    .andWhere(spanHolds("st"), { asOf })
    .getMany();
  const statusOf = new Map(spans.map((s) => [s.enterpriseId, s.status]));
  return found.filter((e) => statusOf.has(e.id)).map((e) => Object.assign(e, { status: statusOf.get(e.id)! }));
}

/** The capacities of each enterprise active at `asOf`, as rows of today's shape (from their activity spans). */
function capacitiesActiveAt(manager: EntityManager, asOf: Date): DataLoader<number, EnterpriseCapacity[]> {
  return grouped(
    async (keys: readonly number[]): Promise<EnterpriseCapacity[]> =>
      (
        await manager
          .createQueryBuilder(CapacityActiveSpan, "c")
          .where("c.enterprise_id IN (:...ids)", { ids: [...keys] })
          .andWhere(spanHolds("c"), { asOf })
          .orderBy("c.id")
          .getMany()
      ).map((c) =>
        Object.assign(new EnterpriseCapacity(), {
          id: c.id,
          enterpriseId: c.enterpriseId,
          capacityCode: c.capacityCode,
          status: "ACTIVE" as const,
          activatedAt: c.validFrom,
          activatedById: null,
        }),
      ),
    (c) => c.enterpriseId,
  );
}

/** The e-Box of each enterprise active at `asOf`, as a row of today's shape (from its activity span); null: none then. */
function eBoxActiveAt(manager: EntityManager, asOf: Date): DataLoader<number, EBox | null> {
  return single(
    async (keys: readonly number[]): Promise<EBox[]> =>
      (
        await manager
          .createQueryBuilder(EBoxActiveSpan, "b")
          .where("b.enterprise_id IN (:...ids)", { ids: [...keys] })
          .andWhere(spanHolds("b"), { asOf })
          .getMany()
      ).map((b) =>
        Object.assign(new EBox(), {
          id: b.id,
          enterpriseId: b.enterpriseId,
          status: "ACTIVE" as const,
          activatedAt: b.validFrom,
          activatedById: null,
          notificationEmail: null,
        }),
      ),
    (b) => b.enterpriseId,
  );
}

export function createLoadersAsOf(manager: EntityManager, asOf: Date): Loaders {
  const live = createLoaders(manager, asOf);
  const mandatesAt = (column: "clientId" | "providerId") => async (keys: readonly number[]) =>
    (await manager.find(ServiceProviderMandate, { where: { [column]: In([...keys]) }, order: { id: "ASC" } }))
      .filter((m) => wasCurrentAt.holds(m, asOf))
      .map((m) => Object.assign(m, { status: "ACTIVE" as const }));
  return {
    ...live,
    enterprise: single(
      async (keys: readonly number[]) => enterprisesAt(manager, await manager.findBy(Enterprise, { id: In([...keys]) }), asOf),
      (e) => e.id,
    ),
    enterpriseByNumber: single(
      async (keys: readonly string[]) => enterprisesAt(manager, await manager.findBy(Enterprise, { number: In([...keys]) }), asOf),
      (e) => e.number,
    ),
    assignmentsOfPerson: grouped(
      async (keys: readonly number[]) =>
        withServicesAsOf(
          manager,
          await manager
            .createQueryBuilder(RoleAssignment, "ra")
            .where("ra.person_id IN (:...personIds)", { personIds: [...keys] })
            .andWhere(wasCurrentAt.sql("ra", "role_assignment"), { asOf })
            .orderBy("ra.id")
            .getMany(),
          asOf,
        ),
      (a) => a.personId,
    ),
    onlineServicesOfAssignment: grouped(
      async (keys: readonly number[]): Promise<RoleAssignmentOnlineService[]> =>
        (await servicesAt(manager, keys, asOf)).map((s) =>
          Object.assign(new RoleAssignmentOnlineService(), { assignmentId: s.assignmentId, onlineServiceCode: s.onlineServiceCode }),
        ),
      (s) => s.assignmentId,
    ),
    capacitiesOfEnterprise: capacitiesActiveAt(manager, asOf),
    eBoxOfEnterprise: eBoxActiveAt(manager, asOf),
    mandatesAsClient: grouped(mandatesAt("clientId"), (m) => m.clientId),
    mandatesAsProvider: grouped(mandatesAt("providerId"), (m) => m.providerId),
  };
}

/** The first instant the gateway's records of the enterprise cover (its first status span); null when there is none. */
export async function historyStart(manager: EntityManager, enterpriseId: number): Promise<Date | null> {
  const first = await manager.findOne(EnterpriseStatusSpan, { where: { enterpriseId }, order: { validFrom: "ASC" } });
  return first?.validFrom ?? null;
}

/** One page of the role assignments of an enterprise that were current at `asOf`, oldest first, USERs with their services of then. */
export async function roleAssignmentsAsOf(
  manager: EntityManager,
  {
    enterpriseId,
    role,
    capacity,
    window,
    asOf,
  }: { enterpriseId: number; role: Role | null; capacity: string | null; window: PageWindow; asOf: Date },
): Promise<Page<RoleAssignment>> {
  const query = manager
    .createQueryBuilder(RoleAssignment, "row")
    .where("row.enterprise_id = :enterpriseId", { enterpriseId })
    .andWhere(wasCurrentAt.sql("row", "role_assignment"), { asOf });
  if (role) query.andWhere("row.role = :role", { role });
  if (capacity) query.andWhere("row.capacity_code = :capacity", { capacity });
  const page = await keysetPage(query, { window, order: "ASC" });
  await withServicesAsOf(manager, page.nodes, asOf);
  return page;
}
