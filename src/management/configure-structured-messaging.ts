import { valid } from "./valid-input";
import { StructuredMessagingConfig, type Channel } from "../domain/entities";
import { parseEmail } from "../domain/identifiers";
import { mutationAction } from "./mutation-action";
import { inEnterprise } from "./target";

const summary = (c: StructuredMessagingConfig | null) =>
  c && {
    capacity: c.capacityCode,
    channel: c.channel,
    senderNumber: c.senderNumber,
    technicalContactEmail: c.technicalContactEmail,
    endedAt: c.endedAt,
  };

/** The sender number: assigned once from the row's id (unique in the database) and kept on reconfiguration. */
export const senderNumberOf = (id: number) => `SM${String(id).padStart(8, "0")}`;

/** One configuration per (enterprise, capacity): a later call reconfigures it. */
export const configureStructuredMessaging = mutationAction({
  mutation: "configureStructuredMessaging",
  task: "CONFIGURE_STRUCTURED_MESSAGES",
  target: inEnterprise({ of: "input", capacity: true }),
  async run(
    scope,
    input: { enterprise: string; capacity: string; channel: Channel; technicalContactEmail: string },
    act,
  ): Promise<StructuredMessagingConfig> {
    const capacity = act.capacity;
    const technicalContactEmail = valid(parseEmail(input.technicalContactEmail), "input.technicalContactEmail", "technicalContactEmail");
    const { enterprise } = await act.locate();
    const existing = await scope.em.findOneBy(StructuredMessagingConfig, { enterpriseId: enterprise.id, capacityCode: capacity.code });
    const before = summary(existing && { ...existing });
    const fields = {
      channel: input.channel,
      technicalContactEmail,
      configuredById: scope.viewer.id,
      configuredAt: scope.now,
      endedAt: null,
    };
    const config = await scope.em.save(
      existing
        ? scope.em.merge(StructuredMessagingConfig, existing, fields)
        : scope.em.create(StructuredMessagingConfig, {
            enterpriseId: enterprise.id,
            capacityCode: capacity.code,
            senderNumber: null,
            ...fields,
          }),
    );
    if (!config.senderNumber) {
      config.senderNumber = senderNumberOf(config.id);
      await scope.em.update(StructuredMessagingConfig, { id: config.id }, { senderNumber: config.senderNumber });
    }
    await act.audit(enterprise, { before, after: summary(config) });
    return config;
  },
});
