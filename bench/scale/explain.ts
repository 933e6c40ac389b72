import { performance } from "node:perf_hooks";
import { openDatabase } from "../../src/database/data-source";
import { dialectOf } from "../../src/database/dialect";
import type { SentStatement } from "../statements";

/** One read of a request, run again alone: how long it took and how the database planned it. */
export interface ExplainedRead {
  ms: number;
  sql: string;
  plan: string[];
}

/**
 * Runs each read a request sent (SELECT, outside its transaction) again on its own, times it and asks its plan (MariaDB's
 * EXPLAIN: table, type, key, estimated rows; SQLite's EXPLAIN QUERY PLAN): the `top` slowest, slowest first. What
 * makes an operation grow with the data shows here as a read that takes long, a key that is not the one expected, or
 * an estimate of rows far past the page.
 */
export async function explainReads(url: string, sent: readonly SentStatement[], top = 3): Promise<ExplainedRead[]> {
  const dataSource = await openDatabase({ url });
  try {
    const sqlite = dialectOf(dataSource) === "sqlite";
    const explained: ExplainedRead[] = [];
    for (const { sql, parameters } of sent) {
      if (!/^\s*(SELECT|WITH)\b/i.test(sql) || /@@/.test(sql)) continue;
      const started = performance.now();
      await dataSource.query(sql, parameters);
      const ms = performance.now() - started;
      const rows = (await dataSource.query(`${sqlite ? "EXPLAIN QUERY PLAN" : "EXPLAIN"} ${sql}`, parameters)) as Record<string, unknown>[];
      const plan = sqlite
        ? rows.map((r) => String(r.detail))
        : rows.map(
            (r) =>
              `${String(r.table)}: ${String(r.type)} key=${String(r.key)} rows=${String(r.rows)}${r.Extra ? ` (${String(r.Extra)})` : ""}`,
          );
      explained.push({ ms: Math.round(ms * 10) / 10, sql: sql.replace(/\s+/g, " ").slice(0, 2000), plan });
    }
    return explained.sort((a, b) => b.ms - a.ms).slice(0, top);
  } finally {
    await dataSource.destroy();
  }
}
