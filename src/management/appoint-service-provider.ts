import { IsNull } from "typeorm";
import type { ActionScope } from "./action";
import { activeCapacities, requireActiveCapacity } from "./capacities";
import { lockedEnterprises } from "./locked-enterprise";
import { mutationAction, type Act } from "./mutation-action";
import { inEnterprise, type Place, type Target } from "./target";
import type { CatalogCapacity } from "../domain/catalog";
import { validValidUntil } from "./valid-input";
import { BadUserInputError, ConflictError } from "../errors";
import { providerCapacities } from "../domain/catalog-data";
import { Enterprise, EnterpriseCapacity, ServiceProviderMandate, mandateActiveKey } from "../domain/entities";
import { message } from "../i18n/messages";

const summary = (m: ServiceProviderMandate) => ({
  id: m.id,
  clientId: m.clientId,
  providerId: m.providerId,
  capacity: m.capacityCode,
  status: m.status,
  ...(m.validUntil ? { validUntil: m.validUntil } : {}),
});

/**
 * The provider is another enterprise with an active provider capacity; the capacity must be active at
 * the client; one active mandate per (client, capacity), so a new appointment ends the old one. With `validUntil` the
 * mandate expires then; appointing the provider that holds the mandate already is CONFLICT ALREADY_ASSIGNED, with or
 * without an expiry (nothing is extended silently).
 */
export const appointServiceProvider = mutationAction({
  mutation: "appointServiceProvider",
  task: "APPOINT_SERVICE_PROVIDER",
  target: clientAndProvider(),
  run,
});

type Input = { enterprise: string; provider: string; capacity: string; validUntil?: Date | null };

/** The client (`input.enterprise`), where the task is decided, in `input.capacity`; in the action, its provider is locked with it. */
function clientAndProvider(): Target<Input, Place & { provider: Enterprise }, CatalogCapacity> {
  const client = inEnterprise({ of: "input", capacity: true });
  return {
    ...client,
    name: "clientAndProvider(input.enterprise, input.capacity, input.provider)",
    async lock(scope, input) {
      const [enterprise, provider] = await lockedEnterprises(scope, [input.enterprise, input.provider]);
      return { enterprise, capacity: input.capacity.trim(), provider };
    },
  };
}

async function run(
  scope: ActionScope,
  input: Input,
  act: Act<Place & { provider: Enterprise }, CatalogCapacity>,
): Promise<ServiceProviderMandate> {
  const capacity = act.capacity;
  const validUntil = validValidUntil(scope, input.validUntil);
  if (input.provider === input.enterprise) throw new BadUserInputError("input.provider", message("input.ownServiceProvider"));
  const { enterprise: client, provider } = await act.locate();
  requireActiveCapacity(await activeCapacities(scope, client), capacity.code);
  const providerActive = await scope.em.findBy(EnterpriseCapacity, { enterpriseId: provider.id, status: "ACTIVE" });
  if (provider.status !== "ACTIVE" || !providerActive.some((c) => providerCapacities.has(c.capacityCode))) {
    throw new ConflictError("PROVIDER_NOT_QUALIFIED", message("conflict.providerNotQualified"));
  }
  const previous = await scope.em.findOneBy(ServiceProviderMandate, {
    clientId: client.id,
    capacityCode: capacity.code,
    status: "ACTIVE",
    endedAt: IsNull(),
  });
  if (previous?.providerId === provider.id) throw new ConflictError("ALREADY_ASSIGNED", message("conflict.providerAlreadyMandated"));
  if (previous) {
    await scope.em.update(
      ServiceProviderMandate,
      { id: previous.id },
      { status: "ENDED", endedAt: scope.now, endedById: scope.viewer.id, activeKey: null },
    );
  }
  const fields = { clientId: client.id, providerId: provider.id, capacityCode: capacity.code };
  const mandate = await scope.em.save(
    scope.em.create(ServiceProviderMandate, {
      ...fields,
      status: "ACTIVE",
      appointedById: scope.viewer.id,
      startsAt: scope.now,
      endedAt: null,
      endedById: null,
      validUntil,
      activeKey: mandateActiveKey(fields),
    }),
  );
  if (previous) scope.changed(...mandateChanges(previous));
  scope.changed(...mandateChanges(mandate));
  await act.audit(client, {
    before: previous ? summary(previous) : null,
    after: { ...summary(mandate), providerNumber: provider.number },
  });
  return mandate;
}

export { summary as mandateSummary };

/** A mandate's change, told on both sides: the client's and the provider's subscribers (src/live). */
export function mandateChanges(m: Pick<ServiceProviderMandate, "clientId" | "providerId">) {
  const mandate = { clientId: m.clientId, providerId: m.providerId };
  return [
    { kind: "MANDATE" as const, enterpriseId: m.clientId, mandate },
    { kind: "MANDATE" as const, enterpriseId: m.providerId, mandate },
  ];
}
