import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity("audit_event")
export class AuditEvent {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "datetime" })
  at: Date;

  @Column({ name: "actor_id", type: "int", nullable: true })
  actorId: number | null;

  @Column({ type: "varchar", length: 64 })
  action: string;

  @Column({ name: "enterprise_id", type: "int", nullable: true })
  enterpriseId: number | null;

  @Column({ name: "request_id", type: "varchar", length: 64, nullable: true })
  requestId: string | null;

  /** A JSON object: { before, after } of what changed. */
  @Column({ type: "text" })
  details: string;
}
