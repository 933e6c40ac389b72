import { type MigrationInterface, type QueryRunner, Table, TableColumn } from "typeorm";
import { auditEventHash, chainOf } from "../../audit/chain";

interface EventRow {
  id: number | string;
  at: string | Date;
  actor_id: number | string | null;
  action: string;
  enterprise_id: number | string | null;
  request_id: string | null;
  details: string;
}

const pageSize = 1000;

/** A stored date-time as a Date: SQLite keeps UTC text ("YYYY-MM-DD HH:MM:SS.SSS"), mysql2 (timezone Z) a Date already. */
function storedDate(value: string | Date): Date {
  return value instanceof Date ? value : new Date(`${value.replace(" ", "T")}${/Z$|[+-]\d\d:?\d\d$/.test(value) ? "" : "Z"}`);
}

const nullableNumber = (value: number | string | null) => (value === null ? null : Number(value));

/**
 * Audit events become a hash chain per enterprise (src/audit/chain.ts). Adds `hash` and
 * `previous_hash`, hashes the events already there in id order (those of the register import and of migration
 * 1764300000002 included), then makes `hash` required and records each chain's head. Reads in pages by id, so a
 * large trail is back-filled in bounded memory (one last hash per chain).
 */
export class AuditChain1764300000004 implements MigrationInterface {
  name = "AuditChain1764300000004";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns("audit_event", [
      new TableColumn({ name: "hash", type: "varchar", length: "64", isNullable: true }),
      new TableColumn({ name: "previous_hash", type: "varchar", length: "64", isNullable: true }),
    ]);
    await queryRunner.createTable(
      new Table({
        name: "audit_chain_head",
        columns: [
          { name: "chain", type: "varchar", length: "32", isPrimary: true },
          { name: "last_hash", type: "varchar", length: "64", isNullable: true },
        ],
      }),
    );
    const heads = new Map<string, string>();
    for (let after = 0; ;) {
      const rows: EventRow[] = await queryRunner.query(
        `SELECT id, at, actor_id, action, enterprise_id, request_id, details FROM audit_event WHERE id > ? ORDER BY id LIMIT ${pageSize}`,
        [after],
      );
      for (const row of rows) {
        const enterpriseId = nullableNumber(row.enterprise_id);
        const chain = chainOf(enterpriseId);
        const previousHash = heads.get(chain) ?? null;
        const hash = auditEventHash(
          {
            enterpriseId,
            at: storedDate(row.at),
            actorId: nullableNumber(row.actor_id),
            action: row.action,
            requestId: row.request_id,
            details: row.details,
          },
          previousHash,
        );
        await queryRunner.query("UPDATE audit_event SET hash = ?, previous_hash = ? WHERE id = ?", [hash, previousHash, Number(row.id)]);
        heads.set(chain, hash);
      }
      if (rows.length < pageSize) break;
      after = Number(rows[rows.length - 1].id);
    }
    for (const [chain, lastHash] of heads)
      await queryRunner.query("INSERT INTO audit_chain_head (chain, last_hash) VALUES (?, ?)", [chain, lastHash]);
    await queryRunner.changeColumn(
      "audit_event",
      "hash",
      new TableColumn({ name: "hash", type: "varchar", length: "64", isNullable: false }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("audit_chain_head");
    await queryRunner.dropColumns("audit_event", ["previous_hash", "hash"]);
  }
}
