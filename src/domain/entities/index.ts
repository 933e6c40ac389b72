/**
 * The entities: what exists, as tables, and as GraphQL types where the table and the type are one thing (the type-graphql
 * decorators sit on the entity; the enums and scalars they name are registered in src/domain too, so that nothing here
 * imports src/graphql). TypeORM is given this list.
 */
import { AccessChange } from "./access-change.entity";
import { AccessRequest } from "./access-request.entity";
import { AccessReview, AccessReviewItem } from "./access-review.entity";
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

export * from "./access-change.entity";
export * from "./access-request.entity";
export * from "./access-review.entity";
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
  AccessChange,
  AccessRequest,
  AccessReview,
  AccessReviewItem,
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

export { subscribers } from "./search-keys.subscriber";
