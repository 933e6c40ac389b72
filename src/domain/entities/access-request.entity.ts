import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { DateTimeScalar } from "../scalars";
import type { AccessRequestStatus } from "../states";

/**
 * A person's request for online services of one capacity of an enterprise, named by its number: the enterprise may not
 * exist, and the requester is never told. `status`, the requester and the enterprise number are answered by the
 * resolver (an open request past `expiresAt` answers EXPIRED before the sweep writes it down); who decided is kept
 * for the audit trail and never shown.
 */
@Entity("access_request")
@ObjectType({
  description:
    "A request for online services of one capacity of an enterprise, by the person who needs them, to those who manage the capacity's users.",
  simpleResolvers: true,
})
export class AccessRequest {
  @Field(() => ID, { description: "The request's id: pass it to approveAccessRequest, denyAccessRequest or withdrawAccessRequest." })
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: "person_id", type: "int" })
  personId: number;

  @Column({ name: "enterprise_number", type: "varchar", length: 10 })
  enterpriseNumber: string;

  @Field(() => String, { description: "The capacity (a capacity code) in which the requester asks to be a user." })
  @Column({ name: "capacity_code", type: "varchar", length: 64 })
  capacity: string;

  /** The requested online services' codes, comma-separated, in catalog order. */
  @Column({ name: "online_services", type: "varchar", length: 500 })
  onlineServiceCodes: string;

  @Field(() => String, { nullable: true, description: "The requester's message to the deciders, plain text; null without one." })
  @Column({ type: "varchar", length: 500, nullable: true })
  message: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "Until when the requester asks for the access; null: no end asked." })
  @Column({ name: "valid_until", type: "datetime", nullable: true })
  validUntil: Date | null;

  @Column({ name: "status", type: "varchar", length: 16 })
  storedStatus: AccessRequestStatus;

  /** 1 while PENDING, null after: the unique key that allows one open request per person, enterprise and capacity. */
  @Column({ name: "open_key", type: "int", nullable: true })
  openKey: number | null;

  @Field(() => DateTimeScalar, { description: "When the request was made." })
  @Column({ name: "created_at", type: "datetime" })
  createdAt: Date;

  @Field(() => DateTimeScalar, {
    description: "When the request expires if nobody answers it (ACCESS_REQUEST_TTL_DAYS after it was made).",
  })
  @Column({ name: "expires_at", type: "datetime" })
  expiresAt: Date;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "When it was approved, denied or withdrawn; null while open or once expired.",
  })
  @Column({ name: "decided_at", type: "datetime", nullable: true })
  decidedAt: Date | null;

  @Column({ name: "decided_by_id", type: "int", nullable: true })
  decidedById: number | null;

  @Field(() => String, { nullable: true, description: "The reason a decider gave for a denial, plain text; null otherwise." })
  @Column({ type: "varchar", length: 500, nullable: true })
  reason: string | null;

  @Column({ name: "assignment_id", type: "int", nullable: true })
  assignmentId: number | null;
}
