/**
 * The one way the gateway writes: a unit of work in one transaction on its own query runner, run again as the
 * caller's retry policy says (src/database/retry-policies.ts). The runner owns what every writer needs alike: the
 * isolation level, SQLite's turns, the request's deadline, the meaning of a failed COMMIT, and holding a transaction
 * open for a dry run.
 */
import type { DataSource, EntityManager, QueryRunner } from "typeorm";
import type { RequestDeadline } from "./request-deadline";
import { committedState, latestState, type ConsistencyToken } from "./consistency-token";
import { dialectOf } from "./dialect";
import { abandonConnection } from "./mysql-sessions";
import { driverCode, isTriggerCacheFault } from "./driver-errors";
import { UnavailableError } from "../errors";
import { retryFor, type RetryPolicy } from "./retry-policies";
import { clearTriggerCache, faultedTables } from "./trigger-cache";
import { countRetry, countTransaction, transactionCommitted, transactionRolledBack } from "../observe/metrics";
import { inSpan } from "../observe/tracing";

export interface TransactionOptions {
  dataSource: DataSource;
  /** Which failures run the work again, how often and how far apart. */
  policy: RetryPolicy;
  /**
   * The request's deadline (src/http/request-deadline.ts), when the work serves a request: when it passes, the MySQL
   * connection is abandoned and no COMMIT is sent any more; failures are retried no further.
   */
  deadline?: RequestDeadline;
  /**
   * Told the state the transaction committed (src/database/consistency-token.ts), read in its session right after the
   * COMMIT, for the answer's consistency token; `latest` when it cannot be read. Only asked for when given.
   */
  committed?: (state: ConsistencyToken) => void;
}

/** A transaction done and not committed: its connection stays open so that its result can be read inside it. */
export interface HeldTransaction<T> {
  result: T;
  /** The open transaction's manager, for reading the database as the work left it. */
  em: EntityManager;
  /** Rolls the transaction back and gives its connection back; call once the result has been read. */
  end(): Promise<void>;
  /**
   * Commits instead, as runTransaction would have (under the deadline's guard, its failure judged by `commitFailure`
   * and named by the policy, `options.committed` told the state), and gives its connection back; `end()` after it
   * does nothing. Nothing runs again: what was read inside the transaction was the answer of this one attempt. `after`
   * runs in the same session once the COMMIT succeeded (a failure of its own is ignored).
   */
  commit(after?: (em: EntityManager) => Promise<void>): Promise<void>;
}

/** Runs `work` in one transaction and commits it; a failure rolls everything back, and `options.policy` says whether it runs again. */
export async function runTransaction<T>(options: TransactionOptions, work: (em: EntityManager) => Promise<T>): Promise<T> {
  return (await retried(options, work, "commit")).result;
}

/**
 * Runs `work` as runTransaction does (the same retries, refused the same way) but leaves the transaction open instead
 * of committing it, until `end()` rolls it back. On SQLite the process's other transactions wait for that end (they
 * take their turns behind it); on MySQL the rows it wrote stay locked until then.
 */
export async function holdTransaction<T>(
  options: TransactionOptions,
  work: (em: EntityManager) => Promise<T>,
): Promise<HeldTransaction<T>> {
  const { result, held } = await retried(options, work, "hold");
  return { result, em: held!.em, end: held!.end, commit: held!.commit };
}

type Finish = "commit" | "hold";

interface Held {
  em: EntityManager;
  end(): Promise<void>;
  commit(after?: (em: EntityManager) => Promise<void>): Promise<void>;
  /** Resolves once `end` has rolled back and released the connection. */
  ended: Promise<void>;
}

interface Done<T> {
  result: T;
  held?: Held;
}

/**
 * A COMMIT sent to a server whose answer was lost may have committed: never retried as a failure (unless the work may
 * run twice, `RetryPolicy.idempotent`), nor called a TIMEOUT. The client gets 503 UNAVAILABLE with the reason
 * OUTCOME_UNKNOWN (read the state again before sending it again), and each one is logged at error level with its
 * request id (src/http/unavailable.ts), so that an operator can see which change to look for.
 */
class CommitOutcomeUnknown extends Error {
  constructor(cause: unknown) {
    super("The COMMIT failed without an answer from the database: the action may or may not have been committed", { cause });
  }
}

/**
 * What a failed COMMIT means, decided here only: the request's deadline refusing to send it, SQLite's COMMIT (local,
 * so its failure is a definite one), or an error packet the server answered to the COMMIT (Galera's certification
 * conflict 1213, a lock wait 1205, a duplicate key 1062, a node not ready 1047: the transaction was rolled back) is
 * that failure, retried or mapped as any other; only a lost answer (the connection lost or reset, no answer in time)
 * leaves the outcome unknown.
 */
function commitFailure(error: unknown, dataSource: DataSource, deadline: RequestDeadline | undefined): unknown {
  if ((deadline && error === deadline.signal.reason) || dialectOf(dataSource) === "sqlite") return error;
  if (answeredByServer(error)) return error;
  return new CommitOutcomeUnknown(error);
}

/**
 * An error packet from the server: a positive MySQL error number with its SQLSTATE, on a connection that is still
 * usable. A lost or reset connection (PROTOCOL_CONNECTION_LOST, ECONNRESET, EPIPE, ETIMEDOUT: no server errno, or a
 * negative system one) or a fatal error is not one.
 */
function answeredByServer(error: unknown): boolean {
  const driver = (error as { driverError?: unknown }).driverError ?? error;
  const { errno, sqlState, fatal } = (driver ?? {}) as { errno?: unknown; sqlState?: unknown; fatal?: unknown };
  return typeof errno === "number" && errno > 0 && typeof sqlState === "string" && sqlState.length === 5 && fatal !== true;
}

/** SQLite has one connection per process (TypeORM shares it), so its transactions take turns through this queue. */
const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();

function inTurn<T>(dataSource: DataSource, run: () => Promise<Done<T>>): Promise<Done<T>> {
  const previous = sqliteQueues.get(dataSource) ?? Promise.resolve();
  const turn = previous.then(run, run);
  // A held (dry-run) transaction keeps its turn until it ends.
  sqliteQueues.set(
    dataSource,
    turn.then(
      (done) => done.held?.ended,
      () => undefined,
    ),
  );
  return turn;
}

/**
 * The attempts of one unit of work, each a transaction of its own, until one succeeds or the policy retries a failure
 * no more. A passed deadline ends them, and so does a COMMIT of unknown outcome unless the policy's work is idempotent.
 * MariaDB's trigger-cache fault is cleared (src/database/trigger-cache.ts) before the policy is asked, once per unit of
 * work for each set of tables it names: met again on tables already flushed, the policy answers it.
 */
async function retried<T>(options: TransactionOptions, work: (em: EntityManager) => Promise<T>, finish: Finish): Promise<Done<T>> {
  try {
    const done = await inSpan("transaction", { "gateway.transaction.finish": finish }, () => attempts(options, work, finish));
    countTransaction(finish === "hold" ? "held" : "committed");
    return done;
  } catch (error) {
    countTransaction("failed");
    throw error;
  }
}

/** A retried failure's code as a label: the driver's code names (ER_..., SQLITE_...) and the audit chain's race, else OTHER. */
const retryReason = (error: unknown): string => {
  const code = driverCode(error);
  return /^(ER_[A-Z0-9_]+|SQLITE_[A-Z_]+|AUDIT_CHAIN_RACE)$/.test(code) ? code : "OTHER";
};

async function attempts<T>(
  { dataSource, policy, deadline, committed }: TransactionOptions,
  work: (em: EntityManager) => Promise<T>,
  finish: Finish,
): Promise<Done<T>> {
  const mysql = dialectOf(dataSource) === "mysql";
  const started = Date.now();
  const flushed = new Set<string>();
  const failure = (error: unknown) => (policy.failure ? policy.failure(error) : error);
  for (let attempt = 1; ; attempt++) {
    try {
      return await inSpan("transaction.attempt", { "gateway.transaction.attempt": attempt }, () => {
        // READ COMMITTED on MySQL: after an action locks its enterprise row, each statement sees what was committed before.
        if (mysql) return transaction({ dataSource, deadline, isolation: "READ COMMITTED", finish, committed, failure }, work);
        const once = () => transaction({ dataSource, deadline, finish, committed, failure }, work);
        return inTurn(dataSource, once);
      });
    } catch (caught) {
      const error = policy.idempotent && caught instanceof CommitOutcomeUnknown ? caught.cause : caught;
      if (error instanceof CommitOutcomeUnknown) throw new UnavailableError("OUTCOME_UNKNOWN", error.cause);
      if (deadline?.signal.aborted) throw deadline.signal.reason;
      if (mysql && isTriggerCacheFault(error)) {
        const tables = faultedTables(error).join(",");
        if (!flushed.has(tables)) {
          flushed.add(tables);
          await clearTriggerCache(dataSource, error);
        }
      }
      const retry = retryFor(policy, error, { attempt, elapsedMs: Date.now() - started, underDeadline: deadline !== undefined });
      if (!retry) throw failure(error);
      countRetry(retryReason(error));
      await new Promise((resolve) => setTimeout(resolve, retry.backoffMs(attempt)));
    }
  }
}

/**
 * One transaction on its own query runner, so that the request's deadline can reach it: when the deadline passes,
 * the MySQL connection is abandoned (the server rolls back the transaction of a closed connection; a ROLLBACK sent on
 * a partitioned connection would wait for ever), and the COMMIT is only sent while the deadline has not passed. Held
 * (a dry run), it is neither committed nor released: `held.end()` rolls it back and releases it.
 */
async function transaction<T>(
  {
    dataSource,
    deadline,
    isolation,
    finish,
    committed,
    failure,
  }: {
    dataSource: DataSource;
    deadline: RequestDeadline | undefined;
    isolation?: "READ COMMITTED";
    finish: Finish;
    committed?: (state: ConsistencyToken) => void;
    /** What a failed COMMIT of a held transaction becomes, as the policy names it. */
    failure: (error: unknown) => unknown;
  },
  work: (em: EntityManager) => Promise<T>,
): Promise<Done<T>> {
  deadline?.signal.throwIfAborted();
  const runner = dataSource.createQueryRunner("master");
  let connection: unknown;
  let held = false;
  // SQLite's one connection is the process's, and its statements do not wait on the network: the COMMIT check suffices there.
  const abandon = () => {
    if (dialectOf(dataSource) === "mysql" && !deadline?.committing)
      abandonConnection(connection, "ER_REQUEST_DEADLINE", "The request's deadline passed");
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
    // The committed state is read under the COMMIT's guard, in the same session: a deadline passing in between would
    // otherwise abandon the connection of an action that has committed. Its failure costs only the token's precision.
    const commitNow = async () => {
      const commit = async () => {
        await runner.commitTransaction();
        return committed ? await committedState(runner.manager, dataSource).catch(() => latestState) : null;
      };
      let state: ConsistencyToken | null;
      try {
        state = await (deadline ? deadline.commit(commit) : commit());
      } catch (error) {
        throw commitFailure(error, dataSource, deadline);
      }
      transactionCommitted(runner);
      if (state) committed!(state);
    };
    if (finish === "hold") {
      held = true;
      const commitHeld = async () => {
        try {
          await commitNow();
        } catch (error) {
          if (error instanceof CommitOutcomeUnknown) throw new UnavailableError("OUTCOME_UNKNOWN", error.cause);
          throw failure(error);
        }
      };
      return { result, held: holdOpen(runner, close, commitHeld) };
    }
    await commitNow();
    return { result };
  } catch (error) {
    transactionRolledBack(runner);
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    if (!held) await close();
  }
}

/**
 * The open transaction of a dry run or of a mutation whose answer is stored with it, and the two ways to end it: a
 * rollback, or the COMMIT (`commitHeld`); either way the connection is given back, once.
 */
function holdOpen(runner: QueryRunner, close: () => Promise<void>, commitHeld: () => Promise<void>): Held {
  let ended!: () => void;
  const endedPromise = new Promise<void>((resolve) => (ended = resolve));
  let ending: Promise<void> | undefined;
  const finish = (how: () => Promise<void>) =>
    (ending ??= (async () => {
      try {
        await how();
      } finally {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        await close();
        ended();
      }
    })());
  // After a failed commit, the commit's own caller has its failure: ending then only makes sure the connection is back.
  const end = () => finish(async () => undefined).catch(() => undefined);
  const commit = (after?: (em: EntityManager) => Promise<void>) =>
    finish(async () => {
      await commitHeld();
      await after?.(runner.manager).catch(() => undefined);
    });
  return { em: runner.manager, end, commit, ended: endedPromise };
}
