import { AuditChainRaceError } from "../src/audit/chain";
import { policies, retryFor, type RetryPolicy } from "../src/database/retry-policies";

/** A driver's error as TypeORM wraps it (QueryFailedError), with the code and message the database gave. */
const failure = (code: string, message = "") => Object.assign(new Error(message), { driverError: { code } });
const deadlock = failure("ER_LOCK_DEADLOCK");
const busy = failure("SQLITE_BUSY");
const ssinRace = failure("ER_DUP_ENTRY", "Duplicate entry '85073003328' for key 'uq_person_ssin'");
/** MariaDB's answer for a table whose cached triggers no longer parse (src/database/trigger-cache.ts). */
const triggerCacheFault = Object.assign(new Error("Unknown trigger has an error in its body: 'Query was empty'"), {
  driverError: { code: "ER_PARSE_ERROR", errno: 1064, message: "Unknown trigger has an error in its body: 'Query was empty'" },
});

/** Whether `policy` runs the transaction again after `error` at failed attempt `attempt`, `elapsedMs` after the first began. */
function retries(policy: RetryPolicy, error: unknown, { attempt = 1, elapsedMs = 0, underDeadline = false } = {}): boolean {
  return retryFor(policy, error, { attempt, elapsedMs, underDeadline }) !== undefined;
}

describe("the writers' retry policies", () => {
  it("retry an action's deadlock and lock wait until its request's deadline, and four attempts in all without one", () => {
    expect(retries(policies.action, deadlock, { attempt: 50, underDeadline: true })).toBe(true);
    expect(retries(policies.action, failure("ER_LOCK_WAIT_TIMEOUT"), { attempt: 50, underDeadline: true })).toBe(true);
    expect(retries(policies.action, deadlock, { attempt: 3 })).toBe(true);
    expect(retries(policies.action, deadlock, { attempt: 4 })).toBe(false);
    expect(retries(policies.maintenance, deadlock, { attempt: 4 })).toBe(false);
  });

  it("retry the audit chain's race like a deadlock, and the creation race of a new person four attempts in all", () => {
    expect(retries(policies.action, new AuditChainRaceError("7"), { attempt: 9, underDeadline: true })).toBe(true);
    expect(retries(policies.firstSignIn, ssinRace, { attempt: 3 })).toBe(true);
    expect(retries(policies.firstSignIn, ssinRace, { attempt: 4, underDeadline: true })).toBe(false);
  });

  it("turn an action's other refused unique key into CONFLICT and a lock wait past its retries into TIMEOUT", () => {
    expect(retries(policies.action, failure("ER_DUP_ENTRY", "Duplicate entry for key 'uq_mandate_active'"))).toBe(false);
    expect(policies.action.failure!(failure("ER_DUP_ENTRY"))).toMatchObject({
      extensions: { code: "CONFLICT", reason: "CONCURRENT_UPDATE" },
    });
    expect(policies.action.failure!(failure("ER_LOCK_WAIT_TIMEOUT"))).toMatchObject({
      extensions: { code: "TIMEOUT", reason: "LOCK_WAIT_TIMEOUT" },
    });
    const other = new Error("anything else");
    expect(policies.action.failure!(other)).toBe(other);
  });

  it("retry MariaDB's trigger-cache fault four attempts in all after the runner's flush, then answer UNAVAILABLE", () => {
    for (const policy of [policies.action, policies.import]) {
      expect(retries(policy, triggerCacheFault, { attempt: 3 })).toBe(true);
      expect(retries(policy, triggerCacheFault, { attempt: 4, underDeadline: true })).toBe(false);
    }
    expect(policies.action.failure!(triggerCacheFault)).toMatchObject({ extensions: { code: "UNAVAILABLE", reason: "DATABASE_FAULT" } });
    // Any other parse error is the statement's own: never retried, never called unavailable.
    const syntax = Object.assign(new Error("You have an error in your SQL syntax"), {
      driverError: { code: "ER_PARSE_ERROR", errno: 1064 },
    });
    expect(retries(policies.action, syntax)).toBe(false);
    expect(policies.action.failure!(syntax)).toBe(syntax);
  });

  it("retry SQLite busy for 5 s in a gateway and for a minute in the register import", () => {
    expect(retries(policies.action, busy, { attempt: 400, elapsedMs: 4_999 })).toBe(true);
    expect(retries(policies.action, busy, { elapsedMs: 5_000 })).toBe(false);
    expect(retries(policies.import, busy, { elapsedMs: 59_999 })).toBe(true);
    expect(retries(policies.import, busy, { elapsedMs: 60_000 })).toBe(false);
  });

  it("run a register import's batch again five attempts in all when a gateway's row or lock got in its way, and leave its other failures as they are", () => {
    for (const code of ["ER_DUP_ENTRY", "ER_LOCK_DEADLOCK", "ER_LOCK_WAIT_TIMEOUT"]) {
      expect(retries(policies.import, failure(code), { attempt: 4 })).toBe(true);
      expect(retries(policies.import, failure(code), { attempt: 5 })).toBe(false);
    }
    expect(retries(policies.import, new AuditChainRaceError("7"))).toBe(false);
    expect(policies.import.failure).toBeUndefined();
    expect(policies.import.idempotent).toBe(true);
  });
});
