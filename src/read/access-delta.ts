import type { EntityManager } from "typeorm";
import { accessChangeTable, newestPosition, readLogState, settledPosition } from "../database/access-changes";
import type { Dialect } from "../database/dialect";
import { AccessRequest, Enterprise, RoleAssignment, ServiceProviderMandate, type DeltaLogKind } from "../domain/entities";
import { isCurrentAt } from "../domain/validity";
import { decodeDeltaToken, encodeDeltaToken, syncTokenExpired, type DeltaState, type SnapshotPosition } from "./delta-token";
import type { Loaders } from "./loaders";
import { EBoxModel, EnterpriseCapacityModel } from "./read-models";
import { asInstance } from "./row-reader";
import type { createRoleAssignmentPages } from "./role-assignment-pages";

/**
 * `accessDelta`: a back-end's copy of what its caller may see, kept current by asking "what changed since" (as
 * Microsoft Graph's delta query). Without a token, a full sync: the current state of every enterprise the caller sees
 * (or of those named), page by page, then a delta token. With a token, the changes since, read from the access change
 * log (src/database/access-changes.ts), page by page, then a new token.
 *
 * What the caller sees is asked of the access layer through `DeltaSight` (its rules, not a copy: the resolver hands
 * the request's access layer over), with the caller's roles as they are when the delta is read:
 * - a change is shown when its item is one the caller may see now (`roleAssignments`, `serviceProviders`/`clients`,
 *   `capacities`, `eBox` of an enterprise they see) and it was written after the caller began to see its enterprise
 *   (the log entry of the role or mandate that gave them sight): a change made before they could see it is not shown;
 * - a change of what the caller sees (their own role assignments, a mandate of a provider whose staff they are)
 *   syncs the enterprises concerned again: a removal marker of the enterprise (drop what you hold of it), then,
 *   while they still see it, its current state. So losing sight of an enterprise shows as its removal.
 * An item that ended (an assignment or mandate no longer current, by an action or by its expiry once written down)
 * shows as a removal marker of that item.
 *
 * The caller's own access requests are items too, filed by person rather than by enterprise (their enterprise may not
 * exist, or be out of their sight) and shown to their requester alone: a full sync over all the caller sees lists them
 * after the enterprises, and a delta brings each one that closed since (approved, denied, withdrawn, expired), as
 * accessChanged tells of them: a request's arrival is no news to its requester. A sync limited to `enterprises` has
 * none. Nobody else's requests are items: a manager follows the requests to decide through accessChanged and
 * `Enterprise.accessRequests` (see docs/security.md). Items carry the whole current state, so a change delivered twice (see
 * access-changes.ts) is harmless; several writes of one item between two deltas are one change.
 */

/** What the delta needs of the access layer (src/access/access.ts answers each). */
export interface DeltaSight {
  viewerId: number;
  visibleEnterpriseIds(): Promise<Set<number>>;
  /** The viewer's current role assignments. */
  ownAssignments(): Promise<readonly { id: number; enterpriseId: number; role: string; capacityCode: string | null }[]>;
  /** Does this role make its holder staff of a service provider, acting for its clients? */
  isProviderStaffRole(assignment: { role: string; capacityCode: string | null }): boolean;
  /** Is the viewer staff of this enterprise as a service provider? */
  providerStaff(enterpriseId: number): Promise<boolean>;
  /** The assignments of the enterprise the viewer may list: none, all (null), or those of `roleAssignments`' filter. */
  assignmentsVisible(enterpriseId: number): Promise<"none" | null | { personId: number; capacities: readonly string[] }>;
  canSeeAssignment(assignment: RoleAssignment): Promise<boolean>;
  canSeeMandate(mandate: ServiceProviderMandate): Promise<boolean>;
}

export type DeltaChangeType = "CURRENT" | "CREATED" | "UPDATED" | "REMOVED";

export type DeltaItem =
  | { kind: "ENTERPRISE"; value: Enterprise }
  | { kind: "ROLE_ASSIGNMENT"; value: RoleAssignment }
  | { kind: "MANDATE"; value: ServiceProviderMandate }
  | { kind: "CAPACITY"; value: EnterpriseCapacityModel }
  | { kind: "EBOX"; value: EBoxModel }
  | { kind: "ACCESS_REQUEST"; value: AccessRequest }
  | { kind: "REMOVED"; removed: { kind: DeltaLogKind; id: number } };

export interface DeltaChange {
  change: DeltaChangeType;
  at: Date | null;
  /** The enterprise the item is filed under: for an access request, the number its requester gave. */
  enterprise: Pick<Enterprise, "number">;
  item: DeltaItem;
}

export interface DeltaPage {
  changes: DeltaChange[];
  nextToken: string | null;
  deltaToken: string | null;
}

/** The most changes a page holds, and its default. */
export const maxDeltaPageSize = 100;
/** The most enterprises a sync may be limited to. */
export const maxDeltaEnterprises = 100;
/** Log entries read per statement, and at most per page (a page of entries the caller cannot see still ends). */
const entryBatch = 500;
const entriesPerPage = 5_000;

interface Entry {
  id: number;
  kind: DeltaLogKind;
  rowId: number;
  enterpriseId: number;
  otherEnterpriseId: number | null;
  operation: string;
  changedAt: Date;
}

export interface DeltaRequest {
  manager: EntityManager;
  dialect: Dialect;
  loaders: Loaders;
  roleAssignmentPages: ReturnType<typeof createRoleAssignmentPages>;
  sight: DeltaSight;
  now: Date;
  retentionDays: number;
  settleSeconds: number;
}

const dayMs = 24 * 60 * 60 * 1000;

/** One page of a delta: the first of a full sync (no token, `enterpriseIds` its limit or null), or where `token` resumes. */
export async function accessDeltaPage(
  request: DeltaRequest,
  { token, enterpriseIds, size }: { token: string | null; enterpriseIds: number[] | null; size: number },
): Promise<DeltaPage & { enterpriseIds: number[] | null }> {
  const { manager, dialect, sight, now } = request;
  const log = await readLogState(manager);
  let state: DeltaState;
  if (token === null) {
    // The position a full sync resumes from is a settled one: what it lists may already show later changes, which the
    // next delta then repeats (never misses).
    const from = Math.max(log.prunedThrough, await settledPosition(manager, dialect, request.settleSeconds));
    state = {
      v: sight.viewerId,
      en: enterpriseIds,
      t: now.getTime(),
      f: from,
      snap: { src: "visible", of: 0, e: null, stage: 1, after: 0, at: null },
    };
  } else {
    state = decodeDeltaToken(log.tokenKey, token, { viewer: sight.viewerId, now, retentionMs: request.retentionDays * dayMs });
    if (state.f < log.prunedThrough) throw syncTokenExpired();
  }
  const run = new DeltaRun(request, state);
  const changes = await run.page(size);
  const done = state.snap === undefined && run.exhausted;
  const next: DeltaState = { ...state, t: now.getTime() };
  const issued = done
    ? { nextToken: null, deltaToken: encodeDeltaToken(log.tokenKey, { v: state.v, en: state.en, t: now.getTime(), f: state.s ?? state.f }) }
    : { nextToken: encodeDeltaToken(log.tokenKey, next), deltaToken: null };
  return { changes, ...issued, enterpriseIds: state.en };
}

/** The work of one page: reads the log from the state's position and moves the state on. */
class DeltaRun {
  exhausted = false;
  private readonly emitted = new Set<string>();
  private readonly resynced = new Set<string>();
  private readonly since = new Map<number, number>();
  private readonly filter: ReadonlySet<number> | null;

  constructor(
    private readonly request: DeltaRequest,
    private readonly state: DeltaState,
  ) {
    this.filter = state.en ? new Set(state.en) : null;
  }

  private inFilter(enterpriseId: number): boolean {
    return this.filter === null || this.filter.has(enterpriseId);
  }

  async page(size: number): Promise<DeltaChange[]> {
    const changes: DeltaChange[] = [];
    const { state } = this;
    let scanned = 0;
    for (;;) {
      if (state.snap) {
        if (changes.length >= size) return changes;
        const { items, next } = await this.snapshot(state.snap, size - changes.length);
        changes.push(...items);
        if (next) {
          state.snap = next;
          return changes;
        }
        const finished = state.snap.src;
        delete state.snap;
        if (state.s === undefined && state.k === undefined) {
          // The enterprises of an initial sync over all the caller sees are listed: then the caller's own requests.
          if (finished === "visible" && state.en === null) {
            state.snap = { src: "requests", of: 0, e: null, stage: 0, after: 0, at: null };
            continue;
          }
          // The initial sync is complete: its delta token resumes from the position it started at.
          this.exhausted = true;
          return changes;
        }
        continue;
      }
      if (state.k === undefined) {
        // The first page of a delta: the positions it reads up to, and the one the next delta resumes from.
        const { manager, dialect, settleSeconds } = this.request;
        state.c = Math.max(state.f, await newestPosition(manager));
        state.s = Math.min(state.c, Math.max(state.f, await settledPosition(manager, dialect, settleSeconds)));
        state.k = state.f;
      }
      if (scanned >= entriesPerPage) return changes;
      const entries = await this.entries(state.k, state.c!);
      if (entries.length === 0) {
        this.exhausted = true;
        return changes;
      }
      await this.prefetch(entries);
      for (const entry of entries) {
        // A full page still takes the entries of items it already holds: the next page would repeat them.
        if (changes.length >= size && !this.emitted.has(itemKey(entry))) return changes;
        const change = await this.changeOf(entry);
        state.k = entry.id;
        scanned += 1;
        if (change) changes.push(change);
        if (state.snap) break;
      }
    }
  }

  /** The rows a batch of entries names, read in one statement per kind (the entries are then judged one by one). */
  private async prefetch(entries: readonly Entry[]): Promise<void> {
    const { loaders } = this.request;
    const ids = (kind: DeltaLogKind) => [...new Set(entries.filter((e) => e.kind === kind).map((e) => e.rowId))];
    const enterpriseIds = [
      ...new Set(entries.flatMap((e) => (e.otherEnterpriseId === null ? [e.enterpriseId] : [e.enterpriseId, e.otherEnterpriseId]))),
    ];
    await Promise.all([
      loaders.assignment.loadMany(ids("ROLE_ASSIGNMENT")),
      loaders.mandate.loadMany(ids("MANDATE")),
      loaders.enterprise.loadMany(enterpriseIds),
      this.learnSince(enterpriseIds),
    ]);
  }

  private async entries(after: number, upTo: number): Promise<Entry[]> {
    // An entry filed by person is read by that person only.
    const params: unknown[] = [after, upTo, this.request.sight.viewerId];
    let where = " AND (person_id IS NULL OR person_id = ?)";
    if (this.state.en) {
      const list = this.state.en.length > 0 ? this.state.en.map(() => "?").join(", ") : "NULL";
      where += ` AND (enterprise_id IN (${list}) OR other_enterprise_id IN (${list}))`;
      params.push(...this.state.en, ...this.state.en);
    }
    const rows = (await this.request.manager.query(
      `SELECT id, kind, row_id AS rowId, enterprise_id AS enterpriseId, other_enterprise_id AS otherEnterpriseId, operation, changed_at AS changedAt FROM ${accessChangeTable} WHERE id > ? AND id <= ?${where} ORDER BY id LIMIT ${entryBatch}`,
      params,
    )) as Record<string, unknown>[];
    return rows.map((r) => ({
      id: Number(r.id),
      kind: r.kind as DeltaLogKind,
      rowId: Number(r.rowId),
      enterpriseId: Number(r.enterpriseId),
      otherEnterpriseId: r.otherEnterpriseId === null ? null : Number(r.otherEnterpriseId),
      operation: String(r.operation),
      changedAt: r.changedAt instanceof Date ? r.changedAt : new Date(`${String(r.changedAt).replace(" ", "T")}Z`),
    }));
  }

  /**
   * From which log position the viewer sees each of these enterprises (those of a batch of entries): the entry that
   * wrote the role (or the mandate and the provider role) that gives them sight, the earliest where several do; 0 where
   * that entry is older than the log. Read for the enterprises a page meets, not for all the viewer sees (a provider's
   * staff may see tens of thousands).
   */
  private async learnSince(enterpriseIds: readonly number[]): Promise<void> {
    const { sight, loaders, manager } = this.request;
    const visible = await sight.visibleEnterpriseIds();
    const wanted = new Set(enterpriseIds.filter((id) => visible.has(id) && !this.since.has(id)));
    if (wanted.size === 0) return;
    const own = await sight.ownAssignments();
    const staffOf = new Set(own.filter((a) => sight.isProviderStaffRole(a)).map((a) => a.enterpriseId));
    const mandates = (await loaders.mandatesAsClient.loadMany([...wanted]))
      .flatMap((list) => (list instanceof Error ? [] : list))
      .filter((m) => m.status === "ACTIVE" && staffOf.has(m.providerId));
    const assignments = own.filter((a) => wanted.has(a.enterpriseId) || mandates.some((m) => m.providerId === a.enterpriseId));
    const inserted = new Map<string, number>();
    const lookups: [DeltaLogKind, number[]][] = [
      ["ROLE_ASSIGNMENT", assignments.map((a) => a.id)],
      ["MANDATE", mandates.map((m) => m.id)],
    ];
    for (const [kind, ids] of lookups) {
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        const rows = (await manager.query(
          `SELECT row_id AS rowId, MIN(id) AS id FROM ${accessChangeTable} WHERE kind = ? AND operation = 'INSERT' AND row_id IN (${chunk.map(() => "?").join(", ")}) GROUP BY row_id`,
          [kind, ...chunk],
        )) as { rowId: unknown; id: unknown }[];
        for (const r of rows) inserted.set(`${kind}:${Number(r.rowId)}`, Number(r.id));
      }
    }
    const position = (kind: DeltaLogKind, id: number) => inserted.get(`${kind}:${id}`) ?? 0;
    const seen = (enterpriseId: number, at: number) => {
      if (wanted.has(enterpriseId)) this.since.set(enterpriseId, Math.min(this.since.get(enterpriseId) ?? at, at));
    };
    for (const a of assignments) seen(a.enterpriseId, position("ROLE_ASSIGNMENT", a.id));
    for (const m of mandates)
      for (const a of assignments.filter((g) => g.enterpriseId === m.providerId && sight.isProviderStaffRole(g)))
        seen(m.clientId, Math.max(position("MANDATE", m.id), position("ROLE_ASSIGNMENT", a.id)));
  }

  /** Is the enterprise visible to the viewer now, and was it when the entry was written? */
  private async sawAt(enterpriseId: number, entry: Entry): Promise<boolean> {
    if (!this.inFilter(enterpriseId)) return false;
    if (!(await this.request.sight.visibleEnterpriseIds()).has(enterpriseId)) return false;
    await this.learnSince([enterpriseId]);
    return (this.since.get(enterpriseId) ?? 0) <= entry.id;
  }

  private resync(src: "one" | "provider", of: number, entry: Entry): void {
    const key = `${src}:${of}`;
    if (this.resynced.has(key) || (src === "one" && this.resynced.has(`provider:${of}`))) return;
    this.resynced.add(key);
    this.state.snap = { src, of, e: null, stage: 0, after: 0, at: entry.changedAt.toISOString() };
  }

  private once(kind: string, id: number): boolean {
    const key = `${kind}:${id}`;
    if (this.emitted.has(key)) return false;
    this.emitted.add(key);
    return true;
  }

  private async changeOf(entry: Entry): Promise<DeltaChange | null> {
    const { loaders, sight, now } = this.request;
    const written = entry.operation === "INSERT" ? "CREATED" : "UPDATED";
    const at = entry.changedAt;
    switch (entry.kind) {
      case "ROLE_ASSIGNMENT": {
        const a = asInstance(RoleAssignment, await loaders.assignment.load(entry.rowId));
        if (!a) return null;
        if (a.personId === sight.viewerId) {
          this.resync(sight.isProviderStaffRole(a) ? "provider" : "one", a.enterpriseId, entry);
          return null;
        }
        if (!(await this.sawAt(a.enterpriseId, entry)) || !(await sight.canSeeAssignment(a)) || !this.once("ROLE_ASSIGNMENT", a.id))
          return null;
        const enterprise = await this.enterprise(a.enterpriseId);
        if (!enterprise) return null;
        return isCurrentAt(a, now)
          ? { change: written, at, enterprise, item: { kind: "ROLE_ASSIGNMENT", value: a } }
          : { change: "REMOVED", at, enterprise, item: { kind: "REMOVED", removed: { kind: "ROLE_ASSIGNMENT", id: a.id } } };
      }
      case "MANDATE": {
        const m = asInstance(ServiceProviderMandate, await loaders.mandate.load(entry.rowId));
        if (!m) return null;
        if (this.inFilter(m.clientId) && (await sight.providerStaff(m.providerId))) {
          this.resync("one", m.clientId, entry);
          return null;
        }
        const filedUnder = (await this.sawAt(m.clientId, entry))
          ? m.clientId
          : (await this.sawAt(m.providerId, entry))
            ? m.providerId
            : null;
        if (filedUnder === null || !(await sight.canSeeMandate(m)) || !this.once("MANDATE", m.id)) return null;
        const enterprise = await this.enterprise(filedUnder);
        if (!enterprise) return null;
        return m.status === "ACTIVE"
          ? { change: written, at, enterprise, item: { kind: "MANDATE", value: m } }
          : { change: "REMOVED", at, enterprise, item: { kind: "REMOVED", removed: { kind: "MANDATE", id: m.id } } };
      }
      case "CAPACITY": {
        if (!(await this.sawAt(entry.enterpriseId, entry)) || !this.once("CAPACITY", entry.rowId)) return null;
        const enterprise = await this.enterprise(entry.enterpriseId);
        const row = (await loaders.capacitiesOfEnterprise.load(entry.enterpriseId)).find((c) => Number(c.id) === entry.rowId);
        if (!enterprise || !row) return null;
        return { change: written, at, enterprise, item: { kind: "CAPACITY", value: capacityModel(row) } };
      }
      case "EBOX": {
        if (!(await this.sawAt(entry.enterpriseId, entry)) || !this.once("EBOX", entry.enterpriseId)) return null;
        const enterprise = await this.enterprise(entry.enterpriseId);
        if (!enterprise) return null;
        return { change: written, at, enterprise, item: { kind: "EBOX", value: await this.eBox(entry.enterpriseId) } };
      }
      case "ENTERPRISE": {
        if (!(await this.sawAt(entry.enterpriseId, entry)) || !this.once("ENTERPRISE", entry.enterpriseId)) return null;
        const enterprise = await this.enterprise(entry.enterpriseId);
        return enterprise ? { change: "UPDATED", at, enterprise, item: { kind: "ENTERPRISE", value: enterprise } } : null;
      }
      case "ACCESS_REQUEST": {
        // Its requester's alone (the log is read so already; asked again of the row, which is what is shown).
        const request = await loaders.accessRequest.load(entry.rowId);
        if (!request || request.personId !== sight.viewerId || !this.once("ACCESS_REQUEST", request.id)) return null;
        return {
          change: "UPDATED",
          at,
          enterprise: { number: request.enterpriseNumber },
          item: { kind: "ACCESS_REQUEST", value: request },
        };
      }
    }
  }

  private async enterprise(id: number): Promise<Enterprise | null> {
    return asInstance(Enterprise, await this.request.loaders.enterprise.load(id));
  }

  private async eBox(enterpriseId: number): Promise<EBoxModel> {
    return Object.assign(new EBoxModel(), { enterpriseId, row: await this.request.loaders.eBoxOfEnterprise.load(enterpriseId) });
  }

  /** The next enterprise a full sync lists after `current` (null: the first), or null when it has listed them all. */
  private async nextEnterprise(pos: SnapshotPosition, current: number | null): Promise<number | null> {
    const after = (ids: Iterable<number>) => {
      const sorted = [...ids].filter((id) => this.inFilter(id) && (current === null || id > current)).sort((a, b) => a - b);
      return sorted[0] ?? null;
    };
    switch (pos.src) {
      case "visible":
        return after(await this.request.sight.visibleEnterpriseIds());
      case "one":
        return current === null && this.inFilter(pos.of) ? pos.of : null;
      case "requests":
        return null;
      case "provider": {
        if (current === null && this.inFilter(pos.of)) return pos.of;
        const from = current === null || current === pos.of ? null : current;
        const clients = (await this.request.loaders.mandatesAsProvider.load(pos.of))
          .filter(
            (m) => m.status === "ACTIVE" && m.clientId !== pos.of && this.inFilter(m.clientId) && (from === null || m.clientId > from),
          )
          .map((m) => m.clientId)
          .sort((a, b) => a - b);
        return clients[0] ?? null;
      }
    }
  }

  /** Up to `room` items of a full sync from `pos`, and where it then stands (null: done). */
  private async snapshot(start: SnapshotPosition, room: number): Promise<{ items: DeltaChange[]; next: SnapshotPosition | null }> {
    if (start.src === "requests") return this.ownRequests(start, room);
    const pos = { ...start };
    const items: DeltaChange[] = [];
    const firstStage = pos.src === "visible" ? 1 : 0;
    while (items.length < room) {
      if (pos.e === null) {
        const e = await this.nextEnterprise(pos, null);
        if (e === null) return { items, next: null };
        Object.assign(pos, { e, stage: firstStage, after: 0 });
      }
      const enterprise = await this.enterprise(pos.e!);
      const { listed, after } = enterprise ? await this.stage(pos, enterprise, room - items.length) : { listed: [], after: null };
      items.push(...listed);
      // Listed as they are now: a later entry of the same item in this page would only repeat it.
      for (const { item } of listed) if (item.kind !== "REMOVED") this.emitted.add(listedKey(item));
      if (after !== null) {
        pos.after = after;
        continue;
      }
      pos.after = 0;
      pos.stage = enterprise ? pos.stage + 1 : lastStage + 1;
      if (pos.stage > lastStage) {
        const e = await this.nextEnterprise(pos, pos.e);
        if (e === null) return { items, next: null };
        Object.assign(pos, { e, stage: firstStage, after: 0 });
      }
    }
    return { items, next: pos };
  }

  /** Up to `room` of the caller's own access requests, oldest first, from `pos.after` (a request id), and where it then stands. */
  private async ownRequests(pos: SnapshotPosition, room: number): Promise<{ items: DeltaChange[]; next: SnapshotPosition | null }> {
    const rows = await this.request.manager
      .createQueryBuilder(AccessRequest, "r")
      .where("r.person_id = :viewer AND r.id > :after", { viewer: this.request.sight.viewerId, after: pos.after })
      .orderBy("r.id", "ASC")
      .take(room + 1)
      .getMany();
    const listed = rows.slice(0, room);
    const items = listed.map((request): DeltaChange => ({
      change: "CURRENT",
      at: null,
      enterprise: { number: request.enterpriseNumber },
      item: { kind: "ACCESS_REQUEST", value: request },
    }));
    for (const request of listed) this.emitted.add(`ACCESS_REQUEST:${request.id}`);
    return { items, next: rows.length > room ? { ...pos, after: listed.at(-1)!.id } : null };
  }

  /**
   * One stage of an enterprise's full sync, from `pos.after`: 0 the removal marker (an enterprise synced again; the
   * rest only while the viewer still sees it), 1 the enterprise, its capacities and e-Box, 2 the mandates in which it
   * is the client, 3 those in which it is the provider (of clients the viewer does not see), 4 the role assignments
   * the viewer may list. `after`: where the stage goes on, or null when it is done.
   */
  private async stage(
    pos: SnapshotPosition,
    enterprise: Enterprise,
    room: number,
  ): Promise<{ listed: DeltaChange[]; after: number | null }> {
    const { sight, loaders, roleAssignmentPages } = this.request;
    const at = pos.at === null ? null : new Date(pos.at);
    const change: DeltaChangeType = at === null ? "CURRENT" : "CREATED";
    const of = (item: DeltaItem): DeltaChange => ({ change, at, enterprise, item });
    const visible = await sight.visibleEnterpriseIds();
    if (pos.stage > 0 && !visible.has(enterprise.id)) return { listed: [], after: null };
    switch (pos.stage) {
      case 0: {
        const removed: DeltaChange = {
          change: "REMOVED",
          at,
          enterprise,
          item: { kind: "REMOVED", removed: { kind: "ENTERPRISE", id: enterprise.id } },
        };
        if (!visible.has(enterprise.id)) pos.stage = lastStage;
        return { listed: [removed], after: null };
      }
      case 1: {
        const capacities = await loaders.capacitiesOfEnterprise.load(enterprise.id);
        const eBox = await this.eBox(enterprise.id);
        const own: DeltaItem[] = [
          { kind: "ENTERPRISE", value: enterprise },
          ...[...capacities]
            .sort((a, b) => Number(a.id) - Number(b.id))
            .map((c): DeltaItem => ({ kind: "CAPACITY", value: capacityModel(c) })),
          ...(eBox.row ? [{ kind: "EBOX", value: eBox } as DeltaItem] : []),
        ];
        const slice = own.slice(pos.after, pos.after + room);
        return { listed: slice.map(of), after: pos.after + room < own.length ? pos.after + room : null };
      }
      case 2:
      case 3: {
        const asClient = pos.stage === 2;
        if (!asClient && (await sight.providerStaff(enterprise.id))) return { listed: [], after: null };
        const all = await (asClient ? loaders.mandatesAsClient : loaders.mandatesAsProvider).load(enterprise.id);
        const candidates = all
          .filter((m) => m.status === "ACTIVE" && m.id > pos.after && (asClient || !visible.has(m.clientId)))
          .sort((a, b) => a.id - b.id);
        const listed: DeltaChange[] = [];
        for (const m of candidates) {
          if (listed.length >= room) return { listed, after: listed.length > 0 ? mandateIdOf(listed.at(-1)!) : pos.after };
          if (await sight.canSeeMandate(m)) listed.push(of({ kind: "MANDATE", value: asInstance(ServiceProviderMandate, m)! }));
        }
        return { listed, after: null };
      }
      case 4: {
        const visibleTo = await sight.assignmentsVisible(enterprise.id);
        if (visibleTo === "none") return { listed: [], after: null };
        const page = await roleAssignmentPages.load({
          enterpriseId: enterprise.id,
          role: null,
          capacity: null,
          window: { take: "first", size: room, afterId: pos.after === 0 ? null : pos.after, beforeId: null },
          visibleTo,
        });
        const listed = page.nodes.map((a) => of({ kind: "ROLE_ASSIGNMENT", value: asInstance(RoleAssignment, a)! }));
        return { listed, after: page.pageInfo.hasNextPage ? page.nodes.at(-1)!.id : null };
      }
    }
    return { listed: [], after: null };
  }
}

const lastStage = 4;

/** An item of a full sync, as `once` names it. */
function listedKey(item: Exclude<DeltaItem, { kind: "REMOVED" }>): string {
  switch (item.kind) {
    case "ENTERPRISE":
      return `ENTERPRISE:${item.value.id}`;
    case "EBOX":
      return `EBOX:${item.value.enterpriseId}`;
    case "CAPACITY":
      return `CAPACITY:${item.value.rowId}`;
    default:
      return `${item.kind}:${item.value.id}`;
  }
}

/** The item an entry is about, as `once` names it. */
function itemKey(entry: Entry): string {
  return entry.kind === "EBOX" || entry.kind === "ENTERPRISE" ? `${entry.kind}:${entry.enterpriseId}` : `${entry.kind}:${entry.rowId}`;
}

function mandateIdOf(change: DeltaChange): number {
  return change.item.kind === "MANDATE" ? change.item.value.id : 0;
}

function capacityModel(row: {
  id: number;
  enterpriseId: number;
  capacityCode: string;
  status: string;
  activatedAt: unknown;
  activatedById: number | null;
}): EnterpriseCapacityModel {
  const active = row.status === "ACTIVE";
  return Object.assign(new EnterpriseCapacityModel(), {
    rowId: Number(row.id),
    enterpriseId: row.enterpriseId,
    capacityCode: row.capacityCode,
    status: active ? "ACTIVE" : "INACTIVE",
    activatedAt: active ? row.activatedAt : null,
    activatedById: active ? row.activatedById : null,
  });
}
