import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { Role } from "../roles";
import { RoleEnum } from "../enums";
import { DateTimeScalar, type DateTime } from "../scalars";
import { Node } from "../node.type";

/**
 * A role held by a person in an enterprise (and, for ACCESS_MANAGER and USER, in one capacity).
 * Ending an assignment sets `endedAt` and clears both keys; rows are never deleted.
 * `activeKey` is unique while the assignment is current, so the database refuses a duplicate assignment;
 * `exclusiveKey` is set only on the current main access manager, so it refuses a second one, even under concurrent
 * requests. `automatic` marks the ACCESS_MANAGER profiles held because one is main access manager: they end when the
 * main access manager is replaced, while profiles appointed separately stay. Not exposed in GraphQL.
 */
@Entity("role_assignment")
@ObjectType({
  implements: Node,
  description:
    "A current role of a person in an enterprise (and, for ACCESS_MANAGER and USER, in one capacity). Ended assignments live on in the audit trail.",
  simpleResolvers: true,
})
export class RoleAssignment {
  @Field(() => ID, { description: "The assignment's id: pass it to revokeAccessManager, setUserOnlineServices or removeUser." })
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: "person_id", type: "int" })
  personId: number;

  @Column({ name: "enterprise_id", type: "int" })
  enterpriseId: number;

  @Field(() => RoleEnum, { description: "The role held." })
  @Column({ type: "varchar", length: 24 })
  role: Role;

  @Column({ name: "capacity_code", type: "varchar", length: 40, nullable: true })
  capacityCode: string | null;

  @Column({ name: "granted_by_id", type: "int", nullable: true })
  grantedById: number | null;

  @Field(() => DateTimeScalar, { description: "When the role was granted." })
  @Column({ name: "granted_at", type: "datetime" })
  grantedAt: DateTime;

  @Column({ name: "ended_at", type: "datetime", nullable: true })
  endedAt: DateTime | null;

  @Column({ name: "ended_by_id", type: "int", nullable: true })
  endedById: number | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "When the role expires: from that instant on it counts as ended everywhere. Null: it lasts until revoked.",
  })
  @Column({ name: "valid_until", type: "datetime", nullable: true })
  validUntil: DateTime | null;

  @Column({ name: "active_key", type: "varchar", length: 120, nullable: true })
  activeKey: string | null;

  @Column({ name: "exclusive_key", type: "varchar", length: 120, nullable: true })
  exclusiveKey: string | null;

  @Column({ type: "boolean", default: false })
  automatic: boolean;

  /**
   * Set on an assignment read as of a past instant (src/read/history-loaders.ts): the online services a USER held
   * then, which its `onlineServices` shows instead of today's. Not a column.
   */
  servicesAsOf?: readonly string[];
}

/** An online service granted to a USER assignment. */
@Entity("role_assignment_online_service")
export class RoleAssignmentOnlineService {
  @Column({ name: "assignment_id", type: "int", primary: true })
  assignmentId: number;

  @Column({ name: "online_service_code", type: "varchar", length: 40, primary: true })
  onlineServiceCode: string;
}

export function assignmentActiveKey(a: Pick<RoleAssignment, "enterpriseId" | "role" | "capacityCode" | "personId">): string {
  return `${a.enterpriseId}:${a.role}:${a.capacityCode ?? "*"}:${a.personId}`;
}

export function assignmentExclusiveKey(a: Pick<RoleAssignment, "enterpriseId" | "role">): string | null {
  return a.role === "MAIN_ACCESS_MANAGER" ? `${a.enterpriseId}:MAIN_ACCESS_MANAGER` : null;
}
