import { Brackets, In, IsNull } from "typeorm";
import type { ActionScope } from "./action";
import { mutationAction, type Act } from "./mutation-action";
import { inEnterprise, type Place } from "./target";
import { valid } from "./valid-input";
import { dialectOf } from "../database/dialect";
import {
  EBox,
  Enterprise,
  EnterpriseCapacity,
  RoleAssignment,
  ServiceProviderMandate,
  StructuredMessagingConfig,
} from "../domain/entities";
import { recordAccessDeleted } from "../domain/history";
import { parseName } from "../domain/identifiers";
import { currentAtSql } from "../domain/validity";

/**
 * How many ids of ended assignments and mandates the audit event lists (the first ones by id), next to their
 * counts: an enterprise may hold 100,000 assignments, and the event must fit its TEXT column (64 KiB on MariaDB).
 */
export const auditedIdsLimit = 100;

/**
 * Ends every role assignment except the legal representatives', every mandate in either direction,
 * the e-Box and the structured-messaging configurations, and sets ACCESS_DELETED. Nothing is physically deleted.
 * The capacities become INACTIVE too, so that a re-registration starts from the default capacity again.
 *
 * Assignments and mandates end with one UPDATE each, whatever their number. The assignments are guarded by the
 * enterprise lock; a mandate may be ended at the same moment by its other party, which locks only its own
 * enterprise, so the mandates are locked first and ended only while still ACTIVE: the event lists what this
 * action ended, never a mandate someone else ended. A mandate that has expired (src/domain/validity.ts) is over
 * already: the lock wrote down those in which this enterprise is the client; one in which it is the provider is left
 * to its client's next action or the sweep, which record it as expired (EXPIRE_RIGHT) rather than ended by this one.
 */
export const deleteEnterpriseAccess = mutationAction({
  mutation: "deleteEnterpriseAccess",
  task: "DELETE_ENTERPRISE_ACCESS",
  target: inEnterprise({ of: "input" }),
  run,
});

async function run(scope: ActionScope, input: { enterprise: string; reason: string }, act: Act<Place, undefined>): Promise<Enterprise> {
  const reason = valid(parseName(input.reason, { max: 500 }), "input.reason", "reason");
  const { enterprise } = await act.locate();
  const { em, now } = scope;
  const { firstAssignments, holders, endedAssignments } = await endAssignments(scope, enterprise);
  const { lockedMandates, endedMandates } = await endMandates(scope, enterprise);
  const mandateIds = lockedMandates.map((m) => Number(m.id));
  const eBox = await em.findOneBy(EBox, { enterpriseId: enterprise.id, status: "ACTIVE" });
  if (eBox) await em.update(EBox, { id: eBox.id }, { status: "NOT_ACTIVATED" });
  const configs = await em.findBy(StructuredMessagingConfig, { enterpriseId: enterprise.id, endedAt: IsNull() });
  if (configs.length > 0) await em.update(StructuredMessagingConfig, { id: In(configs.map((c) => c.id)) }, { endedAt: now });
  const capacities = await em.findBy(EnterpriseCapacity, { enterpriseId: enterprise.id, status: "ACTIVE" });
  if (capacities.length > 0) await em.update(EnterpriseCapacity, { id: In(capacities.map((c) => c.id)) }, { status: "INACTIVE" });
  await em.update(Enterprise, { id: enterprise.id }, { status: "ACCESS_DELETED", updatedAt: now });
  await recordAccessDeleted(em, { enterpriseId: enterprise.id, at: now });
  announce(scope, enterprise, holders, lockedMandates);
  await act.audit(enterprise, {
    reason,
    before: {
      status: enterprise.status,
      assignments: firstAssignments.map((a) => Number(a.id)),
      assignmentCount: endedAssignments.affected ?? firstAssignments.length,
      mandates: mandateIds.slice(0, auditedIdsLimit),
      mandateCount: endedMandates.affected ?? mandateIds.length,
      listedIds: `the first ${auditedIdsLimit} by id`,
      eBox: eBox ? "ACTIVE" : "NOT_ACTIVATED",
      structuredMessaging: configs.map((c) => c.capacityCode),
      capacities: capacities.map((c) => c.capacityCode),
    },
    after: { status: "ACCESS_DELETED" },
  });
  return em.findOneByOrFail(Enterprise, { id: enterprise.id });
}

/** Ends the enterprise's current assignments but the legal representatives'; reads first the ids the event lists and whose roles end. */
async function endAssignments({ em, now, viewer }: ActionScope, enterprise: Enterprise) {
  const current = () =>
    em
      .createQueryBuilder(RoleAssignment, "a")
      .where("a.enterpriseId = :enterprise AND a.endedAt IS NULL AND a.role <> 'LEGAL_REPRESENTATIVE'", { enterprise: enterprise.id });
  const firstAssignments = await current()
    .select("a.id", "id")
    .orderBy("a.id")
    .limit(auditedIdsLimit)
    .getRawMany<{ id: number | string }>();
  // Whose own roles end here: each of them is told (src/live), whatever they can still see of the enterprise afterwards.
  const holders = (await current().select("a.personId", "personId").distinct(true).getRawMany<{ personId: number | string }>()).map((a) =>
    Number(a.personId),
  );
  const endedAssignments = await em
    .createQueryBuilder()
    .update(RoleAssignment)
    .set({ endedAt: now, endedById: viewer.id, activeKey: null, exclusiveKey: null })
    .where("enterprise_id = :enterprise AND ended_at IS NULL AND role <> 'LEGAL_REPRESENTATIVE'", { enterprise: enterprise.id })
    .execute();
  return { firstAssignments, holders, endedAssignments };
}

interface LockedMandate {
  id: number | string;
  clientId: number | string;
  providerId: number | string;
}

/** Locks the mandates still current in either direction, then ends those still ACTIVE. */
async function endMandates({ em, now, viewer }: ActionScope, enterprise: Enterprise) {
  const activeMandates = em
    .createQueryBuilder(ServiceProviderMandate, "m")
    .select("m.id", "id")
    .addSelect("m.clientId", "clientId")
    .addSelect("m.providerId", "providerId")
    .where(currentAtSql("m"), { validAt: now })
    .andWhere(
      new Brackets((q) =>
        q
          .where("m.clientId = :enterprise", { enterprise: enterprise.id })
          .orWhere("m.providerId = :enterprise", { enterprise: enterprise.id }),
      ),
    )
    .orderBy("m.id");
  // SQLite runs one writer at a time and has no row locks; MariaDB locks each mandate row here until the commit.
  const lockedMandates = await (
    dialectOf(em.connection) === "mysql" ? activeMandates.setLock("pessimistic_write") : activeMandates
  ).getRawMany<LockedMandate>();
  const endedMandates = await em
    .createQueryBuilder()
    .update(ServiceProviderMandate)
    .set({ status: "ENDED", endedAt: now, endedById: viewer.id, activeKey: null })
    .where(`${currentAtSql("service_provider_mandate")} AND (client_id = :enterprise OR provider_id = :enterprise)`, {
      enterprise: enterprise.id,
      validAt: now,
    })
    .execute();
  return { lockedMandates, endedMandates };
}

/** Tells the holders of the ended roles, and the other party of each mandate, once the action commits. */
function announce(scope: ActionScope, enterprise: Enterprise, holders: number[], lockedMandates: LockedMandate[]): void {
  scope.changed(
    { kind: "STATUS", enterpriseId: enterprise.id, personIds: holders },
    // The other party of each mandate learns of it too (the ended ones are among those locked: the UPDATE ends only ACTIVE ones).
    ...lockedMandates.flatMap((m) => {
      const mandate = { clientId: Number(m.clientId), providerId: Number(m.providerId) };
      const other = mandate.clientId === enterprise.id ? mandate.providerId : mandate.clientId;
      return [{ kind: "MANDATE" as const, enterpriseId: other, mandate }];
    }),
  );
}
