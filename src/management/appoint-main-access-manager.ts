import { IsNull, Not } from "typeorm";
import type { ActionScope } from "./action";
import { assignmentSummary, personSummary } from "./audit-summaries";
import { automaticProfiles, currentAssignment, endAssignments, ensureMainAccessManagerProfiles, grantRole } from "./role-grants";
import { upsertPerson } from "./upsert-person";
import { validPerson, type PersonInput } from "./valid-input";
import { ConflictError } from "../errors";
import { Enterprise, RoleAssignment } from "../domain/entities";
import { message } from "../i18n/messages";
import { recordEnterpriseStatus } from "../domain/history";
import { mutationAction, type Act } from "./mutation-action";
import { inEnterprise, type Place } from "./target";

/**
 * Exactly one main access manager at a time; a new appointment replaces the previous one, whose
 * automatic ACCESS_MANAGER profiles end with the function (profiles appointed separately stay), and the new one
 * receives theirs. Appointing registers the enterprise (REGISTERED or ACCESS_DELETED becomes PENDING_ACTIVATION).
 */
export const appointMainAccessManager = mutationAction({
  mutation: "appointMainAccessManager",
  task: "APPOINT_MAIN_ACCESS_MANAGER",
  target: inEnterprise({ of: "input" }),
  run,
});

async function run(
  scope: ActionScope,
  input: { enterprise: string; person: PersonInput },
  act: Act<Place, undefined>,
): Promise<RoleAssignment> {
  const personInput = validPerson(input.person, "input.person");
  const { enterprise } = await act.locate();
  const person = await upsertPerson(scope, personInput);
  const previous = await currentAssignment(scope, { enterpriseId: enterprise.id, role: "MAIN_ACCESS_MANAGER" });
  if (previous?.personId === person.id) throw new ConflictError("ALREADY_ASSIGNED", message("conflict.alreadyMainAccessManager"));
  const ending = previous ? await automaticProfiles(scope, { enterpriseId: enterprise.id, personId: previous.personId }) : [];
  // Profiles of the new main access manager that would expire: the function takes them over (ensureMainAccessManagerProfiles).
  const expiring = await scope.em.find(RoleAssignment, {
    where: { enterpriseId: enterprise.id, personId: person.id, role: "ACCESS_MANAGER", endedAt: IsNull(), validUntil: Not(IsNull()) },
    order: { id: "ASC" },
  });
  const before = {
    status: enterprise.status,
    mainAccessManager: previous ? assignmentSummary(previous) : null,
    accessManagerProfiles: ending.map((p) => assignmentSummary(p)),
    ...(expiring.length > 0 ? { expiringProfilesTakenOver: expiring.map((p) => assignmentSummary(p)) } : {}),
  };
  if (previous) await endAssignments(scope, [previous, ...ending]);
  const assignment = await grantRole(scope, { person, enterprise, role: "MAIN_ACCESS_MANAGER" });
  if (enterprise.status === "REGISTERED" || enterprise.status === "ACCESS_DELETED") {
    await scope.em.update(Enterprise, { id: enterprise.id }, { status: "PENDING_ACTIVATION", updatedAt: scope.now });
    scope.changed({ kind: "STATUS", enterpriseId: enterprise.id });
    enterprise.status = "PENDING_ACTIVATION";
    await recordEnterpriseStatus(scope.em, { enterpriseId: enterprise.id, status: "PENDING_ACTIVATION", at: scope.now });
  }
  const profiles = await ensureMainAccessManagerProfiles(scope, enterprise);
  await act.audit(enterprise, {
    before,
    after: {
      status: enterprise.status,
      mainAccessManager: { ...assignmentSummary(assignment), person: personSummary(person) },
      accessManagerProfiles: profiles.map((p) => assignmentSummary(p)),
    },
  });
  return assignment;
}
