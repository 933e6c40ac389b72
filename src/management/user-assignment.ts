import { In } from "typeorm";
import { ConflictError, NotFoundError } from "../errors";
import { RoleAssignment, RoleAssignmentOnlineService } from "../domain/entities";
import { recordOnlineServicesOf, rowsPerInsert } from "../domain/history";
import { message } from "../i18n/messages";
import type { ActionScope } from "./action";
import { assignmentSummary } from "./audit-summaries";
import { assignmentsChanged } from "./role-grants";
import { ofAssignment } from "./target";
import type { BulkItems } from "./bulk-items";

/** A current USER assignment named by its id (`assignment`, or `input.assignment`); MANAGE_USERS is decided in its capacity. */
export const ofUserAssignment = (of?: "input") => ofAssignment({ of, role: "USER", notFound: () => message("notFound.user") });

/** A user removed since the caller read the id (before the lock) is CONFLICT: there is nothing left to change. */
export function requireCurrentUser(assignment: RoleAssignment): void {
  if (assignment.endedAt) throw userEnded();
}

export const userEnded = () => new ConflictError("ALREADY_ENDED", message("conflict.userEnded"));

/**
 * Replaces the online services of current USER assignments (checked against their capacity) and, where given, moves
 * their expiry, in a few statements whatever their number; one live change per capacity. Returns, per assignment, its
 * audit summary before the change.
 */
export async function replaceOnlineServices(
  scope: ActionScope,
  changes: readonly { assignment: RoleAssignment; services: readonly string[]; validUntil: Date | null }[],
): Promise<ReturnType<typeof assignmentSummary>[]> {
  const { em } = scope;
  const ids = changes.map((c) => c.assignment.id);
  const held = new Map<number, string[]>(ids.map((id) => [id, []]));
  for (let i = 0; i < ids.length; i += rowsPerInsert) {
    const chunk = ids.slice(i, i + rowsPerInsert);
    for (const row of await em.find(RoleAssignmentOnlineService, {
      where: { assignmentId: In(chunk) },
      order: { onlineServiceCode: "ASC" },
    }))
      held.get(row.assignmentId)!.push(row.onlineServiceCode);
    await em.delete(RoleAssignmentOnlineService, { assignmentId: In(chunk) });
  }
  const before = changes.map(({ assignment }) => assignmentSummary(assignment, held.get(assignment.id)!));
  const rows = changes.flatMap(({ assignment, services }) =>
    services.map((code) => ({ assignmentId: assignment.id, onlineServiceCode: code })),
  );
  for (let i = 0; i < rows.length; i += rowsPerInsert) await em.insert(RoleAssignmentOnlineService, rows.slice(i, i + rowsPerInsert));
  const byExpiry = new Map<number, RoleAssignment[]>();
  for (const { assignment, validUntil } of changes) {
    if (!validUntil) continue;
    const same = byExpiry.get(validUntil.getTime());
    if (same) same.push(assignment);
    else byExpiry.set(validUntil.getTime(), [assignment]);
    assignment.validUntil = validUntil;
  }
  for (const [time, assignments] of byExpiry)
    for (let i = 0; i < assignments.length; i += rowsPerInsert)
      await em.update(RoleAssignment, { id: In(assignments.slice(i, i + rowsPerInsert).map((a) => a.id)) }, { validUntil: new Date(time) });
  await recordOnlineServicesOf(em, { grants: changes.map((c) => ({ assignmentId: c.assignment.id, codes: c.services })), at: scope.now });
  assignmentsChanged(
    scope,
    changes.map((c) => c.assignment),
  );
  return before;
}

/**
 * The USER assignments of one capacity of one enterprise among these ids, read under the enterprise's lock. Each id
 * that is not one of them (unknown, of another enterprise, role or capacity) is refused as an unknown user, which
 * tells nothing of what it is; an ended one is CONFLICT ALREADY_ENDED, as for one user.
 */
export async function usersOfCapacity<V extends { id: number }>(
  scope: ActionScope,
  items: BulkItems<V>,
  { enterpriseId, capacityCode }: { enterpriseId: number; capacityCode: string },
): Promise<Map<number, RoleAssignment>> {
  const ids = items.accepted().map((item) => item.value.id);
  const found = new Map<number, RoleAssignment>();
  for (let i = 0; i < ids.length; i += rowsPerInsert)
    for (const a of await scope.em.findBy(RoleAssignment, {
      id: In(ids.slice(i, i + rowsPerInsert)),
      enterpriseId,
      capacityCode,
      role: "USER",
    }))
      found.set(a.id, a);
  for (const { index, value } of items.accepted()) {
    const assignment = found.get(value.id);
    if (!assignment) items.refuse(index, new NotFoundError(message("notFound.user")));
    else if (assignment.endedAt) items.refuse(index, userEnded());
  }
  return found;
}
