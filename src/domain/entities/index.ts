/**
 * src/model: what exists. The entities (tables, and GraphQL types where table and type are one thing), the read models
 * and catalog types where they are not, the enums and scalars, and the read side: one resolver class per type whose
 * field resolvers read through the per-request loaders. It decides nothing about access: it asks src/access (through
 * the context's `access`), and imports from there only the role-task table and the decision's reasons.
 */
import { AuditChainHead } from "./audit-chain-head.entity";
import { AuditEvent } from "./audit-event.entity";
import { CapacityOnlineServiceRow, CapacityRow, OnlineServiceRow } from "./catalog.entity";
import { EBox, EBoxMessage } from "./ebox.entity";
import { EnterpriseCapacity } from "./enterprise-capacity.entity";
import { Enterprise } from "./enterprise.entity";
import { CapacityActiveSpan, EBoxActiveSpan, EnterpriseStatusSpan, OnlineServiceGrantSpan } from "./history.entity";
import { Person } from "./person.entity";
import { RoleAssignment, RoleAssignmentOnlineService } from "./role-assignment.entity";
import { ServiceProviderMandate } from "./service-provider-mandate.entity";
import { StructuredMessagingConfig } from "./structured-messaging-config.entity";

export * from "./audit-chain-head.entity";
export * from "./audit-event.entity";
export * from "./catalog.entity";
export * from "./ebox.entity";
export * from "./enterprise-capacity.entity";
export * from "./enterprise.entity";
export * from "./history.entity";
export * from "./person.entity";
export * from "./role-assignment.entity";
export * from "./service-provider-mandate.entity";
export * from "./structured-messaging-config.entity";

export const entities = [
  AuditChainHead,
  AuditEvent,
  CapacityActiveSpan,
  CapacityOnlineServiceRow,
  CapacityRow,
  EBox,
  EBoxActiveSpan,
  EBoxMessage,
  Enterprise,
  EnterpriseCapacity,
  EnterpriseStatusSpan,
  OnlineServiceGrantSpan,
  OnlineServiceRow,
  Person,
  RoleAssignment,
  RoleAssignmentOnlineService,
  ServiceProviderMandate,
  StructuredMessagingConfig,
];
