import { providerCapacities } from "../domain/catalog-data";
import type { Grant } from "./decision";
import { enterpriseWideRoles, type Role } from "./role-tasks";
import type { MandateScope } from "../read/mandate-pages";

export type { MandateScope };

/**
 * Who sees what of an enterprise, on a need-to-know basis. The pure half of the visibility rules: the access
 * layer (access.ts) gathers the viewer's assignments and mandates and asks these functions; resolvers ask the access
 * layer and never decide on their own.
 *
 * - Legal representatives and the main access manager see all of the enterprise's people and configuration.
 * - An access manager sees the assignments of their own capacities; a USER sees their own assignments; both see the
 *   legal representatives and the main access manager, and nothing else of colleagues.
 * - Through a service-provider mandate, each party sees of the other its number, name, status, capacities (without
 *   `activatedBy`) and the mandate (with `appointedBy`): no other person of the other party, on any path.
 * - A person's own account data (e-mail, phone, language) is theirs alone.
 */

/** What the viewer's own roles in one enterprise let them see of it. */
export interface Sight {
  enterpriseId: number;
  /** Legal representative or main access manager: every person and all configuration. */
  full: boolean;
  /** Holds any current role in the enterprise. */
  member: boolean;
  /** The capacities in which the viewer is ACCESS_MANAGER: they see the assignments held in them. */
  managedCapacities: ReadonlySet<string>;
  /** The viewer is staff of this enterprise as a service provider (ACCESS_MANAGER or USER in a provider capacity). */
  providerStaff: boolean;
}

export function sightOf(grants: readonly Grant[], enterpriseId: number): Sight {
  const own = grants.filter((g) => g.enterpriseId === enterpriseId);
  return {
    enterpriseId,
    full: own.some((g) => enterpriseWideRoles.has(g.role)),
    member: own.length > 0,
    managedCapacities: new Set(own.filter((g) => g.role === "ACCESS_MANAGER" && g.capacityCode).map((g) => g.capacityCode!)),
    providerStaff: own.some((g) => isProviderStaff(g)),
  };
}

/** A role that makes its holder act for the provider's clients. */
export function isProviderStaff(grant: Pick<Grant, "role" | "capacityCode">): boolean {
  return (
    grant.role !== "MAIN_ACCESS_MANAGER" &&
    grant.role !== "LEGAL_REPRESENTATIVE" &&
    grant.capacityCode !== null &&
    providerCapacities.has(grant.capacityCode)
  );
}

/** The assignments of an enterprise the viewer may list: all, none, or those matching a filter. */
export type AssignmentScope =
  | { kind: "all" }
  | { kind: "none" }
  /** Enterprise-wide roles (legal representatives, main access manager), the viewer's own, and those in `capacities`. */
  | { kind: "some"; personId: number; capacities: readonly string[] };

export function assignmentScope(sight: Sight, viewerId: number): AssignmentScope {
  if (sight.full) return { kind: "all" };
  if (!sight.member) return { kind: "none" };
  return { kind: "some", personId: viewerId, capacities: [...sight.managedCapacities].sort() };
}

export function scopeIncludes(scope: AssignmentScope, assignment: { personId: number; role: Role; capacityCode: string | null }): boolean {
  switch (scope.kind) {
    case "all":
      return true;
    case "none":
      return false;
    case "some":
      return (
        enterpriseWideRoles.has(assignment.role) ||
        assignment.personId === scope.personId ||
        (assignment.capacityCode !== null && scope.capacities.includes(assignment.capacityCode))
      );
  }
}

/** The people of an enterprise named as such (legal representatives, main access manager): visible to its members. */
export const seesLeadership = (sight: Sight): boolean => sight.member;

/** The e-Box's notification address and who activated it: configuration of the enterprise. */
export const seesEnterpriseConfiguration = (sight: Sight): boolean => sight.full;

/** A structured-messaging configuration: configuration of its capacity, for whoever configures it there. */
export const seesCapacityConfiguration = (sight: Sight, capacityCode: string): boolean =>
  sight.full || sight.managedCapacities.has(capacityCode);

/**
 * A service-provider mandate is seen by the client's legal representatives and main access manager, the provider's
 * legal representatives and main access manager, and the provider's staff who act under it. No one else of either
 * party: a client's users need not know their payroll bureau, nor the bureau's staff each other's clients' managers.
 */
export function seesMandate(client: Sight, provider: Sight): boolean {
  return client.full || provider.full || provider.providerStaff;
}

/**
 * The mandates of one side of the enterprise that the viewer may list: the rule of `seesMandate`, as a filter a
 * statement can apply. `side` "clients": the enterprise is the provider, and the viewer sees all its mandates as its legal representative,
 * main access manager or staff, else those of clients where they are legal representative or main access manager.
 * `side` "providers": the enterprise is the client, all to its own leadership, else those of providers where the
 * viewer is leadership or staff.
 */
export function mandateScope(side: "clients" | "providers", own: Sight, grants: readonly Grant[]): MandateScope {
  const leadership = (g: Grant) => enterpriseWideRoles.has(g.role);
  if (side === "clients" ? own.full || own.providerStaff : own.full) return { kind: "all" };
  const others = new Set(
    grants.filter((g) => (side === "clients" ? leadership(g) : leadership(g) || isProviderStaff(g))).map((g) => g.enterpriseId),
  );
  others.delete(own.enterpriseId);
  return others.size === 0 ? { kind: "none" } : { kind: "some", others: [...others].sort((a, b) => a - b) };
}
