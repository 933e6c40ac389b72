import type { Statement } from "better-sqlite3";
import type { DataSource } from "typeorm";
import { requestReader, sqliteReadConnection, SqliteFileDataSource } from "../database/readers";
import { policies } from "../database/retry-policies";
import { runTransaction } from "../database/transaction";
import { Enterprise, Person, RoleAssignment } from "../domain/entities";
import { dialectOf } from "../database/dialect";
import { padded, placeholders, RowReader, type Row } from "../read/row-reader";
import type { Identity } from "./tokens";

const readers = new WeakMap<DataSource, RowReader>();

/**
 * The person behind a verified token, looked up on every request with the read side's prepared statement, among the
 * committed rows only: a person an open transaction creates or changes (a dry run's appointment) is not yet anyone's.
 * A person seen for the first time is created from the token's name claims (`given_name`, `family_name`) in a
 * transaction of its own that takes its turn with the management actions' (on SQLite one connection writes, and a
 * statement sent beside an open transaction would run inside it), looking again inside it: two first requests racing
 * each other meet at the unique SSIN and both get the same row, and a first request beside a transaction that creates
 * the same person waits for it to end.
 */
export async function personFor(dataSource: DataSource, identity: Identity): Promise<Person> {
  return (await viewerFor(dataSource, identity)).person;
}

/** The viewer, with what almost every request of theirs reads next: their assignments not ended, and those enterprises. */
export interface ViewerRows {
  person: Person;
  /** Not ended, by id; the request keeps those current at its instant (src/context.ts). Empty for a person just created. */
  assignments: RoleAssignment[];
  /** The enterprises of `assignments` (with their versions: src/read/enterprise-cache.ts). */
  enterprises: Enterprise[];
}

/**
 * `personFor`, and in the same statement the viewer's assignments not ended and their enterprises, which the request
 * would otherwise read with two more (its roles for every decision, the enterprises' rows for their versions). Read
 * from `readFrom`, where the rest of the request reads (src/database/fresh-reads.ts); a new person is written to
 * `dataSource`.
 *
 * On MySQL/MariaDB the lookups of requests that arrive while two lookups are already out share the next statement
 * (`ViewerBatch`), up to 64 viewers, and each request gets its own viewer's rows. A request joins only a statement not
 * yet sent, so its rows are read after it arrived: never older than a write acknowledged to its client before it was
 * sent, as with a statement of its own. On SQLite a statement is a synchronous call in this process, with no round
 * trip to share; there a viewer's rows are kept until the database's data version moves (`KeptViewerRows`).
 */
export async function viewerFor(dataSource: DataSource, identity: Identity, readFrom = requestReader(dataSource)): Promise<ViewerRows> {
  const rows =
    dialectOf(readFrom) === "mysql"
      ? await batchOf(readFrom).rowsOf(identity.ssin)
      : dataSource instanceof SqliteFileDataSource && readFrom === dataSource.reader
        ? await keptOf(readFrom).rowsOf(identity.ssin)
        : await viewerRows(readFrom, [identity.ssin]);
  if (rows.length > 0) {
    const enterprises = new Map<number, Enterprise>();
    for (const row of rows) if (row.e) enterprises.set((row.e as unknown as Enterprise).id, row.e as unknown as Enterprise);
    return {
      person: rows[0].p as unknown as Person,
      assignments: rows.flatMap((row) => (row.a ? [row.a as unknown as RoleAssignment] : [])),
      enterprises: [...enterprises.values()],
    };
  }
  return { person: await createPerson(dataSource, identity), assignments: [], enterprises: [] };
}

type JoinedRow = Record<"p" | "a" | "e", Row | null>;

/** The rows of these viewers (a person, an assignment not ended, its enterprise), by person then assignment. */
function viewerRows(readFrom: DataSource, ssins: readonly string[]): Promise<JoinedRow[]> {
  let reader = readers.get(readFrom);
  if (!reader) readers.set(readFrom, (reader = new RowReader(readFrom.manager)));
  const list = padded(ssins);
  return reader.joined(
    ssins.length === 1 ? "viewer" : `viewers|${list.length}`,
    { p: Person, a: RoleAssignment, e: Enterprise },
    ({ p, a, e }) =>
      `SELECT ${p.prefixedColumns("p")}, ${a.prefixedColumns("a")}, ${e.prefixedColumns("e")} FROM ${p.table} p` +
      ` LEFT JOIN ${a.table} a ON a.${a.column("personId")} = p.${p.column("id")} AND a.${a.column("endedAt")} IS NULL` +
      ` LEFT JOIN ${e.table} e ON e.${e.column("id")} = a.${a.column("enterpriseId")}` +
      (list.length === 1
        ? ` WHERE p.${p.column("ssin")} = ? ORDER BY a.${a.column("id")}`
        : ` WHERE p.${p.column("ssin")} IN (${placeholders(list.length)}) ORDER BY p.${p.column("id")}, a.${a.column("id")}`),
    list,
  );
}

/** The most viewers one shared statement names (a power of two: the padded lists give 7 statement shapes). */
const viewersPerStatement = 64;
/**
 * Statements of lookups in flight at once, per data source: a lookup arriving while fewer are out is sent at once,
 * alone, as before (no wait when the gateway is quiet); under load the lookups arriving meanwhile wait for the next
 * statement, which names them together: a round trip shared instead of one each.
 */
const statementsInFlight = 2;

/** The lookups of one data source: at most `statementsInFlight` statements at once, the others' lookups waiting together. */
class ViewerBatch {
  private waiting = new Map<string, { resolve(rows: JoinedRow[]): void; reject(error: unknown): void }[]>();
  private inFlight = 0;

  constructor(private readonly readFrom: DataSource) {}

  rowsOf(ssin: string): Promise<JoinedRow[]> {
    return new Promise((resolve, reject) => {
      const callers = this.waiting.get(ssin);
      if (callers) callers.push({ resolve, reject });
      else this.waiting.set(ssin, [{ resolve, reject }]);
      if (this.inFlight < statementsInFlight) this.send();
    });
  }

  /** Sends the waiting lookups (up to `viewersPerStatement`) in one statement; when it returns, the next ones. */
  private send(): void {
    const part = [...this.waiting.keys()].slice(0, viewersPerStatement);
    const callers = new Map(part.map((ssin) => [ssin, this.waiting.get(ssin)!]));
    for (const ssin of part) this.waiting.delete(ssin);
    this.inFlight++;
    viewerRows(this.readFrom, part)
      .then(
        (rows) => {
          const bySsin = new Map<string, JoinedRow[]>();
          for (const row of rows) {
            const ssin = (row.p as unknown as Person).ssin;
            const own = bySsin.get(ssin);
            if (own) own.push(row);
            else bySsin.set(ssin, [row]);
          }
          // Requests of the same viewer get rows of their own, as with statements of their own: nothing one request
          // does with its viewer's objects reaches another.
          for (const [ssin, waiting] of callers)
            waiting.forEach((caller, i) => {
              const own = bySsin.get(ssin) ?? [];
              caller.resolve(i === 0 ? own : own.map(copyOf));
            });
        },
        (error: unknown) => {
          for (const waiting of callers.values()) for (const caller of waiting) caller.reject(error);
        },
      )
      .finally(() => {
        this.inFlight--;
        if (this.waiting.size > 0 && this.inFlight < statementsInFlight) this.send();
      });
  }
}

const copyOf = ({ p, a, e }: JoinedRow): JoinedRow => ({ p: p && { ...p }, a: a && { ...a }, e: e && { ...e } });

/** The most rows of viewers kept per SQLite file (a few MB at most); the viewers least recently looked up go first. */
const keptViewerRows = 5_000;

/**
 * SQLite: each viewer's rows as the statement last read them, with the database's data version at that read.
 * `PRAGMA data_version` on the read connection moves with every commit any other connection makes (this process's
 * writer, another process, a register import, an operator's SQL) and the read connection never writes: while it has
 * not moved, the file holds exactly what the statement read, so the same statement would read the same rows, and they
 * are handed out again (copied: nothing one request does with its viewer's objects reaches another) without running
 * it. The version is read before the statement, so a commit between the two only makes the next lookup read again.
 * The statement's rows do not depend on the time (assignments not ended; which are current at the request's instant
 * is decided from them: src/context.ts), so a right that reaches its end is dropped by the request as before.
 * Only the read connection of a file database: a connection that also writes (`sqlite::memory:`) does not see its
 * own commits in its data version.
 */
class KeptViewerRows {
  private kept = new Map<string, { version: number; rows: JoinedRow[] }>();
  private rowsKept = 0;
  private readonly version: Statement;

  constructor(private readonly readFrom: DataSource) {
    this.version = sqliteReadConnection(readFrom.manager)!.prepare("PRAGMA data_version").pluck();
  }

  async rowsOf(ssin: string): Promise<JoinedRow[]> {
    const version = this.version.get() as number;
    const hit = this.kept.get(ssin);
    if (hit) {
      this.kept.delete(ssin);
      if (hit.version === version) {
        this.kept.set(ssin, hit);
        return hit.rows.map(copyOf);
      }
      this.rowsKept -= hit.rows.length;
    }
    const rows = await viewerRows(this.readFrom, [ssin]);
    // A person not yet created is not kept: their first request creates them, and the next one reads them.
    if (rows.length > 0 && rows.length <= keptViewerRows) {
      this.kept.set(ssin, { version, rows: rows.map(copyOf) });
      this.rowsKept += rows.length;
      for (const [oldest, entry] of this.kept) {
        if (this.rowsKept <= keptViewerRows) break;
        this.kept.delete(oldest);
        this.rowsKept -= entry.rows.length;
      }
    }
    return rows;
  }
}

const keptViewers = new WeakMap<DataSource, KeptViewerRows>();

function keptOf(readFrom: DataSource): KeptViewerRows {
  let kept = keptViewers.get(readFrom);
  if (!kept) keptViewers.set(readFrom, (kept = new KeptViewerRows(readFrom)));
  return kept;
}

const batches = new WeakMap<DataSource, ViewerBatch>();

function batchOf(readFrom: DataSource): ViewerBatch {
  let batch = batches.get(readFrom);
  if (!batch) batches.set(readFrom, (batch = new ViewerBatch(readFrom)));
  return batch;
}

async function createPerson(dataSource: DataSource, identity: Identity): Promise<Person> {
  // SQLite busy (another process, a register import, writing) and the SSIN race are retried there.
  return runTransaction({ dataSource, policy: policies.firstSignIn }, async (em) => {
    const winner = await em.findOneBy(Person, { ssin: identity.ssin });
    if (winner) return winner;
    return em.save(
      em.create(Person, {
        ssin: identity.ssin,
        givenName: identity.givenName ?? "",
        familyName: identity.familyName ?? "",
        email: null,
        phone: null,
        language: "NL",
        createdAt: new Date(),
      }),
    );
  });
}
