import {
  AccessRequest,
  AccessReview,
  AccessReviewItem,
  AuditEvent,
  EBoxMessage,
  Enterprise,
  RoleAssignment,
  ServiceProviderMandate,
} from "../../domain/entities";
import { connectionTypes } from "./page.type";

export const RoleAssignmentConnection = connectionTypes(RoleAssignment, { name: "RoleAssignment", items: "role assignments" });
export const EBoxMessageConnection = connectionTypes(EBoxMessage, { name: "EBoxMessage", items: "e-Box messages (newest first)" });
export const AuditEventConnection = connectionTypes(AuditEvent, { name: "AuditEvent", items: "audit events (oldest first)" });

/**
 * Bounded work per request: a provider's staff can see thousands of client enterprises, and the unpaginated
 * `myEnterprises` is costed at its real length, so nested lists under it are refused for them. This connection pages
 * through the same enterprises, in the same order, with the keyset cursors of the other connections.
 */
export const EnterpriseConnection = connectionTypes(Enterprise, {
  name: "Enterprise",
  items: "enterprises the caller sees",
  described: {
    edge: "One enterprise of `myEnterprisesConnection`, with the cursor that resumes after (or before) it.",
    cursor: "Opaque: pass it as `after` to continue after this enterprise, as `before` to get those before it.",
    node: "The enterprise.",
    connection: "A page of the enterprises the caller sees, ordered by enterprise number.",
    edges: "The enterprises of this page.",
    nodes: "The enterprises of this page, as in `edges` without their cursors.",
    pageInfo: "Whether there are pages after and before this one, and the cursors to ask for them.",
    totalCount: "How many enterprises the caller sees in all.",
  },
});

/** The mandates of an enterprise (`clientsConnection`, `serviceProvidersConnection`), in the order they were appointed. */
export const ServiceProviderMandateConnection = connectionTypes(ServiceProviderMandate, {
  name: "ServiceProviderMandate",
  items: "service-provider mandates (oldest first)",
});

/** Access requests: those a decider may decide (Enterprise.accessRequests, oldest first) or the caller's own (myAccessRequests, newest first). */
export const AccessRequestConnection = connectionTypes(AccessRequest, { name: "AccessRequest", items: "access requests" });

export const AccessReviewConnection = connectionTypes(AccessReview, { name: "AccessReview", items: "access reviews (newest first)" });
export const AccessReviewItemConnection = connectionTypes(AccessReviewItem, {
  name: "AccessReviewItem",
  items: "items of an access review (in the order they were listed)",
});
