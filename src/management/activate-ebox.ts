import type { ActionScope } from "./action";
import { lockedEnterprise } from "./locked-enterprise";
import { valid } from "./valid-input";
import { ConflictError } from "../errors";
import { EBox, EBoxMessage } from "../model/entities";
import { recordEBoxActive } from "../model/history";
import { parseEmail } from "../model/identifiers";
import type { EBoxModel } from "../model/read-models";
import { message } from "../i18n/messages";

/** SPEC rule 8: one e-Box per enterprise, activated once by a legal representative; it delivers a welcome message. */
export async function activateEBox(scope: ActionScope, input: { enterprise: string; notificationEmail: string }): Promise<EBoxModel> {
  const notificationEmail = valid(parseEmail(input.notificationEmail), "input.notificationEmail", "notificationEmail");
  const enterprise = await lockedEnterprise(scope, input.enterprise);
  await scope.access.require(enterprise, "ACTIVATE_EBOX");
  const existing = await scope.em.findOneBy(EBox, { enterpriseId: enterprise.id });
  if (existing?.status === "ACTIVE") throw new ConflictError("ALREADY_ACTIVE", message("conflict.eBoxActive"));
  const active = { status: "ACTIVE" as const, activatedAt: scope.now, activatedById: scope.viewer.id, notificationEmail };
  const row = await scope.em.save(existing ? scope.em.merge(EBox, existing, active) : scope.em.create(EBox, { enterpriseId: enterprise.id, ...active }));
  await recordEBoxActive(scope.em, { enterpriseId: enterprise.id, at: scope.now });
  scope.changed({ kind: "EBOX", enterpriseId: enterprise.id });
  await scope.em.insert(EBoxMessage, {
    enterpriseId: enterprise.id,
    subject: "Welcome to your e-Box",
    body: `The e-Box of ${enterprise.name} is active. Notifications of new messages go to ${notificationEmail}.`,
    sentAt: scope.now,
    readAt: null,
  });
  await scope.audit("ACTIVATE_EBOX", enterprise, {
    mutation: "activateEBox",
    before: { status: existing?.status ?? "NOT_ACTIVATED" },
    after: { status: "ACTIVE", notificationEmail },
  });
  return { enterpriseId: enterprise.id, row };
}
