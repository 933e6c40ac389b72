import { Field, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { ChannelEnum } from "../enums";
import { DateTimeScalar, type DateTime } from "../scalars";
import { channels, type Channel } from "../states";

export { channels, type Channel };

/** One row per (enterprise, capacity), unique; the sender number is assigned at the first configuration and kept. */
@Entity("structured_messaging_config")
@ObjectType({
  description: "How an enterprise exchanges structured messages in one capacity: channel, sender number and technical contact.",
  simpleResolvers: true,
})
export class StructuredMessagingConfig {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: "enterprise_id", type: "int" })
  enterpriseId: number;

  @Column({ name: "capacity_code", type: "varchar", length: 40 })
  capacityCode: string;

  @Field(() => ChannelEnum, { description: "The channel the messages go through." })
  @Column({ type: "varchar", length: 8 })
  channel: Channel;

  @Column({ name: "sender_number", type: "varchar", length: 16, nullable: true })
  senderNumber: string | null;

  @Field(() => String, { description: "Who to write to about technical problems with the messages." })
  @Column({ name: "technical_contact_email", type: "varchar", length: 254 })
  technicalContactEmail: string;

  @Column({ name: "configured_by_id", type: "int" })
  configuredById: number;

  @Field(() => DateTimeScalar, { description: "When it was last configured." })
  @Column({ name: "configured_at", type: "datetime" })
  configuredAt: DateTime;

  /** Set when the enterprise's access is deleted; a later configuration reopens the row and keeps its sender number. */
  @Column({ name: "ended_at", type: "datetime", nullable: true })
  endedAt: DateTime | null;
}
