import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { capacityStatuses, type CapacityStatus } from "../states";
import type { DateTime } from "../scalars";

export { capacityStatuses, type CapacityStatus };

/** A capacity of the catalog activated for an enterprise; one row per (enterprise, capacity), unique in the database. */
@Entity("enterprise_capacity")
export class EnterpriseCapacity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: "enterprise_id", type: "int" })
  enterpriseId: number;

  @Column({ name: "capacity_code", type: "varchar", length: 40 })
  capacityCode: string;

  @Column({ type: "varchar", length: 16 })
  status: CapacityStatus;

  @Column({ name: "activated_at", type: "datetime", nullable: true })
  activatedAt: DateTime | null;

  @Column({ name: "activated_by_id", type: "int", nullable: true })
  activatedById: number | null;
}
