import { activeCapacities } from "./capacities";
import { activateCapacityRow } from "./capacity-activation";
import { ConflictError } from "../errors";
import type { EnterpriseCapacityModel } from "../read/read-models";
import { message } from "../i18n/messages";
import { mutationAction } from "./mutation-action";
import { inEnterprise } from "./target";

/**
 * A capacity from the catalog becomes active; the main access manager becomes its access manager. The
 * capacity is what the action activates, not a scope of its task: the target reads the enterprise alone.
 */
export const activateCapacity = mutationAction({
  mutation: "activateCapacity",
  task: "ACTIVATE_CAPACITY",
  target: inEnterprise(),
  async run(scope, input: { enterprise: string; capacity: string }, act): Promise<EnterpriseCapacityModel> {
    const capacity = scope.catalog.capacity(input.capacity);
    const { enterprise } = await act.locate();
    if ((await activeCapacities(scope, enterprise)).some((c) => c.capacityCode === capacity.code)) {
      throw new ConflictError("ALREADY_ACTIVE", message("conflict.capacityActive", { capacity: capacity.code }));
    }
    const row = await activateCapacityRow(scope, enterprise, capacity.code);
    await act.audit(enterprise, {
      before: { capacity: capacity.code, status: "INACTIVE" },
      after: { capacity: capacity.code, status: "ACTIVE" },
    });
    return {
      enterpriseId: enterprise.id,
      capacityCode: row.capacityCode,
      status: row.status,
      activatedAt: row.activatedAt,
      activatedById: row.activatedById,
    };
  },
});
