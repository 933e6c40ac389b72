/**
 * Who sees and decides what of an access review. The role-task table decides, with no task of its own: a USER item is
 * decided with MANAGE_USERS in its capacity (by the main access manager alone when the review says so), an
 * ACCESS_MANAGER item with APPOINT_ACCESS_MANAGER, and nobody decides an item of their own assignment. A reviewer sees
 * the items they may decide; the legal representatives and the main access manager, who see all the enterprise's
 * people, see every item. Anyone else (a USER) sees no review at all.
 */
import type { AccessReview, AccessReviewItem, Enterprise } from "../domain/entities";
import type { Task } from "./role-tasks";

/**
 * What these rules ask of the access layer (src/access/access.ts, which asks them in turn for accessChanged: named
 * here by shape rather than imported, so that the two modules do not import each other).
 */
export interface ReviewAccess {
  readonly viewer: { id: number } | null;
  isViewer(personId: number): boolean;
  seesConfigurationOf(enterpriseId: number): Promise<boolean>;
  decide(enterprise: Enterprise, task: Task, capacity?: string | null): Promise<{ allowed: boolean }>;
}

/** The task an item is decided with. */
export const reviewItemTask = (item: Pick<AccessReviewItem, "role">): Task =>
  item.role === "ACCESS_MANAGER" ? "APPOINT_ACCESS_MANAGER" : "MANAGE_USERS";

/** The capacity codes a review covers: those it names, or every capacity of the catalog. */
export const reviewCapacities = (review: Pick<AccessReview, "capacities">, allCapacities: readonly string[]): string[] =>
  review.capacities === null ? [...allCapacities] : review.capacities.split(",").filter((code) => code !== "");

export async function mayDecideReviewItem(
  access: ReviewAccess,
  enterprise: Enterprise,
  review: Pick<AccessReview, "reviewers">,
  item: Pick<AccessReviewItem, "role" | "capacityCode" | "personId">,
  { manageUsersAllowed = false }: { manageUsersAllowed?: boolean } = {},
): Promise<boolean> {
  if (access.isViewer(item.personId)) return false;
  if (item.role === "ACCESS_MANAGER" || review.reviewers === "MAIN_ACCESS_MANAGER")
    return (await access.decide(enterprise, "APPOINT_ACCESS_MANAGER")).allowed;
  return manageUsersAllowed || (await access.decide(enterprise, "MANAGE_USERS", item.capacityCode)).allowed;
}

/**
 * Which items of a review the viewer sees: all of them, those of USER assignments in some capacities (never the
 * viewer's own), or none.
 */
export type ReviewItemSight = { all: true } | { all: false; userCapacities: string[]; exceptPersonId: number | null };

export async function reviewItemSight(
  access: ReviewAccess,
  enterprise: Enterprise,
  review: Pick<AccessReview, "reviewers" | "capacities">,
  allCapacities: readonly string[],
): Promise<ReviewItemSight> {
  if (await access.seesConfigurationOf(enterprise.id)) return { all: true };
  if (review.reviewers !== "CAPACITY_MANAGERS") return { all: false, userCapacities: [], exceptPersonId: null };
  const capacities = reviewCapacities(review, allCapacities);
  const decided = await Promise.all(capacities.map((code) => access.decide(enterprise, "MANAGE_USERS", code)));
  return {
    all: false,
    userCapacities: capacities.filter((_, i) => decided[i].allowed),
    exceptPersonId: access.viewer?.id ?? null,
  };
}

export function seesReviewItem(sight: ReviewItemSight, item: Pick<AccessReviewItem, "role" | "capacityCode" | "personId">): boolean {
  if (sight.all) return true;
  return item.role === "USER" && sight.userCapacities.includes(item.capacityCode) && item.personId !== sight.exceptPersonId;
}

/** Whether the viewer sees the review at all: when they may see at least the items of one capacity. */
export const seesReview = (sight: ReviewItemSight): boolean => sight.all || sight.userCapacities.length > 0;

/**
 * A review as it stood at `at` (a past instant, `asOf`): null when it had not started yet; OPEN until its completion.
 * Rows change once each (a review completes once, an item is decided once, both with their instant), so the instants
 * kept on the rows are the history: nothing else is needed to answer as of then.
 */
export function reviewAsOf(review: AccessReview, at: Date): AccessReview | null {
  if (new Date(review.startedAt).getTime() > at.getTime()) return null;
  const copy = Object.assign(Object.create(Object.getPrototypeOf(review) as object) as AccessReview, review);
  if (review.completedAt === null || new Date(review.completedAt).getTime() <= at.getTime()) return copy;
  return Object.assign(copy, { status: "OPEN", completedAt: null, completedById: null });
}

/** An item as it stood at `at`: PENDING, with nothing decided, until its decision. */
export function reviewItemAsOf(item: AccessReviewItem, at: Date): AccessReviewItem {
  if (item.decidedAt !== null && new Date(item.decidedAt).getTime() <= at.getTime()) return item;
  return Object.assign(Object.create(Object.getPrototypeOf(item) as object) as AccessReviewItem, item, {
    status: "PENDING",
    decision: null,
    byDefault: false,
    decidedAt: null,
    decidedById: null,
    note: null,
  });
}
