import { createReadStream } from "node:fs";
import { parse } from "csv-parse";
import { In, IsNull, type DataSource, type EntityManager } from "typeorm";
import type { Catalog } from "../model/catalog";
import { AuditEvent, Enterprise, Person, RoleAssignment, assignmentActiveKey } from "../model/entities";
import { formatEnterpriseNumber, parseEnterpriseNumber, parseName, parseSsin } from "../model/identifiers";

export const registerColumns = ["enterprise_number", "name", "default_capacity", "legal_representative_ssin", "given_name", "family_name"] as const;

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
const batchSize = 500;

/** Streams the records of the file with their line numbers (the header is line 1). */
async function* records(file: string): AsyncGenerator<{ line: number; fields: Record<string, string> }> {
  const parser = createReadStream(file).pipe(
    parse({ columns: (header: string[]) => header.map((h) => h.trim()), bom: true, skip_empty_lines: true, trim: true, info: true, relax_column_count: false }),
  );
  for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    yield { line: info.lines, fields: record };
  }
}

function checkRow(line: number, fields: Record<string, string>, catalog: Catalog): { row?: RegisterRow; problems: string[] } {
  const problems: string[] = [];
  const get = (column: string) => fields[column] ?? "";
  for (const column of registerColumns) if (get(column) === "") problems.push(`${column} is missing`);
  const number = parseEnterpriseNumber(get("enterprise_number"));
  if (get("enterprise_number") !== "" && !number.ok) problems.push(`enterprise_number: ${number.problem}`);
  const ssin = parseSsin(get("legal_representative_ssin"));
  if (get("legal_representative_ssin") !== "" && !ssin.ok) problems.push(`legal_representative_ssin: ${ssin.problem}`);
  if (get("default_capacity") !== "" && !catalog.capacities.has(get("default_capacity"))) {
    problems.push(`default_capacity: unknown capacity "${get("default_capacity").slice(0, 60)}"`);
  }
  const name = parseName(get("name"), { max: 200 });
  const givenName = parseName(get("given_name"));
  const familyName = parseName(get("family_name"));
  for (const [column, checked] of [["name", name], ["given_name", givenName], ["family_name", familyName]] as const) {
    if (get(column) !== "" && !checked.ok) problems.push(`${column} ${checked.problem}`);
  }
  if (problems.length > 0 || !number.ok || !ssin.ok || !name.ok || !givenName.ok || !familyName.ok) return { problems: problems.map((p) => `line ${line}: ${p}`) };
  return {
    problems: [],
    row: { line, enterpriseNumber: number.value, name: name.value, defaultCapacity: get("default_capacity"), ssin: ssin.value, givenName: givenName.value, familyName: familyName.value },
  };
}

/** First pass: every row is checked, and rows of one enterprise must agree; nothing is written. */
async function validate(file: string, catalog: Catalog, progress: Progress): Promise<number> {
  const problems: string[] = [];
  const enterprises = new Map<string, { name: string; defaultCapacity: string; line: number }>();
  let rows = 0;
  try {
    let headerChecked = false;
    for await (const { line, fields } of records(file)) {
      if (!headerChecked) {
        const missing = registerColumns.filter((c) => !(c in fields));
        if (missing.length > 0) throw new RegisterImportError([`line 1: the header lacks ${missing.join(", ")} (expected ${registerColumns.join(",")})`]);
        headerChecked = true;
      }
      rows++;
      const checked = checkRow(line, fields, catalog);
      problems.push(...checked.problems);
      if (checked.row) {
        const seen = enterprises.get(checked.row.enterpriseNumber);
        if (!seen) enterprises.set(checked.row.enterpriseNumber, { name: checked.row.name, defaultCapacity: checked.row.defaultCapacity, line });
        else if (seen.name !== checked.row.name || seen.defaultCapacity !== checked.row.defaultCapacity) {
          problems.push(`line ${line}: enterprise ${formatEnterpriseNumber(checked.row.enterpriseNumber)} has another name or default capacity than on line ${seen.line}`);
        }
      }
      if (rows % 10_000 === 0) progress(`checked ${rows} rows`);
    }
  } catch (error) {
    if (error instanceof RegisterImportError) throw error;
    const e = error as { code?: string; lines?: number; message?: string };
    if (e.code === "ENOENT") throw new RegisterImportError([`cannot read ${file}: no such file`]);
    if (typeof e.code === "string" && e.code.startsWith("CSV_")) throw new RegisterImportError([...problems, `line ${e.lines ?? "?"}: malformed CSV (${e.message})`]);
    throw error;
  }
  if (rows === 0) problems.push("the file has no rows after the header");
  if (problems.length > 0) throw new RegisterImportError(problems);
  return rows;
}

async function applyBatch(em: EntityManager, batch: RegisterRow[], summary: ImportSummary, now: Date): Promise<void> {
  const numbers = [...new Set(batch.map((r) => r.enterpriseNumber))];
  const ssins = [...new Set(batch.map((r) => r.ssin))];
  const enterprises = new Map((await em.findBy(Enterprise, { number: In(numbers) })).map((e) => [e.number, e]));
  const events: Partial<AuditEvent>[] = [];
  for (const row of batch) {
    const existing = enterprises.get(row.enterpriseNumber);
    if (!existing) {
      const created = await em.save(
        em.create(Enterprise, { number: row.enterpriseNumber, name: row.name, status: "REGISTERED", defaultCapacity: row.defaultCapacity, createdAt: now, updatedAt: now }),
      );
      enterprises.set(row.enterpriseNumber, created);
      summary.enterprisesCreated++;
      events.push({ enterpriseId: created.id, details: JSON.stringify({ source: "register", before: null, after: { name: row.name, defaultCapacity: row.defaultCapacity } }) });
    } else if (existing.name !== row.name || existing.defaultCapacity !== row.defaultCapacity) {
      const before = { name: existing.name, defaultCapacity: existing.defaultCapacity };
      await em.update(Enterprise, { id: existing.id }, { name: row.name, defaultCapacity: row.defaultCapacity, updatedAt: now });
      Object.assign(existing, { name: row.name, defaultCapacity: row.defaultCapacity });
      summary.enterprisesUpdated++;
      events.push({ enterpriseId: existing.id, details: JSON.stringify({ source: "register", before, after: { name: row.name, defaultCapacity: row.defaultCapacity } }) });
    }
  }
  const persons = new Map((await em.findBy(Person, { ssin: In(ssins) })).map((p) => [p.ssin, p]));
  for (const row of batch) {
    const person = persons.get(row.ssin);
    if (!person) {
      persons.set(
        row.ssin,
        await em.save(em.create(Person, { ssin: row.ssin, givenName: row.givenName, familyName: row.familyName, email: null, phone: null, language: "NL", createdAt: now })),
      );
      summary.personsCreated++;
    } else if (person.givenName === "" || person.familyName === "") {
      // A known person keeps their own data; only names still empty are filled (SPEC rule 6).
      const fill = { givenName: person.givenName || row.givenName, familyName: person.familyName || row.familyName };
      await em.update(Person, { id: person.id }, fill);
      Object.assign(person, fill);
      summary.personsUpdated++;
    }
  }
  const keys = batch.map((row) =>
    assignmentActiveKey({ enterpriseId: enterprises.get(row.enterpriseNumber)!.id, role: "LEGAL_REPRESENTATIVE", capacityCode: null, personId: persons.get(row.ssin)!.id }),
  );
  const held = new Set((await em.findBy(RoleAssignment, { activeKey: In(keys), endedAt: IsNull() })).map((a) => a.activeKey));
  for (const row of batch) {
    const fields = { enterpriseId: enterprises.get(row.enterpriseNumber)!.id, role: "LEGAL_REPRESENTATIVE" as const, capacityCode: null, personId: persons.get(row.ssin)!.id };
    const key = assignmentActiveKey(fields);
    if (held.has(key)) continue;
    await em.insert(RoleAssignment, { ...fields, grantedById: null, grantedAt: now, endedAt: null, endedById: null, activeKey: key, exclusiveKey: null });
    held.add(key);
    summary.legalRepresentativesCreated++;
    events.push({ enterpriseId: fields.enterpriseId, details: JSON.stringify({ source: "register", before: null, after: { legalRepresentative: row.ssin.slice(0, 6) + "*****" } }) });
  }
  if (events.length > 0) {
    await em.insert(
      AuditEvent,
      events.map((e) => ({ at: now, actorId: null, action: "REGISTER_IMPORT", requestId: null, enterpriseId: e.enterpriseId ?? null, details: e.details! })),
    );
  }
}

/**
 * Imports the enterprise register (SPEC rule 1): checked whole before anything is written, then applied in one
 * transaction, streaming in batches so a file of any length runs in bounded memory. Idempotent: a second import
 * of the same file changes nothing. Legal representatives absent from the file are kept (a file may be partial).
 */
export async function importRegister(
  { dataSource, catalog, file, progress = () => undefined }: { dataSource: DataSource; catalog: Catalog; file: string; progress?: Progress },
): Promise<ImportSummary> {
  const rows = await validate(file, catalog, progress);
  const summary: ImportSummary = { rows, enterprisesCreated: 0, enterprisesUpdated: 0, personsCreated: 0, personsUpdated: 0, legalRepresentativesCreated: 0 };
  const now = new Date();
  await dataSource.transaction(async (em) => {
    let batch: RegisterRow[] = [];
    let done = 0;
    for await (const { line, fields } of records(file)) {
      batch.push(checkRow(line, fields, catalog).row!);
      if (batch.length === batchSize) {
        await applyBatch(em, batch, summary, now);
        done += batch.length;
        batch = [];
        if (done % 10_000 === 0) progress(`imported ${done} of ${rows} rows`);
      }
    }
    if (batch.length > 0) await applyBatch(em, batch, summary, now);
  });
  return summary;
}
