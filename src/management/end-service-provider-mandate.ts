import { mandateChanges, mandateSummary } from "./appoint-service-provider";
import { ConflictError } from "../errors";
import { ServiceProviderMandate } from "../domain/entities";
import { mutationAction } from "./mutation-action";
import { ofMandate } from "./target";
import { message } from "../i18n/messages";

/** Ends a mandate; the client's legal representative decides (APPOINT_SERVICE_PROVIDER). */
export const endServiceProviderMandate = mutationAction({
  mutation: "endServiceProviderMandate",
  task: "APPOINT_SERVICE_PROVIDER",
  target: ofMandate(),
  async run(scope, _input: { mandate: string }, act): Promise<ServiceProviderMandate> {
    const { enterprise: client, mandate } = await act.locate();
    const { id } = mandate;
    if (mandate.status === "ENDED") throw new ConflictError("ALREADY_ENDED", message("conflict.mandateEnded"));
    const before = mandateSummary(mandate);
    const ended = { status: "ENDED" as const, endedAt: scope.now, endedById: scope.viewer.id, activeKey: null };
    // Guarded: the provider's deleteEnterpriseAccess locks the provider, not this client, and may have ended the
    // mandate since it was read; then this action ends nothing and says so.
    const { affected } = await scope.em.update(ServiceProviderMandate, { id, status: "ACTIVE" }, ended);
    if (affected === 0) throw new ConflictError("ALREADY_ENDED", message("conflict.mandateEnded"));
    Object.assign(mandate, ended);
    scope.changed(...mandateChanges(mandate));
    await act.audit(client, { before, after: mandateSummary(mandate) });
    return mandate;
  },
});
