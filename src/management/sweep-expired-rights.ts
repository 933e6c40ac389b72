import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import { systemClock, type Clock } from "../clock";
import { policies } from "../database/retry-policies";
import { runTransaction } from "../database/transaction";
import { pruneIdempotentRequests } from "../database/idempotent-requests";
import { holdSqliteWriteLock, lockEnterpriseRows } from "./enterprise-lock";
import type { ChangeFeed } from "../database/change-feed";
import { enterprisesWithDueRights, expireDueRights, expiryChanges } from "./expire-rights";
import { pruneAccessChangeBatch } from "../database/access-changes";
import { expireAccessRequests } from "./access-requests";

/** How many enterprises one sweep handles at most; the next sweep takes the rest. */
const enterprisesPerSweep = 500;

/**
 * Writes down every expiry that no action has met yet (src/management/expire-rights.ts), one transaction per
 * enterprise under the same enterprise lock as the management actions, at the instant that lock is held (as an action
 * is decided at: a sweep that waited for an action records no instant before it). Safe to run in several processes at
 * once: each expiry is audited exactly once whoever gets there first. Then it prunes the access change log of what is
 * older than `deltaRetentionDays` (src/database/access-changes.ts), the delta tokens that needed it having expired with
 * it, and closes the access requests left unanswered past ACCESS_REQUEST_TTL_DAYS. Returns how many expiries of rights it wrote down.
 */
export async function sweepExpiredRights({
  dataSource,
  clock = systemClock,
  changes,
  deltaRetentionDays = 30,
}: {
  dataSource: DataSource;
  clock?: Clock;
  changes?: ChangeFeed;
  deltaRetentionDays?: number;
}): Promise<number> {
  // The stored answers of Idempotency-Keys past their time go with the sweep: they may hold personal data.
  // Each prune is a transaction of the runner: on SQLite it takes its turn on the process's one connection, and a lock
  // held elsewhere is waited for and retried as the expiries' transactions are.
  const maintenance = { dataSource, policy: policies.maintenance };
  await runTransaction(maintenance, (em) => pruneIdempotentRequests(em, clock.now()));
  const enterpriseIds = await enterprisesWithDueRights(dataSource.manager, clock.now(), enterprisesPerSweep);
  let written = 0;
  for (const enterpriseId of enterpriseIds) {
    const { expired, now } = await runTransaction(maintenance, async (em) => {
      await holdSqliteWriteLock(em);
      await lockEnterpriseRows(em, [enterpriseId]);
      const now = clock.now();
      return { expired: await expireDueRights(em, { enterpriseIds: [enterpriseId], now, requestId: null, by: "sweep" }), now };
    });
    // Committed: live subscribers learn of the ends (src/database/change-feed.ts).
    changes?.publish(expiryChanges(expired).map((change) => ({ ...change, at: now.toISOString() })));
    written += expired.length;
  }
  await runTransaction(maintenance, (em) => expireAccessRequests(em, clock.now()));
  const before = new Date(clock.now().getTime() - deltaRetentionDays * 24 * 60 * 60 * 1000);
  while ((await runTransaction(maintenance, (em) => pruneAccessChangeBatch(em, { before }))) > 0);
  return written;
}

/**
 * Runs the sweep every `intervalSeconds` (EXPIRY_SWEEP_SECONDS; 0: never), one sweep at a time; a failed sweep is
 * logged and the next one tries again. Returns the function that stops it.
 */
export function startExpirySweep({
  dataSource,
  clock,
  changes,
  intervalSeconds,
  deltaRetentionDays,
  logger,
}: {
  dataSource: DataSource;
  clock?: Clock;
  changes?: ChangeFeed;
  intervalSeconds: number;
  deltaRetentionDays?: number;
  logger: Logger;
}): () => Promise<void> {
  if (intervalSeconds <= 0) return async () => {};
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = sweepExpiredRights({ dataSource, clock, changes, deltaRetentionDays })
      .then((written) => {
        if (written > 0) logger.info({ expired: written }, "expired rights written down");
      })
      .catch((error: unknown) => logger.error({ err: error }, "the sweep of expired rights failed"))
      .finally(() => {
        running = null;
      });
  }, intervalSeconds * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
