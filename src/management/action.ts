import type { DataSource, EntityManager } from "typeorm";
import { Access } from "../access/access";
import { ConflictError } from "../errors";
import type { Catalog } from "../model/catalog";
import { AuditEvent, Enterprise, type Person } from "../model/entities";
import { createLoaders } from "../model/loaders";
import { dialectOf, isSqliteBusy, sqliteBusyTimeoutMs } from "../database/data-source";
import type { Task } from "../access/role-tasks";

/**
 * An audit action: a task of the role-task table, or a named action outside it. END_FORMER_MAIN_ACCESS_MANAGER_PROFILES
 * is written by a migration (actor null), not by a mutation.
 */
export type AuditAction = Task | "UPDATE_MY_ACCOUNT" | "END_FORMER_MAIN_ACCESS_MANAGER_PROFILES";

/** What one management action works with: the viewer, one transaction, and the access layer reading through it. */
export interface ActionScope {
  viewer: Person;
  em: EntityManager;
  access: Access;
  catalog: Catalog;
  now: Date;
  /** Locks the enterprise rows for the rest of the transaction, in id order, so concurrent actions on one enterprise run one after the other. */
  lock(...enterprises: Enterprise[]): Promise<void>;
  /** Records the action's audit event in the same transaction (SPEC rule 11). */
  audit(action: AuditAction, enterprise: Enterprise | null, details: { before: unknown; after: unknown } & Record<string, unknown>): Promise<void>;
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
  return retryableMysqlErrors.has(code);
}

/** SQLite busy (another process writing, e.g. a register import): retried for this long, each wait asynchronous. */
const sqliteBusyDeadlineMs = 500 * sqliteBusyTimeoutMs;

/**
 * Runs one management action as one transaction with its audit event. A failure rolls everything back, so a
 * failed action changes nothing and writes no event. Deadlocks and the creation race of a new person are retried;
 * any other unique key that refuses a row (a concurrent request won the race) becomes CONFLICT, never a 500.
 *
 * SQLite has one connection per process (TypeORM shares it), so transactions there take turns through a queue.
 */
export async function runAction<T>(
  { dataSource, viewer, catalog, requestId }: { dataSource: DataSource; viewer: Person; catalog: Catalog; requestId: string | null },
  action: (scope: ActionScope) => Promise<T>,
): Promise<T> {
  const mysql = dialectOf(dataSource) === "mysql";
  const work = async (em: EntityManager) => {
      const now = new Date();
      const scope: ActionScope = {
        viewer,
        em,
        catalog,
        now,
        access: new Access(viewer, createLoaders(em), catalog),
        async lock(...enterprises) {
          if (!mysql) return;
          const ids = [...new Set(enterprises.map((e) => e.id))].sort((a, b) => a - b);
          await em.createQueryBuilder(Enterprise, "e").select("e.id").where("e.id IN (:...ids)", { ids }).orderBy("e.id").setLock("pessimistic_write").getMany();
        },
        async audit(actionName, enterprise, details) {
          await em.insert(AuditEvent, {
            at: now,
            actorId: viewer.id,
            action: actionName,
            enterpriseId: enterprise?.id ?? null,
            requestId,
            details: JSON.stringify(details),
          });
        },
      };
      return action(scope);
  };
  // READ COMMITTED on MySQL: after an action locks its enterprise row, each statement sees what was committed before.
  const attempt = () => (mysql ? dataSource.transaction("READ COMMITTED", work) : dataSource.transaction(work));

  const started = Date.now();
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      if (mysql) return await attempt();
      const previous = sqliteQueues.get(dataSource) ?? Promise.resolve();
      const run = previous.then(attempt, attempt);
      sqliteQueues.set(
        dataSource,
        run.catch(() => undefined),
      );
      return await run;
    } catch (error) {
      if ((isRetryable(error) || isPersonSsinRace(error)) && attemptNumber < maxAttempts) {
        await new Promise((r) => setTimeout(r, 5 * attemptNumber + Math.random() * 20));
        continue;
      }
      if (isSqliteBusy(error) && Date.now() - started < sqliteBusyDeadlineMs) {
        await new Promise((r) => setTimeout(r, Math.min(2 * attemptNumber, 10) + Math.random() * 5));
        continue;
      }
      if (isUniqueViolation(error)) throw new ConflictError("CONCURRENT_UPDATE", "A concurrent request made the same change first");
      throw error;
    }
  }
}
