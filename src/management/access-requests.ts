import { GraphQLError } from "graphql";
import { In, type EntityManager } from "typeorm";
import type { RecordedChange } from "../database/change-feed";
import { dialectOf } from "../database/dialect";
import { rowsPerInsert } from "../domain/history";
import { holdSqliteWriteLock } from "./enterprise-lock";
import { AccessRequest, Enterprise } from "../domain/entities";
import type { AccessRequestStatus } from "../domain/states";
import { accessRequestStatusAt, requestedServices } from "../domain/access-request-status";

export { accessRequestStatusAt, requestedServices };
import { parseName } from "../domain/identifiers";
import { ConflictError, NotFoundError } from "../errors";
import { message } from "../i18n/messages";
import type { ActionScope } from "./action";
import { lockedEnterprise } from "./locked-enterprise";
import type { Place, Target } from "./target";
import { idArgument, valid, validId } from "./valid-input";

/** The longest `message` of a request and `reason` of a denial, in characters. */
export const accessRequestTextMax = 500;

/** Free text of a request or a denial: checked as names are (no control or bidi characters), up to 500 characters; blank is none. */
export function validRequestText(value: string | null | undefined, field: string): string | null {
  if (value === undefined || value === null || value.trim() === "") return null;
  return valid(parseName(value, { max: accessRequestTextMax }), field);
}

/** What the audit trail keeps of a request: no free text (the message stays in the request's row). */
export function accessRequestSummary(request: AccessRequest, status: AccessRequestStatus = request.storedStatus) {
  return {
    id: request.id,
    personId: request.personId,
    capacity: request.capacity,
    onlineServices: requestedServices(request),
    status,
  };
}

/**
 * Closes an open request, guarded so that exactly one of concurrent closers (a decision, a withdrawal, the sweep)
 * changes it: the others match nothing and are told it is no longer open (CONFLICT REQUEST_CLOSED).
 */
export async function closeAccessRequest(
  scope: ActionScope,
  request: AccessRequest,
  change: { status: Exclude<AccessRequestStatus, "PENDING" | "EXPIRED">; reason?: string | null; assignmentId?: number | null },
): Promise<void> {
  const { affected } = await scope.em
    .createQueryBuilder()
    .update(AccessRequest)
    .set({
      storedStatus: change.status,
      openKey: null,
      decidedAt: scope.now,
      decidedById: scope.viewer.id,
      reason: change.reason ?? null,
      assignmentId: change.assignmentId ?? null,
    })
    .where("id = :id AND open_key = 1 AND expires_at > :now", { id: request.id, now: scope.now })
    .execute();
  if (affected !== 1) throw requestClosed();
  Object.assign(request, {
    storedStatus: change.status,
    openKey: null,
    decidedAt: scope.now,
    decidedById: scope.viewer.id,
    reason: change.reason ?? null,
    assignmentId: change.assignmentId ?? null,
  });
}

export const requestClosed = () => new ConflictError("REQUEST_CLOSED", message("conflict.accessRequestClosed"));

/** A request that is no longer open at the action's instant is CONFLICT: there is nothing left to decide. */
export function requireOpen(scope: ActionScope, request: AccessRequest): void {
  if (accessRequestStatusAt(request, scope.now) !== "PENDING") throw requestClosed();
}

/**
 * The access request named by its id (`id`); MANAGE_USERS is decided in its enterprise and capacity. Only those who
 * may decide requests of that capacity learn that it exists: anyone else, its requester included, is answered as for
 * an id that does not exist (NOT_FOUND), before and under the lock alike.
 */
export function ofAccessRequest(): Target<{ id: string }, Place & { request: AccessRequest }> {
  return {
    name: "ofAccessRequest(id)",
    async find(args, { loaders, access }) {
      const id = idArgument(args.id, "id");
      if (id instanceof GraphQLError) return id;
      const request = await loaders.accessRequest.load(id);
      const enterprise = request && (await loaders.enterpriseByNumber.load(request.enterpriseNumber));
      if (!request || !enterprise || !(await access.decidesAccessRequests(enterprise, request.capacity)))
        return new NotFoundError(message("notFound.accessRequest"));
      return { enterprise, capacity: request.capacity };
    },
    capacity: () => undefined,
    async lock(scope, input) {
      const id = validId(input.id, "id");
      const found = await scope.em.findOneBy(AccessRequest, { id });
      const known = found && (await scope.em.findOneBy(Enterprise, { number: found.enterpriseNumber }));
      if (!found || !known || !(await scope.access.decidesAccessRequests(known, found.capacity)))
        throw new NotFoundError(message("notFound.accessRequest"));
      const enterprise = await lockedEnterprise(scope, { id: known.id });
      // Decided again at the instant the lock took: a decider whose role ended while waiting no longer knows of it.
      if (!(await scope.access.decidesAccessRequests(enterprise, found.capacity)))
        throw new NotFoundError(message("notFound.accessRequest"));
      return { enterprise, capacity: found.capacity, request: await scope.em.findOneByOrFail(AccessRequest, { id }) };
    },
  };
}

/**
 * Writes down the expiry of every open request past its `expiresAt` (the sweep): reads already answer EXPIRED, and
 * this frees the open key so that the person may ask again. No audit event: no right changed. Answers the requests it
 * closed, read under the write lock (SQLite) or their row locks (MySQL), so that a decision racing it closes none of
 * them: their requesters are told of the expiry as of a decision (`expiryChanges`).
 */
export async function expireAccessRequests(em: EntityManager, now: Date): Promise<AccessRequest[]> {
  await holdSqliteWriteLock(em);
  const due = em.createQueryBuilder(AccessRequest, "r").where("r.open_key = 1 AND r.expires_at <= :now", { now }).orderBy("r.id");
  if (dialectOf(em.connection) === "mysql") due.setLock("pessimistic_write");
  const expired = await due.getMany();
  for (let i = 0; i < expired.length; i += rowsPerInsert) {
    const ids = expired.slice(i, i + rowsPerInsert).map((r) => r.id);
    await em
      .createQueryBuilder()
      .update(AccessRequest)
      .set({ storedStatus: "EXPIRED", openKey: null })
      .where({ id: In(ids) })
      .execute();
  }
  for (const request of expired) Object.assign(request, { storedStatus: "EXPIRED", openKey: null });
  return expired;
}

/**
 * What live subscribers hear of requests the sweep closed, as of a decision (`requestChanged`): the requester, named,
 * and, where the enterprise exists, the deciders of the capacity. The requester is told of every expiry, whether or
 * not the enterprise exists (under the number they gave, `enterpriseId` 0, when it does not): an expiry told for some
 * numbers and not others would answer, thirty days on, which enterprises exist.
 */
export async function expiryChanges(em: EntityManager, expired: readonly AccessRequest[]): Promise<RecordedChange[]> {
  const numbers = [...new Set(expired.map((r) => r.enterpriseNumber))];
  const ids = new Map<string, number>();
  for (let i = 0; i < numbers.length; i += rowsPerInsert)
    for (const e of await em.find(Enterprise, {
      select: { id: true, number: true },
      where: { number: In(numbers.slice(i, i + rowsPerInsert)) },
    }))
      ids.set(e.number, e.id);
  return expired.map((request) => ({
    enterpriseId: ids.get(request.enterpriseNumber) ?? 0,
    kind: "ACCESS_REQUEST" as const,
    accessRequest: { capacityCode: request.capacity, enterpriseNumber: request.enterpriseNumber },
    personIds: [request.personId],
  }));
}

/**
 * Tells live subscribers of a request made, decided or withdrawn in an enterprise that exists. Its requester is named
 * (told as their own change) only for a decision: a request they made or withdrew themselves is no news to them, and
 * telling them would answer, by its presence, whether the enterprise they named exists.
 */
export async function requestChanged(
  scope: ActionScope,
  request: AccessRequest,
  { enterpriseId, decided }: { enterpriseId?: number; decided: boolean },
): Promise<void> {
  const id =
    enterpriseId ?? (await scope.em.findOne(Enterprise, { select: { id: true }, where: { number: request.enterpriseNumber } }))?.id;
  if (id === undefined) return;
  scope.changed({
    enterpriseId: id,
    kind: "ACCESS_REQUEST",
    accessRequest: { capacityCode: request.capacity },
    ...(decided ? { personIds: [request.personId] } : {}),
  });
}
