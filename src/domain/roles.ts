/**
 * The names of the roles a person holds in an enterprise and of the tasks of the portal: the vocabulary that the
 * entities, the messages and the GraphQL enums share. Which role may perform which task is policy, and lives in the
 * role-task table (src/access/role-tasks.ts), which re-exports these names.
 */
export const roles = ["LEGAL_REPRESENTATIVE", "MAIN_ACCESS_MANAGER", "ACCESS_MANAGER", "USER"] as const;
export type Role = (typeof roles)[number];

export const tasks = [
  "APPOINT_MAIN_ACCESS_MANAGER",
  "APPOINT_SERVICE_PROVIDER",
  "ACTIVATE_EBOX",
  "DELETE_ENTERPRISE_ACCESS",
  "ACTIVATE_ENTERPRISE_ACCOUNT",
  "ACTIVATE_CAPACITY",
  "MANAGE_USERS",
  "APPOINT_ACCESS_MANAGER",
  "USE_ONLINE_SERVICES",
  "USE_EBOX",
  "CONFIGURE_STRUCTURED_MESSAGES",
] as const;
export type Task = (typeof tasks)[number];

export const roleDescriptions = {
  LEGAL_REPRESENTATIVE:
    "Known from the enterprise register; appoints the main access manager and service providers, activates the e-Box, deletes the enterprise's access.",
  MAIN_ACCESS_MANAGER: "Activates the enterprise's account and capacities, appoints an access manager per capacity, manages users.",
  ACCESS_MANAGER: "Manages the users of one capacity, uses its online services and the e-Box, configures structured messages.",
  USER: "Uses the online services granted in one capacity and the enterprise's e-Box.",
} as const satisfies Record<Role, string>;

/** Roles held for the whole enterprise; the others are held for one capacity. */
export const enterpriseWideRoles: ReadonlySet<Role> = new Set<Role>(["LEGAL_REPRESENTATIVE", "MAIN_ACCESS_MANAGER"]);

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

export function isTask(value: string): value is Task {
  return (tasks as readonly string[]).includes(value);
}
