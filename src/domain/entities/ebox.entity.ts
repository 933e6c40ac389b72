import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { DateTimeScalar, type DateTime } from "../scalars";
import { eBoxStatuses, type EBoxStatus } from "../states";
import { Node } from "../node.type";

export { eBoxStatuses, type EBoxStatus };

/** At most one row per enterprise (unique); deleting the enterprise's access sets it back to NOT_ACTIVATED. */
@Entity("ebox")
export class EBox {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: "enterprise_id", type: "int", unique: true })
  enterpriseId: number;

  @Column({ type: "varchar", length: 16 })
  status: EBoxStatus;

  @Column({ name: "activated_at", type: "datetime", nullable: true })
  activatedAt: DateTime | null;

  @Column({ name: "activated_by_id", type: "int", nullable: true })
  activatedById: number | null;

  @Column({ name: "notification_email", type: "varchar", length: 254, nullable: true })
  notificationEmail: string | null;
}

/** Table and type are one thing; the enterprise key stays in the table. The e-Box row above is not a type: EBox is a read model. */
@Entity("ebox_message")
@ObjectType({ implements: Node, description: "A message in an enterprise's e-Box.", simpleResolvers: true })
export class EBoxMessage {
  @Field(() => ID, { description: "The message's id: pass it to markEBoxMessageRead." })
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: "enterprise_id", type: "int" })
  enterpriseId: number;

  @Field(() => String, { description: "The subject line." })
  @Column({ type: "varchar", length: 200 })
  subject: string;

  @Field(() => String, { description: "The message text." })
  @Column({ type: "text" })
  body: string;

  @Field(() => DateTimeScalar, { description: "When the message arrived in the e-Box." })
  @Column({ name: "sent_at", type: "datetime" })
  sentAt: DateTime;

  @Field(() => DateTimeScalar, { nullable: true, description: "When it was first marked read; null while unread." })
  @Column({ name: "read_at", type: "datetime", nullable: true })
  readAt: DateTime | null;
}
