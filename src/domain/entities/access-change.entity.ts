import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

/** What kind of row an entry of the access change log is about (src/database/access-changes.ts). */
export const deltaLogKinds = ["ENTERPRISE", "ROLE_ASSIGNMENT", "MANDATE", "CAPACITY", "EBOX", "ACCESS_REQUEST"] as const;
export type DeltaLogKind = (typeof deltaLogKinds)[number];

/**
 * One committed write of a row shown in an access delta, appended by database triggers in the writer's transaction
 * (src/database/access-changes.ts): the log `accessDelta` reads its changes from. Never updated; pruned past the
 * retention.
 */
@Entity("access_change")
export class AccessChange {
  /** The log position: grows with every entry (see access-changes.ts for what it guarantees about commit order). */
  @PrimaryGeneratedColumn({ type: "bigint" })
  id: string;

  @Column({ type: "varchar", length: 24 })
  kind: DeltaLogKind;

  /** The id of the row in the table of its kind (of the assignment, for a change of its online services). */
  @Column({ name: "row_id", type: "bigint" })
  rowId: string;

  /** The enterprise the row belongs to (a mandate's client); 0 for an entry filed by person (`personId`). */
  @Column({ name: "enterprise_id", type: "int" })
  enterpriseId: number;

  /**
   * The one person an entry is shown to (an access request's requester), whatever enterprise it names: a request's
   * enterprise may not exist, or be out of its requester's sight. Null for the entries filed by enterprise.
   */
  @Column({ name: "person_id", type: "int", nullable: true })
  personId: number | null;

  /** A mandate's provider; null for the other kinds. */
  @Column({ name: "other_enterprise_id", type: "int", nullable: true })
  otherEnterpriseId: number | null;

  @Column({ type: "varchar", length: 6 })
  operation: "INSERT" | "UPDATE" | "DELETE";

  /** The database's clock when the writing statement ran (UTC). */
  @Column({ name: "changed_at", type: "datetime" })
  changedAt: Date;
}
