import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export const languages = ["NL", "FR", "DE", "EN"] as const;
export type Language = (typeof languages)[number];
/** The portal's language for a person who has not chosen one. */
export const defaultLanguage: Language = "NL";

@Entity("person")
export class Person {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "varchar", length: 11, unique: true })
  ssin: string;

  /** Empty until known: a person first seen through a token without name claims (SPEC rule 6). */
  @Column({ name: "given_name", type: "varchar", length: 100, default: "" })
  givenName: string;

  @Column({ name: "family_name", type: "varchar", length: 100, default: "" })
  familyName: string;

  @Column({ type: "varchar", length: 254, nullable: true })
  email: string | null;

  @Column({ type: "varchar", length: 32, nullable: true })
  phone: string | null;

  @Column({ type: "varchar", length: 2, default: "NL" })
  language: Language;

  @Column({ name: "created_at", type: "datetime" })
  createdAt: Date;
}
