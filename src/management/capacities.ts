import { EnterpriseCapacity, type Enterprise } from "../domain/entities";
import { ForbiddenError } from "../errors";
import type { ActionScope } from "./action";
import { message } from "../i18n/messages";

export async function activeCapacities({ em }: ActionScope, enterprise: Enterprise): Promise<EnterpriseCapacity[]> {
  return em.find(EnterpriseCapacity, { where: { enterpriseId: enterprise.id, status: "ACTIVE" }, order: { id: "ASC" } });
}

export function requireActiveCapacity(active: readonly EnterpriseCapacity[], capacityCode: string): void {
  if (!active.some((c) => c.capacityCode === capacityCode)) {
    throw new ForbiddenError("CAPACITY_NOT_ACTIVE", message("forbidden.capacityNotActive", { capacity: capacityCode }));
  }
}
