import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export type EBoxStatus = "NOT_ACTIVATED" | "ACTIVE";

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
  activatedAt: Date | null;

  @Column({ name: "activated_by_id", type: "int", nullable: true })
  activatedById: number | null;

  @Column({ name: "notification_email", type: "varchar", length: 254, nullable: true })
  notificationEmail: string | null;
}

@Entity("ebox_message")
export class EBoxMessage {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: "enterprise_id", type: "int" })
  enterpriseId: number;

  @Column({ type: "varchar", length: 200 })
  subject: string;

  @Column({ type: "text" })
  body: string;

  @Column({ name: "sent_at", type: "datetime" })
  sentAt: Date;

  @Column({ name: "read_at", type: "datetime", nullable: true })
  readAt: Date | null;
}
