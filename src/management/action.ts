/**
 * src/management: what one does. One file per management action, named after it: a plain function of the viewer, one
 * transaction and a typed input that checks the state rules, writes, and audits in the same transaction. Only
 * mutation.resolver.ts and mutation.inputs.ts know GraphQL: they map arguments to an action and return its result.
 */
import type { DataSource, EntityManager } from "typeorm";
import { Access } from "../access/access";
import { AuditChainRaceError, appendAuditEvents, type AuditEventContent } from "../audit/chain";
import { ConflictError, TimeoutError } from "../errors";
import type { RequestDeadline } from "../http/request-deadline";
import type { Catalog } from "../model/catalog";
import { Enterprise, type Person } from "../model/entities";
import { createLoaders } from "../model/loaders";
import { abandonConnection } from "../database/mysql-sessions";
import { dialectOf } from "../database/dialect";
import { isSqliteBusy, sqliteBusyTimeoutMs } from "../database/sqlite-busy";
import type { Task } from "../access/role-tasks";
import { systemClock, type Clock } from "../clock";
import { expireDueRights, expiryChanges } from "./expire-rights";
import { message } from "../i18n/messages";
import type { AccessChange, ChangeFeed, RecordedChange } from "../live/changes";
import { expectVersionsMoved, rememberLockedVersions } from "./versions-moved";

/**
 * An audit action: a task of the role-task table, or a named action outside it. END_FORMER_MAIN_ACCESS_MANAGER_PROFILES
 * is written by a migration (actor null), not by a mutation; EXPIRE_RIGHT (actor null) by the first action or sweep
 * that meets an expired assignment or mandate (src/management/expire-rights.ts).
 */
export type AuditAction = Task | "UPDATE_MY_ACCOUNT" | "END_FORMER_MAIN_ACCESS_MANAGER_PROFILES" | "EXPIRE_RIGHT";

/** What one management action works with: the viewer, one transaction, and the access layer reading through it. */
export interface ActionScope {
  viewer: Person;
  em: EntityManager;
  /** The access layer, deciding at `now`: rebuilt when `lock` takes the action's instant. */
  readonly access: Access;
  catalog: Catalog;
  /**
   * The action's instant (issue 18, point 3): taken again once `lock` holds the enterprise rows, so that the action is
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
  /** Records the action's audit event in the same transaction (SPEC rule 11), chained to the enterprise's previous event (src/audit/chain.ts). */
  audit(action: AuditAction, enterprise: Enterprise | null, details: { before: unknown; after: unknown } & Record<string, unknown>): Promise<void>;
  /** Records a change of someone's access (src/live/changes.ts), published to subscribers once the transaction has committed. */
  changed(...changes: RecordedChange[]): void;
}

const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();
const retryableMysqlErrors = new Set(["ER_LOCK_DEADLOCK", "ER_LOCK_WAIT_TIMEOUT"]);
const maxAttempts = 4;

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } };
  const code = e.driverError?.code ?? e.code;
  return code === "ER_DUP_ENTRY" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/**
 * Two transactions that each create the same new person (two enterprises adding one SSIN at once): the loser's
 * insert hits uq_person_ssin. Nothing was wrong with its request; run again, it finds the person the winner created.
 */
function isPersonSsinRace(error: unknown): boolean {
  if (!isUniqueViolation(error)) return false;
  const message = (error as { message?: string }).message ?? "";
  return message.includes("uq_person_ssin") || message.includes("person.ssin");
}

function isRetryable(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } };
  const code = e.driverError?.code ?? e.code ?? "";
  return retryableMysqlErrors.has(code) || error instanceof AuditChainRaceError;
}

/** SQLite busy (another process writing, e.g. a register import): retried for this long, each wait asynchronous. */
const sqliteBusyDeadlineMs = 500 * sqliteBusyTimeoutMs;

/**
 * Runs one management action as one transaction with its audit event. A failure rolls everything back, so a
 * failed action changes nothing and writes no event. Deadlocks and lock waits are retried until the request's deadline
 * (src/http/request-deadline.ts), which also ends the transaction, and so is the creation race of a new person; any
 * other unique key that refuses a row (a concurrent request won the race) becomes CONFLICT, never a 500.
 *
 * SQLite has one connection per process (TypeORM shares it), so transactions there take turns through a queue.
 */
export async function runAction<T>(options: ActionOptions, action: (scope: ActionScope) => Promise<T>): Promise<T> {
  const { result, changes } = await attempt(options, action, "commit");
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
 * A dry run (issue 13, point 3): the same checks and writes as runAction, the same retries, refused the same way, but
 * the transaction is left open instead of committed, until `end()` rolls it back. On SQLite the process's other
 * actions wait for that end (they queue behind it); on MySQL the rows it wrote stay locked until then.
 */
export async function previewAction<T>(options: ActionOptions, action: (scope: ActionScope) => Promise<T>): Promise<PreviewedAction<T>> {
  const { result, auditEvents, held } = await attempt(options, action, "hold");
  return { result, auditEvents, em: held!.em, end: held!.end };
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
  /** Where committed changes are published (src/live/changes.ts); without one, nothing is. */
  changes?: ChangeFeed;
}

interface Attempted<T> {
  result: T;
  auditEvents: AuditedEvent[];
  changes: AccessChange[];
  held?: Held;
}

/** Locks enterprise rows for the rest of the transaction (MySQL), in id order, so that writers of one enterprise take turns. */
export async function lockEnterpriseRows(em: EntityManager, enterpriseIds: readonly number[]): Promise<void> {
  if (enterpriseIds.length === 0) return;
  const ids = [...new Set(enterpriseIds)].sort((a, b) => a - b);
  // With their versions as the lock finds them, which the action's changes must move (src/management/versions-moved.ts).
  const rows = em.createQueryBuilder(Enterprise, "e").select("e.id", "id").addSelect("e.version", "version").where("e.id IN (:...ids)", { ids }).orderBy("e.id");
  rememberLockedVersions(em, await (dialectOf(em.connection) === "mysql" ? rows.setLock("pessimistic_write") : rows).getRawMany<{ id: number; version: unknown }>());
}

/**
 * SQLite: takes the database's one write lock now (an UPDATE of no row does) rather than at the transaction's first
 * write, so that what the caller decides next is decided while no other process can write; within the process, its
 * queue of transactions already keeps them apart. (MySQL locks rows: lockEnterpriseRows.)
 */
export async function holdSqliteWriteLock(em: EntityManager): Promise<void> {
  if (dialectOf(em.connection) !== "sqlite") return;
  await em.query(`UPDATE ${em.connection.driver.escape(em.connection.getMetadata(Enterprise).tableName)} SET id = id WHERE 0`);
}

async function attempt<T>({ dataSource, viewer, catalog, requestId, deadline, clock = systemClock }: ActionOptions, action: (scope: ActionScope) => Promise<T>, finish: Finish): Promise<Attempted<T>> {
  const work = async (em: EntityManager) => {
      let now = clock.now();
      let access = new Access(viewer, createLoaders(em, now), catalog);
      const rules: ((now: Date) => void)[] = [];
      const auditEvents: AuditedEvent[] = [];
      const changes: AccessChange[] = [];
      const scope: ActionScope = {
        viewer,
        em,
        catalog,
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
          auditEvents.push(...(await appendAuditEvents(em, [{ at: now, actorId: viewer.id, action: actionName, enterpriseId: enterprise?.id ?? null, requestId, details: JSON.stringify(details) }])));
        },
        changed(...recorded) {
          changes.push(...recorded.map((change) => ({ ...change, at: now.toISOString() })));
        },
      };
      const result = await action(scope);
      await expectVersionsMoved(dataSource, em, changes, { now, requestId });
      return { result, auditEvents, changes };
  };
  return inTransaction(dataSource, work, finish, deadline);
}

/**
 * Work outside any viewer's action (the sweep of expired rights, src/management/sweep-expired-rights.ts), in one
 * transaction with the same queueing (SQLite) and retries (deadlocks, the audit chain's race, SQLite busy) as an action.
 */
export async function runMaintenance<T>(dataSource: DataSource, work: (em: EntityManager) => Promise<T>): Promise<T> {
  return (await inTransaction(dataSource, async (em) => ({ result: await work(em), auditEvents: [], changes: [] }), "commit")).result;
}

async function inTransaction<T>(
  dataSource: DataSource,
  work: (em: EntityManager) => Promise<Attempted<T>>,
  finish: Finish,
  deadline?: RequestDeadline,
): Promise<Attempted<T>> {
  const mysql = dialectOf(dataSource) === "mysql";

  const started = Date.now();
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      // READ COMMITTED on MySQL: after an action locks its enterprise row, each statement sees what was committed before.
      if (mysql) return await transaction({ dataSource, deadline, isolation: "READ COMMITTED", finish }, work);
      const previous = sqliteQueues.get(dataSource) ?? Promise.resolve();
      const once = () => transaction({ dataSource, deadline, finish }, work);
      const run = previous.then(once, once);
      // A held (dry-run) transaction keeps the queue until it ends.
      sqliteQueues.set(
        dataSource,
        run.then((done) => done.held?.ended, () => undefined),
      );
      return await run;
    } catch (error) {
      if (error instanceof CommitOutcomeUnknown) throw error;
      if (deadline?.signal.aborted) throw deadline.signal.reason;
      // Within a request, a deadlock or a lock held elsewhere is retried until the request's deadline says stop.
      if (isRetryable(error) && (deadline !== undefined || attemptNumber < maxAttempts)) {
        await new Promise((r) => setTimeout(r, Math.min(200, 5 * attemptNumber + Math.random() * 20)));
        continue;
      }
      // Two requests creating the same new person: the retry finds the person the other one created.
      if (isPersonSsinRace(error) && attemptNumber < maxAttempts) {
        await new Promise((r) => setTimeout(r, 5 * attemptNumber + Math.random() * 20));
        continue;
      }
      if (isSqliteBusy(error) && Date.now() - started < sqliteBusyDeadlineMs) {
        await new Promise((r) => setTimeout(r, Math.min(2 * attemptNumber, 10) + Math.random() * 5));
        continue;
      }
      if (isUniqueViolation(error)) throw new ConflictError("CONCURRENT_UPDATE", message("conflict.concurrentUpdate"));
      const timeout = asTimeout(error);
      if (timeout) throw timeout;
      throw error;
    }
  }
}

/** A lock wait or a statement over the session's bounds (src/database/data-source.ts) is a TIMEOUT the client may retry, not a 500. */
function asTimeout(error: unknown): TimeoutError | null {
  const e = error as { code?: string; errno?: number; driverError?: { code?: string; errno?: number } };
  const code = e.driverError?.code ?? e.code ?? "";
  const errno = e.driverError?.errno ?? e.errno;
  if (code === "ER_LOCK_WAIT_TIMEOUT" || code === "SQLITE_BUSY") return new TimeoutError("LOCK_WAIT_TIMEOUT", message("timeout.lockWait"));
  // MariaDB's max_statement_time (1969, which mysql2 has no name for), MySQL's max_execution_time (3024), and the
  // client's guard for an answer that never came.
  if (errno === 1969 || errno === 3024 || code === "PROTOCOL_SEQUENCE_TIMEOUT") return new TimeoutError("STATEMENT_TIMEOUT", message("timeout.statement"));
  return null;
}

class CommitOutcomeUnknown extends Error {
  constructor(cause: unknown) {
    super("The COMMIT failed without an answer from the database: the action may or may not have been committed", { cause });
  }
}

type Finish = "commit" | "hold";

interface Held {
  em: EntityManager;
  end(): Promise<void>;
  /** Resolves once `end` has rolled back and released the connection. */
  ended: Promise<void>;
}

/**
 * One transaction on its own query runner, so that the request's deadline can reach it: when the deadline passes,
 * the MySQL connection is abandoned (the server rolls back the transaction of a closed connection; a ROLLBACK sent on
 * a partitioned connection would wait for ever), and the COMMIT is only sent while the deadline has not passed. Held
 * (a dry run), it is neither committed nor released: `held.end()` rolls it back and releases it.
 */
async function transaction<T extends object>(
  { dataSource, deadline, isolation, finish }: { dataSource: DataSource; deadline: RequestDeadline | undefined; isolation?: "READ COMMITTED"; finish: Finish },
  work: (em: EntityManager) => Promise<T>,
): Promise<T & { held?: Held }> {
  deadline?.signal.throwIfAborted();
  const runner = dataSource.createQueryRunner("master");
  let connection: unknown;
  let held = false;
  // SQLite's one connection is the process's, and its statements do not wait on the network: the COMMIT check suffices there.
  const abandon = () => {
    if (dialectOf(dataSource) === "mysql" && !deadline?.committing) abandonConnection(connection, "ER_REQUEST_DEADLINE", "The request's deadline passed");
  };
  const close = async () => {
    deadline?.signal.removeEventListener("abort", abandon);
    await runner.release();
  };
  try {
    connection = await runner.connect();
    // The deadline may have passed while the request waited for a connection of the pool.
    deadline?.signal.throwIfAborted();
    deadline?.signal.addEventListener("abort", abandon, { once: true });
    await runner.startTransaction(isolation);
    const result = await work(runner.manager);
    if (finish === "hold") {
      held = true;
      let ended!: () => void;
      const endedPromise = new Promise<void>((resolve) => (ended = resolve));
      let ending: Promise<void> | undefined;
      const end = () =>
        (ending ??= (async () => {
          try {
            if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
          } finally {
            await close();
            ended();
          }
        })());
      return { ...result, held: { em: runner.manager, end, ended: endedPromise } };
    }
    try {
      await (deadline ? deadline.commit(() => runner.commitTransaction()) : runner.commitTransaction());
    } catch (error) {
      // A COMMIT sent to a server whose answer was lost may have committed: neither retried nor called a TIMEOUT, but
      // masked and logged. (SQLite's COMMIT is local: its failure is a definite one.)
      if ((deadline && error === deadline.signal.reason) || dialectOf(dataSource) === "sqlite") throw error;
      throw new CommitOutcomeUnknown(error);
    }
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    if (!held) await close();
  }
}
