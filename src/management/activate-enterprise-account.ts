import type { ActionScope } from "./action";
import { activateCapacityRow } from "./capacity-activation";
import { lockedEnterprise } from "./locked-enterprise";
import { ConflictError } from "../errors";
import { Enterprise } from "../model/entities";
import { message } from "../i18n/messages";
import { recordEnterpriseStatus } from "../model/history";

/** SPEC rule 3: PENDING_ACTIVATION becomes ACTIVE and the enterprise's default capacity (from the register) becomes active. */
export async function activateEnterpriseAccount(scope: ActionScope, input: { enterprise: string }): Promise<Enterprise> {
  const enterprise = await lockedEnterprise(scope, input.enterprise);
  await scope.access.require(enterprise, "ACTIVATE_ENTERPRISE_ACCOUNT");
  if (enterprise.status === "ACTIVE") throw new ConflictError("ALREADY_ACTIVE", message("conflict.accountActive"));
  if (enterprise.status !== "PENDING_ACTIVATION") throw new ConflictError("NOT_PENDING_ACTIVATION", message("conflict.notPendingActivation"));
  await scope.em.update(Enterprise, { id: enterprise.id }, { status: "ACTIVE", updatedAt: scope.now });
  scope.changed({ kind: "STATUS", enterpriseId: enterprise.id });
  const before = { status: enterprise.status };
  enterprise.status = "ACTIVE";
  await recordEnterpriseStatus(scope.em, { enterpriseId: enterprise.id, status: "ACTIVE", at: scope.now });
  await activateCapacityRow(scope, enterprise, enterprise.defaultCapacity);
  await scope.audit("ACTIVATE_ENTERPRISE_ACCOUNT", enterprise, {
    mutation: "activateEnterpriseAccount",
    before,
    after: { status: "ACTIVE", activatedCapacity: enterprise.defaultCapacity },
  });
  return scope.em.findOneByOrFail(Enterprise, { id: enterprise.id });
}
