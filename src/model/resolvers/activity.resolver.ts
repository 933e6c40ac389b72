import { EBoxMessage as EBoxMessageEntity } from "../entities";
import type {
  AuditEventResolvers,
  DecisionResolvers,
  EBoxMessageResolvers,
  EBoxResolvers,
  ServiceProviderMandateResolvers,
  StructuredMessagingConfigResolvers,
} from "../generated/resolvers-types";
import { decodeCursor, pageSize } from "../read-models";
import { keysetPage } from "./keyset-page";

export const ServiceProviderMandate: ServiceProviderMandateResolvers = {
  id: (m) => String(m.id),
  client: async (m, _args, { loaders }) => (await loaders.enterprise.load(m.clientId))!,
  provider: async (m, _args, { loaders }) => (await loaders.enterprise.load(m.providerId))!,
  capacity: (m, _args, { catalog }) => catalog.capacities.get(m.capacityCode)!,
  appointedBy: async (m, _args, { loaders }) => (await loaders.person.load(m.appointedById))!,
};

const active = <T>(box: { row: { status: string } | null }, value: (row: NonNullable<typeof box.row>) => T): T | null =>
  box.row?.status === "ACTIVE" ? value(box.row) : null;

export const EBox: EBoxResolvers = {
  status: (b) => b.row?.status ?? "NOT_ACTIVATED",
  activatedAt: (b) => active(b, () => b.row!.activatedAt),
  activatedBy: (b, _args, { loaders }) => (b.row?.status === "ACTIVE" && b.row.activatedById ? loaders.person.load(b.row.activatedById) : null),
  notificationEmail: (b) => active(b, () => b.row!.notificationEmail),
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
  configuredBy: async (c, _args, { loaders }) => (await loaders.person.load(c.configuredById))!,
};

export const AuditEvent: AuditEventResolvers = {
  id: (e) => String(e.id),
  actor: (e, _args, { loaders }) => (e.actorId ? loaders.person.load(e.actorId) : null),
  enterprise: (e, _args, { loaders }) => (e.enterpriseId ? loaders.enterprise.load(e.enterpriseId) : null),
};

export const Decision: DecisionResolvers = {};
