import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { EnterpriseStatus } from "../states";

/**
 * The history the decision needs to answer as of a past instant where the current tables keep
 * only the present: each row is a span `[validFrom, validTo)` during which a state held; `validTo` is null while it
 * still holds. Written in the transaction of the action (or register import) that changes the state, through
 * src/domain/history.ts; read through src/read/history-loaders.ts. Role assignments and mandates need no table of
 * their own: their rows stay, with granted_at/starts_at and ended_at. Not exposed in GraphQL.
 */
abstract class Span {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: "valid_from", type: "datetime" })
  validFrom: Date;

  @Column({ name: "valid_to", type: "datetime", nullable: true })
  validTo: Date | null;
}

/** The enterprise's status (REGISTERED, PENDING_ACTIVATION, ACTIVE, ACCESS_DELETED) over time, from its registration on. */
@Entity("enterprise_status_history")
export class EnterpriseStatusSpan extends Span {
  @Column({ name: "enterprise_id", type: "int" })
  enterpriseId: number;

  @Column({ type: "varchar", length: 24 })
  status: EnterpriseStatus;
}

/** When a capacity was active for an enterprise: one row per activation, closed when the capacity stops being active. */
@Entity("enterprise_capacity_history")
export class CapacityActiveSpan extends Span {
  @Column({ name: "enterprise_id", type: "int" })
  enterpriseId: number;

  @Column({ name: "capacity_code", type: "varchar", length: 40 })
  capacityCode: string;
}

/** When the enterprise's e-Box was active: one row per activation. */
@Entity("ebox_history")
export class EBoxActiveSpan extends Span {
  @Column({ name: "enterprise_id", type: "int" })
  enterpriseId: number;
}

/** When an online service was granted to a USER assignment (addUser, setUserOnlineServices change them in place). */
@Entity("role_assignment_online_service_history")
export class OnlineServiceGrantSpan extends Span {
  @Column({ name: "assignment_id", type: "int" })
  assignmentId: number;

  @Column({ name: "online_service_code", type: "varchar", length: 40 })
  onlineServiceCode: string;
}
