import type { EnterpriseStatus } from "../domain/states";
import { message, type Message } from "../i18n/messages";
import type { DecisionReason } from "../domain/decision-reasons";
import { countDecision } from "../observe/metrics";
import { enterpriseWideRoles, roleHasTask, taskScope, tasksBeforeActivation, type Role, type Task } from "./role-tasks";

export { decisionReasons, type DecisionReason } from "../domain/decision-reasons";

/** What the decision needs of an assignment: the role-assignment entity satisfies it. */
export interface Grant {
  id: number;
  enterpriseId: number;
  role: Role;
  capacityCode: string | null;
}

/** A grant with the online services of a USER assignment. */
export interface ServiceGrant extends Grant {
  onlineServices: ReadonlySet<string>;
}

/** The state of the enterprise that gates tasks: most need it ACTIVE, capacity tasks an active capacity, USE_EBOX an active e-Box. */
export interface EnterpriseState {
  id: number;
  status: EnterpriseStatus;
  activeCapacities: ReadonlySet<string>;
  eBoxActive: boolean;
}

export interface Decision<G extends Grant = Grant> {
  allowed: boolean;
  task: Task;
  reason: DecisionReason;
  /** The assignments that grant the task; empty when denied. */
  via: G[];
  /** The reason as a message of the catalogue, worded in the caller's language where it is shown (Decision.message, FORBIDDEN). */
  explanation: Message;
}

const explanations: Record<DecisionReason, (task: Task) => Message> = {
  GRANTED_BY_ROLE: (task) => message("decision.grantedByRole", { task }),
  GRANTED_BY_MANDATE: (task) => message("decision.grantedByMandate", { task }),
  NOT_AUTHENTICATED: () => message("decision.notAuthenticated"),
  NO_ROLE_IN_ENTERPRISE: () => message("decision.noRoleInEnterprise"),
  ROLE_LACKS_TASK: (task) => message("decision.roleLacksTask", { task }),
  CAPACITY_NOT_ACTIVE: () => message("decision.capacityNotActive"),
  ENTERPRISE_NOT_ACTIVE: () => message("decision.enterpriseNotActive"),
  ENTERPRISE_ACCESS_DELETED: () => message("decision.enterpriseAccessDeleted"),
  EBOX_NOT_ACTIVATED: () => message("decision.eBoxNotActivated"),
  ONLINE_SERVICE_NOT_GRANTED: () => message("decision.onlineServiceNotGranted"),
  NOT_HISTORY_READER: () => message("decision.notHistoryReader"),
};

/** The sentence for a reason, as a Decision's `message` and a FORBIDDEN error's message word it. */
export function reasonMessage(reason: DecisionReason, task: Task): Message {
  return explanations[reason](task);
}

/**
 * The explanations made, by reason and task: a message is data that nothing changes (frozen here), so each decision of
 * the same reason and task shares one, rather than a request's `myTasks` making 60 of them with their parameters.
 */
const explained = new Map<DecisionReason, Map<Task, Message>>();

function explanation(reason: DecisionReason, task: Task): Message {
  let byTask = explained.get(reason);
  if (!byTask) explained.set(reason, (byTask = new Map()));
  let made = byTask.get(task);
  if (!made) {
    made = explanations[reason](task);
    byTask.set(task, Object.freeze({ ...made, params: Object.freeze(made.params) }));
    made = byTask.get(task)!;
  }
  return made;
}

function answer<G extends Grant>(task: Task, reason: DecisionReason, via: G[] = []): Decision<G> {
  countDecision(task, reason);
  const allowed = reason === "GRANTED_BY_ROLE" || reason === "GRANTED_BY_MANDATE";
  return { allowed, task, reason, via: allowed ? via : [], explanation: explanation(reason, task) };
}

export function deny<G extends Grant>(task: Task, reason: DecisionReason): Decision<G> {
  return answer<G>(task, reason);
}

function enterpriseGate(task: Task, enterprise: EnterpriseState): DecisionReason | null {
  if (tasksBeforeActivation.has(task)) return null;
  if (enterprise.status === "ACCESS_DELETED") return "ENTERPRISE_ACCESS_DELETED";
  if (enterprise.status !== "ACTIVE") return "ENTERPRISE_NOT_ACTIVE";
  return null;
}

/**
 * May the viewer, holding `grants` in `enterprise`, perform `task` (in `capacity`)? The one decision function:
 * the shield rules, `can`, `myTasks` and the management actions all ask it.
 *
 * Order: roles first (who you are), then the state of the enterprise, its capacity and its e-Box, so the reason is
 * the most useful one to the person asking. Whether the action is still needed is not part of the decision.
 */
export function decide<G extends Grant>({
  task,
  enterprise,
  grants,
  capacity,
}: {
  task: Task;
  enterprise: EnterpriseState;
  grants: readonly G[];
  capacity?: string | null;
}): Decision<G> {
  const own = ownGrants(grants, enterprise.id);
  if (own.length === 0) return answer(task, "NO_ROLE_IN_ENTERPRISE");
  const capacityScoped = taskScope[task] === "capacity";
  const holding = holdingTask(own, task, capacity);
  if (holding.length === 0) return answer(task, "ROLE_LACKS_TASK");
  const gate = enterpriseGate(task, enterprise);
  if (gate) return answer(task, gate);
  let via = holding;
  if (capacityScoped) {
    // Without a capacity: allowed when some active capacity is in reach of the viewer's roles.
    via = capacity
      ? enterprise.activeCapacities.has(capacity)
        ? holding
        : []
      : holding.filter((g) =>
          enterpriseWideRoles.has(g.role) ? enterprise.activeCapacities.size > 0 : enterprise.activeCapacities.has(g.capacityCode ?? ""),
        );
    if (via.length === 0) return answer(task, "CAPACITY_NOT_ACTIVE");
  }
  if (task === "USE_EBOX" && !enterprise.eBoxActive) return answer(task, "EBOX_NOT_ACTIVATED");
  return answer(task, "GRANTED_BY_ROLE", via);
}

/** The grants held in the enterprise: `grants` itself when all are (as `decideAll` passes them), else a copy of those. */
function ownGrants<G extends Grant>(grants: readonly G[], enterpriseId: number): readonly G[] {
  for (const grant of grants) if (grant.enterpriseId !== enterpriseId) return grants.filter((g) => g.enterpriseId === enterpriseId);
  return grants;
}

/**
 * The grants among `own` (one enterprise's) whose role holds the task, in `capacity` for a capacity-scoped task: the
 * first half of `decide`, before the enterprise's state is asked.
 */
export function holdingTask<G extends Grant>(own: readonly G[], task: Task, capacity?: string | null): G[] {
  const capacityScoped = taskScope[task] === "capacity";
  return own.filter(
    (g) => roleHasTask(g.role, task) && (!capacityScoped || !capacity || enterpriseWideRoles.has(g.role) || g.capacityCode === capacity),
  );
}

/** May the viewer use the online service for the enterprise, directly or through a service-provider mandate, whose provider's staff may use the services of its capacity? */
export interface MandateAccess<G extends ServiceGrant> {
  capacityCode: string;
  provider: EnterpriseState;
  /** The viewer's assignments at the provider. */
  providerGrants: readonly G[];
}

export function decideOnlineService<G extends ServiceGrant>({
  enterprise,
  grants,
  service,
  serviceCapacities,
  providerCapacities,
  mandates,
}: {
  enterprise: EnterpriseState;
  grants: readonly G[];
  service: string;
  /** The capacities of the catalog that offer the service. */
  serviceCapacities: ReadonlySet<string>;
  /** The capacities that qualify an enterprise as a service provider. */
  providerCapacities: ReadonlySet<string>;
  /** The client's active mandates, with the viewer's grants at each provider. */
  mandates: readonly MandateAccess<G>[];
}): Decision<G> {
  const task: Task = "USE_ONLINE_SERVICES";
  const usable = (g: G, capacities: ReadonlySet<string>) =>
    g.capacityCode !== null &&
    capacities.has(g.capacityCode) &&
    roleHasTask(g.role, task) &&
    (g.role === "ACCESS_MANAGER" || g.onlineServices.has(service));

  const direct = grants.filter((g) => g.enterpriseId === enterprise.id);
  const directActive = direct.filter((g) => g.capacityCode !== null && enterprise.activeCapacities.has(g.capacityCode));
  const directVia = directActive.filter((g) => usable(g, serviceCapacities));
  const gate = enterpriseGate(task, enterprise);
  if (directVia.length > 0 && !gate) return answer(task, "GRANTED_BY_ROLE", directVia);

  // The provider's staff: its ACCESS_MANAGERs and USERs in a provider capacity that is active at the provider.
  const staffOf = (m: MandateAccess<G>) => {
    const qualifying = new Set([...providerCapacities].filter((c) => m.provider.activeCapacities.has(c)));
    return m.providerGrants.filter(
      (g) => g.enterpriseId === m.provider.id && g.capacityCode !== null && qualifying.has(g.capacityCode) && roleHasTask(g.role, task),
    );
  };
  if (!gate) {
    for (const mandate of mandates) {
      if (!serviceCapacities.has(mandate.capacityCode) || !enterprise.activeCapacities.has(mandate.capacityCode)) continue;
      if (enterpriseGate(task, mandate.provider)) continue;
      const staff = staffOf(mandate).filter((g) => usable(g, providerCapacities));
      if (staff.length > 0) return answer(task, "GRANTED_BY_MANDATE", staff);
    }
  }
  if (direct.length === 0 && !mandates.some((m) => staffOf(m).length > 0)) return answer(task, "NO_ROLE_IN_ENTERPRISE");
  if (gate) return answer(task, gate);
  if (direct.length > 0 && !direct.some((g) => roleHasTask(g.role, task))) return answer(task, "ROLE_LACKS_TASK");
  if (direct.length > 0 && directActive.length === 0) return answer(task, "CAPACITY_NOT_ACTIVE");
  return answer(task, "ONLINE_SERVICE_NOT_GRANTED");
}
