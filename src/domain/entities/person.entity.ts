import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { SsinScalar, type DateTime } from "../scalars";
import { languages, type Language } from "../states";
import { Node } from "../node.type";

export { languages, type Language };
/** The portal's language for a person who has not chosen one. */
export const defaultLanguage: Language = "NL";

/**
 * Table and type are one thing: ssin and names are exposed as stored; e-mail, phone and language are the owner's alone
 * (null to anyone else), so they are field resolvers of PersonResolver that ask the access layer, not plain fields.
 */
@Entity("person")
@ObjectType({
  implements: Node,
  description: "A person known by their national number: a legal representative, a manager or a user of one or more enterprises.",
  simpleResolvers: true,
})
export class Person {
  @Field(() => ID, { description: "The person's id in this API." })
  @PrimaryGeneratedColumn()
  id: number;

  @Field(() => SsinScalar, { description: "The person's national number (INSZ/NISS), 11 digits." })
  @Column({ type: "varchar", length: 11, unique: true })
  ssin: string;

  /** Empty until known: a person first seen through a token without name claims; an appointment fills them. */
  @Field(() => String, { description: "The given name; empty until known (a person first seen through a token without name claims)." })
  @Column({ name: "given_name", type: "varchar", length: 100, default: "" })
  givenName: string;

  @Field(() => String, { description: "The family name; empty until known." })
  @Column({ name: "family_name", type: "varchar", length: 100, default: "" })
  familyName: string;

  /**
   * The names folded for prefix search (src/domain/search-key.ts), kept by the subscriber of search-keys.subscriber.ts
   * on every insert and update that writes a name. Not exposed.
   */
  @Column({ name: "family_key", type: "varchar", length: 200, default: "" })
  familyKey: string;

  @Column({ name: "given_key", type: "varchar", length: 200, default: "" })
  givenKey: string;

  @Column({ type: "varchar", length: 254, nullable: true })
  email: string | null;

  @Column({ type: "varchar", length: 32, nullable: true })
  phone: string | null;

  @Column({ type: "varchar", length: 2, default: "NL" })
  language: Language;

  @Column({ name: "created_at", type: "datetime" })
  createdAt: DateTime;
}
