import type { ActionScope } from "./action";
import { lockedEnterprise } from "./locked-enterprise";
import { validId } from "./valid-input";
import { NotFoundError } from "../errors";
import { EBoxMessage } from "../model/entities";
import { message as text } from "../i18n/messages";

/** Marks a message of the enterprise's e-Box read; marking it again keeps the first reading time. */
export async function markEBoxMessageRead(scope: ActionScope, input: { enterprise: string; message: string }): Promise<EBoxMessage> {
  const id = validId(input.message, "message");
  const enterprise = await lockedEnterprise(scope, input.enterprise);
  await scope.access.require(enterprise, "USE_EBOX");
  const message = await scope.em.findOneBy(EBoxMessage, { id, enterpriseId: enterprise.id });
  if (!message) throw new NotFoundError(text("notFound.eBoxMessage"));
  const before = { messageId: message.id, readAt: message.readAt };
  if (!message.readAt) {
    message.readAt = scope.now;
    await scope.em.update(EBoxMessage, { id: message.id }, { readAt: scope.now });
  }
  await scope.audit("USE_EBOX", enterprise, { mutation: "markEBoxMessageRead", before, after: { messageId: message.id, readAt: message.readAt } });
  return message;
}
