import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { Role } from "../roles";
import {
  AccessReviewDecisionEnum,
  AccessReviewerKindEnum,
  AccessReviewItemStatusEnum,
  AccessReviewRecurrenceEnum,
  AccessReviewStatusEnum,
  RoleEnum,
} from "../enums";
import { DateTimeScalar, type DateTime } from "../scalars";
import { Node } from "../node.type";
import type {
  AccessReviewDecision,
  AccessReviewerKind,
  AccessReviewItemStatus,
  AccessReviewRecurrence,
  AccessReviewStatus,
} from "../states";

/**
 * A campaign in which managers confirm, assignment by assignment, who still needs their role. Its items are the
 * assignments current when it started; what nobody decides by `dueAt` gets `defaultDecision`. Rows are never deleted.
 */
@Entity("access_review")
@ObjectType({
  implements: Node,
  description:
    "An access review: managers confirm or end, one by one, the roles held below the main access manager; what nobody decides by the due date gets the default decision.",
  simpleResolvers: true,
})
export class AccessReview {
  @Field(() => ID, { description: "The review's id: pass it to completeAccessReview or Enterprise.accessReview." })
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: "enterprise_id", type: "int" })
  enterpriseId: number;

  /** Null for a review started by the recurrence of the previous one. */
  @Column({ name: "started_by_id", type: "int", nullable: true })
  startedById: number | null;

  @Field(() => DateTimeScalar, { description: "When the review started." })
  @Column({ name: "started_at", type: "datetime" })
  startedAt: DateTime;

  @Field(() => DateTimeScalar, { description: "When the default decision applies to every item still pending, and the review completes." })
  @Column({ name: "due_at", type: "datetime" })
  dueAt: DateTime;

  @Field(() => AccessReviewDecisionEnum, {
    description: "What applies at the due date (or on completeAccessReview) to items nobody decided.",
  })
  @Column({ name: "default_decision", type: "varchar", length: 8 })
  defaultDecision: AccessReviewDecision;

  @Field(() => AccessReviewerKindEnum, {
    description: "Who reviews the users; access managers are always reviewed by the main access manager.",
  })
  @Column({ type: "varchar", length: 24 })
  reviewers: AccessReviewerKind;

  @Field(() => AccessReviewRecurrenceEnum, { nullable: true, description: "How often it repeats; null for a review that does not." })
  @Column({ type: "varchar", length: 16, nullable: true })
  recurrence: AccessReviewRecurrence | null;

  /** The capacity codes reviewed, each between commas (`,EMPLOYER_NSSO,`) so that one is found by LIKE; null for all. */
  @Column({ type: "varchar", length: 400, nullable: true })
  capacities: string | null;

  @Field(() => AccessReviewStatusEnum, { description: "OPEN until it completes." })
  @Column({ type: "varchar", length: 16 })
  status: AccessReviewStatus;

  @Field(() => DateTimeScalar, { nullable: true, description: "When it completed; null while OPEN." })
  @Column({ name: "completed_at", type: "datetime", nullable: true })
  completedAt: DateTime | null;

  /** Null when the due date completed it. */
  @Column({ name: "completed_by_id", type: "int", nullable: true })
  completedById: number | null;

  /** The review whose recurrence started this one. */
  @Column({ name: "previous_review_id", type: "int", nullable: true })
  previousReviewId: number | null;
}

/** One assignment under review, as it was when the review started, and what became of it. */
@Entity("access_review_item")
@ObjectType({ implements: Node, description: "One role assignment under review, and its decision.", simpleResolvers: true })
export class AccessReviewItem {
  @Field(() => ID, { description: "The item's id: pass it to decideAccessReviewItem." })
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: "review_id", type: "int" })
  reviewId: number;

  @Column({ name: "enterprise_id", type: "int" })
  enterpriseId: number;

  @Column({ name: "assignment_id", type: "int" })
  assignmentId: number;

  @Column({ name: "person_id", type: "int" })
  personId: number;

  @Field(() => RoleEnum, { description: "The role under review: USER or ACCESS_MANAGER." })
  @Column({ type: "varchar", length: 24 })
  role: Role;

  @Column({ name: "capacity_code", type: "varchar", length: 40 })
  capacityCode: string;

  @Field(() => AccessReviewItemStatusEnum, { description: "PENDING until decided, by a reviewer or by the review's default." })
  @Column({ type: "varchar", length: 16 })
  status: AccessReviewItemStatus;

  @Field(() => AccessReviewDecisionEnum, { nullable: true, description: "What was decided; null while PENDING and for ALREADY_ENDED." })
  @Column({ type: "varchar", length: 8, nullable: true })
  decision: AccessReviewDecision | null;

  @Field(() => Boolean, { description: "True when the review's default decided it, because no reviewer did in time." })
  @Column({ name: "by_default", type: "boolean", default: false })
  byDefault: boolean;

  @Field(() => DateTimeScalar, { nullable: true, description: "When it was decided (or found already ended); null while PENDING." })
  @Column({ name: "decided_at", type: "datetime", nullable: true })
  decidedAt: DateTime | null;

  /** Null for a default decision; the reviewer is also in the audit trail. */
  @Column({ name: "decided_by_id", type: "int", nullable: true })
  decidedById: number | null;

  @Field(() => String, { nullable: true, description: "The reviewer's note (plain text, at most 500 characters)." })
  @Column({ type: "varchar", length: 500, nullable: true })
  note: string | null;
}
