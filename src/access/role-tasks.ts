/**
 * The role-task table: the one source of truth for authorization.
 * The shield rules, `Query.roleTasks`, `Enterprise.myTasks`, `Query.can` and the audit action names are all
 * derived from these constants, so they cannot disagree.
 */
import { enterpriseWideRoles, isRole, isTask, roleDescriptions, roles, tasks, type Role, type Task } from "../domain/roles";

export { enterpriseWideRoles, isRole, isTask, roleDescriptions, roles, tasks, type Role, type Task };

export const roleTasks = {
  LEGAL_REPRESENTATIVE: ["APPOINT_MAIN_ACCESS_MANAGER", "APPOINT_SERVICE_PROVIDER", "ACTIVATE_EBOX", "DELETE_ENTERPRISE_ACCESS"],
  MAIN_ACCESS_MANAGER: ["ACTIVATE_ENTERPRISE_ACCOUNT", "ACTIVATE_CAPACITY", "MANAGE_USERS", "APPOINT_ACCESS_MANAGER"],
  ACCESS_MANAGER: ["MANAGE_USERS", "USE_ONLINE_SERVICES", "USE_EBOX", "CONFIGURE_STRUCTURED_MESSAGES"],
  USER: ["USE_ONLINE_SERVICES", "USE_EBOX"],
} as const satisfies Record<Role, readonly Task[]>;

/** A capacity-scoped task is allowed only in the capacity of the assignment that grants it. */
export const taskScope = {
  APPOINT_MAIN_ACCESS_MANAGER: "enterprise",
  APPOINT_SERVICE_PROVIDER: "enterprise",
  ACTIVATE_EBOX: "enterprise",
  DELETE_ENTERPRISE_ACCESS: "enterprise",
  ACTIVATE_ENTERPRISE_ACCOUNT: "enterprise",
  ACTIVATE_CAPACITY: "enterprise",
  MANAGE_USERS: "capacity",
  APPOINT_ACCESS_MANAGER: "enterprise",
  USE_ONLINE_SERVICES: "capacity",
  USE_EBOX: "enterprise",
  CONFIGURE_STRUCTURED_MESSAGES: "capacity",
} as const satisfies Record<Task, "enterprise" | "capacity">;

/** Tasks that are allowed before the enterprise is ACTIVE; every other task needs an ACTIVE enterprise. */
export const tasksBeforeActivation: ReadonlySet<Task> = new Set<Task>(["APPOINT_MAIN_ACCESS_MANAGER", "ACTIVATE_ENTERPRISE_ACCOUNT"]);

/** Roles that may read an enterprise's audit trail: holding either of them in it is enough. */
export const auditReaderRoles: ReadonlySet<Role> = new Set<Role>(["LEGAL_REPRESENTATIVE", "MAIN_ACCESS_MANAGER"]);

/** Roles, held now, that may ask what was true at a past instant (`asOf`): who could do what, and who held which role. */
export const historyReaderRoles: ReadonlySet<Role> = new Set<Role>(["LEGAL_REPRESENTATIVE", "MAIN_ACCESS_MANAGER"]);

const tasksByRole = new Map<Role, ReadonlySet<Task>>(roles.map((role) => [role, new Set<Task>(roleTasks[role])]));

export function roleHasTask(role: Role, task: Task): boolean {
  return tasksByRole.get(role)!.has(task);
}

// A task that no role can perform is a hole in the table: fail at load time rather than deny silently forever.
const unassigned = tasks.filter((task) => !roles.some((role) => roleHasTask(role, task)));
if (unassigned.length > 0) throw new Error(`Tasks without a role in the role-task table: ${unassigned.join(", ")}`);
