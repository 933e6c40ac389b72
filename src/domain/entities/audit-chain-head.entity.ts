import { Column, Entity, PrimaryColumn } from "typeorm";

/**
 * The last hash of each audit chain (src/audit/chain.ts). Its row is what writers of one chain lock to take turns, and
 * it lets `audit:verify` notice events deleted from a chain's end, which no later link would tell. Not exposed.
 */
@Entity("audit_chain_head")
export class AuditChainHead {
  /** `enterprise:ID`, or `none` for the events outside any enterprise. */
  @PrimaryColumn({ type: "varchar", length: 32 })
  chain: string;

  @Column({ name: "last_hash", type: "varchar", length: 64, nullable: true })
  lastHash: string | null;
}
