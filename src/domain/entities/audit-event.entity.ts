import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { DateTimeScalar } from "../scalars";
import { Node } from "../node.type";

/** Table and type are one thing; the request id is for operators and stays in the table. */
@Entity("audit_event")
@ObjectType({
  implements: Node,
  description: "One successful management action, written in the same transaction as its change: who did what, where, and what changed.",
  simpleResolvers: true,
})
export class AuditEvent {
  @Field(() => ID, { description: "The event's id." })
  @PrimaryGeneratedColumn()
  id: number;

  @Field(() => DateTimeScalar, { description: "When the action was committed." })
  @Column({ type: "datetime" })
  at: Date;

  @Column({ name: "actor_id", type: "int", nullable: true })
  actorId: number | null;

  @Field(() => String, {
    description: "The mutation's task, or another action name for actions outside the table (e.g. UPDATE_MY_ACCOUNT).",
  })
  @Column({ type: "varchar", length: 64 })
  action: string;

  @Column({ name: "enterprise_id", type: "int", nullable: true })
  enterpriseId: number | null;

  @Column({ name: "request_id", type: "varchar", length: 64, nullable: true })
  requestId: string | null;

  /** A JSON object: { before, after } of what changed. */
  @Field(() => String, { description: "A JSON object: what changed, before and after." })
  @Column({ type: "text" })
  details: string;

  @Field(() => String, {
    description:
      'sha256 (hex) of this event\'s content and of previousHash: the link that makes the trail tamper-evident. Recompute it as described in the README ("Access over time"); `npm run audit:verify` does.',
  })
  @Column({ type: "varchar", length: 64 })
  hash: string;

  @Field(() => String, { nullable: true, description: "The hash of the enterprise's previous audit event; null for its first event." })
  @Column({ name: "previous_hash", type: "varchar", length: 64, nullable: true })
  previousHash: string | null;
}
