import { type MigrationInterface, type QueryRunner, Table, TableIndex, type TableColumnOptions } from "typeorm";

interface EnterpriseRow {
  id: number | string;
  status: string;
  created_at: string | Date;
  updated_at: string | Date;
}

interface EventRow {
  enterprise_id: number | string;
  at: string | Date;
  action: string;
  details: string;
}

/** A stored date-time as a Date: SQLite keeps UTC text ("YYYY-MM-DD HH:MM:SS.SSS"), mysql2 (timezone Z) a Date already. */
function storedDate(value: string | Date): Date {
  return value instanceof Date ? value : new Date(`${value.replace(" ", "T")}${/Z$|[+-]\d\d:?\d\d$/.test(value) ? "" : "Z"}`);
}

/** The same text for both dialects: TypeORM stores SQLite date-times as UTC text, and the MariaDB sessions run in UTC. */
const sqlDate = (date: Date) => date.toISOString().replace("T", " ").replace("Z", "");

type Span = { from: Date; to: Date | null };
type Details = { mutation?: string; before?: Record<string, unknown> | null; after?: Record<string, unknown> | null };

const later = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);
const stringList = (value: unknown): string[] | null => (Array.isArray(value) && value.every((v) => typeof v === "string") ? value : null);
const pageSize = 200;
const enterpriseStatusActions = new Set(["APPOINT_MAIN_ACCESS_MANAGER", "ACTIVATE_ENTERPRISE_ACCOUNT", "DELETE_ENTERPRISE_ACCESS"]);

/** The open spans of a state, by key, and the closed ones: replayed in order, then written. */
class SpanReplay {
  readonly closed: (Span & { key: string })[] = [];
  readonly open = new Map<string, Date>();

  /** Opens the span of `key` at `at` (never before its previous span ended), unless it is open already. */
  begin(key: string, at: Date): void {
    if (this.open.has(key)) return;
    const previous = this.closed.filter((s) => s.key === key).at(-1);
    this.open.set(key, previous?.to ? later(at, previous.to) : at);
  }

  end(key: string, at: Date): void {
    const from = this.open.get(key);
    if (from === undefined) return;
    this.closed.push({ key, from, to: later(at, from) });
    this.open.delete(key);
  }

  endAll(at: Date): void {
    for (const key of [...this.open.keys()]) this.end(key, at);
  }

  spans(): (Span & { key: string })[] {
    return [...this.closed, ...[...this.open].map(([key, from]) => ({ key, from, to: null }))];
  }
}

/**
 * The history tables of point-in-time answers (src/domain/entities/history.entity.ts), back-filled
 * from what the database already holds, so that `asOf` answers for the past before this migration too.
 *
 * Role assignments and mandates need nothing: their rows stay, with granted_at/starts_at and ended_at. The rest is
 * replayed per enterprise from its audit events, which every management action wrote in the transaction of its change,
 * with the very instant it recorded:
 * - status: REGISTERED from `created_at`, then each event's `after.status` (appointMainAccessManager,
 *   activateEnterpriseAccount, deleteEnterpriseAccess) from its instant;
 * - capacities: active from activateCapacity (`after.capacity`) and activateEnterpriseAccount
 *   (`after.activatedCapacity`), all inactive from deleteEnterpriseAccess;
 * - e-Box: active from activateEBox, inactive from deleteEnterpriseAccess;
 * - online services of each USER assignment: addUser's `after.onlineServices` from `granted_at`, then each
 *   setUserOnlineServices's `after.onlineServices` from its instant.
 *
 * What cannot be reconstructed: a state the audit trail does not explain (rows changed outside the gateway, or an
 * enterprise whose events are missing). The replay then ends where the table's own row says the present began:
 * status from `updated_at`, a capacity or the e-Box from its `activated_at`; services (no instant of their own) and
 * anything still unexplained from the instant of this migration. Before an enterprise's `created_at` nothing is
 * known: `asOf` refuses such instants (BAD_USER_INPUT, naming where the records begin).
 */
export class PointInTimeHistory1764300000007 implements MigrationInterface {
  name = "PointInTimeHistory1764300000007";

  async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.connection.options.type === "better-sqlite3";
    const id = (): TableColumnOptions =>
      sqlite
        ? { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" }
        : { name: "id", type: "int", isPrimary: true, isGenerated: true, generationStrategy: "increment" };
    const time = (name: string, nullable = false): TableColumnOptions =>
      sqlite ? { name, type: "datetime", isNullable: nullable } : { name, type: "datetime", precision: 3, isNullable: nullable };
    const span = [time("valid_from"), time("valid_to", true)];
    const tables: [string, TableColumnOptions[], string][] = [
      [
        "enterprise_status_history",
        [
          { name: "enterprise_id", type: "int" },
          { name: "status", type: "varchar", length: "24" },
        ],
        "enterprise_id",
      ],
      [
        "enterprise_capacity_history",
        [
          { name: "enterprise_id", type: "int" },
          { name: "capacity_code", type: "varchar", length: "40" },
        ],
        "enterprise_id",
      ],
      ["ebox_history", [{ name: "enterprise_id", type: "int" }], "enterprise_id"],
      [
        "role_assignment_online_service_history",
        [
          { name: "assignment_id", type: "int" },
          { name: "online_service_code", type: "varchar", length: "40" },
        ],
        "assignment_id",
      ],
    ];
    for (const [name, columns, key] of tables) {
      await queryRunner.createTable(new Table({ name, columns: [id(), ...columns, ...span] }));
      await queryRunner.createIndex(name, new TableIndex({ name: `ix_${name}_${key}`, columnNames: [key, "valid_from"] }));
    }
    const migrated = new Date();
    for (let after = 0; ;) {
      const enterprises: EnterpriseRow[] = await queryRunner.query(
        `SELECT id, status, created_at, updated_at FROM enterprise WHERE id > ? ORDER BY id LIMIT ${pageSize}`,
        [after],
      );
      if (enterprises.length === 0) break;
      await this.backFill(queryRunner, enterprises, migrated);
      if (enterprises.length < pageSize) break;
      after = Number(enterprises[enterprises.length - 1].id);
    }
  }

  /** Replays the audit events of a page of enterprises into their history rows. */
  private async backFill(queryRunner: QueryRunner, enterprises: EnterpriseRow[], migrated: Date): Promise<void> {
    const ids = enterprises.map((e) => Number(e.id));
    const marks = ids.map(() => "?").join(", ");
    const events: EventRow[] = await queryRunner.query(
      `SELECT enterprise_id, at, action, details FROM audit_event
       WHERE enterprise_id IN (${marks}) AND action IN ('APPOINT_MAIN_ACCESS_MANAGER', 'ACTIVATE_ENTERPRISE_ACCOUNT', 'DELETE_ENTERPRISE_ACCESS', 'ACTIVATE_CAPACITY', 'ACTIVATE_EBOX', 'MANAGE_USERS')
       ORDER BY id`,
      ids,
    );
    const capacityRows: { enterprise_id: number | string; capacity_code: string; status: string; activated_at: string | Date | null }[] =
      await queryRunner.query(
        `SELECT enterprise_id, capacity_code, status, activated_at FROM enterprise_capacity WHERE enterprise_id IN (${marks})`,
        ids,
      );
    const eBoxRows: { enterprise_id: number | string; status: string; activated_at: string | Date | null }[] = await queryRunner.query(
      `SELECT enterprise_id, status, activated_at FROM ebox WHERE enterprise_id IN (${marks})`,
      ids,
    );
    const users: { id: number | string; enterprise_id: number | string; granted_at: string | Date }[] = await queryRunner.query(
      `SELECT id, enterprise_id, granted_at FROM role_assignment WHERE role = 'USER' AND enterprise_id IN (${marks}) ORDER BY id`,
      ids,
    );
    const userIds = users.map((u) => Number(u.id));
    const granted: { assignment_id: number | string; online_service_code: string }[] = userIds.length
      ? await queryRunner.query(
          `SELECT assignment_id, online_service_code FROM role_assignment_online_service WHERE assignment_id IN (${userIds.map(() => "?").join(", ")})`,
          userIds,
        )
      : [];

    const parsed = events.map((e) => ({
      enterpriseId: Number(e.enterprise_id),
      at: storedDate(e.at),
      action: e.action,
      details: JSON.parse(e.details) as Details,
    }));
    const statusRows: unknown[][] = [];
    const capacitySpans: unknown[][] = [];
    const eBoxSpans: unknown[][] = [];
    const serviceSpans: unknown[][] = [];

    for (const enterprise of enterprises) {
      const enterpriseId = Number(enterprise.id);
      const own = parsed.filter((e) => e.enterpriseId === enterpriseId);
      const status = new SpanReplay();
      const capacities = new SpanReplay();
      const eBox = new SpanReplay();
      let current = "REGISTERED";
      status.begin(current, storedDate(enterprise.created_at));
      for (const { at, action, details } of own) {
        // Only these three change the enterprise's status; other events' `status` is a capacity's or the e-Box's.
        const next = enterpriseStatusActions.has(action) ? details.after?.status : undefined;
        if (typeof next === "string" && next !== current) {
          status.end(current, at);
          status.begin((current = next), at);
        }
        if (action === "ACTIVATE_CAPACITY" && typeof details.after?.capacity === "string") capacities.begin(details.after.capacity, at);
        if (action === "ACTIVATE_ENTERPRISE_ACCOUNT" && typeof details.after?.activatedCapacity === "string")
          capacities.begin(details.after.activatedCapacity, at);
        if (action === "ACTIVATE_EBOX") eBox.begin("e-Box", at);
        if (action === "DELETE_ENTERPRISE_ACCESS") {
          capacities.endAll(at);
          eBox.endAll(at);
        }
      }
      if (current !== enterprise.status) {
        const since = later(storedDate(enterprise.updated_at), status.open.get(current)!);
        status.end(current, since);
        status.begin(enterprise.status, since);
      }
      const activeNow = capacityRows.filter((c) => Number(c.enterprise_id) === enterpriseId && c.status === "ACTIVE");
      for (const code of [...capacities.open.keys()]) if (!activeNow.some((c) => c.capacity_code === code)) capacities.end(code, migrated);
      for (const c of activeNow) capacities.begin(c.capacity_code, c.activated_at ? storedDate(c.activated_at) : migrated);
      const box = eBoxRows.find((b) => Number(b.enterprise_id) === enterpriseId);
      if (box?.status === "ACTIVE") eBox.begin("e-Box", box.activated_at ? storedDate(box.activated_at) : migrated);
      else eBox.endAll(migrated);

      for (const s of status.spans()) statusRows.push([enterpriseId, s.key, sqlDate(s.from), s.to && sqlDate(s.to)]);
      for (const s of capacities.spans()) capacitySpans.push([enterpriseId, s.key, sqlDate(s.from), s.to && sqlDate(s.to)]);
      for (const s of eBox.spans()) eBoxSpans.push([enterpriseId, sqlDate(s.from), s.to && sqlDate(s.to)]);

      for (const user of users.filter((u) => Number(u.enterprise_id) === enterpriseId)) {
        const assignmentId = Number(user.id);
        const changes = own.filter((e) => e.action === "MANAGE_USERS" && Number(e.details.after?.id) === assignmentId);
        const added = changes.find((e) => e.details.mutation === "addUser");
        const firstSet = changes.find((e) => e.details.mutation === "setUserOnlineServices");
        const now = granted.filter((g) => Number(g.assignment_id) === assignmentId).map((g) => g.online_service_code);
        const services = new SpanReplay();
        const set = (codes: readonly string[], at: Date) => {
          for (const code of [...services.open.keys()]) if (!codes.includes(code)) services.end(code, at);
          for (const code of codes) services.begin(code, at);
        };
        set(
          stringList(added?.details.after?.onlineServices) ?? stringList(firstSet?.details.before?.onlineServices) ?? now,
          storedDate(user.granted_at),
        );
        for (const e of changes)
          if (e.details.mutation === "setUserOnlineServices") set(stringList(e.details.after?.onlineServices) ?? [], e.at);
        const replayed = [...services.open.keys()];
        if (replayed.length !== now.length || replayed.some((code) => !now.includes(code))) set(now, migrated);
        for (const s of services.spans()) serviceSpans.push([assignmentId, s.key, sqlDate(s.from), s.to && sqlDate(s.to)]);
      }
    }
    await insertRows(queryRunner, "enterprise_status_history", ["enterprise_id", "status", "valid_from", "valid_to"], statusRows);
    await insertRows(
      queryRunner,
      "enterprise_capacity_history",
      ["enterprise_id", "capacity_code", "valid_from", "valid_to"],
      capacitySpans,
    );
    await insertRows(queryRunner, "ebox_history", ["enterprise_id", "valid_from", "valid_to"], eBoxSpans);
    await insertRows(
      queryRunner,
      "role_assignment_online_service_history",
      ["assignment_id", "online_service_code", "valid_from", "valid_to"],
      serviceSpans,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const name of [
      "role_assignment_online_service_history",
      "ebox_history",
      "enterprise_capacity_history",
      "enterprise_status_history",
    ])
      await queryRunner.dropTable(name);
  }
}

/** Multi-row inserts of at most 200 rows each. */
async function insertRows(queryRunner: QueryRunner, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200);
    const marks = chunk.map(() => `(${columns.map(() => "?").join(", ")})`).join(", ");
    await queryRunner.query(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${marks}`, chunk.flat());
  }
}
