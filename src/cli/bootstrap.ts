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
