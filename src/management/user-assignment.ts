import { ConflictError } from "../errors";
import type { RoleAssignment } from "../domain/entities";
import { message } from "../i18n/messages";
import { ofAssignment } from "./target";

/** A current USER assignment named by its id (`assignment`, or `input.assignment`); MANAGE_USERS is decided in its capacity. */
export const ofUserAssignment = (of?: "input") => ofAssignment({ of, role: "USER", notFound: () => message("notFound.user") });

/** A user removed since the caller read the id (before the lock) is CONFLICT: there is nothing left to change. */
export function requireCurrentUser(assignment: RoleAssignment): void {
  if (assignment.endedAt) throw new ConflictError("ALREADY_ENDED", message("conflict.userEnded"));
}
