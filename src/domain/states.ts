/**
 * The states and choices of what exists, as constants: the entities store them and the GraphQL enums (enums.ts) are
 * built from them. Kept apart from both so that neither imports the other to get them.
 */
export const enterpriseStatuses = ["REGISTERED", "PENDING_ACTIVATION", "ACTIVE", "ACCESS_DELETED"] as const;
export type EnterpriseStatus = (typeof enterpriseStatuses)[number];

export const languages = ["NL", "FR", "DE", "EN"] as const;
export type Language = (typeof languages)[number];

export const capacityStatuses = ["ACTIVE", "INACTIVE"] as const;
export type CapacityStatus = (typeof capacityStatuses)[number];

export const mandateStatuses = ["ACTIVE", "ENDED"] as const;
export type MandateStatus = (typeof mandateStatuses)[number];

export const eBoxStatuses = ["NOT_ACTIVATED", "ACTIVE"] as const;
export type EBoxStatus = (typeof eBoxStatuses)[number];

export const channels = ["SFTP", "FTP", "SOAP", "REST"] as const;
export type Channel = (typeof channels)[number];

/** Where an access request stands: PENDING until a decider approves or denies it, its requester withdraws it, or it expires. */
export const accessRequestStatuses = ["PENDING", "APPROVED", "DENIED", "WITHDRAWN", "EXPIRED"] as const;
export type AccessRequestStatus = (typeof accessRequestStatuses)[number];

/** What a reviewer answers for one assignment of an access review, and what applies to those nobody answered. */
export const accessReviewDecisions = ["KEEP", "REMOVE"] as const;
export type AccessReviewDecision = (typeof accessReviewDecisions)[number];

/** Who reviews the users of a capacity; access managers are always reviewed by the main access manager. */
export const accessReviewerKinds = ["CAPACITY_MANAGERS", "MAIN_ACCESS_MANAGER"] as const;
export type AccessReviewerKind = (typeof accessReviewerKinds)[number];

export const accessReviewRecurrences = ["QUARTERLY", "YEARLY"] as const;
export type AccessReviewRecurrence = (typeof accessReviewRecurrences)[number];

export const accessReviewStatuses = ["OPEN", "COMPLETED"] as const;
export type AccessReviewStatus = (typeof accessReviewStatuses)[number];

export const accessReviewItemStatuses = ["PENDING", "KEPT", "REMOVED", "ALREADY_ENDED"] as const;
export type AccessReviewItemStatus = (typeof accessReviewItemStatuses)[number];
