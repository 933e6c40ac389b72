import { Column, Entity, PrimaryColumn } from "typeorm";

@Entity("capacity")
export class CapacityRow {
  @PrimaryColumn({ type: "varchar", length: 40 })
  code: string;

  @Column({ type: "int" })
  position: number;

  @Column({ name: "name_nl", type: "varchar", length: 200 })
  nameNl: string;

  @Column({ name: "name_fr", type: "varchar", length: 200 })
  nameFr: string;

  @Column({ name: "name_de", type: "varchar", length: 200 })
  nameDe: string;

  @Column({ name: "name_en", type: "varchar", length: 200 })
  nameEn: string;
}

@Entity("online_service")
export class OnlineServiceRow {
  @PrimaryColumn({ type: "varchar", length: 40 })
  code: string;

  @Column({ type: "int" })
  position: number;

  @Column({ name: "name_nl", type: "varchar", length: 200 })
  nameNl: string;

  @Column({ name: "name_fr", type: "varchar", length: 200 })
  nameFr: string;

  @Column({ name: "name_de", type: "varchar", length: 200 })
  nameDe: string;

  @Column({ name: "name_en", type: "varchar", length: 200 })
  nameEn: string;
}

@Entity("capacity_online_service")
export class CapacityOnlineServiceRow {
  @PrimaryColumn({ name: "capacity_code", type: "varchar", length: 40 })
  capacityCode: string;

  @PrimaryColumn({ name: "online_service_code", type: "varchar", length: 40 })
  onlineServiceCode: string;
}
