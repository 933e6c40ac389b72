import { type MigrationInterface, type QueryRunner, TableColumn } from "typeorm";

/** The audit action of the events this migration writes (see AuditAction in src/management/action.ts). */
export const endFormerMainAccessManagerProfiles = "END_FORMER_MAIN_ACCESS_MANAGER_PROFILES";

interface ProfileRow {
  id: number;
  person_id: number;
  enterprise_id: number;
  capacity_code: string | null;
}

/**
 * The ACCESS_MANAGER profiles a main access manager holds because of that function belong to the function: they end
 * when that person is replaced. Until now nothing told those automatic profiles from ones appointed separately, and
 * replacement left them in place. This adds `role_assignment.automatic`, marks the existing automatic profiles as well
 * as the data allows, and ends those still held by people who are no longer main access manager, with one audit event
 * (actor null) per enterprise it changes.
 *
 * Inference: a profile is automatic when its holder granted it to themself while they were main access manager of
 * that enterprise. Only a main access manager may appoint access managers, and a main access manager always had
 * every active capacity's profile already, so a self-granted profile in that period can only be automatic.
 */
export class AutomaticAccessManagerProfiles1764300000002 implements MigrationInterface {
  name = "AutomaticAccessManagerProfiles1764300000002";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      "role_assignment",
      new TableColumn({ name: "automatic", type: "boolean", isNullable: false, default: "0" }),
    );

    // Ids first, then UPDATE by id: MariaDB refuses an UPDATE whose subquery reads the table being updated.
    const automatic: { id: number }[] = await queryRunner.query(
      `SELECT p.id AS id FROM role_assignment p
       WHERE p.role = 'ACCESS_MANAGER' AND p.granted_by_id = p.person_id
         AND EXISTS (SELECT 1 FROM role_assignment m
                     WHERE m.role = 'MAIN_ACCESS_MANAGER' AND m.enterprise_id = p.enterprise_id AND m.person_id = p.person_id
                       AND m.granted_at <= p.granted_at AND (m.ended_at IS NULL OR m.ended_at >= p.granted_at))
       ORDER BY p.id`,
    );
    for (const ids of chunks(automatic.map((r) => Number(r.id)))) {
      await queryRunner.query(`UPDATE role_assignment SET automatic = 1 WHERE id IN (${ids.map(() => "?").join(", ")})`, ids);
    }

    const stale: ProfileRow[] = await queryRunner.query(
      `SELECT p.id AS id, p.person_id AS person_id, p.enterprise_id AS enterprise_id, p.capacity_code AS capacity_code FROM role_assignment p
       WHERE p.automatic = 1 AND p.ended_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM role_assignment m
                         WHERE m.role = 'MAIN_ACCESS_MANAGER' AND m.ended_at IS NULL AND m.enterprise_id = p.enterprise_id AND m.person_id = p.person_id)
       ORDER BY p.enterprise_id, p.id`,
    );
    // The same text for both dialects: TypeORM stores SQLite date-times as UTC text, and the MariaDB sessions run in UTC.
    const now = new Date().toISOString().replace("T", " ").replace("Z", "");
    const byEnterprise = new Map<number, ProfileRow[]>();
    for (const row of stale) {
      const enterpriseId = Number(row.enterprise_id);
      byEnterprise.set(enterpriseId, [...(byEnterprise.get(enterpriseId) ?? []), row]);
    }
    for (const [enterpriseId, profiles] of byEnterprise) {
      const ids = profiles.map((p) => Number(p.id));
      await queryRunner.query(
        `UPDATE role_assignment SET ended_at = ?, ended_by_id = NULL, active_key = NULL, exclusive_key = NULL WHERE ended_at IS NULL AND id IN (${ids.map(() => "?").join(", ")})`,
        [now, ...ids],
      );
      const summary = (p: ProfileRow, endedAt: string | null) => ({
        id: Number(p.id),
        personId: Number(p.person_id),
        role: "ACCESS_MANAGER",
        capacity: p.capacity_code,
        automatic: true,
        endedAt,
      });
      const details = {
        migration: this.name,
        // The text every database that ran this migration holds: kept as written, although it names a document outside the repository.
        reason: "Automatic access manager profiles of a former main access manager (SPEC rule 2)",
        before: { accessManagerProfiles: profiles.map((p) => summary(p, null)) },
        after: { accessManagerProfiles: profiles.map((p) => summary(p, `${now.replace(" ", "T")}Z`)) },
      };
      await queryRunner.query(
        "INSERT INTO audit_event (at, actor_id, action, enterprise_id, request_id, details) VALUES (?, NULL, ?, ?, NULL, ?)",
        [now, endFormerMainAccessManagerProfiles, enterpriseId, JSON.stringify(details)],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The ended profiles stay ended: their end is history, told by the audit trail.
    await queryRunner.dropColumn("role_assignment", "automatic");
  }
}

function chunks(ids: readonly number[], size = 500): number[][] {
  const result: number[][] = [];
  for (let i = 0; i < ids.length; i += size) result.push(ids.slice(i, i + size));
  return result;
}
