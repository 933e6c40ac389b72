import type { Person, RoleAssignment } from "../domain/entities";

/** What an audit event's details keep of a person and of a role assignment. */
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
