import { EnterpriseCapacity, type Enterprise } from "../domain/entities";
import { recordCapacityActive } from "../domain/history";
import type { ActionScope } from "./action";
import { ensureMainAccessManagerProfiles } from "./role-grants";

/** Activates a capacity (or reports that it already was) and keeps the main access manager's profile in it. */
export async function activateCapacityRow(scope: ActionScope, enterprise: Enterprise, capacityCode: string): Promise<EnterpriseCapacity> {
  const { em, viewer, now } = scope;
  const existing = await em.findOneBy(EnterpriseCapacity, { enterpriseId: enterprise.id, capacityCode });
  const active = { status: "ACTIVE" as const, activatedAt: now, activatedById: viewer.id };
  const row = existing
    ? em.merge(EnterpriseCapacity, existing, active)
    : em.create(EnterpriseCapacity, { enterpriseId: enterprise.id, capacityCode, ...active });
  await em.save(row);
  await recordCapacityActive(em, { enterpriseId: enterprise.id, capacityCode, at: now });
  scope.changed({ kind: "CAPACITY", enterpriseId: enterprise.id });
  await ensureMainAccessManagerProfiles(scope, enterprise);
  return row;
}
