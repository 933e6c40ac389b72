import { In, IsNull } from "typeorm";
import { ConflictError } from "../errors";
import {
  Enterprise,
  Person,
  RoleAssignment,
  RoleAssignmentOnlineService,
  assignmentActiveKey,
  assignmentExclusiveKey,
} from "../domain/entities";
import { recordOnlineServicesOf, rowsPerInsert } from "../domain/history";
import type { Role } from "../access/role-tasks";
import type { ActionScope } from "./action";
import { activeCapacities } from "./capacities";
import { message } from "../i18n/messages";

export async function currentAssignment(
  { em }: Pick<ActionScope, "em">,
  where: { enterpriseId: number; role: Role; personId?: number; capacityCode?: string | null },
): Promise<RoleAssignment | null> {
  return em.findOne(RoleAssignment, {
    where: {
      enterpriseId: where.enterpriseId,
      role: where.role,
      endedAt: IsNull(),
      ...(where.personId !== undefined ? { personId: where.personId } : {}),
      ...(where.capacityCode !== undefined ? { capacityCode: where.capacityCode ?? IsNull() } : {}),
    },
    order: { id: "ASC" },
  });
}

/** Grants a role; holding it already in that scope is CONFLICT. The unique active key backs this up under concurrency. */
export async function grantRole(
  scope: ActionScope,
  {
    person,
    enterprise,
    role,
    capacityCode = null,
    onlineServices = [],
    automatic = false,
    validUntil = null,
  }: {
    person: Person;
    enterprise: Enterprise;
    role: Role;
    capacityCode?: string | null;
    onlineServices?: readonly string[];
    automatic?: boolean;
    validUntil?: Date | null;
  },
): Promise<RoleAssignment> {
  if (await currentAssignment(scope, { enterpriseId: enterprise.id, role, personId: person.id, capacityCode })) {
    throw alreadyAssigned(role, capacityCode);
  }
  const [assignment] = await grantRoles(scope, {
    enterprise,
    role,
    capacityCode,
    automatic,
    grants: [{ person, onlineServices, validUntil }],
  });
  return assignment;
}

/** The refusal of a role the person already holds in that scope. */
export function alreadyAssigned(role: Role, capacityCode: string | null): ConflictError {
  return new ConflictError(
    "ALREADY_ASSIGNED",
    capacityCode ? message("conflict.roleHeldInCapacity", { role, capacity: capacityCode }) : message("conflict.roleHeld", { role }),
  );
}

/** Which of these people hold the role in that scope now: one read, whatever their number. */
export async function currentHolders(
  { em }: ActionScope,
  where: { enterpriseId: number; role: Role; capacityCode: string | null; personIds: readonly number[] },
): Promise<Set<number>> {
  const held = new Set<number>();
  for (let i = 0; i < where.personIds.length; i += rowsPerInsert) {
    const rows = await em.find(RoleAssignment, {
      select: { personId: true },
      where: {
        enterpriseId: where.enterpriseId,
        role: where.role,
        capacityCode: where.capacityCode ?? IsNull(),
        endedAt: IsNull(),
        personId: In(where.personIds.slice(i, i + rowsPerInsert)),
      },
    });
    for (const row of rows) held.add(row.personId);
  }
  return held;
}

/**
 * Grants one role in one scope to several people, none of whom holds it there (the caller checked: grantRole, or a bulk
 * action with currentHolders), in a few multi-row statements whatever their number: the assignments, their online
 * services and the services' history. The unique active key still refuses a duplicate under concurrency. One live
 * change for them all. Returns the assignments in the order of `grants`.
 */
export async function grantRoles(
  scope: ActionScope,
  {
    enterprise,
    role,
    capacityCode = null,
    automatic = false,
    grants,
  }: {
    enterprise: Enterprise;
    role: Role;
    capacityCode?: string | null;
    automatic?: boolean;
    grants: readonly { person: Person; onlineServices?: readonly string[]; validUntil?: Date | null }[];
  },
): Promise<RoleAssignment[]> {
  if (grants.length === 0) return [];
  const { em, viewer, now } = scope;
  const rows = grants.map(({ person, validUntil = null }) => {
    const fields = { personId: person.id, enterpriseId: enterprise.id, role, capacityCode };
    return {
      ...fields,
      grantedById: role === "LEGAL_REPRESENTATIVE" ? null : viewer.id,
      grantedAt: now,
      endedAt: null,
      endedById: null,
      validUntil,
      activeKey: assignmentActiveKey(fields),
      exclusiveKey: assignmentExclusiveKey(fields),
      automatic,
    };
  });
  for (let i = 0; i < rows.length; i += rowsPerInsert)
    await em
      .createQueryBuilder()
      .insert()
      .into(RoleAssignment)
      .values(rows.slice(i, i + rowsPerInsert))
      .updateEntity(false)
      .execute();
  // Read back by the unique active key: ids assigned by a multi-row insert need not be consecutive (a Galera cluster's
  // auto-increment steps), so they are never computed.
  const byKey = new Map<string, RoleAssignment>();
  for (let i = 0; i < rows.length; i += rowsPerInsert)
    for (const a of await em.findBy(RoleAssignment, { activeKey: In(rows.slice(i, i + rowsPerInsert).map((r) => r.activeKey)) }))
      byKey.set(a.activeKey!, a);
  const assignments = rows.map((r) => byKey.get(r.activeKey)!);
  const services = grants.flatMap(({ onlineServices = [] }, i) =>
    onlineServices.map((code) => ({ assignmentId: assignments[i].id, onlineServiceCode: code })),
  );
  for (let i = 0; i < services.length; i += rowsPerInsert)
    await em.insert(RoleAssignmentOnlineService, services.slice(i, i + rowsPerInsert));
  await recordOnlineServicesOf(em, {
    grants: grants.flatMap(({ onlineServices = [] }, i) =>
      onlineServices.length > 0 ? [{ assignmentId: assignments[i].id, codes: onlineServices }] : [],
    ),
    at: now,
  });
  assignmentsChanged(scope, assignments);
  return assignments;
}

/**
 * Tells live subscribers of changed assignments: one change per enterprise, role and capacity, naming everyone whose
 * assignment it is, so that a bulk action of a thousand users is one change to judge, not a thousand. Whoever may list
 * one such assignment may list them all (visibility depends on the role and capacity, or on being its holder).
 */
export function assignmentsChanged(scope: Pick<ActionScope, "changed">, assignments: readonly RoleAssignment[]): void {
  const groups = new Map<string, RoleAssignment[]>();
  for (const a of assignments) {
    const key = `${a.enterpriseId}:${a.role}:${a.capacityCode ?? ""}`;
    const group = groups.get(key);
    if (group) group.push(a);
    else groups.set(key, [a]);
  }
  scope.changed(
    ...[...groups.values()].map(([first, ...others]) => ({
      kind: "ASSIGNMENT" as const,
      enterpriseId: first.enterpriseId,
      assignment: { personId: first.personId, role: first.role, capacityCode: first.capacityCode },
      ...(others.length > 0 ? { personIds: [first.personId, ...others.map((a) => a.personId)] } : {}),
    })),
  );
}

/**
 * Ends assignments at the action's instant, by its viewer (no one, when an access review's default decision ends them at
 * its due date). Live subscribers are told one change per assignment, or with `together` one per enterprise, role and
 * capacity (a bulk action: see assignmentsChanged).
 */
export async function endAssignments(
  scope: Pick<ActionScope, "em" | "now" | "changed"> & { viewer: Pick<Person, "id"> | null },
  assignments: readonly RoleAssignment[],
  { together = false }: { together?: boolean } = {},
): Promise<void> {
  if (assignments.length === 0) return;
  const ended = { endedAt: scope.now, endedById: scope.viewer?.id ?? null, activeKey: null, exclusiveKey: null };
  for (let i = 0; i < assignments.length; i += rowsPerInsert)
    await scope.em.update(RoleAssignment, { id: In(assignments.slice(i, i + rowsPerInsert).map((a) => a.id)) }, ended);
  for (const a of assignments) Object.assign(a, ended);
  if (together) return assignmentsChanged(scope, assignments);
  scope.changed(
    ...assignments.map((a) => ({
      kind: "ASSIGNMENT" as const,
      enterpriseId: a.enterpriseId,
      assignment: { personId: a.personId, role: a.role, capacityCode: a.capacityCode },
    })),
  );
}

/**
 * The main access manager is ACCESS_MANAGER of every active capacity: where that profile is
 * missing, they are appointed, granted by themself, and the profile is marked automatic so that it ends with the
 * function. A profile they were appointed separately stays as it is, unless it has an expiry (`validUntil`): it would
 * then end while they are still main access manager, and the one current profile a person may hold in a capacity
 * leaves no room for the automatic one beside it, so it becomes the automatic profile (no expiry, ending with the
 * function). Returns the profiles the function holds now that it did not hold before.
 */
export async function ensureMainAccessManagerProfiles(scope: ActionScope, enterprise: Enterprise): Promise<RoleAssignment[]> {
  const main = await currentAssignment(scope, { enterpriseId: enterprise.id, role: "MAIN_ACCESS_MANAGER" });
  if (!main) return [];
  const person = await scope.em.findOneByOrFail(Person, { id: main.personId });
  const taken: RoleAssignment[] = [];
  for (const capacity of await activeCapacities(scope, enterprise)) {
    const profile = await currentAssignment(scope, {
      enterpriseId: enterprise.id,
      role: "ACCESS_MANAGER",
      personId: person.id,
      capacityCode: capacity.capacityCode,
    });
    if (!profile) {
      taken.push(
        await grantRole(
          { ...scope, viewer: person },
          { person, enterprise, role: "ACCESS_MANAGER", capacityCode: capacity.capacityCode, automatic: true },
        ),
      );
    } else if (profile.validUntil !== null) {
      const byFunction = { automatic: true, validUntil: null };
      await scope.em.update(RoleAssignment, { id: profile.id }, byFunction);
      taken.push(Object.assign(profile, byFunction));
    }
  }
  return taken;
}

/** The current ACCESS_MANAGER profiles a person holds in the enterprise because they are (or were) its main access manager. */
export async function automaticProfiles(
  { em }: ActionScope,
  { enterpriseId, personId }: { enterpriseId: number; personId: number },
): Promise<RoleAssignment[]> {
  return em.find(RoleAssignment, {
    where: { enterpriseId, personId, role: "ACCESS_MANAGER", automatic: true, endedAt: IsNull() },
    order: { id: "ASC" },
  });
}
