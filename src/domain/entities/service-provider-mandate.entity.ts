import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { MandateStatusEnum } from "../enums";
import { DateTimeScalar, type DateTime } from "../scalars";
import { mandateStatuses, type MandateStatus } from "../states";
import { Node } from "../node.type";

export { mandateStatuses, type MandateStatus };

/** `activeKey` ("client:capacity") is unique while the mandate is active: one active mandate per (client, capacity). */
@Entity("service_provider_mandate")
@ObjectType({
  implements: Node,
  description:
    "A mandate by which a client enterprise lets a service provider (a payroll bureau, a social secretariat) act for it in one capacity.",
  simpleResolvers: true,
})
export class ServiceProviderMandate {
  @Field(() => ID, { description: "The mandate's id: pass it to endServiceProviderMandate." })
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: "client_id", type: "int" })
  clientId: number;

  @Column({ name: "provider_id", type: "int" })
  providerId: number;

  @Column({ name: "capacity_code", type: "varchar", length: 40 })
  capacityCode: string;

  @Field(() => MandateStatusEnum, { description: "Whether the mandate is in force." })
  @Column({ type: "varchar", length: 8 })
  status: MandateStatus;

  @Column({ name: "appointed_by_id", type: "int" })
  appointedById: number;

  @Field(() => DateTimeScalar, { description: "When the mandate took effect." })
  @Column({ name: "starts_at", type: "datetime" })
  startsAt: DateTime;

  @Field(() => DateTimeScalar, { nullable: true, description: "When the mandate ended; null while it is in force." })
  @Column({ name: "ended_at", type: "datetime", nullable: true })
  endedAt: DateTime | null;

  @Column({ name: "ended_by_id", type: "int", nullable: true })
  endedById: number | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      "When the mandate expires: from that instant on it counts as ended (status ENDED, endedAt this instant). Null: it lasts until ended.",
  })
  @Column({ name: "valid_until", type: "datetime", nullable: true })
  validUntil: DateTime | null;

  @Column({ name: "active_key", type: "varchar", length: 120, nullable: true })
  activeKey: string | null;
}

export function mandateActiveKey(m: Pick<ServiceProviderMandate, "clientId" | "capacityCode">): string {
  return `${m.clientId}:${m.capacityCode}`;
}
