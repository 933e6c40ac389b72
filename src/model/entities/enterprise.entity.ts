import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export const enterpriseStatuses = ["REGISTERED", "PENDING_ACTIVATION", "ACTIVE", "ACCESS_DELETED"] as const;
export type EnterpriseStatus = (typeof enterpriseStatuses)[number];

@Entity("enterprise")
export class Enterprise {
  @PrimaryGeneratedColumn()
  id: number;

  /** Ten digits, no separators. */
  @Column({ type: "varchar", length: 10, unique: true })
  number: string;

  @Column({ type: "varchar", length: 200 })
  name: string;

  @Column({ type: "varchar", length: 24 })
  status: EnterpriseStatus;

  @Column({ name: "default_capacity", type: "varchar", length: 40 })
  defaultCapacity: string;

  @Column({ name: "created_at", type: "datetime" })
  createdAt: Date;

  @Column({ name: "updated_at", type: "datetime" })
  updatedAt: Date;
}
