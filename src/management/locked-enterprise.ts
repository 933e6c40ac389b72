import { In } from "typeorm";
import { dialectOf } from "../database/dialect";
import { Enterprise } from "../domain/entities";
import { NotFoundError } from "../errors";
import type { ActionScope } from "./action";
import { holdSqliteWriteLock } from "./enterprise-lock";
import { message } from "../i18n/messages";

/**
 * The enterprise an action acts in, read once and under its lock: MySQL reads the row with FOR UPDATE, SQLite after
 * taking the database's write lock. What the action decides next is decided on the state no other writer can change
 * before its commit. Then ActionScope.lock takes the action's instant (and writes down the rights expired by then).
 */
export async function lockedEnterprise(scope: ActionScope, where: { number: string } | { id: number }): Promise<Enterprise> {
  const { em } = scope;
  await holdSqliteWriteLock(em);
  const query = em.createQueryBuilder(Enterprise, "e").where("number" in where ? "e.number = :number" : "e.id = :id", where);
  const enterprise = await (dialectOf(em.connection) === "mysql" ? query.setLock("pessimistic_write") : query).getOne();
  if (!enterprise) throw new NotFoundError(message("notFound.enterprise"));
  await scope.lock(enterprise);
  return enterprise;
}

/**
 * Several enterprises by number (a client and its provider), each NOT_FOUND in the order given. Concurrent actions lock
 * enterprise rows in id order, which the numbers do not tell: their ids are looked up first, then their rows are read
 * under the lock.
 */
export async function lockedEnterprises(scope: ActionScope, numbers: readonly string[]): Promise<Enterprise[]> {
  const found = await scope.em.find(Enterprise, { select: { id: true, number: true }, where: { number: In([...numbers]) } });
  const byNumber = new Map(found.map((e) => [e.number, e]));
  const ids = numbers.map((number) => {
    const enterprise = byNumber.get(number);
    if (!enterprise) throw new NotFoundError(message("notFound.enterprise"));
    return enterprise;
  });
  await scope.lock(...ids);
  const rows = new Map((await scope.em.findBy(Enterprise, { id: In(ids.map((e) => e.id)) })).map((e) => [e.id, e]));
  return ids.map((e) => rows.get(e.id)!);
}
