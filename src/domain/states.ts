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
