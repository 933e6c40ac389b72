import { In, IsNull, Not } from "typeorm";
import type { ActionScope } from "./action";
import { endAssignments, lockedEnterprise, valid } from "./common";
import { EBox, Enterprise, EnterpriseCapacity, RoleAssignment, ServiceProviderMandate, StructuredMessagingConfig } from "../model/entities";
import { parseName } from "../model/identifiers";

/**
 * SPEC rule 10: ends every role assignment except the legal representatives', every mandate in either direction,
 * the e-Box and the structured-messaging configurations, and sets ACCESS_DELETED. Nothing is physically deleted.
 * The capacities become INACTIVE too, so that a re-registration starts from the default capacity again.
 */
export async function deleteEnterpriseAccess(scope: ActionScope, input: { enterprise: string; reason: string }): Promise<Enterprise> {
  const reason = valid(parseName(input.reason, { max: 500 }), "input.reason", "reason");
  const enterprise = await lockedEnterprise(scope, input.enterprise);
  await scope.access.require(enterprise, "DELETE_ENTERPRISE_ACCESS");
  const { em, now, viewer } = scope;
  const assignments = await em.findBy(RoleAssignment, { enterpriseId: enterprise.id, endedAt: IsNull(), role: Not("LEGAL_REPRESENTATIVE") });
  await endAssignments(scope, assignments);
  const mandates = [
    ...(await em.findBy(ServiceProviderMandate, { clientId: enterprise.id, status: "ACTIVE" })),
    ...(await em.findBy(ServiceProviderMandate, { providerId: enterprise.id, status: "ACTIVE" })),
  ];
  if (mandates.length > 0) {
    await em.update(ServiceProviderMandate, { id: In(mandates.map((m) => m.id)) }, { status: "ENDED", endedAt: now, endedById: viewer.id, activeKey: null });
  }
  const eBox = await em.findOneBy(EBox, { enterpriseId: enterprise.id, status: "ACTIVE" });
  if (eBox) await em.update(EBox, { id: eBox.id }, { status: "NOT_ACTIVATED" });
  const configs = await em.findBy(StructuredMessagingConfig, { enterpriseId: enterprise.id, endedAt: IsNull() });
  if (configs.length > 0) await em.update(StructuredMessagingConfig, { id: In(configs.map((c) => c.id)) }, { endedAt: now });
  const capacities = await em.findBy(EnterpriseCapacity, { enterpriseId: enterprise.id, status: "ACTIVE" });
  if (capacities.length > 0) await em.update(EnterpriseCapacity, { id: In(capacities.map((c) => c.id)) }, { status: "INACTIVE" });
  await em.update(Enterprise, { id: enterprise.id }, { status: "ACCESS_DELETED", updatedAt: now });
  await scope.audit("DELETE_ENTERPRISE_ACCESS", enterprise, {
    mutation: "deleteEnterpriseAccess",
    reason,
    before: {
      status: enterprise.status,
      assignments: assignments.map((a) => a.id),
      mandates: mandates.map((m) => m.id),
      eBox: eBox ? "ACTIVE" : "NOT_ACTIVATED",
      structuredMessaging: configs.map((c) => c.capacityCode),
      capacities: capacities.map((c) => c.capacityCode),
    },
    after: { status: "ACCESS_DELETED" },
  });
  return em.findOneByOrFail(Enterprise, { id: enterprise.id });
}
