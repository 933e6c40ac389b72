import "reflect-metadata";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTemplateDatabase } from "./template-database";
import { newRunId, runDirectory } from "./test-run";

/**
 * Jest's global setup (jest.config.js): a run of its own (test/support/test-run.ts). Its id names the databases and
 * Redis keys the suites make; its folder becomes TMPDIR, so that every worker, and every gateway, command, browser and
 * database server a test starts, makes its temporary files there. Jest's workers start after this, with this
 * environment.
 */
export default async function globalSetup(): Promise<void> {
  const run = newRunId();
  // The TypeScript register's transform cache is meant to outlive runs (it makes every command a test starts quicker
  // the second time): it stays where it is, out of the run's folder.
  process.env.SWC_NODE_CACHE_DIR ??= join(tmpdir(), `swc-node-${process.getuid?.() ?? "default"}`);
  const directory = runDirectory(run, tmpdir());
  mkdirSync(directory);
  process.env.TEST_RUN_ID = run;
  process.env.TEST_RUN_DIR = directory;
  process.env.TMPDIR = directory;
  // The gateways' MySQL databases are copies of one migrated per run (test/support/template-database.ts).
  if (process.env.TEST_DATABASES !== "sqlite") await createTemplateDatabase(run);
}
