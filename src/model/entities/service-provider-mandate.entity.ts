import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export type MandateStatus = "ACTIVE" | "ENDED";

/** `activeKey` ("client:capacity") is unique while the mandate is active: one active mandate per (client, capacity). */
@Entity("service_provider_mandate")
export class ServiceProviderMandate {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: "client_id", type: "int" })
  clientId: number;

  @Column({ name: "provider_id", type: "int" })
  providerId: number;

  @Column({ name: "capacity_code", type: "varchar", length: 40 })
  capacityCode: string;

  @Column({ type: "varchar", length: 8 })
  status: MandateStatus;

  @Column({ name: "appointed_by_id", type: "int" })
  appointedById: number;

  @Column({ name: "starts_at", type: "datetime" })
  startsAt: Date;

  @Column({ name: "ended_at", type: "datetime", nullable: true })
  endedAt: Date | null;

  @Column({ name: "ended_by_id", type: "int", nullable: true })
  endedById: number | null;

  @Column({ name: "active_key", type: "varchar", length: 120, nullable: true })
  activeKey: string | null;
}

export function mandateActiveKey(m: Pick<ServiceProviderMandate, "clientId" | "capacityCode">): string {
  return `${m.clientId}:${m.capacityCode}`;
}
