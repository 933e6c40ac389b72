import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export const channels = ["SFTP", "FTP", "SOAP", "REST"] as const;
export type Channel = (typeof channels)[number];

/** One row per (enterprise, capacity), unique; the sender number is assigned at the first configuration and kept. */
@Entity("structured_messaging_config")
export class StructuredMessagingConfig {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: "enterprise_id", type: "int" })
  enterpriseId: number;

  @Column({ name: "capacity_code", type: "varchar", length: 40 })
  capacityCode: string;

  @Column({ type: "varchar", length: 8 })
  channel: Channel;

  @Column({ name: "sender_number", type: "varchar", length: 16, nullable: true })
  senderNumber: string | null;

  @Column({ name: "technical_contact_email", type: "varchar", length: 254 })
  technicalContactEmail: string;

  @Column({ name: "configured_by_id", type: "int" })
  configuredById: number;

  @Column({ name: "configured_at", type: "datetime" })
  configuredAt: Date;

  /** Set when the enterprise's access is deleted; a later configuration reopens the row and keeps its sender number. */
  @Column({ name: "ended_at", type: "datetime", nullable: true })
  endedAt: Date | null;
}
