import { createReadStream } from "node:fs";
import { performance } from "node:perf_hooks";
import { stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import { parse as parseCsv } from "csv-parse/sync";
import { In, IsNull, type DataSource, type EntityManager } from "typeorm";
import { dialectOf } from "../database/dialect";
import { policies } from "../database/retry-policies";
import { runTransaction } from "../database/transaction";
import type { Catalog } from "../domain/catalog";
import { appendAuditEvents } from "../audit/chain";
import { systemClock, type Clock } from "../clock";
import type { ChangeFeed, RecordedChange } from "../database/change-feed";
import { Enterprise, Person, RoleAssignment, assignmentActiveKey } from "../domain/entities";
import { recordRegistrations } from "../domain/history";
import { formatEnterpriseNumber, parseEnterpriseNumber, parseName, parseSsin } from "../domain/identifiers";
import { englishProblem } from "../i18n/messages";
import { holdSqliteWriteLock, lockEnterpriseRows } from "../management/enterprise-lock";

export const registerColumns = [
  "enterprise_number",
  "name",
  "default_capacity",
  "legal_representative_ssin",
  "given_name",
  "family_name",
] as const;

interface RegisterRow {
  line: number;
  enterpriseNumber: string;
  name: string;
  defaultCapacity: string;
  ssin: string;
  givenName: string;
  familyName: string;
}

export interface ImportSummary {
  rows: number;
  /** The longest any one transaction of the import took (and so held its locks). */
  longestTransactionMs: number;
  enterprisesCreated: number;
  enterprisesUpdated: number;
  personsCreated: number;
  personsUpdated: number;
  legalRepresentativesCreated: number;
}

export class RegisterImportError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The register file was rejected, nothing was changed:\n${problems.join("\n")}`);
  }
}

type Progress = (message: string) => void;
/**
 * Rows per transaction, small: on SQLite a gateway's write waits for the one write lock of the database as long as one
 * batch holds it; on MySQL (row locks) only a person of the batch signing in waits for it to commit.
 */
const batchSizes = { sqlite: 100, mysql: 200 } as const;

type CsvLine = { line: number; fields: string[] } | { line: number; problem: string };

/** One line of the file as CSV fields. A register field never spans lines (names hold no line breaks), so each line is a record. */
function parseLine(text: string): { fields: string[] } | { problem: string } {
  try {
    const [fields = []] = parseCsv(text, { trim: true, relax_column_count: true });
    return { fields };
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    if (code === "CSV_QUOTE_NOT_CLOSED") return { problem: "malformed CSV: a quoted field is not closed on this line" };
    return { problem: `malformed CSV: ${message.replace(/ at line 1\b/, "")}` };
  }
}

/**
 * Streams the lines of the file with their numbers (the header is line 1; blank lines are counted and skipped).
 * Line by line rather than one CSV stream: a bad line is named and the check goes on to the next one, and the
 * numbers stay exact with CRLF line ends.
 */
async function* csvLines(file: string): AsyncGenerator<CsvLine> {
  try {
    if (!(await stat(file)).isFile()) throw new RegisterImportError([`cannot read ${file}: it is not a file`]);
  } catch (error) {
    if (error instanceof RegisterImportError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new RegisterImportError([`cannot read ${file}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`]);
  }
  // Read as bytes (latin1 maps each byte to one character) and decode each line strictly: a UTF-8 stream decoder
  // would turn the bytes of a Windows-1252 file into U+FFFD and the import would store them.
  const input = createReadStream(file, { encoding: "latin1" });
  const lines = createInterface({ input, crlfDelay: Infinity });
  const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  try {
    let line = 0;
    for await (const bytes of lines) {
      line++;
      let raw: string;
      try {
        raw = utf8.decode(Buffer.from(bytes, "latin1"));
      } catch {
        yield { line, problem: "not UTF-8 text (save the file as UTF-8: Windows-1252 and other encodings are refused)" };
        continue;
      }
      const text = line === 1 ? raw.replace(/^\uFEFF/, "") : raw;
      if (text.trim() === "") continue;
      yield { line, ...parseLine(text) };
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

/** The rows of the file after its header, each checked on its own; a bad header stops everything at once. */
async function* checkedRows(file: string, catalog: Catalog): AsyncGenerator<{ line: number; row?: RegisterRow; problems: string[] }> {
  let header: string[] | null = null;
  for await (const record of csvLines(file)) {
    if (header === null) {
      if ("problem" in record) throw new RegisterImportError([`line ${record.line}: the header is not valid (${record.problem})`]);
      header = record.fields;
      const missing = registerColumns.filter((c) => !header!.includes(c));
      if (missing.length > 0)
        throw new RegisterImportError([
          `line ${record.line}: the header lacks ${missing.join(", ")} (expected ${registerColumns.join(",")})`,
        ]);
      const twice = header.filter((column, i) => header!.indexOf(column) !== i);
      if (twice.length > 0)
        throw new RegisterImportError([`line ${record.line}: the header names ${[...new Set(twice)].join(", ")} more than once`]);
      continue;
    }
    if ("problem" in record) {
      yield { line: record.line, problems: [`line ${record.line}: ${record.problem}`] };
    } else if (record.fields.length !== header.length) {
      yield {
        line: record.line,
        problems: [`line ${record.line}: expected ${header.length} fields as in the header, got ${record.fields.length}`],
      };
    } else {
      const fields = Object.fromEntries(header.map((column, i) => [column, record.fields[i]]));
      yield { line: record.line, ...checkRow(record.line, fields, catalog) };
    }
  }
  if (header === null)
    throw new RegisterImportError([
      `the file is empty: expected the header ${registerColumns.join(",")} and one row per legal representative`,
    ]);
}

function checkRow(line: number, fields: Record<string, string>, catalog: Catalog): { row?: RegisterRow; problems: string[] } {
  const problems: string[] = [];
  const get = (column: string) => fields[column] ?? "";
  for (const column of registerColumns) if (get(column) === "") problems.push(`${column} is missing`);
  const number = parseEnterpriseNumber(get("enterprise_number"));
  if (get("enterprise_number") !== "" && !number.ok) problems.push(englishProblem(number.problem, "enterprise_number"));
  const ssin = parseSsin(get("legal_representative_ssin"));
  if (get("legal_representative_ssin") !== "" && !ssin.ok) problems.push(englishProblem(ssin.problem, "legal_representative_ssin"));
  if (get("default_capacity") !== "" && !catalog.capacities.has(get("default_capacity"))) {
    problems.push(`default_capacity: unknown capacity "${get("default_capacity").slice(0, 60)}"`);
  }
  const name = parseName(get("name"), { max: 200 });
  const givenName = parseName(get("given_name"));
  const familyName = parseName(get("family_name"));
  for (const [column, checked] of [
    ["name", name],
    ["given_name", givenName],
    ["family_name", familyName],
  ] as const) {
    if (get(column) !== "" && !checked.ok) problems.push(englishProblem(checked.problem, column));
  }
  if (problems.length > 0 || !number.ok || !ssin.ok || !name.ok || !givenName.ok || !familyName.ok)
    return { problems: problems.map((p) => `line ${line}: ${p}`) };
  return {
    problems: [],
    row: {
      line,
      enterpriseNumber: number.value,
      name: name.value,
      defaultCapacity: get("default_capacity"),
      ssin: ssin.value,
      givenName: givenName.value,
      familyName: familyName.value,
    },
  };
}

/** The rows of one enterprise, in file order. */
type EnterpriseRows = RegisterRow[];

/**
 * Checks the whole file before anything is written: every row on its own, rows of one enterprise agree on it, and one
 * SSIN has one name throughout. Returns the rows grouped by enterprise, in the order enterprises first appear (the
 * file in memory: about 200 bytes a row), so that the import can apply whole enterprises in short transactions.
 */
async function validate(file: string, catalog: Catalog, progress: Progress): Promise<{ rows: number; enterprises: EnterpriseRows[] }> {
  const problems: string[] = [];
  const enterprises = new Map<string, { name: string; defaultCapacity: string; line: number; rows: EnterpriseRows }>();
  const persons = new Map<string, { givenName: string; familyName: string; line: number }>();
  let rows = 0;
  for await (const checked of checkedRows(file, catalog)) {
    rows++;
    problems.push(...checked.problems);
    const row = checked.row;
    if (row) {
      const seen = enterprises.get(row.enterpriseNumber);
      if (!seen)
        enterprises.set(row.enterpriseNumber, { name: row.name, defaultCapacity: row.defaultCapacity, line: checked.line, rows: [row] });
      else if (seen.name !== row.name || seen.defaultCapacity !== row.defaultCapacity) {
        problems.push(
          `line ${checked.line}: enterprise ${formatEnterpriseNumber(row.enterpriseNumber)} has another name or default capacity than on line ${seen.line}`,
        );
      } else seen.rows.push(row);
      const person = persons.get(row.ssin);
      if (!person) persons.set(row.ssin, { givenName: row.givenName, familyName: row.familyName, line: checked.line });
      else if (person.givenName !== row.givenName || person.familyName !== row.familyName) {
        problems.push(
          `line ${checked.line}: the legal representative's SSIN has other names than on line ${person.line} ("${row.givenName} ${row.familyName}" vs "${person.givenName} ${person.familyName}")`,
        );
      }
    }
    if (rows % 10_000 === 0) progress(`checked ${rows} rows`);
  }
  if (rows === 0) problems.push("the file has no rows after the header");
  if (problems.length > 0) throw new RegisterImportError(problems);
  return { rows, enterprises: [...enterprises.values()].map((e) => e.rows) };
}

/** Inserts many rows in one statement, without reading generated ids back (the caller rereads by natural key). */
async function insertMany<T extends object>(em: EntityManager, target: new () => T, rows: Partial<T>[]): Promise<void> {
  if (rows.length > 0)
    await em
      .createQueryBuilder()
      .insert()
      .into(target)
      .values(rows as never)
      .updateEntity(false)
      .execute();
}

/** An audit event of the batch, before its enterprise's id is known (a new enterprise has none until it is reread). */
type BatchEvent = { enterpriseNumber: string; details: object };

/** A legal representative's assignment to insert, with the natural keys its change and event name. */
type NewAssignment = Partial<RoleAssignment> & { ssin: string; enterpriseNumber: string };

/** Applies one batch in a bounded number of statements, whatever its size: reads by key, multi-row inserts, rereads. */
async function applyBatch(em: EntityManager, batch: RegisterRow[], summary: Counts, now: Date, changes: RecordedChange[]): Promise<void> {
  const events: BatchEvent[] = [];
  const enterprises = await applyEnterprises(em, batch, summary, now, events);
  const persons = await applyPersons(em, batch, summary, now);
  const assignments = await applyLegalRepresentatives(em, batch, enterprises, persons, summary, now);
  for (const { enterpriseId, personId } of assignments.values()) {
    changes.push({
      kind: "ASSIGNMENT",
      enterpriseId: enterpriseId!,
      assignment: { personId: personId!, role: "LEGAL_REPRESENTATIVE", capacityCode: null },
    });
  }
  // The events so far are the enterprises' own (created, renamed, another default capacity).
  for (const number of new Set(events.map((e) => e.enterpriseNumber))) {
    changes.push({ kind: "REGISTER", enterpriseId: enterprises.get(number)!.id });
  }
  for (const { ssin, enterpriseNumber } of assignments.values()) {
    events.push({
      enterpriseNumber,
      details: { source: "register", before: null, after: { legalRepresentative: `${ssin.slice(0, 6)}*****` } },
    });
  }
  // Chained like a gateway's events (src/audit/chain.ts): the heads of the batch's enterprises are locked, in one
  // statement, and the events go in with one more.
  await appendAuditEvents(
    em,
    events.map((e) => ({
      at: now,
      actorId: null,
      action: "REGISTER_IMPORT",
      requestId: null,
      enterpriseId: enterprises.get(e.enterpriseNumber)!.id,
      details: JSON.stringify(e.details),
    })),
  );
}

/** Creates the batch's new enterprises and updates those whose name or default capacity changed; returns them all by number. */
async function applyEnterprises(
  em: EntityManager,
  batch: RegisterRow[],
  summary: Counts,
  now: Date,
  events: BatchEvent[],
): Promise<Map<string, Enterprise>> {
  const numbers = [...new Set(batch.map((r) => r.enterpriseNumber))];
  const enterprises = new Map((await em.findBy(Enterprise, { number: In(numbers) })).map((e) => [e.number, e]));
  const newEnterprises = new Map<string, Partial<Enterprise>>();
  for (const row of batch) {
    const existing = enterprises.get(row.enterpriseNumber);
    if (!existing) {
      if (newEnterprises.has(row.enterpriseNumber)) continue;
      newEnterprises.set(row.enterpriseNumber, {
        number: row.enterpriseNumber,
        name: row.name,
        status: "REGISTERED",
        defaultCapacity: row.defaultCapacity,
        createdAt: now,
        updatedAt: now,
      });
      events.push({
        enterpriseNumber: row.enterpriseNumber,
        details: { source: "register", before: null, after: { name: row.name, defaultCapacity: row.defaultCapacity } },
      });
    } else if (existing.name !== row.name || existing.defaultCapacity !== row.defaultCapacity) {
      const before = { name: existing.name, defaultCapacity: existing.defaultCapacity };
      await em.update(Enterprise, { id: existing.id }, { name: row.name, defaultCapacity: row.defaultCapacity, updatedAt: now });
      Object.assign(existing, { name: row.name, defaultCapacity: row.defaultCapacity });
      summary.enterprisesUpdated++;
      events.push({
        enterpriseNumber: row.enterpriseNumber,
        details: { source: "register", before, after: { name: row.name, defaultCapacity: row.defaultCapacity } },
      });
    }
  }
  await insertMany(em, Enterprise, [...newEnterprises.values()]);
  summary.enterprisesCreated += newEnterprises.size;
  if (newEnterprises.size > 0) {
    const created = await em.findBy(Enterprise, { number: In([...newEnterprises.keys()]) });
    for (const e of created) enterprises.set(e.number, e);
    await recordRegistrations(
      em,
      created.map((e) => e.id),
      now,
    );
  }
  return enterprises;
}

/** Creates the batch's new persons and fills the names still empty of known ones; returns them all by SSIN. */
async function applyPersons(em: EntityManager, batch: RegisterRow[], summary: Counts, now: Date): Promise<Map<string, Person>> {
  const ssins = [...new Set(batch.map((r) => r.ssin))];
  const persons = new Map((await em.findBy(Person, { ssin: In(ssins) })).map((p) => [p.ssin, p]));
  const newPersons = new Map<string, Partial<Person>>();
  for (const row of batch) {
    const person = persons.get(row.ssin);
    if (!person) {
      if (!newPersons.has(row.ssin))
        newPersons.set(row.ssin, {
          ssin: row.ssin,
          givenName: row.givenName,
          familyName: row.familyName,
          email: null,
          phone: null,
          language: "NL",
          createdAt: now,
        });
    } else if (person.givenName === "" || person.familyName === "") {
      // A known person keeps their own data; only names still empty are filled.
      const fill = { givenName: person.givenName || row.givenName, familyName: person.familyName || row.familyName };
      await em.update(Person, { id: person.id }, fill);
      Object.assign(person, fill);
      summary.personsUpdated++;
    }
  }
  // INSERT IGNORE: a person of the batch may sign in for the first time through a gateway between the read above and
  // this insert (MySQL); the reread below then finds their row, and names still empty are filled next time.
  if (newPersons.size > 0) {
    const inserted = await em
      .createQueryBuilder()
      .insert()
      .into(Person)
      .values([...newPersons.values()])
      .orIgnore()
      .updateEntity(false)
      .execute();
    const affected = (inserted.raw as { affectedRows?: number } | undefined)?.affectedRows;
    summary.personsCreated += typeof affected === "number" ? affected : newPersons.size;
  }
  if (newPersons.size > 0) for (const p of await em.findBy(Person, { ssin: In([...newPersons.keys()]) })) persons.set(p.ssin, p);
  return persons;
}

/** Appoints each row's person legal representative of its enterprise unless they already are; returns the assignments created. */
async function applyLegalRepresentatives(
  em: EntityManager,
  batch: RegisterRow[],
  enterprises: Map<string, Enterprise>,
  persons: Map<string, Person>,
  summary: Counts,
  now: Date,
): Promise<Map<string, NewAssignment>> {
  const assignments = new Map<string, NewAssignment>();
  for (const row of batch) {
    const fields = {
      enterpriseId: enterprises.get(row.enterpriseNumber)!.id,
      role: "LEGAL_REPRESENTATIVE" as const,
      capacityCode: null,
      personId: persons.get(row.ssin)!.id,
    };
    assignments.set(assignmentActiveKey(fields), { ...fields, ssin: row.ssin, enterpriseNumber: row.enterpriseNumber });
  }
  const held = await em.findBy(RoleAssignment, { activeKey: In([...assignments.keys()]), endedAt: IsNull() });
  for (const a of held) assignments.delete(a.activeKey!);
  await insertMany(
    em,
    RoleAssignment,
    [...assignments].map(([activeKey, { ssin: _ssin, enterpriseNumber: _number, ...fields }]) => ({
      ...fields,
      grantedById: null,
      grantedAt: now,
      endedAt: null,
      endedById: null,
      activeKey,
      exclusiveKey: null,
    })),
  );
  summary.legalRepresentativesCreated += assignments.size;
  return assignments;
}

type Counts = Omit<ImportSummary, "rows" | "longestTransactionMs">;
const noCounts = (): Counts => ({
  enterprisesCreated: 0,
  enterprisesUpdated: 0,
  personsCreated: 0,
  personsUpdated: 0,
  legalRepresentativesCreated: 0,
});

/** Whole enterprises, about `batchSize` rows at a time: an enterprise is never split over two transactions. */
function* batches(enterprises: readonly EnterpriseRows[], batchSize: number): Generator<RegisterRow[]> {
  let batch: RegisterRow[] = [];
  for (const rows of enterprises) {
    batch.push(...rows);
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * One batch in its own transaction, run again when another process got in its way (policies.import: a row a gateway
 * committed that the batch read as missing, a deadlock, SQLite busy); returns what it changed once committed, and the
 * instant it recorded: taken once the batch holds its locks, as a management action's instant is
 * (src/management/action.ts), so that a batch that waited for a gateway's action records no instant before it.
 */
async function applyInOwnTransaction(
  dataSource: DataSource,
  batch: RegisterRow[],
  clock: Clock,
  took: (ms: number) => void,
  changes: RecordedChange[],
): Promise<{ counts: Counts; now: Date }> {
  const sqlite = dialectOf(dataSource) === "sqlite";
  let started = 0;
  const applied = await runTransaction({ dataSource, policy: policies.import }, async (em) => {
    started = performance.now();
    if (sqlite) {
      // The write lock first: the reads below then see the latest data, and the transaction cannot fail later because
      // a gateway wrote after it started reading.
      await holdSqliteWriteLock(em);
    } else {
      // The batch's enterprises already known, locked as an action locks them (in id order), so that the two take turns.
      const known = await em.find(Enterprise, {
        select: { id: true },
        where: { number: In([...new Set(batch.map((r) => r.enterpriseNumber))]) },
      });
      await lockEnterpriseRows(
        em,
        known.map((e) => e.id),
      );
    }
    const now = clock.now();
    const counts = noCounts();
    changes.length = 0;
    await applyBatch(em, batch, counts, now, changes);
    return { counts, now };
  });
  took(performance.now() - started);
  return applied;
}

/**
 * Imports the enterprise register. The file is checked whole before anything is written: one bad row
 * rejects it and changes nothing. It is then applied in short transactions of whole enterprises (`batchSizes` rows
 * each), so that a live gateway never waits long for a lock: readers see the enterprises of the file appear in
 * the order they first appear in it, each one complete with its legal representatives, their persons and the audit
 * events. A failure part-way leaves the batches applied so far; importing the same file again finishes the job
 * (idempotent: a batch already applied changes nothing). Legal representatives absent from the file are kept (a file
 * may be partial).
 */
export async function importRegister({
  dataSource,
  catalog,
  file,
  progress = () => undefined,
  clock = systemClock,
  changes: publish,
}: {
  dataSource: DataSource;
  catalog: Catalog;
  file: string;
  progress?: Progress;
  /** Where the import reads the instant it records (src/clock.ts): once per batch, when the batch holds its locks. */
  clock?: Clock;
  /** Where each committed batch's changes are published (src/database/change-feed.ts): Redis, for the gateways that serve subscriptions. */
  changes?: ChangeFeed;
}): Promise<ImportSummary> {
  const { rows, enterprises } = await validate(file, catalog, progress);
  const summary: ImportSummary = { rows, longestTransactionMs: 0, ...noCounts() };
  const sqlite = dialectOf(dataSource) === "sqlite";
  let done = 0;
  for (const batch of batches(enterprises, batchSizes[dialectOf(dataSource)])) {
    const started = performance.now();
    const changes: RecordedChange[] = [];
    const { counts, now } = await applyInOwnTransaction(
      dataSource,
      batch,
      clock,
      (ms) => (summary.longestTransactionMs = Math.max(summary.longestTransactionMs, ms)),
      changes,
    );
    // Committed: the gateways' subscribers may learn of it (through Redis when the import runs as its own process).
    publish?.publish(changes.map((change) => ({ ...change, at: now.toISOString() })));
    for (const key of Object.keys(counts) as (keyof Counts)[]) summary[key] += counts[key];
    done += batch.length;
    if (Math.floor(done / 10_000) > Math.floor((done - batch.length) / 10_000)) progress(`imported ${done} of ${rows} rows`);
    // SQLite has one write lock for the whole database, and its waiters poll: leave it free for longer than the batch
    // held it, so that a gateway's retries find it free (the import takes about twice as long as it could).
    if (sqlite) await new Promise((resolve) => setTimeout(resolve, Math.max(50, 1.5 * (performance.now() - started))));
  }
  return summary;
}
