import "reflect-metadata";
import type { DataSource } from "typeorm";
import { loadConfig, type Config } from "../config";
import { openDatabase } from "../database/data-source";
import { Catalog } from "../model/catalog";

/** What every command starts with: the configuration and a migrated database (SPEC, Identity: every command migrates). */
export async function bootstrap(): Promise<{ config: Config; dataSource: DataSource; catalog: Catalog }> {
  const config = loadConfig();
  const dataSource = await openDatabase({ url: config.databaseUrl, replicaUrls: config.replicaUrls, poolSize: config.databasePoolSize });
  return { config, dataSource, catalog: await Catalog.load(dataSource) };
}

/** Runs a command; a failure prints its message alone (no stack) and exits non-zero. */
export function runCommand(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
