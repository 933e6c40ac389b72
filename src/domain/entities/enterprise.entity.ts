import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { EnterpriseStatusEnum } from "../enums";
import { EnterpriseNumberScalar, type DateTime } from "../scalars";
import { enterpriseStatuses, type EnterpriseStatus } from "../states";
import { Node } from "../node.type";

export { enterpriseStatuses, type EnterpriseStatus };

/**
 * Table and type are one thing here: the type exposes the register's facts, the rest (default capacity, timestamps)
 * stays in the table; everything else of an enterprise is resolved through its resolver class.
 */
@Entity("enterprise")
@ObjectType({
  implements: Node,
  description:
    "An enterprise known from the enterprise register (KBO/BCE), with the people, capacities and mandates of its access management.",
  simpleResolvers: true,
})
export class Enterprise {
  @Field(() => ID, { description: "The enterprise's id in this API; stable, but use `number` to name the enterprise to people." })
  @PrimaryGeneratedColumn()
  id: number;

  /** Ten digits, no separators. */
  @Field(() => EnterpriseNumberScalar, { description: "The enterprise number, formatted as 0123.456.749." })
  @Column({ type: "varchar", length: 10, unique: true })
  number: string;

  @Field(() => String, { description: "The enterprise's name as the register knows it." })
  @Column({ type: "varchar", length: 200 })
  name: string;

  /** The name folded for prefix search (src/domain/search-key.ts), kept by search-keys.subscriber.ts. Not exposed. */
  @Column({ name: "search_key", type: "varchar", length: 200, default: "" })
  searchKey: string;

  @Field(() => EnterpriseStatusEnum, { description: "Where the enterprise stands: most tasks need ACTIVE." })
  @Column({ type: "varchar", length: 24 })
  status: EnterpriseStatus;

  @Column({ name: "default_capacity", type: "varchar", length: 40 })
  defaultCapacity: string;

  @Column({ name: "created_at", type: "datetime" })
  createdAt: DateTime;

  @Column({ name: "updated_at", type: "datetime" })
  updatedAt: DateTime;

  /**
   * Moved by the database, in the transaction of every change of what is shown as part of the enterprise
   * (src/database/enterprise-versions.ts); never written by the application (`insert`/`update` false: a `save` of an
   * entity read earlier would otherwise write an older version back). Not exposed. A BIGINT on MySQL, which mysql2
   * answers as a string: read as a number (about 1.8e15, exact below 2^53). The read side reads it as null while the
   * versions are not trusted (trustedVersionSql).
   */
  @Column({
    type: "bigint",
    unsigned: true,
    default: 0,
    insert: false,
    update: false,
    transformer: {
      from: (value: unknown) => (value === null || value === undefined ? null : Number(value)),
      to: (value: unknown) => value,
    },
  })
  version: number | null;
}
