import { Column, Entity, PrimaryColumn } from "typeorm";

/** A catalog entry: a stable code, its place in the catalog, and its name in every contract language. */
abstract class NamedCatalogRow {
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

@Entity("capacity")
export class CapacityRow extends NamedCatalogRow {}

@Entity("online_service")
export class OnlineServiceRow extends NamedCatalogRow {}

@Entity("capacity_online_service")
export class CapacityOnlineServiceRow {
  @PrimaryColumn({ name: "capacity_code", type: "varchar", length: 40 })
  capacityCode: string;

  @PrimaryColumn({ name: "online_service_code", type: "varchar", length: 40 })
  onlineServiceCode: string;
}
