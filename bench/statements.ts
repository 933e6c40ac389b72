import type { Logger as TypeOrmLogger } from "typeorm";
import { benchRateLimits } from "./rate-limits";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/database/data-source";
import { requestReader } from "../src/database/readers";
import { startGateway } from "../src/server";

/** A statement a request sent, with its parameters: `npm run bench:scale -- --explain` explains and times the reads. */
export interface SentStatement {
  sql: string;
  parameters: unknown[];
}

class CountingLogger implements TypeOrmLogger {
  count = 0;
  /** The statements of the request being recorded, when one is. */
  recording: SentStatement[] | null = null;
  logQuery(sql: string, parameters?: unknown[]) {
    this.count++;
    this.recording?.push({ sql, parameters: parameters ?? [] });
  }
  logQueryError() {}
  logQuerySlow() {}
  logSchemaBuild() {}
  logMigration() {}
  log() {}
}

/** An operation whose statements are counted: its body is asked anew for each request (a write needs fresh variables). */
export interface CountedOperation {
  name: string;
  body: () => string;
  token: string;
}

/**
 * SQL statements for one request of each operation, through an in-process gateway whose data source counts them:
 * `first`, the first request (it reads the enterprises' read models, src/read/enterprise-cache.ts), and `next`, the
 * one after it (the models kept), with the statements it sent when `record` is set. An operation whose answer is not 200, or comes after
 * `timeoutMs`, counts as null.
 */
export async function statementsPerRequest(
  url: string,
  keyFile: string,
  operations: CountedOperation[],
  { settings = {}, timeoutMs = 600_000, record = false }: { settings?: Record<string, string>; timeoutMs?: number; record?: boolean } = {},
): Promise<Record<string, { first: number; next: number; sent?: SentStatement[] } | null>> {
  const logger = new CountingLogger();
  // Opened as the gateway opens it (on a SQLite file: a writer and a read connection), both counted.
  const dataSource = await openDatabase({ url });
  for (const counted of new Set([dataSource, requestReader(dataSource)])) (counted as { logger: TypeOrmLogger }).logger = logger;
  const config = loadConfig({
    DATABASE_URL: url,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    ...benchRateLimits,
    DEV_KEY_FILE: keyFile,
    DEMO_DATA: "off",
    ...settings,
  });
  const gateway = await startGateway({ config, dataSource });
  const counts: Record<string, { first: number; next: number; sent?: SentStatement[] } | null> = {};
  try {
    for (const op of operations) {
      const send = async () => {
        const before = logger.count;
        try {
          const response = await fetch(gateway.url, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${op.token}` },
            body: op.body(),
            signal: AbortSignal.timeout(timeoutMs),
          });
          await response.text();
          return response.ok ? logger.count - before : null;
        } catch (error) {
          if ((error as Error).name === "TimeoutError") return null;
          throw error;
        }
      };
      const first = await send();
      logger.recording = record ? [] : null;
      const next = await send();
      counts[op.name] = first === null || next === null ? null : { first, next, ...(logger.recording ? { sent: logger.recording } : {}) };
      logger.recording = null;
    }
  } finally {
    await gateway.stop();
    await dataSource.destroy();
  }
  return counts;
}
