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
import { recordOnlineServices } from "../domain/history";
import type { Role } from "../access/role-tasks";
import type { ActionScope } from "./action";
import { activeCapacities } from "./capacities";
import { message } from "../i18n/messages";

export async function currentAssignment(
  { em }: ActionScope,
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
  const { em, viewer, now } = scope;
  if (await currentAssignment(scope, { enterpriseId: enterprise.id, role, personId: person.id, capacityCode })) {
    throw new ConflictError(
      "ALREADY_ASSIGNED",
      capacityCode ? message("conflict.roleHeldInCapacity", { role, capacity: capacityCode }) : message("conflict.roleHeld", { role }),
    );
  }
  const fields = { personId: person.id, enterpriseId: enterprise.id, role, capacityCode };
  const assignment = await em.save(
    em.create(RoleAssignment, {
      ...fields,
      grantedById: role === "LEGAL_REPRESENTATIVE" ? null : viewer.id,
      grantedAt: now,
      endedAt: null,
      endedById: null,
      validUntil,
      activeKey: assignmentActiveKey(fields),
      exclusiveKey: assignmentExclusiveKey(fields),
      automatic,
    }),
  );
  scope.changed({ kind: "ASSIGNMENT", enterpriseId: enterprise.id, assignment: { personId: person.id, role, capacityCode } });
  if (onlineServices.length > 0) {
    await em.insert(
      RoleAssignmentOnlineService,
      onlineServices.map((code) => ({ assignmentId: assignment.id, onlineServiceCode: code })),
    );
    await recordOnlineServices(em, { assignmentId: assignment.id, codes: onlineServices, at: now });
  }
  return assignment;
}

export async function endAssignments(scope: ActionScope, assignments: readonly RoleAssignment[]): Promise<void> {
  if (assignments.length === 0) return;
  const ended = { endedAt: scope.now, endedById: scope.viewer.id, activeKey: null, exclusiveKey: null };
  await scope.em.update(RoleAssignment, { id: In(assignments.map((a) => a.id)) }, ended);
  for (const a of assignments) Object.assign(a, ended);
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
