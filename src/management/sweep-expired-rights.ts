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
import { expireAccessRequests, expiryChanges as requestExpiryChanges } from "./access-requests";
import { appendAuditEvents } from "../audit/chain";
import type { AccessChange } from "../database/change-feed";
import { AccessReview, Enterprise } from "../domain/entities";
import { completeReview, dueReviews } from "./access-reviews";

/** How many enterprises one sweep handles at most; the next sweep takes the rest. */
const enterprisesPerSweep = 500;

/**
 * Writes down every expiry that no action has met yet (src/management/expire-rights.ts), one transaction per
 * enterprise under the same enterprise lock as the management actions, at the instant that lock is held (as an action
 * is decided at: a sweep that waited for an action records no instant before it). Safe to run in several processes at
 * once: each expiry is audited exactly once whoever gets there first. Then it prunes the access change log of what is
 * older than `deltaRetentionDays` (src/database/access-changes.ts), the delta tokens that needed it having expired with
 * it, and closes the access requests left unanswered past ACCESS_REQUEST_TTL_DAYS. Due access reviews complete in the
 * same sweep (applyDueAccessReviews). Returns how many expiries and default decisions it wrote down.
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
  written += await applyDueAccessReviews({ dataSource, clock, changes });
  const closed = await runTransaction(maintenance, async (em) => {
    const now = clock.now();
    return { now, expired: await expireAccessRequests(em, now) };
  });
  // Committed: each requester hears of the expiry as of a decision, and the deciders that a pending request went.
  if (closed.expired.length > 0)
    changes?.publish(
      (await requestExpiryChanges(dataSource.manager, closed.expired)).map((change) => ({ ...change, at: closed.now.toISOString() })),
    );
  const before = new Date(clock.now().getTime() - deltaRetentionDays * 24 * 60 * 60 * 1000);
  while ((await runTransaction(maintenance, (em) => pruneAccessChangeBatch(em, { before }))) > 0);
  return written;
}

/** How many due access reviews one sweep completes at most; the next sweep takes the rest. */
const reviewsPerSweep = 100;

/**
 * Completes the access reviews whose due date has come (src/management/access-reviews.ts): in one transaction per
 * review, under its enterprise's lock, the expiries of that enterprise written down first (an assignment that expired
 * before the due date is ALREADY_ENDED, not decided), then the default decision on every pending item, one audit event
 * each with no actor, the review named, and the next review of a recurring one. Returns how many items it decided.
 */
export async function applyDueAccessReviews({
  dataSource,
  clock = systemClock,
  changes,
}: {
  dataSource: DataSource;
  clock?: Clock;
  changes?: ChangeFeed;
}): Promise<number> {
  const due = await dueReviews({ em: dataSource.manager }, clock.now(), reviewsPerSweep);
  let decided = 0;
  for (const { id, enterpriseId } of due) {
    const { applied, recorded } = await runTransaction({ dataSource, policy: policies.maintenance }, async (em) => {
      await holdSqliteWriteLock(em);
      await lockEnterpriseRows(em, [enterpriseId]);
      const now = clock.now();
      const expired = await expireDueRights(em, { enterpriseIds: [enterpriseId], now, requestId: null, by: "sweep" });
      const recorded: AccessChange[] = expiryChanges(expired).map((change) => ({ ...change, at: now.toISOString() }));
      const review = await em.findOneByOrFail(AccessReview, { id });
      if (review.status !== "OPEN") return { applied: 0, recorded };
      const enterprise = await em.findOneByOrFail(Enterprise, { id: enterpriseId });
      const audit = async (action: Parameters<typeof appendAuditEvents>[1][number]["action"], e: Enterprise | null, details: object) => {
        await appendAuditEvents(em, [
          { at: now, actorId: null, action, enterpriseId: e?.id ?? null, requestId: null, details: JSON.stringify(details) },
        ]);
      };
      const { applied } = await completeReview(
        { em, now, viewer: null, audit, changed: (...c) => recorded.push(...c.map((change) => ({ ...change, at: now.toISOString() }))) },
        enterprise,
        review,
      );
      return { applied, recorded };
    });
    // Committed: live subscribers learn of the ends.
    changes?.publish(recorded);
    decided += applied;
  }
  return decided;
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
