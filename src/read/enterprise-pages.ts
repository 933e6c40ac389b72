import type { EntityManager } from "typeorm";
import { Enterprise, ServiceProviderMandate } from "../domain/entities";
import { dialectOf } from "../database/dialect";
import { currentAtPositionalSql } from "../domain/validity";
import { indexWhere, pageOfList, toPage, type Page, type PageWindow } from "./read-models";
import { maxKeysPerStatement, padded, placeholders, RowReader, storedDateTime, type TableSql } from "./row-reader";

/**
 * The enterprises a viewer sees, as the access layer gathers them (`Access.enterpriseReach`, the rule of
 * `visibleEnterpriseIds`): those where they hold a current role (`own`), and the clients under a mandate ACTIVE now of
 * the providers whose staff they are (`providers`). Both sorted, without repeats.
 */
export interface EnterpriseReach {
  own: readonly number[];
  providers: readonly number[];
}

/**
 * Up to this many ACTIVE mandates of the viewer's providers, a page of their enterprises is cut from the whole list,
 * read as `myEnterprises` reads it (through the loaders and the enterprise read models, no statement when kept);
 * past it, the page is read in SQL, a keyset on the enterprise number with LIMIT, so that it costs what a page costs.
 * The keyset walks the register in number order and passes over the enterprises that are not clients: its cost is the
 * page times (enterprises / clients). The whole list costs the clients. With a register of 1,000,000 enterprises they
 * meet near 7,000 clients for a page of 50 (near 2,000 with 100,000); below 5,000 the whole list is read.
 */
export const wholeListUpTo = 5000;

/** The most enterprises of the viewer's own that the keyset statement binds; past it, the whole list (a viewer of thousands of roles). */
const maxOwnInStatement = maxKeysPerStatement / 2;

/**
 * A page of the enterprises the viewer sees, ordered by number, with the cursors of every connection (the enterprise's
 * id: the page resumes after, or before, that enterprise's number, so it stays right when it has since left the list).
 * `whole` reads the whole list in order (`myEnterprises`), `enterpriseById` the enterprise of a cursor (null: not one).
 * `totalCount` is counted only when `countTotal` (it costs the length of the list); otherwise it is 0, and not asked.
 */
export async function visibleEnterprisePage(
  manager: EntityManager,
  {
    reach,
    window,
    now,
    countTotal,
    whole,
    enterpriseById,
  }: {
    reach: EnterpriseReach;
    window: PageWindow;
    now: Date;
    countTotal: boolean;
    whole: () => Promise<Enterprise[]>;
    enterpriseById: (id: number, field: "after" | "before") => Promise<Enterprise>;
  },
): Promise<Page<Enterprise>> {
  const rows = new RowReader(manager);
  const keyset =
    reach.providers.length > 0 && reach.own.length <= maxOwnInStatement && (await activeMandatesPast(rows, reach.providers, wholeListUpTo));
  const afterAt = window.afterId === null ? null : await enterpriseById(window.afterId, "after");
  const beforeAt = window.beforeId === null ? null : await enterpriseById(window.beforeId, "before");
  if (!keyset) {
    const enterprises = await whole();
    const afterNumber = afterAt?.number ?? null;
    const beforeNumber = beforeAt?.number ?? null;
    const start = afterNumber === null ? 0 : indexWhere(enterprises, (e) => e.number > afterNumber);
    const end = beforeNumber === null ? enterprises.length : indexWhere(enterprises, (e) => e.number >= beforeNumber);
    return pageOfList(enterprises, window, start, end);
  }
  return keysetPage(rows, {
    reach,
    window,
    now,
    countTotal,
    hints: hintsFor(manager),
    after: afterAt?.number ?? null,
    before: beforeAt?.number ?? null,
  });
}

/** Whether the providers hold more than `bound` mandates of status ACTIVE: at most bound + 1 entries of ix_mandate_provider. */
async function activeMandatesPast(rows: RowReader, providers: readonly number[], bound: number): Promise<boolean> {
  const ids = padded(providers);
  const [found] = await rows.raw(
    Enterprise,
    `visible-enterprises-mandates|${ids.length}|${bound}`,
    () =>
      `SELECT COUNT(*) AS found FROM (SELECT m.id FROM service_provider_mandate m` +
      ` WHERE m.provider_id IN (${placeholders(ids.length)}) AND m.status = 'ACTIVE' LIMIT ${bound + 1}) x`,
    ids,
  );
  return Number(found?.found ?? 0) > bound;
}

/**
 * The indexes the keyset statements are read on, named: left to themselves, SQLite checks each enterprise against
 * every active mandate of the provider (ix_mandate_provider: 50,000 entries an enterprise at full size) and MariaDB
 * may read the enterprises whole and sort them (seen with `npm run bench:scale -- --explain`).
 */
interface Hints {
  /** After `enterprise t`: walk it in number order. */
  byNumber: string;
  /** After `service_provider_mandate m`: a client's mandates. */
  byClient: string;
}

function hintsFor(manager: EntityManager): Hints {
  return dialectOf(manager.connection) === "mysql"
    ? { byNumber: "FORCE INDEX (uq_enterprise_number)", byClient: "FORCE INDEX (ix_mandate_client)" }
    : // SQLite walks the unique index of the number by itself (its name is SQLite's own, not ours).
      { byNumber: "", byClient: "INDEXED BY ix_mandate_client" };
}

/**
 * "The viewer sees enterprise t" in SQL, the rule of `visibleEnterpriseIds`: one of their own, or a client of one of
 * their providers under a mandate ACTIVE and current at `now`.
 */
function seen(reach: EnterpriseReach, now: Date, hints: Hints): { sql: string; params: unknown[]; shape: string } {
  const own = padded(reach.own);
  const providers = padded(reach.providers);
  // A scalar subquery, not EXISTS: MariaDB turns an EXISTS into a table of every active mandate of the providers,
  // read whole (50,000 rows at full size) before the first enterprise; this one it checks enterprise by enterprise.
  const mandate =
    `(SELECT 1 FROM service_provider_mandate m ${hints.byClient}` +
    ` WHERE m.client_id = t.id AND m.provider_id IN (${placeholders(providers.length)})` +
    ` AND m.status = 'ACTIVE' AND ${currentAtPositionalSql("m")} LIMIT 1) IS NOT NULL`;
  return {
    sql: own.length > 0 ? `(t.id IN (${placeholders(own.length)}) OR ${mandate})` : mandate,
    params: [...own, ...providers, storedDateTime(now)],
    shape: `${own.length}|${providers.length}`,
  };
}

/**
 * The page read in SQL: the rows (one more than the page, in the direction of travel, from the cursor's number on
 * uq_enterprise_number, each checked on ix_mandate_client), whether any enterprise lies past each cursor (one row
 * each), and the count only when asked.
 */
async function keysetPage(
  rows: RowReader,
  {
    reach,
    window,
    now,
    countTotal,
    hints,
    after,
    before,
  }: {
    reach: EnterpriseReach;
    window: PageWindow;
    now: Date;
    countTotal: boolean;
    hints: Hints;
    after: string | null;
    before: string | null;
  },
): Promise<Page<Enterprise>> {
  const visible = seen(reach, now, hints);
  const travel = window.take === "first" ? "ASC" : "DESC";
  const bounds = [...(after !== null ? ["t.number > ?"] : []), ...(before !== null ? ["t.number < ?"] : [])];
  const found = await rows.query(
    Enterprise,
    `visible-enterprises|${visible.shape}|${after !== null}|${before !== null}|${travel}|${window.size}`,
    (table) =>
      `SELECT ${table.columns("t")} FROM ${table.table} t ${hints.byNumber} WHERE ${[visible.sql, ...bounds].join(" AND ")}` +
      ` ORDER BY t.number ${travel} LIMIT ${window.size + 1}`,
    [...visible.params, ...(after !== null ? [after] : []), ...(before !== null ? [before] : [])],
  );
  let beyond = { after: false, before: false };
  if (after !== null || before !== null) {
    const past = (table: TableSql, comparison: string) =>
      `EXISTS (SELECT 1 FROM ${table.table} t ${hints.byNumber} WHERE ${visible.sql} AND t.number ${comparison} ?)`;
    const [row] = await rows.raw(
      Enterprise,
      `visible-enterprises-beyond|${visible.shape}|${after !== null}|${before !== null}`,
      (table) =>
        `SELECT ${after !== null ? past(table, "<=") : "0"} AS beyondAfter, ${before !== null ? past(table, ">=") : "0"} AS beyondBefore`,
      [...(after !== null ? [...visible.params, after] : []), ...(before !== null ? [...visible.params, before] : [])],
    );
    beyond = { after: Number(row?.beyondAfter ?? 0) > 0, before: Number(row?.beyondBefore ?? 0) > 0 };
  }
  return toPage(found, window, countTotal ? await countVisible(rows, reach, now) : 0, beyond);
}

/**
 * How many enterprises the viewer sees: their own, and the providers' clients under an ACTIVE mandate that are not
 * among them. One statement, on the mandates alone (an enterprise is never deleted: its status says ACCESS_DELETED, so
 * every id a role or a mandate names is a row); its cost is the providers' active mandates, the length of the list.
 */
async function countVisible(rows: RowReader, reach: EnterpriseReach, now: Date): Promise<number> {
  const own = padded(reach.own);
  const providers = padded(reach.providers);
  const [row] = await rows.raw(
    ServiceProviderMandate,
    `visible-enterprises-count|${own.length}|${providers.length}`,
    (table) =>
      `SELECT COUNT(DISTINCT m.client_id) AS clients,` +
      ` ${own.length > 0 ? `COUNT(DISTINCT CASE WHEN m.client_id IN (${placeholders(own.length)}) THEN m.client_id END)` : "0"} AS clientsOwn` +
      ` FROM ${table.table} m WHERE m.provider_id IN (${placeholders(providers.length)})` +
      ` AND m.status = 'ACTIVE' AND ${currentAtPositionalSql("m")}`,
    [...own, ...providers, storedDateTime(now)],
  );
  return reach.own.length + Number(row?.clients ?? 0) - Number(row?.clientsOwn ?? 0);
}
