import { In, IsNull } from "typeorm";
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from "../errors";
import {
  Enterprise,
  EnterpriseCapacity,
  Person,
  RoleAssignment,
  RoleAssignmentOnlineService,
  assignmentActiveKey,
  assignmentExclusiveKey,
} from "../domain/entities";
import { recordCapacityActive, recordOnlineServices } from "../domain/history";
import { parseEmail, parseName, type Checked } from "../domain/identifiers";
import type { Role } from "../access/role-tasks";
import { latestValidUntil, maxValidityYears } from "../domain/validity";
import type { ActionScope } from "./action";
import { labelled, message } from "../i18n/messages";

/** A person named in an appointment, after validation. */
export interface PersonInput {
  ssin: string;
  givenName: string;
  familyName: string;
  email?: string | null;
}

/** Returns the checked value or throws BAD_USER_INPUT naming the field. */
export function valid<T>(checked: Checked<T>, field: string, label = field.split(".").at(-1)!): T {
  if (!checked.ok) throw new BadUserInputError(field, labelled(checked.problem, label));
  return checked.value;
}

export function validPerson(input: PersonInput, field: string): PersonInput {
  return {
    ssin: input.ssin,
    givenName: valid(parseName(input.givenName), `${field}.givenName`),
    familyName: valid(parseName(input.familyName), `${field}.familyName`),
    email: input.email === undefined || input.email === null || input.email.trim() === "" ? null : valid(parseEmail(input.email), `${field}.email`),
  };
}

/**
 * An optional expiry (issue 13, point 1): absent or null means none; otherwise after the action's instant and at most
 * five years ahead of it, checked at once and again at the instant the action is decided at (ActionScope.atInstant), so
 * that an expiry that passed while the action waited for its lock is refused as one in the past. A malformed value
 * never gets here: the DateTime scalar refuses it with the same code and field.
 */
export function validValidUntil(scope: Pick<ActionScope, "atInstant">, value: Date | null | undefined, field = "input.validUntil"): Date | null {
  if (value === undefined || value === null) return null;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new BadUserInputError(field, message("input.validUntilInvalid"));
  scope.atInstant((now) => {
    if (value.getTime() <= now.getTime()) throw new BadUserInputError(field, message("input.validUntilPast"));
    if (value.getTime() > latestValidUntil(now).getTime()) throw new BadUserInputError(field, message("input.validUntilTooFar", { years: maxValidityYears }));
  });
  return value;
}

export function validId(id: string, field: string): number {
  if (!/^\d{1,15}$/.test(id.trim())) throw new BadUserInputError(field, message("input.invalidId"));
  return Number(id.trim());
}

export async function findEnterprise({ em }: ActionScope, number: string): Promise<Enterprise> {
  const enterprise = await em.findOneBy(Enterprise, { number });
  if (!enterprise) throw new NotFoundError(message("notFound.enterprise"));
  return enterprise;
}

/** Rereads the enterprise after its row is locked, so the rules below see the state no other action can change now. */
export async function lockedEnterprise(scope: ActionScope, number: string): Promise<Enterprise> {
  const enterprise = await findEnterprise(scope, number);
  await scope.lock(enterprise);
  return scope.em.findOneByOrFail(Enterprise, { id: enterprise.id });
}

/**
 * Finds the person by SSIN or creates them. A known person keeps their own data, except names still empty
 * (first seen through a token without name claims), which the appointment fills (SPEC rule 6). Their e-mail is
 * never filled, even when empty: whoever knows a national number could otherwise point someone's mail at themself.
 */
export async function upsertPerson({ em, now }: ActionScope, input: PersonInput): Promise<Person> {
  const existing = await em.findOneBy(Person, { ssin: input.ssin });
  if (!existing) {
    const person = em.create(Person, {
      ssin: input.ssin,
      givenName: input.givenName,
      familyName: input.familyName,
      email: input.email ?? null,
      phone: null,
      language: "NL",
      createdAt: now,
    });
    return em.save(person);
  }
  const fill: Partial<Person> = {};
  if (existing.givenName === "") fill.givenName = input.givenName;
  if (existing.familyName === "") fill.familyName = input.familyName;
  if (Object.keys(fill).length > 0) {
    await em.update(Person, { id: existing.id }, fill);
    Object.assign(existing, fill);
  }
  return existing;
}

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

/** Grants a role; holding it already in that scope is CONFLICT (SPEC rule 6). The unique active key backs this up under concurrency. */
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
  }: { person: Person; enterprise: Enterprise; role: Role; capacityCode?: string | null; onlineServices?: readonly string[]; automatic?: boolean; validUntil?: Date | null },
): Promise<RoleAssignment> {
  const { em, viewer, now } = scope;
  if (await currentAssignment(scope, { enterpriseId: enterprise.id, role, personId: person.id, capacityCode })) {
    throw new ConflictError("ALREADY_ASSIGNED", capacityCode ? message("conflict.roleHeldInCapacity", { role, capacity: capacityCode }) : message("conflict.roleHeld", { role }));
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
  scope.changed(...assignments.map((a) => ({ kind: "ASSIGNMENT" as const, enterpriseId: a.enterpriseId, assignment: { personId: a.personId, role: a.role, capacityCode: a.capacityCode } })));
}

export async function activeCapacities({ em }: ActionScope, enterprise: Enterprise): Promise<EnterpriseCapacity[]> {
  return em.find(EnterpriseCapacity, { where: { enterpriseId: enterprise.id, status: "ACTIVE" }, order: { id: "ASC" } });
}

export function requireActiveCapacity(active: readonly EnterpriseCapacity[], capacityCode: string): void {
  if (!active.some((c) => c.capacityCode === capacityCode)) {
    throw new ForbiddenError("CAPACITY_NOT_ACTIVE", message("forbidden.capacityNotActive", { capacity: capacityCode }));
  }
}

/** Activates a capacity (or reports that it already was) and keeps the main access manager's profile in it. */
export async function activateCapacityRow(scope: ActionScope, enterprise: Enterprise, capacityCode: string): Promise<EnterpriseCapacity> {
  const { em, viewer, now } = scope;
  const existing = await em.findOneBy(EnterpriseCapacity, { enterpriseId: enterprise.id, capacityCode });
  const active = { status: "ACTIVE" as const, activatedAt: now, activatedById: viewer.id };
  const row = existing ? em.merge(EnterpriseCapacity, existing, active) : em.create(EnterpriseCapacity, { enterpriseId: enterprise.id, capacityCode, ...active });
  await em.save(row);
  await recordCapacityActive(em, { enterpriseId: enterprise.id, capacityCode, at: now });
  scope.changed({ kind: "CAPACITY", enterpriseId: enterprise.id });
  await ensureMainAccessManagerProfiles(scope, enterprise);
  return row;
}

/**
 * The main access manager is ACCESS_MANAGER of every active capacity (SPEC rule 2): where that profile is
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
    const profile = await currentAssignment(scope, { enterpriseId: enterprise.id, role: "ACCESS_MANAGER", personId: person.id, capacityCode: capacity.capacityCode });
    if (!profile) {
      taken.push(await grantRole({ ...scope, viewer: person }, { person, enterprise, role: "ACCESS_MANAGER", capacityCode: capacity.capacityCode, automatic: true }));
    } else if (profile.validUntil !== null) {
      const byFunction = { automatic: true, validUntil: null };
      await scope.em.update(RoleAssignment, { id: profile.id }, byFunction);
      taken.push(Object.assign(profile, byFunction));
    }
  }
  return taken;
}

/** The current ACCESS_MANAGER profiles a person holds in the enterprise because they are (or were) its main access manager. */
export async function automaticProfiles({ em }: ActionScope, { enterpriseId, personId }: { enterpriseId: number; personId: number }): Promise<RoleAssignment[]> {
  return em.find(RoleAssignment, { where: { enterpriseId, personId, role: "ACCESS_MANAGER", automatic: true, endedAt: IsNull() }, order: { id: "ASC" } });
}

/** The services of a USER, checked against the capacity (SPEC rule 5), without duplicates, in catalog order. */
export function validServices(scope: ActionScope, capacityCode: string, codes: readonly string[], field: string): string[] {
  const offered = scope.catalog.capacity(capacityCode).onlineServiceCodes;
  const requested = new Set(codes.map((c) => c.trim()));
  const outside = [...requested].filter((c) => !offered.includes(c));
  if (outside.length > 0) {
    throw new BadUserInputError(field, message("input.servicesOutsideCapacity", { capacity: capacityCode, onlineServices: outside }));
  }
  return offered.filter((c) => requested.has(c));
}

export const personSummary = (p: Person) => ({ id: p.id, ssin: p.ssin, givenName: p.givenName, familyName: p.familyName });

export const assignmentSummary = (a: RoleAssignment, onlineServices?: readonly string[]) => ({
  id: a.id,
  personId: a.personId,
  role: a.role,
  capacity: a.capacityCode,
  ...(onlineServices ? { onlineServices } : {}),
  ...(a.automatic ? { automatic: true } : {}),
  ...(a.validUntil ? { validUntil: a.validUntil } : {}),
  endedAt: a.endedAt,
});
