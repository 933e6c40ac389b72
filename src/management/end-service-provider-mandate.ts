import type { ActionScope } from "./action";
import { mandateChanges, mandateSummary } from "./appoint-service-provider";
import { validId } from "./valid-input";
import { ConflictError, NotFoundError } from "../errors";
import { Enterprise, ServiceProviderMandate } from "../model/entities";
import { message } from "../i18n/messages";

/** Ends a mandate; the client's legal representative decides (APPOINT_SERVICE_PROVIDER). */
export async function endServiceProviderMandate(scope: ActionScope, input: { mandate: string }): Promise<ServiceProviderMandate> {
  const id = validId(input.mandate, "mandate");
  const found = await scope.em.findOneBy(ServiceProviderMandate, { id });
  if (!found || !(await scope.access.knowsOfMandate(found))) throw new NotFoundError(message("notFound.mandate"));
  const client = await scope.em.findOneByOrFail(Enterprise, { id: found.clientId });
  await scope.lock(client);
  await scope.access.require(client, "APPOINT_SERVICE_PROVIDER");
  const mandate = await scope.em.findOneByOrFail(ServiceProviderMandate, { id });
  if (mandate.status === "ENDED") throw new ConflictError("ALREADY_ENDED", message("conflict.mandateEnded"));
  const before = mandateSummary(mandate);
  const ended = { status: "ENDED" as const, endedAt: scope.now, endedById: scope.viewer.id, activeKey: null };
  // Guarded: the provider's deleteEnterpriseAccess locks the provider, not this client, and may have ended the
  // mandate since it was read; then this action ends nothing and says so.
  const { affected } = await scope.em.update(ServiceProviderMandate, { id, status: "ACTIVE" }, ended);
  if (affected === 0) throw new ConflictError("ALREADY_ENDED", message("conflict.mandateEnded"));
  Object.assign(mandate, ended);
  scope.changed(...mandateChanges(mandate));
  await scope.audit("APPOINT_SERVICE_PROVIDER", client, { mutation: "endServiceProviderMandate", before, after: mandateSummary(mandate) });
  return mandate;
}
