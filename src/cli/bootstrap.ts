import "reflect-metadata";
import type { DataSource } from "typeorm";
import { loadConfig, type Config } from "../config";
import { openDatabase } from "../database/data-source";
import { Catalog } from "../domain/catalog";

/** What every command starts with: the configuration and a migrated database, so that each command works first on a fresh machine. */
export async function bootstrap(): Promise<{ config: Config; dataSource: DataSource; catalog: Catalog }> {
  const config = loadConfig();
  const dataSource = await openDatabase({ url: config.databaseUrl, replicaUrls: config.replicaUrls, poolSize: config.databasePoolSize });
  return { config, dataSource, catalog: await Catalog.load(dataSource) };
}

/**
 * Runs a command; a failure prints its message alone (no stack) and exits non-zero. Exits once stdout and stderr have
 * flushed: writes to a pipe are asynchronous, and exiting at once cut `audit:verify | grep` after ~1,700 of 21,000 lines.
 */
export function runCommand(main: () => Promise<void>): void {
  const exit = (code: number) => process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
  main().then(
    () => exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      exit(1);
    },
  );
}
