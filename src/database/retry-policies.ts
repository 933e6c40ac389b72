/**
 * The retry policy of each writer (src/database/transaction.ts runs them): which failures run its transaction again,
 * how many times or for how long, how far apart, and what a failure that is not retried becomes.
 */
import { ConflictError } from "../errors";
import { message } from "../i18n/messages";
import { asTimeout, asUnavailable, driverCode, isTriggerCacheFault, isUniqueViolation } from "./driver-errors";
import { isSqliteBusy, sqliteBusyTimeoutMs } from "./sqlite-busy";

/** One kind of failure that runs the transaction again: until a number of attempts in all, or for a time since the first began. */
export type Retry = {
  of(error: unknown): boolean;
  /** The pause after failed attempt number `attempt` (from 1). */
  backoffMs(attempt: number): number;
} & (
  | {
      attempts: number;
      /** Within a request, as many attempts as its deadline leaves time for; `attempts` bounds the work that has none. */
      untilDeadline?: boolean;
    }
  | { forMs: number }
);

export interface RetryPolicy {
  /** The first that matches a failure and still allows an attempt runs the transaction again. */
  retries: readonly Retry[];
  /**
   * A second run of the work changes nothing the first one committed (the register import): a COMMIT whose outcome is
   * unknown is then retried, or not, as what the database answered, instead of being final.
   */
  idempotent?: boolean;
  /** What a failure that is not retried becomes for the caller; the failure itself when absent. */
  failure?(error: unknown): unknown;
}

/** Where the transaction stands after failed attempt number `attempt`: how long since the first began, and whether a request's deadline bounds it. */
interface Failed {
  attempt: number;
  elapsedMs: number;
  underDeadline: boolean;
}

/** The retry of `policy` that runs the transaction again after `error`, if any. */
export function retryFor(policy: RetryPolicy, error: unknown, { attempt, elapsedMs, underDeadline }: Failed): Retry | undefined {
  const allows = (retry: Retry) =>
    "forMs" in retry ? elapsedMs < retry.forMs : (retry.untilDeadline && underDeadline) || attempt < retry.attempts;
  return policy.retries.find((retry) => retry.of(error) && allows(retry));
}

const contention = new Set([
  "ER_LOCK_DEADLOCK",
  "ER_LOCK_WAIT_TIMEOUT",
  // src/audit/chain.ts's AuditChainRaceError: the head of an audit chain moved under its lock.
  "AUDIT_CHAIN_RACE",
]);

/**
 * Two transactions that each create the same new person (two enterprises adding one SSIN at once): the loser's insert
 * hits uq_person_ssin. Nothing was wrong with its request; run again, it finds the person the winner created.
 */
function isPersonSsinRace(error: unknown): boolean {
  if (!isUniqueViolation(error)) return false;
  const text = (error as { message?: string }).message ?? "";
  return text.includes("uq_person_ssin") || text.includes("person.ssin");
}

/**
 * MariaDB's trigger-cache fault, which the runner flushes before the first retry (src/database/trigger-cache.ts): four
 * attempts in all, like a deadlock without a deadline, so that a conflict met on the way does not use up the attempt
 * after the flush. A fault the flush did not clear fails each attempt at its first write, in milliseconds.
 */
const afterTriggerCacheFlush: Retry = { of: isTriggerCacheFault, attempts: 4, backoffMs: (attempt) => 5 * attempt };

/** SQLite busy (another process writing, e.g. a register import): each wait asynchronous, so the event loop runs on. */
const sqliteBusyBackoffMs = (attempt: number) => Math.min(2 * attempt, 10) + Math.random() * 5;

/**
 * A management action's: deadlocks, lock waits and the audit chain's race until the request's deadline (four attempts
 * without one), the creation race of a new person and MariaDB's trigger-cache fault (flushed first) four attempts,
 * SQLite busy for 5 s. Any other unique key that refuses a row (a concurrent request won the race) is CONFLICT, a lock
 * wait or statement past its bound TIMEOUT, a database refused, lost or not ready (before the COMMIT: nothing
 * committed), or a trigger-cache fault the flush did not clear, UNAVAILABLE.
 */
const action: RetryPolicy = {
  retries: [
    {
      of: (error) => contention.has(driverCode(error)),
      attempts: 4,
      untilDeadline: true,
      backoffMs: (attempt) => Math.min(200, 5 * attempt + Math.random() * 20),
    },
    { of: isPersonSsinRace, attempts: 4, backoffMs: (attempt) => 5 * attempt + Math.random() * 20 },
    afterTriggerCacheFlush,
    { of: isSqliteBusy, forMs: 500 * sqliteBusyTimeoutMs, backoffMs: sqliteBusyBackoffMs },
  ],
  failure(error) {
    if (isUniqueViolation(error)) return new ConflictError("CONCURRENT_UPDATE", message("conflict.concurrentUpdate"));
    return asTimeout(error) ?? asUnavailable(error) ?? error;
  },
};

/** A gateway committed a row the batch read as missing (a first sign-in of a person in the file), or a lock wait went wrong. */
const importConflicts = new Set(["ER_DUP_ENTRY", "ER_LOCK_DEADLOCK", "ER_LOCK_WAIT_TIMEOUT"]);

/**
 * A batch of the register import: its MySQL conflicts five attempts, MariaDB's trigger-cache fault (flushed first)
 * four, SQLite busy for a minute; any other failure stops the import.
 */
const registerImport: RetryPolicy = {
  retries: [
    { of: (error) => importConflicts.has(driverCode(error)), attempts: 5, backoffMs: (attempt) => 10 * attempt + Math.random() * 20 },
    afterTriggerCacheFlush,
    { of: isSqliteBusy, forMs: 60_000, backoffMs: sqliteBusyBackoffMs },
  ],
  // A batch applied twice changes nothing the second time.
  idempotent: true,
};

/**
 * The writers' policies, by the writer. Maintenance (the sweep of expired rights) and a first sign-in serve no request:
 * they run under an action's policy, whose deadline-bound retries then stop at four attempts.
 */
export const policies = {
  action,
  maintenance: action,
  firstSignIn: action,
  import: registerImport,
} as const satisfies Record<string, RetryPolicy>;
