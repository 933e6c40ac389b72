import { AccessRequest, Person } from "../domain/entities";
import { holdSqliteWriteLock } from "./enterprise-lock";
import { dialectOf } from "../database/dialect";
import { RateLimitedError } from "../errors";
import { message } from "../i18n/messages";
import { accessRequestSummary, requestChanged, validRequestText } from "./access-requests";
import { mutationAction } from "./mutation-action";
import { validServices, validValidUntil } from "./valid-input";
import { capacityArgument } from "./target";

const day = 24 * 60 * 60 * 1000;

/**
 * Asks for online services of one capacity of an enterprise, by any signed-in person. The answer is the request,
 * PENDING, whether or not the enterprise exists, has that capacity or anyone to decide: nothing here reads the
 * enterprise, so the answer and its timing tell the requester nothing they did not know. The catalog is public, so an
 * unknown capacity or a service outside it is BAD_USER_INPUT. While one request of the person for that enterprise and
 * capacity is open, asking again answers the open one unchanged (the requester knows of it already); at most
 * ACCESS_REQUESTS_PER_DAY requests a person in 24 hours (RATE_LIMITED, scope "viewer").
 */
export const requestAccess = mutationAction({
  mutation: "requestAccess",
  task: null,
  audit: "REQUEST_ACCESS",
  async run(
    scope,
    input: {
      enterprise: string;
      capacity: string;
      onlineServices: readonly string[];
      message?: string | null;
      validUntil?: Date | null;
    },
    act,
  ): Promise<AccessRequest> {
    const capacity = capacityArgument(input.capacity, "input.capacity", scope.catalog);
    const services = validServices(scope, capacity.code, input.onlineServices, "input.onlineServices");
    const text = validRequestText(input.message, "input.message");
    const validUntil = validValidUntil(scope, input.validUntil);
    const { em, viewer, now } = scope;
    // One person's requests one after the other, so that concurrent ones count each other against the daily limit.
    await holdSqliteWriteLock(em);
    const self = em.createQueryBuilder(Person, "p").select("p.id").where("p.id = :id", { id: viewer.id });
    await (dialectOf(em.connection) === "mysql" ? self.setLock("pessimistic_write") : self).getOne();
    const open = await em
      .createQueryBuilder(AccessRequest, "r")
      .where("r.person_id = :person AND r.enterprise_number = :number AND r.capacity_code = :capacity AND r.open_key = 1", {
        person: viewer.id,
        number: input.enterprise,
        capacity: capacity.code,
      })
      .getOne();
    if (open && open.expiresAt.getTime() > now.getTime()) return open;
    const since = new Date(now.getTime() - day);
    const recent = await em
      .createQueryBuilder(AccessRequest, "r")
      .where("r.person_id = :person AND r.created_at > :since", { person: viewer.id, since })
      .getCount();
    if (recent >= scope.accessRequests.perDay) {
      const oldest = await em
        .createQueryBuilder(AccessRequest, "r")
        .where("r.person_id = :person AND r.created_at > :since", { person: viewer.id, since })
        .orderBy("r.created_at", "ASC")
        .getOne();
      const retryAfter = Math.max(1, Math.ceil(((oldest?.createdAt.getTime() ?? now.getTime()) + day - now.getTime()) / 1000));
      throw new RateLimitedError("viewer", retryAfter, message("limits.accessRequestsPerDay", { max: scope.accessRequests.perDay }));
    }
    // An open request that expired unswept gives its place up first.
    if (open) await em.update(AccessRequest, { id: open.id, openKey: 1 }, { storedStatus: "EXPIRED", openKey: null });
    const request = em.create(AccessRequest, {
      personId: viewer.id,
      enterpriseNumber: input.enterprise,
      capacity: capacity.code,
      onlineServiceCodes: services.join(","),
      message: text,
      validUntil,
      storedStatus: "PENDING",
      openKey: 1,
      createdAt: now,
      expiresAt: new Date(now.getTime() + scope.accessRequests.ttlDays * day),
      decidedAt: null,
      decidedById: null,
      reason: null,
      assignmentId: null,
    });
    await em.insert(AccessRequest, request);
    await act.audit(null, { before: null, after: { ...accessRequestSummary(request), enterprise: input.enterprise } });
    await requestChanged(scope, request, { decided: false });
    return request;
  },
});
