import DataLoader from "dataloader";
import { In, type EntityManager } from "typeorm";
import {
  AccessRequest,
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
} from "../domain/entities";
import type { Role } from "../domain/roles";
import { endedAsOf, isCurrentAt } from "../domain/validity";
import { currentRow, RowReader } from "./row-reader";
import type { EnterpriseCache, EnterpriseReadModel } from "./enterprise-cache";

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

const noServices: readonly RoleAssignmentOnlineService[] = Object.freeze([]);

/** The online services of an assignment of the model (none: the shared empty list); undefined when it is not the model's. */
function onlineServicesIn(model: EnterpriseReadModel, assignmentId: number): readonly RoleAssignmentOnlineService[] | undefined {
  return model.assignmentsById.has(assignmentId) ? (model.onlineServices.get(assignmentId) ?? noServices) : undefined;
}

export type RoleHoldersKey = `${number}:${Role}`;

/**
 * A mandate as of `now`: one that has expired reads as ended at its `validUntil` (src/domain/validity.ts), so that
 * everything that asks `status === "ACTIVE"` sees it ended without a job having run. The row is a copy.
 */
export function mandateAsOf(mandate: ServiceProviderMandate, now: Date): ServiceProviderMandate {
  const endedAt = endedAsOf(mandate, now);
  if (endedAt === mandate.endedAt) return mandate;
  return Object.assign(new ServiceProviderMandate(), mandate, { status: "ENDED", endedAt, activeKey: null });
}

const mandatesAsOf = (now: Date) => (rows: ServiceProviderMandate[]) => rows.map((m) => mandateAsOf(m, now));

/**
 * What the request answers from the enterprise read models (src/read/enterprise-cache.ts): `models` gives each
 * enterprise's model of exactly its row's version, or null where the request reads with its own statements.
 */
export interface RequestModels {
  models: DataLoader<number, EnterpriseReadModel | null>;
  /** The models this request was answered from, by enterprise id: where the people and online services of their assignments are found. */
  answeredById: Map<number, EnterpriseReadModel>;
}

/** `answers`, with the keys it leaves undefined read through `fallback` (their own statements), in key order. */
async function answeredOrThrough<K, V>(
  keys: readonly K[],
  answers: (V | Error | undefined)[],
  fallback: DataLoader<K, V, unknown>,
): Promise<(V | Error)[]> {
  const rest = keys.filter((_, i) => answers[i] === undefined);
  if (rest.length > 0) {
    const read = await fallback.loadMany(rest);
    let next = 0;
    for (let i = 0; i < answers.length; i++) if (answers[i] === undefined) answers[i] = read[next++];
  }
  return answers as (V | Error)[];
}

/**
 * A loader keyed by enterprise (or by something of one enterprise) that answers from the enterprise's model when the
 * request has one, and through `fallback` (its own statement) for the keys whose enterprise has none.
 */
export function fromModels<K, V>(
  request: RequestModels | null,
  enterpriseOf: (key: K) => number,
  fromModel: (model: EnterpriseReadModel, key: K) => V,
  fallback: DataLoader<K, V, unknown>,
  options?: DataLoader.Options<K, V, unknown>,
): DataLoader<K, V, unknown> {
  if (request === null) return fallback;
  return new DataLoader<K, V, unknown>(async (keys) => {
    const models = await request.models.loadMany(keys.map(enterpriseOf));
    const answers: (V | Error | undefined)[] = keys.map((key, i) => {
      const model = models[i];
      if (model instanceof Error) return model;
      return model === null ? undefined : fromModel(model, key);
    });
    return answeredOrThrough(keys, answers, fallback);
  }, options);
}

/** The rows of a key found in the models this request was answered (people, online services), the rest through `fallback`. */
function seenInModels<K, V>(
  request: RequestModels | null,
  find: (model: EnterpriseReadModel, key: K) => V | undefined,
  fallback: DataLoader<K, V>,
): DataLoader<K, V> {
  if (request === null) return fallback;
  return new DataLoader<K, V>(async (keys) => {
    const answers: (V | Error | undefined)[] = keys.map((key) => {
      for (const model of request.answeredById.values()) {
        const found = find(model, key);
        if (found !== undefined) return found;
      }
      return undefined;
    });
    return answeredOrThrough(keys, answers, fallback);
  });
}

/**
 * The batched readers of one request (or one transaction: they read through the entity manager they are given), as
 * of the instant `now`: what has expired by then reads as ended. Created per request in the context, never shared
 * across callers. Each batch is one prepared statement answering plain rows (src/read/row-reader.ts), or, with an
 * enterprise cache and outside a transaction, the enterprise's read model once its row shows which version is current.
 */
export function createLoaders(manager: EntityManager, now: Date, cache: EnterpriseCache | null = null) {
  const rows = new RowReader(manager);
  const enterprise = byKey(
    (keys: readonly number[]) => rows.whereIn(Enterprise, { id: keys }),
    (e) => e.id,
  );
  const enterpriseByNumber = byKey(
    (keys: readonly string[]) =>
      rows.whereIn(Enterprise, { number: keys }).then((found) => {
        for (const e of found) enterprise.prime(e.id, e);
        return found;
      }),
    (e) => e.number,
  );
  // Inside a transaction (an action's checks, a dry run's answer) the request reads its own statements: the models are committed data only.
  const answeredById = new Map<number, EnterpriseReadModel>();
  const request: RequestModels | null =
    cache === null || manager.queryRunner ? null : { models: modelLoader(manager, cache, enterprise, answeredById), answeredById };
  return {
    person: seenInModels(
      request,
      (model, id: number) => model.persons.get(id),
      byKey(
        (keys: readonly number[]) => rows.whereIn(Person, { id: keys }),
        (p) => p.id,
      ),
    ),
    enterprise,
    enterpriseByNumber,
    ...rowsById(rows, manager, now),
    ...assignmentLoaders(rows, request, now),
    ...enterpriseContentLoaders(rows, request, now),
    /** The enterprise read models of this request (null without a cache, or inside a transaction). */
    models: request,
    /**
     * What the request's models already hold, answered at once (no promise, no batch): the resolvers of large lists
     * take it first and fall back on the loaders above. undefined: not known here.
     */
    known: knownInModels(request),
  };
}

/** The rows read by their own id, always with their own statements. */
function rowsById(rows: RowReader, manager: EntityManager, now: Date) {
  return {
    assignment: byKey(
      (keys: readonly number[]) => rows.whereIn(RoleAssignment, { id: keys }),
      (a) => a.id,
    ),
    mandate: byKey(
      (keys: readonly number[]) => rows.whereIn(ServiceProviderMandate, { id: keys }).then(mandatesAsOf(now)),
      (m) => m.id,
    ),
    eBoxMessage: byKey(
      (keys: readonly number[]) => rows.whereIn(EBoxMessage, { id: keys }),
      (m) => m.id,
    ),
    // Off the hot path (decisions of access requests only): TypeORM reads it, as the actions do.
    accessRequest: byKey(
      (keys: readonly number[]) => manager.findBy(AccessRequest, { id: In([...keys]) }),
      (r) => r.id,
    ),
    // Off the hot path (node(id:) only), and the audit chain works with the entity's Date: TypeORM reads it.
    auditEvent: byKey(
      (keys: readonly number[]) => manager.findBy(AuditEvent, { id: In([...keys]) }),
      (e) => e.id,
    ),
  };
}

/** The role assignments current at `now` of a person or of a role in an enterprise, and their online services. */
function assignmentLoaders(rows: RowReader, request: RequestModels | null, now: Date) {
  const currentAssignment = (alias: string) => currentRow.roleAssignment(alias, now);
  const current = (model: EnterpriseReadModel) => model.assignments.filter((a) => isCurrentAt(a, now));
  return {
    /** The current assignments of a person, across enterprises. */
    assignmentsOfPerson: groupedByKey(
      (keys: readonly number[]) => rows.whereIn(RoleAssignment, { personId: keys }, { condition: currentAssignment, orderById: true }),
      (a) => a.personId,
    ),
    /** The current holders of a role in an enterprise, keyed "enterpriseId:ROLE". */
    roleHolders: fromModels(
      request,
      (key: RoleHoldersKey) => Number(key.slice(0, key.indexOf(":"))),
      (model, key) => {
        const role = key.slice(key.indexOf(":") + 1);
        return current(model).filter((a) => a.role === role);
      },
      groupedByKey(
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
    ),
    onlineServicesOfAssignment: seenInModels(
      request,
      (model, id: number) => onlineServicesIn(model, id) as RoleAssignmentOnlineService[] | undefined,
      groupedByKey(
        (keys: readonly number[]) => rows.whereIn(RoleAssignmentOnlineService, { assignmentId: keys }),
        (s) => s.assignmentId,
      ),
    ),
  };
}

/** What an enterprise holds (capacities, e-Box, mandates both ways, structured messaging), keyed by its id. */
function enterpriseContentLoaders(rows: RowReader, request: RequestModels | null, now: Date) {
  /** A loader keyed by enterprise id: from its model when the request has one, else through `fallback`. */
  const ofEnterprise = <V>(fromModel: (model: EnterpriseReadModel) => V, fallback: DataLoader<number, V>) =>
    fromModels(request, (id: number) => id, fromModel, fallback);
  return {
    capacitiesOfEnterprise: ofEnterprise(
      (model) => model.capacities as EnterpriseCapacity[],
      groupedByKey(
        (keys: readonly number[]) => rows.whereIn(EnterpriseCapacity, { enterpriseId: keys }, { orderById: true }),
        (c) => c.enterpriseId,
      ),
    ),
    eBoxOfEnterprise: ofEnterprise(
      (model) => model.eBox,
      byKey(
        (keys: readonly number[]) => rows.whereIn(EBox, { enterpriseId: keys }),
        (b) => b.enterpriseId,
      ),
    ),
    mandatesAsClient: ofEnterprise(
      (model) => mandatesAsOf(now)(model.mandatesAsClient as ServiceProviderMandate[]),
      groupedByKey(
        (keys: readonly number[]) => rows.whereIn(ServiceProviderMandate, { clientId: keys }, { orderById: true }).then(mandatesAsOf(now)),
        (m) => m.clientId,
      ),
    ),
    mandatesAsProvider: ofEnterprise(
      (model) => mandatesAsOf(now)(model.mandatesAsProvider as ServiceProviderMandate[]),
      groupedByKey(
        (keys: readonly number[]) =>
          rows.whereIn(ServiceProviderMandate, { providerId: keys }, { orderById: true }).then(mandatesAsOf(now)),
        (m) => m.providerId,
      ),
    ),
    structuredMessagingOfEnterprise: ofEnterprise(
      (model) => model.structuredMessaging as StructuredMessagingConfig[],
      groupedByKey(
        (keys: readonly number[]) =>
          rows.whereIn(
            StructuredMessagingConfig,
            { enterpriseId: keys },
            { condition: currentRow.structuredMessagingConfig, orderById: true },
          ),
        (c) => c.enterpriseId,
      ),
    ),
  };
}

/** A person, or an assignment's online services, as the request's models hold them (the `known` of createLoaders). */
function knownInModels(request: RequestModels | null) {
  return {
    person: (enterpriseId: number, personId: number): Person | undefined => request?.answeredById.get(enterpriseId)?.persons.get(personId),
    onlineServices(enterpriseId: number, assignmentId: number): readonly RoleAssignmentOnlineService[] | undefined {
      const model = request?.answeredById.get(enterpriseId);
      return model && onlineServicesIn(model, assignmentId);
    },
  };
}

/** Each enterprise's model of its row's version (the row read through `enterprise`, as the request reads it anyway). */
function modelLoader(
  manager: EntityManager,
  cache: EnterpriseCache,
  enterprise: DataLoader<number, Enterprise | null>,
  answeredById: Map<number, EnterpriseReadModel>,
): DataLoader<number, EnterpriseReadModel | null> {
  return new DataLoader(async (ids) => {
    const rows = await enterprise.loadMany(ids);
    const wanted = new Map<number, number>();
    for (const row of rows) {
      if (row instanceof Error) throw row;
      // null while the versions are not trusted (src/database/enterprise-versions.ts): no model, the request reads its own.
      if (row && Number.isSafeInteger(row.version)) wanted.set(row.id, row.version!);
    }
    const models = wanted.size > 0 ? await cache.modelsOf(manager, wanted) : new Map<number, EnterpriseReadModel | null>();
    // Remembered for the people and online services of their assignments.
    for (const model of models.values()) if (model && !answeredById.has(model.enterpriseId)) answeredById.set(model.enterpriseId, model);
    return ids.map((id) => models.get(id) ?? null);
  });
}

export type Loaders = ReturnType<typeof createLoaders>;
