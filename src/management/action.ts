/**
 * src/management: what one does. One file per management action, named after its mutation and declared once
 * (mutation-action.ts: its task, where it acts, what it does), run in one transaction (src/database/transaction.ts)
 * that checks the state rules, writes, and audits. This file is what an action sees of that transaction: its scope.
 * Only mutation.resolver.ts and mutation.inputs.ts know GraphQL: they map arguments to an action and return its result.
 */
import type { DataSource, EntityManager } from "typeorm";
import { Access } from "../access/access";
import { appendAuditEvents, type AuditEventContent } from "../audit/chain";
import type { RequestDeadline } from "../database/request-deadline";
import type { Catalog } from "../domain/catalog";
import type { Enterprise, Person } from "../domain/entities";
import { createLoaders } from "../read/loaders";
import { policies } from "../database/retry-policies";
import { holdTransaction, runTransaction, type TransactionOptions } from "../database/transaction";
import type { Task } from "../access/role-tasks";
import { systemClock, type Clock } from "../clock";
import { holdSqliteWriteLock, lockEnterpriseRows } from "./enterprise-lock";
import { expireDueRights, expiryChanges } from "./expire-rights";
import type { AccessChange, ChangeFeed, RecordedChange } from "../database/change-feed";
import { expectVersionsMoved } from "./versions-moved";

/**
 * An audit action: a task of the role-task table, or a named action outside it. END_FORMER_MAIN_ACCESS_MANAGER_PROFILES
 * is written by a migration (actor null), not by a mutation; EXPIRE_RIGHT (actor null) by the first action or sweep
 * that meets an expired assignment or mandate (src/management/expire-rights.ts).
 */
export type AuditAction =
  Task | "UPDATE_MY_ACCOUNT" | "REQUEST_ACCESS" | "WITHDRAW_ACCESS_REQUEST" | "END_FORMER_MAIN_ACCESS_MANAGER_PROFILES" | "EXPIRE_RIGHT";

/** The bounds of access requests (ACCESS_REQUEST_TTL_DAYS, ACCESS_REQUESTS_PER_DAY in src/config.ts). */
export interface AccessRequestSettings {
  /** Days an unanswered request stays open. */
  ttlDays: number;
  /** Requests one person may make in 24 hours. */
  perDay: number;
}

export const defaultAccessRequestSettings: AccessRequestSettings = { ttlDays: 30, perDay: 10 };

/** What one management action works with: the viewer, one transaction, and the access layer reading through it. */
export interface ActionScope {
  viewer: Person;
  em: EntityManager;
  /** The access layer, deciding at `now`: rebuilt when `lock` takes the action's instant. */
  readonly access: Access;
  catalog: Catalog;
  readonly accessRequests: AccessRequestSettings;
  /**
   * The action's instant: taken again once `lock` holds the enterprise rows, so that the action is
   * decided at, and records, an instant at which no right can have ended unseen while it waited for them (lock waits
   * are retried up to the request's deadline). Before the lock, and in an action that locks nothing, the instant its
   * transaction began (on SQLite, once the process's queue reached it).
   */
  readonly now: Date;
  /**
   * Locks the enterprise rows (SQLite: the database's write lock) for the rest of the transaction, in id order, so
   * concurrent actions on one enterprise run one after the other, then takes the action's instant. Called once per
   * action, with all its enterprises.
   */
  lock(...enterprises: Enterprise[]): Promise<void>;
  /**
   * A rule of the action's input against its instant (a validUntil in the future): checked at once, so that bad input
   * is refused before anything is locked, and again at the instant `lock` takes, which is the one the action is decided at.
   */
  atInstant(rule: (now: Date) => void): void;
  /** Records the action's audit event in the same transaction as its change (a failed action writes none), chained to the enterprise's previous event (src/audit/chain.ts). */
  audit(
    action: AuditAction,
    enterprise: Enterprise | null,
    details: { before: unknown; after: unknown } & Record<string, unknown>,
  ): Promise<void>;
  /** `audit` for each item of a bulk action: one event per item, all appended to the chain in one statement, in order. */
  auditEach(
    action: AuditAction,
    enterprise: Enterprise | null,
    details: readonly ({ before: unknown; after: unknown } & Record<string, unknown>)[],
  ): Promise<void>;
  /** Records a change of someone's access (src/database/change-feed.ts), published to subscribers once the transaction has committed. */
  changed(...changes: RecordedChange[]): void;
}

/**
 * Runs one management action as one transaction with its audit event (src/database/transaction.ts). A failure rolls
 * everything back, so a failed action changes nothing and writes no event. Deadlocks and lock waits are retried until
 * the request's deadline (src/http/request-deadline.ts), which also ends the transaction, and so is the creation race
 * of a new person; any other unique key that refuses a row (a concurrent request won the race) becomes CONFLICT, never
 * a 500 (policies.action, src/database/retry-policies.ts).
 */
export async function runAction<T>(options: ActionOptions, action: (scope: ActionScope) => Promise<T>): Promise<T> {
  const { result, changes } = await runTransaction(transactionOf(options), (em) => attempt(options, em, action));
  // Committed: subscribers may learn of it now (a dry run, previewAction, and a rolled-back action publish nothing).
  options.changes?.publish(changes, options.requestId);
  return result;
}

/** The audit event an action wrote (or, in a dry run, would write), as chained. */
export type AuditedEvent = AuditEventContent & { previousHash: string | null; hash: string };

/** A dry run's action, done and not committed: its transaction stays open so that its answer is read inside it. */
export interface PreviewedAction<T> {
  result: T;
  /** The open transaction's manager, for reading the answer as the action left the database. */
  em: EntityManager;
  auditEvents: AuditedEvent[];
  /** Rolls the transaction back and gives its connection back; call once the answer has been read. */
  end(): Promise<void>;
}

/**
 * A dry run: the same checks and writes as runAction, the same retries, refused the same way, but
 * the transaction is left open instead of committed, until `end()` rolls it back. On SQLite the process's other
 * actions wait for that end (they queue behind it); on MySQL the rows it wrote stay locked until then.
 */
export async function previewAction<T>(options: ActionOptions, action: (scope: ActionScope) => Promise<T>): Promise<PreviewedAction<T>> {
  const { result, em, end } = await holdTransaction(transactionOf(options), (em) => attempt(options, em, action));
  return { result: result.result, auditEvents: result.auditEvents, em, end };
}

/**
 * An action done and not yet committed, whose answer is read inside its transaction and then stored in it
 * (src/http/idempotency.ts): `commit` commits the change and the stored answer together, then publishes the change;
 * `end` rolls it back.
 */
export interface HeldAction<T> {
  result: T;
  em: EntityManager;
  commit(after?: (em: EntityManager) => Promise<void>): Promise<void>;
  end(): Promise<void>;
}

/**
 * Runs the action as runAction does, claiming first what `options.claim` claims in the same transaction, but holds the
 * transaction open as a dry run does until `commit()` or `end()`.
 */
export async function holdAction<T>(options: ActionOptions, action: (scope: ActionScope) => Promise<T>): Promise<HeldAction<T>> {
  const held = await holdTransaction(transactionOf(options), (em) => attempt(options, em, action));
  return {
    result: held.result.result,
    em: held.em,
    async commit(after) {
      await held.commit(after);
      options.changes?.publish(held.result.changes, options.requestId);
    },
    end: held.end,
  };
}

interface ActionOptions {
  dataSource: DataSource;
  viewer: Person;
  catalog: Catalog;
  requestId: string | null;
  /** The request's deadline (src/http/request-deadline.ts), when the action serves a request. */
  deadline?: RequestDeadline;
  /** Where the action reads its `now` (default: the system's); the gateway passes its own (src/clock.ts). */
  clock?: Clock;
  /** Where committed changes are published (src/database/change-feed.ts); without one, nothing is. */
  changes?: ChangeFeed;
  /** Told the state the action committed, for the answer's consistency token (src/database/consistency-token.ts). */
  committed?: TransactionOptions["committed"];
  /** The bounds of access requests; their defaults when not given. */
  accessRequests?: AccessRequestSettings;
  /** The transaction's first write, before the action (an idempotency key's claim): each attempt makes it again. */
  claim?: (em: EntityManager) => Promise<void>;
}

interface Attempted<T> {
  result: T;
  auditEvents: AuditedEvent[];
  changes: AccessChange[];
}

/** Every action runs under an action's retry policy, within its request's deadline. */
function transactionOf({ dataSource, deadline, committed }: ActionOptions): TransactionOptions {
  return { dataSource, deadline, committed, policy: policies.action };
}

/** One attempt of the action in the transaction `em`: its scope, the action, and the check that the versions it locked moved. */
async function attempt<T>(
  { dataSource, viewer, catalog, requestId, clock = systemClock, claim, accessRequests = defaultAccessRequestSettings }: ActionOptions,
  em: EntityManager,
  action: (scope: ActionScope) => Promise<T>,
): Promise<Attempted<T>> {
  await claim?.(em);
  let now = clock.now();
  let access = new Access(viewer, createLoaders(em, now), catalog);
  const rules: ((now: Date) => void)[] = [];
  const auditEvents: AuditedEvent[] = [];
  const changes: AccessChange[] = [];
  const scope: ActionScope = {
    viewer,
    em,
    catalog,
    accessRequests,
    get now() {
      return now;
    },
    get access() {
      return access;
    },
    atInstant(rule) {
      rule(now);
      rules.push(rule);
    },
    async lock(...enterprises) {
      const ids = [...new Set(enterprises.map((e) => e.id))].sort((a, b) => a - b);
      await holdSqliteWriteLock(em);
      await lockEnterpriseRows(em, ids);
      // The rows are held: what was decided before (the shield, rules of the input) is decided again at this instant,
      // with loaders that read at it.
      now = clock.now();
      access = new Access(viewer, createLoaders(em, now), catalog);
      for (const rule of rules) rule(now);
      // The first action that meets an expired right of these enterprises writes its end down (src/management/expire-rights.ts):
      // from here on the action's own rules (an expired appointment blocks nothing) read plain ended rows.
      const expired = await expireDueRights(em, { enterpriseIds: ids, now, requestId, by: "request" });
      auditEvents.push(...expired);
      changes.push(...expiryChanges(expired).map((change) => ({ ...change, at: now.toISOString() })));
    },
    async audit(actionName, enterprise, details) {
      await scope.auditEach(actionName, enterprise, [details]);
    },
    async auditEach(actionName, enterprise, details) {
      auditEvents.push(
        ...(await appendAuditEvents(
          em,
          details.map((d) => ({
            at: now,
            actorId: viewer.id,
            action: actionName,
            enterpriseId: enterprise?.id ?? null,
            requestId,
            details: JSON.stringify(d),
          })),
        )),
      );
    },
    changed(...recorded) {
      changes.push(...recorded.map((change) => ({ ...change, at: now.toISOString() })));
    },
  };
  const result = await action(scope);
  await expectVersionsMoved(dataSource, em, changes, { now, requestId });
  return { result, auditEvents, changes };
}
