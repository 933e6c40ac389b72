import type { ActionScope } from "./action";
import { activeCapacities } from "./capacities";
import { activateCapacityRow } from "./capacity-activation";
import { lockedEnterprise } from "./locked-enterprise";
import { ConflictError } from "../errors";
import type { EnterpriseCapacityModel } from "../model/read-models";
import { message } from "../i18n/messages";

/** SPEC rule 5: a capacity from the catalog becomes active; the main access manager becomes its access manager. */
export async function activateCapacity(scope: ActionScope, input: { enterprise: string; capacity: string }): Promise<EnterpriseCapacityModel> {
  const capacity = scope.catalog.capacity(input.capacity);
  const enterprise = await lockedEnterprise(scope, input.enterprise);
  await scope.access.require(enterprise, "ACTIVATE_CAPACITY");
  if ((await activeCapacities(scope, enterprise)).some((c) => c.capacityCode === capacity.code)) {
    throw new ConflictError("ALREADY_ACTIVE", message("conflict.capacityActive", { capacity: capacity.code }));
  }
  const row = await activateCapacityRow(scope, enterprise, capacity.code);
  await scope.audit("ACTIVATE_CAPACITY", enterprise, {
    mutation: "activateCapacity",
    before: { capacity: capacity.code, status: "INACTIVE" },
    after: { capacity: capacity.code, status: "ACTIVE" },
  });
  return { enterpriseId: enterprise.id, capacityCode: row.capacityCode, status: row.status, activatedAt: row.activatedAt, activatedById: row.activatedById };
}
