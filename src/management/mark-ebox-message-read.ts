import { validId } from "./valid-input";
import { NotFoundError } from "../errors";
import { EBoxMessage } from "../domain/entities";
import { message as text } from "../i18n/messages";
import { mutationAction } from "./mutation-action";
import { inEnterprise } from "./target";

/** Marks a message of the enterprise's e-Box read; marking it again keeps the first reading time. */
export const markEBoxMessageRead = mutationAction({
  mutation: "markEBoxMessageRead",
  task: "USE_EBOX",
  target: inEnterprise(),
  async run(scope, input: { enterprise: string; message: string }, act): Promise<EBoxMessage> {
    const id = validId(input.message, "message");
    const { enterprise } = await act.locate();
    const message = await scope.em.findOneBy(EBoxMessage, { id, enterpriseId: enterprise.id });
    if (!message) throw new NotFoundError(text("notFound.eBoxMessage"));
    const before = { messageId: message.id, readAt: message.readAt };
    if (!message.readAt) {
      message.readAt = scope.now;
      await scope.em.update(EBoxMessage, { id: message.id }, { readAt: scope.now });
    }
    await act.audit(enterprise, { before, after: { messageId: message.id, readAt: message.readAt } });
    return message;
  },
});
