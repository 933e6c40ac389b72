/**
 * The enterprise lock every writer of an enterprise takes (the management actions, the sweep of expired rights, the
 * register import), so that writers of one enterprise run one after the other.
 */
import type { EntityManager } from "typeorm";
import { dialectOf } from "../database/dialect";
import { Enterprise } from "../domain/entities";
import { rememberLockedVersions } from "./versions-moved";

/** Locks enterprise rows for the rest of the transaction (MySQL), in id order, so that writers of one enterprise take turns. */
export async function lockEnterpriseRows(em: EntityManager, enterpriseIds: readonly number[]): Promise<void> {
  if (enterpriseIds.length === 0) return;
  const ids = [...new Set(enterpriseIds)].sort((a, b) => a - b);
  // With their versions as the lock finds them, which the action's changes must move (src/management/versions-moved.ts).
  const rows = em
    .createQueryBuilder(Enterprise, "e")
    .select("e.id", "id")
    .addSelect("e.version", "version")
    .where("e.id IN (:...ids)", { ids })
    .orderBy("e.id");
  rememberLockedVersions(
    em,
    await (dialectOf(em.connection) === "mysql" ? rows.setLock("pessimistic_write") : rows).getRawMany<{ id: number; version: unknown }>(),
  );
}

/**
 * SQLite: takes the database's one write lock now (an UPDATE of no row does) rather than at the transaction's first
 * write, so that what the caller decides next is decided while no other process can write; within the process, its
 * queue of transactions already keeps them apart. (MySQL locks rows: lockEnterpriseRows.)
 */
export async function holdSqliteWriteLock(em: EntityManager): Promise<void> {
  if (dialectOf(em.connection) !== "sqlite") return;
  await em.query(`UPDATE ${em.connection.driver.escape(em.connection.getMetadata(Enterprise).tableName)} SET id = id WHERE 0`);
}
