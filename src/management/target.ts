import { GraphQLError } from "graphql";
import type { EntityManager } from "typeorm";
import type { Access } from "../access/access";
import type { Role } from "../access/role-tasks";
import { BadUserInputError, NotFoundError } from "../errors";
import { message, type Message } from "../i18n/messages";
import type { Catalog, CatalogCapacity } from "../domain/catalog";
import { RoleAssignment, ServiceProviderMandate, type Enterprise } from "../domain/entities";
import type { Loaders } from "../read/loaders";
import type { ActionScope } from "./action";
import { lockedEnterprise } from "./locked-enterprise";
import { idArgument, validId } from "./valid-input";

/**
 * Where a management action acts, read from its mutation's arguments: declared once per action (src/management/registry.ts)
 * and read twice from the same declaration, with the same checks of the same arguments. Before the action, the
 * shield reads it through the request's loaders to decide the task (src/graphql/shield.ts); inside the action's
 * transaction, `lock` reads it again with its enterprise locked, read once, under the lock, and the task is decided again there.
 */
export interface Target<I, L extends Place = Place, C = undefined> {
  /**
   * Names the shield's rule (`performs:<task>:<name>`): the arguments it reads, so that two targets of one name find
   * alike (the shield keeps one rule per name).
   */
  readonly name: string;
  /** Before the action: the enterprise (and the capacity the task is scoped to) through the request's loaders, or the error that says why there is none. */
  find(args: Args, reads: RequestReads): Promise<Place | GraphQLError>;
  /** The capacity the arguments name, checked before anything is read (BAD_USER_INPUT naming the field). */
  capacity(input: I, catalog: Catalog): C;
  /** In the action's transaction: the place again, its enterprise locked (ActionScope.lock) and read under the lock. */
  lock(scope: ActionScope, input: I): Promise<L>;
}

/** The arguments of a mutation, as the shield sees them. */
export type Args = Record<string, unknown> & { input?: Record<string, unknown> };

/** An enterprise, and the capacity a capacity-scoped task is decided in. */
export interface Place {
  enterprise: Enterprise;
  capacity: string | null;
}

/** What the shield reads a target through: the request's context has them. */
export interface RequestReads {
  loaders: Loaders;
  access: Access;
  catalog: Catalog;
  /** The request's reader, for rows no loader keeps (an access review and its items). */
  readManager: EntityManager;
}

/** Where the arguments are: at the top (`enterprise: ...`) or in the input object (`input: { enterprise: ... }`). */
type Of = { of?: "input" };

const fieldOf = (of: Of["of"], name: string) => (of ? `${of}.${name}` : name);

/** A capacity argument: a code of the catalog, spaces around it ignored (BAD_USER_INPUT naming the field). */
function capacityOrError(value: string, field: string, catalog: Catalog): CatalogCapacity | GraphQLError {
  const code = value.trim();
  return catalog.capacities.get(code) ?? new BadUserInputError(field, message("input.unknownCapacity", { value: code }));
}

/** A capacity argument of an action without a target (requestAccess), checked as a target checks its own. */
export function capacityArgument(value: string, field: string, catalog: Catalog): CatalogCapacity {
  return orThrow(capacityOrError(value, field, catalog));
}

function orThrow<T>(checked: T | GraphQLError): T {
  if (checked instanceof GraphQLError) throw checked;
  return checked;
}

/**
 * The enterprise named by its number (`enterprise`), and with `capacity: true` the capacity argument (`capacity`),
 * which the task is decided in. An unknown enterprise is NOT_FOUND before the capacity is looked at.
 */
export function inEnterprise(options?: Of & { capacity?: false }): Target<{ enterprise: string }, Place, undefined>;
export function inEnterprise(options: Of & { capacity: true }): Target<{ enterprise: string; capacity: string }, Place, CatalogCapacity>;
export function inEnterprise({ of, capacity: scoped = false }: Of & { capacity?: boolean } = {}): Target<
  { enterprise: string; capacity?: string },
  Place,
  CatalogCapacity | undefined
> {
  const capacityField = fieldOf(of, "capacity");
  return {
    name: `inEnterprise(${fieldOf(of, "enterprise")}${scoped ? `, ${capacityField}` : ""})`,
    async find(args, { loaders, catalog }) {
      const source = (of ? args[of] : args) as Record<string, unknown>;
      const enterprise = typeof source.enterprise === "string" ? await loaders.enterpriseByNumber.load(source.enterprise) : null;
      if (!enterprise) return new NotFoundError(message("notFound.enterprise"));
      if (!scoped) return { enterprise, capacity: null };
      const capacity = capacityOrError(String(source.capacity), capacityField, catalog);
      return capacity instanceof GraphQLError ? capacity : { enterprise, capacity: capacity.code };
    },
    capacity: (input, catalog) => (scoped ? capacityArgument(input.capacity!, capacityField, catalog) : undefined),
    async lock(scope, input) {
      return { enterprise: await lockedEnterprise(scope, { number: input.enterprise }), capacity: scoped ? input.capacity!.trim() : null };
    },
  };
}

/**
 * The role assignment named by its id (`assignment`), of `role`; the task is decided in its enterprise and capacity.
 * An id the caller does not know of reads as unknown: FORBIDDEN would tell that it exists, and where. Before the
 * action any assignment is looked at (NOT_FOUND as a role assignment); in it, one of another role is NOT_FOUND as `notFound` says.
 */
export function ofAssignment({
  of,
  role,
  notFound,
}: Of & { role: Role; notFound: () => Message }): Target<{ assignment: string }, Place & { assignment: RoleAssignment }> {
  const field = fieldOf(of, "assignment");
  return {
    name: `ofAssignment(${field})`,
    async find(args, { loaders, access }) {
      const id = idArgument(((of ? args[of] : args) as Record<string, unknown>).assignment, field);
      if (id instanceof GraphQLError) return id;
      const assignment = await loaders.assignment.load(id);
      const enterprise = assignment && (await loaders.enterprise.load(assignment.enterpriseId));
      if (!assignment || !enterprise || !(await access.knowsOfAssignment(assignment)))
        return new NotFoundError(message("notFound.roleAssignment"));
      return { enterprise, capacity: assignment.capacityCode };
    },
    capacity: () => undefined,
    async lock(scope, input) {
      const id = validId(input.assignment, field);
      const found = await scope.em.findOneBy(RoleAssignment, { id });
      if (!found || found.role !== role || !(await scope.access.knowsOfAssignment(found))) throw new NotFoundError(notFound());
      const enterprise = await lockedEnterprise(scope, { id: found.enterpriseId });
      return { enterprise, capacity: found.capacityCode, assignment: await scope.em.findOneByOrFail(RoleAssignment, { id }) };
    },
  };
}

/** The service-provider mandate named by its id (`mandate`); the task is decided in its client enterprise. */
export function ofMandate(): Target<{ mandate: string }, Place & { mandate: ServiceProviderMandate }> {
  return {
    name: "ofMandate(mandate)",
    async find(args, { loaders, access }) {
      const id = idArgument(args.mandate, "mandate");
      if (id instanceof GraphQLError) return id;
      const mandate = await loaders.mandate.load(id);
      const enterprise = mandate && (await loaders.enterprise.load(mandate.clientId));
      if (!mandate || !enterprise || !(await access.knowsOfMandate(mandate))) return new NotFoundError(message("notFound.mandate"));
      return { enterprise, capacity: null };
    },
    capacity: () => undefined,
    async lock(scope, input) {
      const id = validId(input.mandate, "mandate");
      const found = await scope.em.findOneBy(ServiceProviderMandate, { id });
      if (!found || !(await scope.access.knowsOfMandate(found))) throw new NotFoundError(message("notFound.mandate"));
      const enterprise = await lockedEnterprise(scope, { id: found.clientId });
      return { enterprise, capacity: null, mandate: await scope.em.findOneByOrFail(ServiceProviderMandate, { id }) };
    },
  };
}
