import { EBoxMessage as EBoxMessageEntity } from "../entities";
import type {
  AuditEventResolvers,
  DecisionResolvers,
  EBoxMessageResolvers,
  EBoxResolvers,
  ServiceProviderMandateResolvers,
  StructuredMessagingConfigResolvers,
} from "../generated/resolvers-types";
import { decodeCursor, pageSize, type EBoxModel } from "../read-models";
import { seesEnterpriseConfiguration } from "../../access/visibility";
import type { Context } from "../../context";
import { keysetPage } from "./keyset-page";

export const ServiceProviderMandate: ServiceProviderMandateResolvers = {
  id: (m) => String(m.id),
  client: async (m, _args, { loaders }) => (await loaders.enterprise.load(m.clientId))!,
  provider: async (m, _args, { loaders }) => (await loaders.enterprise.load(m.providerId))!,
  capacity: (m, _args, { catalog }) => catalog.capacities.get(m.capacityCode)!,
  // Both parties know who appointed the provider (SPEC rule 14): the one person of the other party a mandate shows.
  appointedBy: async (m, _args, { loaders }) => (await loaders.person.load(m.appointedById))!,
};

/** The e-Box's row when it is active and the viewer may see the enterprise's configuration. */
async function configuration(b: EBoxModel, { access }: Context) {
  return b.row?.status === "ACTIVE" && seesEnterpriseConfiguration(await access.sight(b.enterpriseId)) ? b.row : null;
}

export const EBox: EBoxResolvers = {
  status: (b) => b.row?.status ?? "NOT_ACTIVATED",
  activatedAt: (b) => (b.row?.status === "ACTIVE" ? b.row.activatedAt : null),
  activatedBy: async (b, _args, context) => {
    const row = await configuration(b, context);
    return row?.activatedById ? context.loaders.person.load(row.activatedById) : null;
  },
  notificationEmail: async (b, _args, context) => (await configuration(b, context))?.notificationEmail ?? null,
  // Newest first, as an inbox reads.
  messages: (b, { first, after }, { readManager }) =>
    keysetPage(readManager.createQueryBuilder(EBoxMessageEntity, "row").where("row.enterprise_id = :id", { id: b.enterpriseId }), {
      size: pageSize(first),
      afterId: decodeCursor(after),
      direction: "DESC",
    }),
};

export const EBoxMessage: EBoxMessageResolvers = {
  id: (m) => String(m.id),
};

export const StructuredMessagingConfig: StructuredMessagingConfigResolvers = {
  capacity: (c, _args, { catalog }) => catalog.capacities.get(c.capacityCode)!,
  senderNumber: (c) => c.senderNumber ?? "",
  // Only those who configure the capacity see a configuration (Enterprise.structuredMessaging): they may know who did.
  configuredBy: async (c, _args, { loaders }) => (await loaders.person.load(c.configuredById))!,
};

export const AuditEvent: AuditEventResolvers = {
  id: (e) => String(e.id),
  actor: async (e, _args, { access, loaders }) =>
    e.actorId && e.enterpriseId && (await access.canSeePersonIn(e.enterpriseId, e.actorId)) ? loaders.person.load(e.actorId) : null,
  enterprise: (e, _args, { loaders }) => (e.enterpriseId ? loaders.enterprise.load(e.enterpriseId) : null),
};

export const Decision: DecisionResolvers = {};
