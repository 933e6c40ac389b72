import { Enterprise } from "../model/entities";
import { NotFoundError } from "../errors";
import type { ActionScope } from "./action";
import { message } from "../i18n/messages";

export async function findEnterprise({ em }: ActionScope, number: string): Promise<Enterprise> {
  const enterprise = await em.findOneBy(Enterprise, { number });
  if (!enterprise) throw new NotFoundError(message("notFound.enterprise"));
  return enterprise;
}

/** Rereads the enterprise after its row is locked, so the rules below see the state no other action can change now. */
export async function lockedEnterprise(scope: ActionScope, number: string): Promise<Enterprise> {
  const enterprise = await findEnterprise(scope, number);
  await scope.lock(enterprise);
  return scope.em.findOneByOrFail(Enterprise, { id: enterprise.id });
}

