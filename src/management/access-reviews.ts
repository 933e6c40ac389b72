import { GraphQLError } from "graphql";
import { In, LessThanOrEqual, Not } from "typeorm";
import { reviewCapacities, reviewItemTask } from "../access/access-reviews";
import { AccessReview, AccessReviewItem, RoleAssignment, type Enterprise, type Person } from "../domain/entities";
import { rowsPerInsert } from "../domain/history";
import type { AccessReviewDecision, AccessReviewRecurrence } from "../domain/states";
import { currentAtWhere, isCurrentAt } from "../domain/validity";
import { ConflictError, NotFoundError } from "../errors";
import { message } from "../i18n/messages";
import type { ActionScope } from "./action";
import { assignmentSummary } from "./audit-summaries";
import { lockedEnterprise } from "./locked-enterprise";
import { assignmentsChanged, currentAssignment, endAssignments } from "./role-grants";
import type { Place, Target } from "./target";
import { idArgument, validId } from "./valid-input";
import { reviewItemSight, seesReview, seesReviewItem } from "../access/access-reviews";

/**
 * What applying a review's decisions needs of a management action's scope. The sweep applies the default at the due
 * date with no viewer: its assignments end, and its audit events are written, with no actor.
 */
export type ReviewScope = Pick<ActionScope, "em" | "now" | "changed" | "audit"> & { viewer: Person | null };

/**
 * The review's next due date after `dueAt`, one period later (and as many more as needed to lie after `now`), at the
 * same time of day; a day past the end of a shorter month is its last day (31 March, then 30 June).
 */
export function nextDueAt(dueAt: Date, recurrence: AccessReviewRecurrence, now: Date): Date {
  const months = recurrence === "QUARTERLY" ? 3 : 12;
  for (let periods = 1; ; periods++) {
    const month = dueAt.getUTCMonth() + months * periods;
    const lastDay = new Date(Date.UTC(dueAt.getUTCFullYear(), month + 1, 0)).getUTCDate();
    const next = new Date(dueAt.getTime());
    next.setUTCDate(1);
    next.setUTCFullYear(dueAt.getUTCFullYear(), month, Math.min(dueAt.getUTCDate(), lastDay));
    if (next.getTime() > now.getTime()) return next;
  }
}

/**
 * Opens a review of the enterprise: one item per assignment current now below the main access manager, of USER and
 * ACCESS_MANAGER in the review's capacities. The main access manager's own assignments are above the review.
 */
export async function openReview(
  scope: ReviewScope,
  enterprise: Enterprise,
  settings: Pick<AccessReview, "dueAt" | "defaultDecision" | "reviewers" | "recurrence" | "capacities" | "previousReviewId">,
): Promise<{ review: AccessReview; items: number }> {
  const { em, now } = scope;
  const inserted = await em.insert(AccessReview, {
    ...settings,
    enterpriseId: enterprise.id,
    startedById: scope.viewer?.id ?? null,
    startedAt: now,
    status: "OPEN",
    completedAt: null,
    completedById: null,
  });
  const review = await em.findOneByOrFail(AccessReview, { id: Number(inserted.identifiers[0].id) });
  const main = await currentAssignment(scope, { enterpriseId: enterprise.id, role: "MAIN_ACCESS_MANAGER" });
  const capacities = review.capacities === null ? null : reviewCapacities(review, []);
  const assignments = await em.find(RoleAssignment, {
    where: {
      enterpriseId: enterprise.id,
      role: In(["USER", "ACCESS_MANAGER"]),
      ...(capacities ? { capacityCode: In(capacities) } : {}),
      ...(main ? { personId: Not(main.personId) } : {}),
      ...currentAtWhere(now),
    },
    order: { id: "ASC" },
  });
  const rows = assignments.map((a) => ({
    reviewId: review.id,
    enterpriseId: enterprise.id,
    assignmentId: a.id,
    personId: a.personId,
    role: a.role,
    capacityCode: a.capacityCode!,
    status: "PENDING" as const,
    decision: null,
    byDefault: false,
    decidedAt: null,
    decidedById: null,
    note: null,
  }));
  for (let i = 0; i < rows.length; i += rowsPerInsert) await em.insert(AccessReviewItem, rows.slice(i, i + rowsPerInsert));
  // Its reviewers hear of it once committed (accessChanged), as those who decide requests hear of a new one.
  scope.changed({
    enterpriseId: enterprise.id,
    kind: "ACCESS_REVIEW",
    accessReview: { reviewers: review.reviewers, capacities: review.capacities },
  });
  return { review, items: rows.length };
}

export const reviewSummary = (r: AccessReview) => ({
  id: r.id,
  dueAt: r.dueAt,
  defaultDecision: r.defaultDecision,
  reviewers: r.reviewers,
  recurrence: r.recurrence,
  capacities: r.capacities === null ? null : r.capacities.split(",").filter((c) => c !== ""),
  status: r.status,
});

/**
 * Applies a decision to a pending item of an open review, with its audit event (the item's task, the review named):
 * REMOVE ends the assignment as removeUser and revokeAccessManager end it; KEEP leaves it, with a new expiry where one
 * is given. An assignment that ended outside the review cannot be decided: CONFLICT ALREADY_ENDED.
 */
export async function applyDecision(
  scope: ReviewScope,
  enterprise: Enterprise,
  review: AccessReview,
  item: AccessReviewItem,
  {
    decision,
    validUntil = null,
    note = null,
    byDefault,
  }: { decision: AccessReviewDecision; validUntil?: Date | null; note?: string | null; byDefault: boolean },
): Promise<void> {
  const { em, now } = scope;
  // Past its due date a review takes no more decisions: its default applies, whether or not the sweep has come by yet.
  if (review.status !== "OPEN" || (!byDefault && new Date(review.dueAt).getTime() <= now.getTime()))
    throw new ConflictError("REVIEW_COMPLETED", message("conflict.accessReviewCompleted"));
  if (item.status !== "PENDING") throw new ConflictError("ALREADY_DECIDED", message("conflict.accessReviewItemDecided"));
  const assignment = await em.findOneByOrFail(RoleAssignment, { id: item.assignmentId });
  if (!isCurrentAt(assignment, now)) throw new ConflictError("ALREADY_ENDED", message("conflict.reviewedAssignmentEnded"));
  const before = assignmentSummary(assignment);
  if (decision === "REMOVE") await endAssignments(scope, [assignment]);
  else if (validUntil) {
    await em.update(RoleAssignment, { id: assignment.id }, { validUntil });
    assignment.validUntil = validUntil;
    assignmentsChanged(scope, [assignment]);
  }
  const settled = {
    status: decision === "REMOVE" ? ("REMOVED" as const) : ("KEPT" as const),
    decision,
    byDefault,
    decidedAt: now,
    decidedById: scope.viewer?.id ?? null,
    note,
  };
  await em.update(AccessReviewItem, { id: item.id }, settled);
  Object.assign(item, settled);
  await scope.audit(reviewItemTask(item), enterprise, {
    mutation: byDefault ? (scope.viewer ? "completeAccessReview" : null) : "decideAccessReviewItem",
    accessReview: review.id,
    accessReviewItem: item.id,
    decision,
    byDefault,
    ...(note ? { note } : {}),
    before,
    after: assignmentSummary(assignment),
  });
}

/**
 * Completes an open review: every pending item gets the review's default (one audit event each), except those whose
 * assignment ended outside the review, which are closed as ALREADY_ENDED with nothing to apply. A review with a
 * recurrence then starts the next one, due one period after this one's due date, while the enterprise is ACTIVE.
 */
export async function completeReview(
  scope: ReviewScope,
  enterprise: Enterprise,
  review: AccessReview,
): Promise<{ applied: number; next: AccessReview | null }> {
  const { em, now } = scope;
  if (review.status !== "OPEN") throw new ConflictError("REVIEW_COMPLETED", message("conflict.accessReviewCompleted"));
  const pending = await em.find(AccessReviewItem, { where: { reviewId: review.id, status: "PENDING" }, order: { id: "ASC" } });
  const assignments = new Map<number, RoleAssignment>();
  for (let i = 0; i < pending.length; i += rowsPerInsert)
    for (const a of await em.findBy(RoleAssignment, { id: In(pending.slice(i, i + rowsPerInsert).map((p) => p.assignmentId)) }))
      assignments.set(a.id, a);
  let applied = 0;
  const ended: number[] = [];
  for (const item of pending) {
    if (!isCurrentAt(assignments.get(item.assignmentId)!, now)) {
      ended.push(item.id);
      continue;
    }
    await applyDecision(scope, enterprise, review, item, { decision: review.defaultDecision, byDefault: true });
    applied++;
  }
  for (let i = 0; i < ended.length; i += rowsPerInsert)
    await em.update(AccessReviewItem, { id: In(ended.slice(i, i + rowsPerInsert)) }, { status: "ALREADY_ENDED", decidedAt: now });
  const completed = { status: "COMPLETED" as const, completedAt: now, completedById: scope.viewer?.id ?? null };
  await em.update(AccessReview, { id: review.id }, completed);
  const before = reviewSummary(review);
  Object.assign(review, completed);
  let next: AccessReview | null = null;
  if (review.recurrence && enterprise.status === "ACTIVE") {
    next = (
      await openReview(scope, enterprise, {
        dueAt: nextDueAt(new Date(review.dueAt), review.recurrence, now),
        defaultDecision: review.defaultDecision,
        reviewers: review.reviewers,
        recurrence: review.recurrence,
        capacities: review.capacities,
        previousReviewId: review.id,
      })
    ).review;
  }
  await scope.audit("APPOINT_ACCESS_MANAGER", enterprise, {
    mutation: scope.viewer ? "completeAccessReview" : null,
    accessReview: review.id,
    appliedDefault: applied,
    alreadyEnded: ended.length,
    before,
    after: { ...reviewSummary(review), ...(next ? { next: reviewSummary(next) } : {}) },
  });
  return { applied, next };
}

/** Reviews still open whose due date has come, oldest first, at most `limit`. */
export async function dueReviews(scope: Pick<ActionScope, "em">, now: Date, limit: number): Promise<AccessReview[]> {
  return scope.em.find(AccessReview, {
    where: { status: "OPEN", dueAt: LessThanOrEqual(now) },
    order: { dueAt: "ASC", id: "ASC" },
    take: limit,
  });
}

/** The access review named by its id (`id`): the enterprise's main access manager (APPOINT_ACCESS_MANAGER) acts on it. */
export function ofAccessReview(): Target<{ id: string }, Place & { review: AccessReview }> {
  return {
    name: "ofAccessReview(id)",
    async find(args, { loaders, access, readManager }) {
      const id = idArgument(args.id, "id");
      if (id instanceof GraphQLError) return id;
      const review = await readManager.findOneBy(AccessReview, { id });
      const enterprise = review && (await loaders.enterprise.load(review.enterpriseId));
      if (!review || !enterprise || !(await access.seesConfigurationOf(enterprise.id)))
        return new NotFoundError(message("notFound.accessReview"));
      return { enterprise, capacity: null };
    },
    capacity: () => undefined,
    async lock(scope, input) {
      const id = validId(input.id, "id");
      const found = await scope.em.findOneBy(AccessReview, { id });
      if (!found) throw new NotFoundError(message("notFound.accessReview"));
      const enterprise = await lockedEnterprise(scope, { id: found.enterpriseId });
      if (!(await scope.access.seesConfigurationOf(enterprise.id))) throw new NotFoundError(message("notFound.accessReview"));
      return { enterprise, capacity: null, review: await scope.em.findOneByOrFail(AccessReview, { id }) };
    },
  };
}

/**
 * The access review item named by its id (`id`), found only by a viewer who sees it (who may decide it, or sees every
 * item); MANAGE_USERS is decided in its capacity, and the item's own rule (mayDecideReviewItem) after.
 */
export function ofAccessReviewItem(): Target<{ id: string }, Place & { review: AccessReview; item: AccessReviewItem }> {
  const capacityCodes = (catalog: { capacities: ReadonlyMap<string, unknown> }) => [...catalog.capacities.keys()];
  return {
    name: "ofAccessReviewItem(id)",
    async find(args, { loaders, access, readManager, catalog }) {
      const id = idArgument(args.id, "id");
      if (id instanceof GraphQLError) return id;
      const item = await readManager.findOneBy(AccessReviewItem, { id });
      const review = item && (await readManager.findOneBy(AccessReview, { id: item.reviewId }));
      const enterprise = review && (await loaders.enterprise.load(review.enterpriseId));
      if (
        !item ||
        !review ||
        !enterprise ||
        !seesReviewItem(await reviewItemSight(access, enterprise, review, capacityCodes(catalog)), item)
      )
        return new NotFoundError(message("notFound.accessReviewItem"));
      return { enterprise, capacity: item.capacityCode };
    },
    capacity: () => undefined,
    async lock(scope, input) {
      const id = validId(input.id, "id");
      const found = await scope.em.findOneBy(AccessReviewItem, { id });
      if (!found) throw new NotFoundError(message("notFound.accessReviewItem"));
      const enterprise = await lockedEnterprise(scope, { id: found.enterpriseId });
      const item = await scope.em.findOneByOrFail(AccessReviewItem, { id });
      const review = await scope.em.findOneByOrFail(AccessReview, { id: item.reviewId });
      const sight = await reviewItemSight(scope.access, enterprise, review, capacityCodes(scope.catalog));
      if (!seesReview(sight) || !seesReviewItem(sight, item)) throw new NotFoundError(message("notFound.accessReviewItem"));
      return { enterprise, capacity: item.capacityCode, review, item };
    },
  };
}
