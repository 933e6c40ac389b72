import { AuditEvent } from "./audit-event.entity";
import { CapacityOnlineServiceRow, CapacityRow, OnlineServiceRow } from "./catalog.entity";
import { EBox, EBoxMessage } from "./ebox.entity";
import { EnterpriseCapacity } from "./enterprise-capacity.entity";
import { Enterprise } from "./enterprise.entity";
import { Person } from "./person.entity";
import { RoleAssignment, RoleAssignmentOnlineService } from "./role-assignment.entity";
import { ServiceProviderMandate } from "./service-provider-mandate.entity";
import { StructuredMessagingConfig } from "./structured-messaging-config.entity";

export * from "./audit-event.entity";
export * from "./catalog.entity";
export * from "./ebox.entity";
export * from "./enterprise-capacity.entity";
export * from "./enterprise.entity";
export * from "./person.entity";
export * from "./role-assignment.entity";
export * from "./service-provider-mandate.entity";
export * from "./structured-messaging-config.entity";

export const entities = [
  AuditEvent,
  CapacityOnlineServiceRow,
  CapacityRow,
  EBox,
  EBoxMessage,
  Enterprise,
  EnterpriseCapacity,
  OnlineServiceRow,
  Person,
  RoleAssignment,
  RoleAssignmentOnlineService,
  ServiceProviderMandate,
  StructuredMessagingConfig,
];
