import { valid } from "./valid-input";
import { ConflictError } from "../errors";
import { EBox, EBoxMessage } from "../domain/entities";
import { recordEBoxActive } from "../domain/history";
import { parseEmail } from "../domain/identifiers";
import type { EBoxModel } from "../read/read-models";
import { message } from "../i18n/messages";
import { mutationAction } from "./mutation-action";
import { inEnterprise } from "./target";

/** One e-Box per enterprise, activated once by a legal representative; it delivers a welcome message. */
export const activateEBox = mutationAction({
  mutation: "activateEBox",
  task: "ACTIVATE_EBOX",
  target: inEnterprise({ of: "input" }),
  async run(scope, input: { enterprise: string; notificationEmail: string }, act): Promise<EBoxModel> {
    const notificationEmail = valid(parseEmail(input.notificationEmail), "input.notificationEmail", "notificationEmail");
    const { enterprise } = await act.locate();
    const existing = await scope.em.findOneBy(EBox, { enterpriseId: enterprise.id });
    if (existing?.status === "ACTIVE") throw new ConflictError("ALREADY_ACTIVE", message("conflict.eBoxActive"));
    const active = { status: "ACTIVE" as const, activatedAt: scope.now, activatedById: scope.viewer.id, notificationEmail };
    const row = await scope.em.save(
      existing ? scope.em.merge(EBox, existing, active) : scope.em.create(EBox, { enterpriseId: enterprise.id, ...active }),
    );
    await recordEBoxActive(scope.em, { enterpriseId: enterprise.id, at: scope.now });
    scope.changed({ kind: "EBOX", enterpriseId: enterprise.id });
    await scope.em.insert(EBoxMessage, {
      enterpriseId: enterprise.id,
      subject: "Welcome to your e-Box",
      body: `The e-Box of ${enterprise.name} is active. Notifications of new messages go to ${notificationEmail}.`,
      sentAt: scope.now,
      readAt: null,
    });
    await act.audit(enterprise, {
      before: { status: existing?.status ?? "NOT_ACTIVATED" },
      after: { status: "ACTIVE", notificationEmail },
    });
    return { enterpriseId: enterprise.id, row };
  },
});
