/**
 * Why a task is allowed or denied: the stable codes that the decision answers (src/access/decision.ts), the errors
 * carry and the GraphQL enum lists. Kept here, below all three, so that none imports another to get them.
 */
export const decisionReasons = [
  "GRANTED_BY_ROLE",
  "GRANTED_BY_MANDATE",
  "NOT_AUTHENTICATED",
  "NO_ROLE_IN_ENTERPRISE",
  "ROLE_LACKS_TASK",
  "CAPACITY_NOT_ACTIVE",
  "ENTERPRISE_NOT_ACTIVE",
  "ENTERPRISE_ACCESS_DELETED",
  "EBOX_NOT_ACTIVATED",
  "ONLINE_SERVICE_NOT_GRANTED",
  "NOT_HISTORY_READER",
] as const;
export type DecisionReason = (typeof decisionReasons)[number];

/**
 * The reasons a FORBIDDEN error carries: the denials of the decision that an operation meets as a refusal. Not
 * NOT_AUTHENTICATED (every guarded field answers UNAUTHENTICATED first) nor ONLINE_SERVICE_NOT_GRANTED (only
 * `canUseOnlineService` decides it, and a decision is answered, never thrown).
 */
export const forbiddenReasons = [
  "NO_ROLE_IN_ENTERPRISE",
  "ROLE_LACKS_TASK",
  "CAPACITY_NOT_ACTIVE",
  "ENTERPRISE_NOT_ACTIVE",
  "ENTERPRISE_ACCESS_DELETED",
  "EBOX_NOT_ACTIVATED",
  "NOT_HISTORY_READER",
] as const satisfies readonly DecisionReason[];
export type ForbiddenReason = (typeof forbiddenReasons)[number];
