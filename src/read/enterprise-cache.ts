import type { EntityManager } from "typeorm";
import {
  EBox,
  Enterprise,
  EnterpriseCapacity,
  Person,
  RoleAssignment,
  RoleAssignmentOnlineService,
  ServiceProviderMandate,
  StructuredMessagingConfig,
} from "../domain/entities";
import { instant } from "../domain/validity";
import { defaultEnterpriseCacheSettings, type EnterpriseCacheSettings } from "./enterprise-cache-settings";
import { answerBytes, mapBytes, rowBytes } from "./weigh";
import {
  maxKeysPerStatement,
  padded,
  partsOf,
  placeholders,
  readSnapshot,
  type PlannedRead,
  type ReadPlan,
  type TableSql,
} from "./row-reader";

/**
 * Enterprise read models, kept across requests: what the read side shows as part of one
 * enterprise (its assignments not ended, their online services and people, its capacities, e-Box, mandates and
 * structured-messaging configurations), labelled with the enterprise's `version`.
 *
 * Why it cannot serve stale data: the database moves `enterprise.version` in the same transaction as every change
 * of those rows, whoever writes them (triggers, src/database/enterprise-versions.ts). A request reads each
 * enterprise's row fresh (with the viewer and the viewer's roles, in one statement: src/identity/viewer.ts; else one
 * batched, indexed statement) and takes a model only if the model's version is exactly the row's; a model is read
 * in one consistent snapshot together with the versions it is labelled with (src/read/row-reader.ts, readSnapshot),
 * never inside a transaction (an action's or a dry run's uncommitted rows), so a label never names rows other than
 * the ones committed at that version. So what a request decides on (the viewer's roles, the enterprise's row and its
 * model) is one committed state of the enterprise, and a write that a client has seen acknowledged has moved the
 * version its next request reads: that request reads a new model. Nothing needs to be told to evict: an old model is
 * never taken again and ages out. Several processes and gateways each keep their own, checked against the same
 * database; no invalidation messages, nothing to lose. (Versions must come from the primary's history: replicas
 * that replay its rows, as MySQL's replication does, not a copy on which the triggers ran again.)
 *
 * Time: the model keeps every assignment and mandate not ended, and each request keeps those current at its own
 * instant (src/domain/validity.ts, isCurrentAt), so an expiry needs no new version to be seen on time.
 *
 * The rows are shared by concurrent requests: they are frozen, and nothing may change them (a copy is made where
 * a request needs another shape, as mandateAsOf does).
 */
export interface EnterpriseReadModel {
  enterpriseId: number;
  version: number;
  /** The assignments not ended (current ones, and those whose `validUntil` is still to come at some instant), by id. */
  assignments: readonly RoleAssignment[];
  assignmentsById: ReadonlyMap<number, RoleAssignment>;
  /** The online services of each assignment above (an assignment with none has no entry). */
  onlineServices: ReadonlyMap<number, readonly RoleAssignmentOnlineService[]>;
  /** The people of the assignments above. */
  persons: ReadonlyMap<number, Person>;
  capacities: readonly EnterpriseCapacity[];
  eBox: EBox | null;
  mandatesAsClient: readonly ServiceProviderMandate[];
  mandatesAsProvider: readonly ServiceProviderMandate[];
  /** The configurations not ended, by id. */
  structuredMessaging: readonly StructuredMessagingConfig[];
  /** What the model weighs in the cache: its rows. */
  weight: number;
  /** Its estimated bytes (src/read/weigh.ts): its rows and maps, and the answers kept with it (which change it). */
  bytes: number;
  /** The cache that counts the model's bytes while it keeps it: told when the answers kept with it grow or are dropped. */
  keptBy: EnterpriseCache | null;
  /**
   * Answers built from the model (pages of its assignments), for the requests that ask the same again: each is kept
   * with the span of instants over which it holds (until the next `validUntil` of its assignments passes). Bounded.
   */
  answers: Map<string, { from: number; until: number; value: unknown; bytes: number }>;
}

const answersPerModel = 64;

/**
 * `build(now)`, or what it answered before for the same `key` on this model at an instant whose answer is the same as
 * at `now`: no assignment of the model has started or stopped being current in between. Answers are shared by
 * concurrent requests: they must not be changed.
 */
export function answerOf<T>(model: EnterpriseReadModel, key: string, now: Date, build: () => T): T {
  const at = now.getTime();
  const kept = model.answers.get(key);
  if (kept !== undefined && at >= kept.from && at < kept.until) return kept.value as T;
  const value = build();
  let delta = 0;
  if (model.answers.size >= answersPerModel) {
    for (const answer of model.answers.values()) delta -= answer.bytes;
    model.answers.clear();
  }
  // A kept answer replaced for a new span of instants no longer weighs.
  const replaced = model.answers.get(key);
  if (replaced) delta -= replaced.bytes;
  const bytes = answerBytes(value) + key.length + 80;
  model.answers.set(key, { from: at, until: nextExpiry(model, at), value, bytes });
  model.bytes += delta + bytes;
  model.keptBy?.resized(model, delta + bytes);
  return value;
}

/** The first instant after `at` at which an assignment of the model stops being current (Infinity: none). */
function nextExpiry(model: EnterpriseReadModel, at: number): number {
  let next = Infinity;
  for (const a of model.assignments) {
    if (a.validUntil === null) continue;
    const until = instant(a.validUntil);
    if (until > at && until < next) next = until;
  }
  return next;
}

/**
 * The models of one database, in one process, least recently used first: per enterprise its newest version and the
 * one before (a request that reads a replica behind the primary asks for the older one until the replica catches up).
 * Versions grow within one history of the database, so the two highest are its two latest states; after a restore the
 * restored versions are lower than those kept from before, which are then never asked for again (the next change
 * moves the version past them all) and age out.
 */
export class EnterpriseCache {
  private readonly models = new Map<string, EnterpriseReadModel>();
  /** The versions kept of each enterprise, oldest first (at most two). */
  private readonly versions = new Map<number, number[]>();
  private rows = 0;
  private bytes = 0;
  /**
   * The enterprises found too large to keep, each with the version it was counted at: the same version is the same
   * state, so it is too large still and need not be counted again (on an employer of 100,000 users the count cost every
   * request 20 to 700 ms). Any change moves the version and the next request counts again. Bounded: the oldest entries go
   * first past `maxTooLarge`.
   */
  private readonly tooLarge = new Map<number, number>();
  /** Counters for the operators (and the tests that prove a model is taken, or not). */
  readonly stats = { hits: 0, misses: 0, filled: 0, evicted: 0, knownTooLarge: 0 };

  constructor(readonly settings: EnterpriseCacheSettings = defaultEnterpriseCacheSettings) {}

  /**
   * The model of the enterprise at exactly `version`, if kept. Exactly: the request's enterprise row, and the viewer's
   * roles read in the same statement, are of that version, so everything a decision reads is one committed state.
   */
  get(enterpriseId: number, version: number): EnterpriseReadModel | undefined {
    const key = `${enterpriseId}:${version}`;
    const model = this.models.get(key);
    if (model === undefined) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    // Most recently used last: Map keeps insertion order.
    this.models.delete(key);
    this.models.set(key, model);
    return model;
  }

  /** Keeps a model, and drops versions of its enterprise older than the two newest. */
  keep(model: EnterpriseReadModel): void {
    if (model.weight > this.settings.maxRows || model.bytes > this.settings.maxBytes) return;
    const key = `${model.enterpriseId}:${model.version}`;
    if (this.models.has(key)) return;
    const versions = [...(this.versions.get(model.enterpriseId) ?? []), model.version].sort((a, b) => a - b);
    while (versions.length > 2) this.drop(model.enterpriseId, versions.shift()!);
    this.versions.set(model.enterpriseId, versions);
    if (!versions.includes(model.version)) return;
    this.models.set(key, model);
    model.keptBy = this;
    this.rows += model.weight;
    this.bytes += model.bytes;
    this.stats.filled++;
    this.evictPastBounds();
  }

  /** A kept model's answers grew (or were dropped) by `delta` bytes. */
  resized(model: EnterpriseReadModel, delta: number): void {
    if (model.keptBy !== this) return;
    this.bytes += delta;
    if (delta > 0) this.evictPastBounds();
  }

  /** Drops the least recently used models until both bounds hold. */
  private evictPastBounds(): void {
    for (const oldest of this.models.values()) {
      if (this.rows <= this.settings.maxRows && this.bytes <= this.settings.maxBytes) break;
      this.drop(oldest.enterpriseId, oldest.version);
      this.stats.evicted++;
    }
  }

  private drop(enterpriseId: number, version: number): void {
    const key = `${enterpriseId}:${version}`;
    const model = this.models.get(key);
    if (model) {
      this.models.delete(key);
      this.rows -= model.weight;
      this.bytes -= model.bytes;
      model.keptBy = null;
    }
    const versions = this.versions.get(enterpriseId)?.filter((v) => v !== version) ?? [];
    if (versions.length > 0) this.versions.set(enterpriseId, versions);
    else this.versions.delete(enterpriseId);
  }

  /** Drops every model (the versions are no longer trusted: src/database/enterprise-versions.ts). */
  clear(): void {
    for (const model of this.models.values()) model.keptBy = null;
    this.models.clear();
    this.versions.clear();
    this.rows = 0;
    this.bytes = 0;
  }

  get size(): { models: number; rows: number; bytes: number } {
    return { models: this.models.size, rows: this.rows, bytes: this.bytes };
  }

  /**
   * The models of `wanted` (enterprise id → the version the request read), from the cache or read now in one
   * snapshot; null for an enterprise not kept (too large, gone, or no snapshot possible through this manager): the
   * request reads that one with its own statements.
   */
  async modelsOf(manager: EntityManager, wanted: ReadonlyMap<number, number>): Promise<Map<number, EnterpriseReadModel | null>> {
    const answers = new Map<number, EnterpriseReadModel | null>();
    const missing: number[] = [];
    for (const [id, version] of wanted) {
      const model = this.get(id, version);
      if (model) answers.set(id, model);
      else if (this.tooLarge.get(id) === version) {
        this.stats.knownTooLarge++;
        answers.set(id, null);
      } else missing.push(id);
    }
    if (missing.length === 0) return answers;
    // In parts of at most `maxKeysPerStatement` enterprises (each statement binds them, the mandates' twice): each part
    // one snapshot, each model labelled with the versions of its own.
    const read = new Map<number, EnterpriseReadModel>();
    for (let from = 0; from < missing.length; from += maxKeysPerStatement / 2) {
      const part = await readSnapshot(manager, () =>
        readModels(missing.slice(from, from + maxKeysPerStatement / 2), this.settings.maxAssignmentsPerEnterprise, (id, version) =>
          this.rememberTooLarge(id, version),
        ),
      );
      if (part === null) break;
      for (const [id, model] of part) read.set(id, model);
    }
    for (const id of missing) {
      const model = read.get(id) ?? null;
      if (model) this.keep(model);
      // A model of another version than the row the request read (a commit in between, or another replica): kept for
      // the requests that read its version, not taken by this one, which reads with its own statements.
      answers.set(id, model && model.version === wanted.get(id)! ? model : null);
    }
    return answers;
  }

  private rememberTooLarge(enterpriseId: number, version: number): void {
    this.tooLarge.delete(enterpriseId);
    this.tooLarge.set(enterpriseId, version);
    if (this.tooLarge.size > maxTooLarge) this.tooLarge.delete(this.tooLarge.keys().next().value!);
  }
}

/** How many enterprises' bounded counts one statement holds (a padded list is a power of two: 64 divides it). */
const sizesPerStatement = 64;

/** How many enterprises too large to keep are remembered (an id and a version each). */
const maxTooLarge = 10_000;

const caches = new WeakMap<object, EnterpriseCache>();

/** The cache of a database (keyed by its data source), created on first use with `settings`; null when turned off. */
export function enterpriseCacheFor(owner: object, settings: EnterpriseCacheSettings): EnterpriseCache | null {
  if (settings.maxRows === 0) return null;
  let cache = caches.get(owner);
  if (!cache) caches.set(owner, (cache = new EnterpriseCache(settings)));
  return cache;
}

type Row = Record<string, unknown>;

/** The statement key's part for a padded id list, and the list. */
function idList(ids: readonly number[]): { list: unknown[]; marks: string } {
  const list = padded(ids);
  return { list, marks: placeholders(list.length) };
}

/** "Not ended" (the model keeps what may still be current at some instant; each request applies its own). */
const notEnded = (table: TableSql, alias: string) => `${alias}.${table.column("endedAt")} IS NULL`;

function read(
  entity: PlannedRead["entity"],
  key: string,
  build: PlannedRead["build"],
  params: readonly unknown[],
  raw = false,
): PlannedRead {
  return { entity, key: `model|${key}`, build, params, raw };
}

/**
 * The reads of the models of `ids`, in one snapshot: their versions, their sizes (an enterprise past the bound is
 * left out before its rows are read), then one statement per table for all of them.
 */
function* readModels(
  ids: readonly number[],
  maxAssignments: number,
  tooLarge: (enterpriseId: number, version: number) => void,
): ReadPlan<Map<number, EnterpriseReadModel>> {
  const all = idList(ids);
  const versions: Row[] = yield read(
    Enterprise,
    `versions|${all.list.length}`,
    (t) =>
      `SELECT t.${t.column("id")} AS id, t.${t.column("version")} AS version FROM ${t.table} t WHERE t.${t.column("id")} IN (${all.marks})`,
    all.list,
    true,
  );
  // Whether each is past the bound, not its size: at most maxAssignments + 1 index entries counted per enterprise,
  // however large (a count of a whole list of 100,000 cost every write to it up to a second on MariaDB, which chose to
  // scan the table for `IN (...) GROUP BY`). One bounded count per enterprise, `sizesPerStatement` to a statement.
  const sizes: Row[] = [];
  for (const part of partsOf(all.list, sizesPerStatement)) {
    sizes.push(
      ...((yield read(
        RoleAssignment,
        `sizes|${part.length}`,
        (t) =>
          part
            .map(
              () =>
                `SELECT ? AS enterpriseId, (SELECT COUNT(*) FROM (SELECT 1 AS one FROM ${t.table} t WHERE t.${t.column("enterpriseId")} = ? AND ${notEnded(t, "t")} LIMIT ?) b) AS total`,
            )
            .join(" UNION ALL "),
        part.flatMap((id) => [id, id, maxAssignments + 1]),
        true,
      )) as Row[]),
    );
  }
  const size = new Map(sizes.map((s) => [Number(s.enterpriseId), Number(s.total)]));
  // Counted in the snapshot that read the versions: too large at exactly that version.
  for (const v of versions) if ((size.get(Number(v.id)) ?? 0) > maxAssignments) tooLarge(Number(v.id), Number(v.version));
  const kept = versions.map((v) => Number(v.id)).filter((id) => (size.get(id) ?? 0) <= maxAssignments);
  if (kept.length === 0) return new Map<number, EnterpriseReadModel>();
  const rows = yield* readModelRows(kept);
  return modelsFromRows(kept, versions, rows);
}

/** The rows of the kept enterprises' models, as read, before they are split per enterprise and frozen. */
interface ModelRows {
  assignments: RoleAssignment[];
  services: RoleAssignmentOnlineService[];
  persons: Person[];
  capacities: EnterpriseCapacity[];
  eBoxes: EBox[];
  mandates: ServiceProviderMandate[];
  configurations: StructuredMessagingConfig[];
}

/** The reads of the rows of the `kept` enterprises' models. */
function* readModelRows(kept: readonly number[]): ReadPlan<ModelRows> {
  const { list, marks } = idList(kept);
  const n = list.length;
  // One statement per table for all the kept enterprises: `SELECT <the entity's columns> FROM <its table> t WHERE ...`.
  const rowsOf = (entity: PlannedRead["entity"], name: string, where: (t: TableSql) => string, params: readonly unknown[] = list) =>
    read(entity, `${name}|${n}`, (t) => `SELECT ${t.columns("t")} FROM ${t.table} t WHERE ${where(t)}`, params);
  const ofKept = (t: TableSql) => `t.${t.column("enterpriseId")} IN (${marks})`;
  const byId = (t: TableSql) => ` ORDER BY t.${t.column("id")}`;
  // The kept enterprises' assignments not ended, as a subquery (role_assignment's columns, named as in its migrations).
  const ofKeptAssignments = (column: "id" | "person_id") =>
    `SELECT a.${column} FROM role_assignment a WHERE a.enterprise_id IN (${marks}) AND a.ended_at IS NULL`;
  const assignments = (yield rowsOf(
    RoleAssignment,
    "assignments",
    (t) => `${ofKept(t)} AND ${notEnded(t, "t")}${byId(t)}`,
  )) as unknown as RoleAssignment[];
  const services = (yield rowsOf(
    RoleAssignmentOnlineService,
    "services",
    (t) => `t.${t.column("assignmentId")} IN (${ofKeptAssignments("id")})`,
  )) as unknown as RoleAssignmentOnlineService[];
  const persons = (yield rowsOf(
    Person,
    "persons",
    (t) => `t.${t.column("id")} IN (${ofKeptAssignments("person_id")})`,
  )) as unknown as Person[];
  const capacities = (yield rowsOf(EnterpriseCapacity, "capacities", (t) => `${ofKept(t)}${byId(t)}`)) as unknown as EnterpriseCapacity[];
  const eBoxes = (yield rowsOf(EBox, "ebox", ofKept)) as unknown as EBox[];
  const mandates = (yield rowsOf(
    ServiceProviderMandate,
    "mandates",
    (t) => `t.${t.column("clientId")} IN (${marks}) OR t.${t.column("providerId")} IN (${marks})${byId(t)}`,
    [...list, ...list],
  )) as unknown as ServiceProviderMandate[];
  const configurations = (yield rowsOf(
    StructuredMessagingConfig,
    "messaging",
    (t) => `${ofKept(t)} AND ${notEnded(t, "t")}${byId(t)}`,
  )) as unknown as StructuredMessagingConfig[];
  return { assignments, services, persons, capacities, eBoxes, mandates, configurations };
}

/** The model of each `kept` enterprise, labelled with the version read in the same snapshot as `rows`; their rows frozen. */
function modelsFromRows(kept: readonly number[], versions: Row[], rows: ModelRows): Map<number, EnterpriseReadModel> {
  const { assignments, services, persons, capacities, eBoxes, mandates, configurations } = rows;
  const models = new Map<number, EnterpriseReadModel>();
  const version = new Map(versions.map((v) => [Number(v.id), Number(v.version)]));
  const personById = new Map(persons.map((p) => [p.id, Object.freeze(p)]));
  const servicesOf = new Map<number, RoleAssignmentOnlineService[]>();
  for (const s of services) {
    let list = servicesOf.get(s.assignmentId);
    if (!list) servicesOf.set(s.assignmentId, (list = []));
    list.push(Object.freeze(s));
  }
  for (const id of kept) {
    const own = assignments.filter((a) => a.enterpriseId === id).map((a) => Object.freeze(a));
    const ownServices = new Map<number, readonly RoleAssignmentOnlineService[]>();
    let serviceRows = 0;
    const ownPersons = new Map<number, Person>();
    for (const a of own) {
      const granted = servicesOf.get(a.id);
      if (granted) {
        ownServices.set(a.id, Object.freeze(granted));
        serviceRows += granted.length;
      }
      const person = personById.get(a.personId);
      if (person) ownPersons.set(a.personId, person);
    }
    const model: EnterpriseReadModel = {
      enterpriseId: id,
      version: version.get(id)!,
      assignments: Object.freeze(own),
      assignmentsById: new Map(own.map((a) => [a.id, a])),
      onlineServices: ownServices,
      persons: ownPersons,
      capacities: Object.freeze(capacities.filter((c) => c.enterpriseId === id).map((c) => Object.freeze(c))),
      eBox: Object.freeze(eBoxes.find((b) => b.enterpriseId === id) ?? null),
      mandatesAsClient: Object.freeze(mandates.filter((m) => m.clientId === id).map((m) => Object.freeze(m))),
      mandatesAsProvider: Object.freeze(mandates.filter((m) => m.providerId === id).map((m) => Object.freeze(m))),
      structuredMessaging: Object.freeze(configurations.filter((c) => c.enterpriseId === id).map((c) => Object.freeze(c))),
      weight: 0,
      bytes: 0,
      keptBy: null,
      answers: new Map(),
    };
    model.weight =
      1 +
      own.length +
      serviceRows +
      ownPersons.size +
      model.capacities.length +
      model.mandatesAsClient.length +
      model.mandatesAsProvider.length +
      model.structuredMessaging.length;
    model.bytes = modelBytes(model);
    models.set(id, model);
  }
  return models;
}

/** A model's estimated bytes: its rows (a person shared by several enterprises is counted in each), its maps and lists. */
function modelBytes(model: EnterpriseReadModel): number {
  let bytes = 512 + mapBytes(model.assignmentsById.size) + mapBytes(model.onlineServices.size) + mapBytes(model.persons.size);
  const lists = [model.assignments, model.capacities, model.mandatesAsClient, model.mandatesAsProvider, model.structuredMessaging];
  for (const list of lists) for (const row of list) bytes += 8 + rowBytes(row);
  for (const services of model.onlineServices.values()) for (const row of services) bytes += 8 + rowBytes(row);
  for (const person of model.persons.values()) bytes += rowBytes(person);
  if (model.eBox) bytes += rowBytes(model.eBox);
  return bytes;
}
