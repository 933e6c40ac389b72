import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";
import { openDatabase } from "../../src/database/data-source";
import { seedFingerprint, seedScale, type ScaleSeed, type ScaleSize } from "./seed";

export type ScaleDatabase = "mariadb" | "sqlite";

/**
 * Where the seeded databases are kept between runs, so that the million-person seed is done once: SQLite files and
 * each database's manifest (what it holds, how long it took) in BENCH_SCALE_DIR; MariaDB databases named
 * `bench_scale_<size>` on BENCH_MYSQL_URL's server.
 */
export const scaleDir = process.env.BENCH_SCALE_DIR ?? join(__dirname, "..", "..", ".bench-scale");
const mysqlServer = process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";

export function databaseName(size: ScaleSize): string {
  return `${process.env.BENCH_SCALE_DB_PREFIX ?? "bench_scale_"}${size}`;
}

export function databaseUrl(db: ScaleDatabase, size: ScaleSize): string {
  if (db === "sqlite") return `sqlite:${join(scaleDir, `${size}.sqlite`)}`;
  const server = new URL(mysqlServer);
  return `mysql://${server.username || "root"}:${server.password}@${server.hostname}:${server.port || 3306}/${databaseName(size)}`;
}

const manifestFile = (db: ScaleDatabase, size: ScaleSize) => join(scaleDir, `${db}-${size}.json`);

async function admin<T>(work: (query: (sql: string) => Promise<unknown>) => Promise<T>): Promise<T> {
  const server = new URL(mysqlServer);
  const connection = await createConnection({
    host: server.hostname,
    port: Number(server.port || 3306),
    user: server.username || "root",
    password: server.password,
  });
  try {
    return await work((sql) => connection.query(sql));
  } finally {
    await connection.end();
  }
}

/** Removes the database and its manifest. */
export async function dropScaleDatabase(db: ScaleDatabase, size: ScaleSize): Promise<void> {
  rmSync(manifestFile(db, size), { force: true });
  if (db === "sqlite") {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(join(scaleDir, `${size}.sqlite${suffix}`), { force: true });
  } else {
    await admin((query) => query(`DROP DATABASE IF EXISTS \`${databaseName(size)}\``));
  }
}

/** Bytes on disk: the SQLite file and its WAL, or MariaDB's data and index lengths of the database. */
export async function sizeOnDisk(db: ScaleDatabase, size: ScaleSize): Promise<number> {
  if (db === "sqlite") {
    return ["", "-wal"].reduce((n, suffix) => {
      const file = join(scaleDir, `${size}.sqlite${suffix}`);
      return n + (existsSync(file) ? statSync(file).size : 0);
    }, 0);
  }
  return admin(async (query) => {
    // InnoDB's figures in information_schema are its statistics, refreshed lazily: recounted first.
    const [tables] = (await query(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = '${databaseName(size)}' AND table_type = 'BASE TABLE'`,
    )) as [{ name: string }[]];
    for (const { name } of tables) await query(`ANALYZE TABLE \`${databaseName(size)}\`.\`${name}\``);
    const [rows] = (await query(
      `SELECT SUM(data_length + index_length) AS bytes FROM information_schema.tables WHERE table_schema = '${databaseName(size)}'`,
    )) as [{ bytes: string | number | null }[]];
    return Number(rows[0].bytes ?? 0);
  });
}

export interface SeededDatabase {
  url: string;
  seed: ScaleSeed;
  /** False when a kept database was reused. */
  seededNow: boolean;
  bytes: number;
}

/**
 * The database of `db` at `size`, seeded: the kept one when its manifest names this seed's fingerprint and the
 * database is still there, otherwise a new one (`reseed` forces it).
 */
export async function seededDatabase({
  db,
  size,
  reseed = false,
  progress = () => undefined,
}: {
  db: ScaleDatabase;
  size: ScaleSize;
  reseed?: boolean;
  progress?: (message: string) => void;
}): Promise<SeededDatabase> {
  mkdirSync(scaleDir, { recursive: true });
  const url = databaseUrl(db, size);
  const file = manifestFile(db, size);
  if (!reseed && existsSync(file)) {
    const seed = JSON.parse(readFileSync(file, "utf8")) as ScaleSeed;
    const present =
      db === "sqlite"
        ? existsSync(join(scaleDir, `${size}.sqlite`))
        : await admin(async (query) => {
            const [rows] = (await query(`SHOW DATABASES LIKE '${databaseName(size)}'`)) as [unknown[]];
            return rows.length === 1;
          });
    if (seed.fingerprint === seedFingerprint && present) {
      progress(`${db} ${size}: reusing the kept database (seeded in ${seed.seconds.total.toFixed(0)} s)`);
      return { url, seed, seededNow: false, bytes: await sizeOnDisk(db, size) };
    }
  }
  await dropScaleDatabase(db, size);
  if (db === "mariadb") {
    await admin((query) => query(`CREATE DATABASE \`${databaseName(size)}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`));
  }
  const dataSource = await openDatabase({ url });
  try {
    const seed = await seedScale({ dataSource, size, progress: (m) => progress(`${db} ${size}: ${m}`) });
    writeFileSync(file, `${JSON.stringify(seed, null, 2)}\n`);
    return { url, seed, seededNow: true, bytes: await sizeOnDisk(db, size) };
  } finally {
    await dataSource.destroy();
  }
}
