import { activateCapacityRow } from "./capacity-activation";
import { ConflictError } from "../errors";
import { Enterprise } from "../domain/entities";
import { message } from "../i18n/messages";
import { recordEnterpriseStatus } from "../domain/history";
import { mutationAction } from "./mutation-action";
import { inEnterprise } from "./target";

/** PENDING_ACTIVATION becomes ACTIVE and the enterprise's default capacity (from the register) becomes active. */
export const activateEnterpriseAccount = mutationAction({
  mutation: "activateEnterpriseAccount",
  task: "ACTIVATE_ENTERPRISE_ACCOUNT",
  target: inEnterprise(),
  async run(scope, _input: { enterprise: string }, act): Promise<Enterprise> {
    const { enterprise } = await act.locate();
    if (enterprise.status === "ACTIVE") throw new ConflictError("ALREADY_ACTIVE", message("conflict.accountActive"));
    if (enterprise.status !== "PENDING_ACTIVATION")
      throw new ConflictError("NOT_PENDING_ACTIVATION", message("conflict.notPendingActivation"));
    await scope.em.update(Enterprise, { id: enterprise.id }, { status: "ACTIVE", updatedAt: scope.now });
    scope.changed({ kind: "STATUS", enterpriseId: enterprise.id });
    const before = { status: enterprise.status };
    enterprise.status = "ACTIVE";
    await recordEnterpriseStatus(scope.em, { enterpriseId: enterprise.id, status: "ACTIVE", at: scope.now });
    await activateCapacityRow(scope, enterprise, enterprise.defaultCapacity);
    await act.audit(enterprise, {
      before,
      after: { status: "ACTIVE", activatedCapacity: enterprise.defaultCapacity },
    });
    return scope.em.findOneByOrFail(Enterprise, { id: enterprise.id });
  },
});
