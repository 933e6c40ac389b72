import type { DataSource, EntityManager } from "typeorm";
import { missingVersionTriggers, recordVersionsLost, reportVersionsLost } from "../database/enterprise-versions";
import type { AccessChangeKind, RecordedChange } from "../database/change-feed";

/**
 * Lost version triggers noticed at run time, by the next management action. An action locks the
 * enterprises it changes (ActionScope.lock), and the versions are read then (`rememberLockedVersions`); before its
 * COMMIT, each locked enterprise that the action recorded a change of (ActionScope.changed) must have a version that
 * moved. One that did not means a write whose triggers did not run: the versions are recorded as lost in the same
 * transaction (src/database/enterprise-versions.ts), so that the commit that the client sees acknowledged is the
 * commit after which no process takes a kept model (the action's own answer, and every gateway's next request, read
 * with their own statements), and this process is told (it logs the cause and drops its models).
 */

/** The kinds of change that write rows of a versioned table of the enterprise they name (not STATUS: the enterprise's own row has no trigger). */
const versionedKinds: ReadonlySet<AccessChangeKind> = new Set(["ASSIGNMENT", "MANDATE", "CAPACITY", "EBOX"]);

/** The versions of the enterprises a transaction locked, as first read under the lock (as text: exact at any size). */
const lockedVersions = new WeakMap<EntityManager, Map<number, string>>();

export function rememberLockedVersions(em: EntityManager, rows: readonly { id: number | string; version: unknown }[]): void {
  let known = lockedVersions.get(em);
  if (!known) lockedVersions.set(em, (known = new Map()));
  for (const row of rows) if (!known.has(Number(row.id))) known.set(Number(row.id), String(row.version));
}

/** Before COMMIT: the locked enterprises that `changes` changed have moved, or the versions are recorded as lost. */
export async function expectVersionsMoved(
  dataSource: DataSource,
  em: EntityManager,
  changes: readonly RecordedChange[],
  { now, requestId }: { now: Date; requestId: string | null },
): Promise<void> {
  const before = lockedVersions.get(em);
  if (!before) return;
  const ids = [...new Set(changes.filter((c) => versionedKinds.has(c.kind)).map((c) => c.enterpriseId))].filter((id) => before.has(id));
  if (ids.length === 0) return;
  const rows: { id: number | string; version: unknown }[] = await em.query(
    `SELECT id, version FROM enterprise WHERE id IN (${ids.map(() => "?").join(", ")})`,
    ids,
  );
  const unmoved = rows.filter((row) => String(row.version) === before.get(Number(row.id))).map((row) => Number(row.id));
  if (unmoved.length === 0) return;
  const missingTriggers = await missingVersionTriggers(dataSource, em);
  const reason =
    `the version of enterprise ${unmoved.join(", ")} did not move with a change` +
    (missingTriggers.length > 0 ? `: version triggers missing (${missingTriggers.join(", ")})` : " although its version triggers exist");
  if (await recordVersionsLost(em, { at: now, reason }))
    reportVersionsLost(dataSource, { at: now, reason, enterpriseIds: unmoved, missingTriggers, requestId });
}
