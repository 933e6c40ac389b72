import { GraphQLError, type GraphQLSchema } from "graphql";
import { applyMiddleware, type IMiddleware } from "graphql-middleware";
import { allow, deny, rule as shieldRule, shield, type IRule } from "graphql-shield";
import type { Context } from "../context";
import { ForbiddenError, NotFoundError, UnauthenticatedError } from "../errors";
import type { EBoxModel } from "../read/read-models";
import type { Enterprise } from "../domain/entities";
import { notHistoryReader } from "../access/history";
import type { Task } from "../access/role-tasks";
import { message } from "../i18n/messages";

/**
 * graphql-shield, built from the role-task table through the one decision function (src/access/decision.ts).
 * graphql-shield is unmaintained upstream: it is pinned, and this module is the only place that knows it.
 */

type Args = Record<string, unknown>;
/** Where a guarded mutation acts, as its declaration reads it from the arguments (src/management/target.ts), or the error that tells why nowhere. */
type Place = { enterprise: Enterprise; capacity: string | null } | GraphQLError;
/** How a mutation's declaration finds where it acts, before the action: named, so that each rule has a name of its own. */
export interface Locate {
  readonly name: string;
  find(args: Args, context: Context): Promise<Place>;
}

type RuleCheck<P, A> = (parent: P, args: A, context: Context) => Promise<true | GraphQLError> | true | GraphQLError;

/**
 * graphql-shield's `rule`, except that a rule that throws (the database failing under it) does not become the fallback
 * FORBIDDEN "Not allowed", unlogged: the failure is returned instead, then masked as INTERNAL_SERVER_ERROR and logged
 * with the request id like any unexpected error. Every rule of this module is made with it.
 */
const rule =
  (name: string, options: { cache: "contextual" | "no_cache" }) =>
  <P, A>(check: RuleCheck<P, A>): IRule =>
    shieldRule(
      name,
      options,
    )(async (parent: P, args: A, context: Context): Promise<true | Error> => {
      try {
        return await check(parent, args, context);
      } catch (error) {
        return error instanceof Error ? error : new Error(String(error));
      }
    });

export const isAuthenticated = rule("isAuthenticated", { cache: "contextual" })((_parent, _args, context: Context) =>
  context.viewer ? true : new UnauthenticatedError(),
);

/**
 * `asOf` (a point-in-time question) is for the enterprise's current legal representatives and main access manager
 * (src/access/history.ts). Without `asOf` the field is open to any signed-in caller, as before. An unknown enterprise is
 * refused like one where the caller holds no such role: the refusal tells nothing of its existence.
 */
const asksAsOf = (name: string, enterpriseOf: (parent: unknown, args: Args, context: Context) => Promise<Enterprise | null>): IRule =>
  rule(name, { cache: "no_cache" })(async (parent: unknown, args: Args, context: Context) => {
    if (!context.viewer) return new UnauthenticatedError();
    if (args.asOf === undefined || args.asOf === null) return true;
    const enterprise = await enterpriseOf(parent, args, context);
    return enterprise && (await context.access.canReadHistory(enterprise)) ? true : notHistoryReader();
  });

const asksAsOfEnterpriseArgument = asksAsOf("asksAsOf:enterpriseArgument", async (_parent, args, context) =>
  typeof args.enterprise === "string" ? context.loaders.enterpriseByNumber.load(args.enterprise) : null,
);

/** Reviews and their items as of a past instant: the same readers (one rule for both fields: shield wants unique names). */
const asksAsOfReviews = asksAsOf("asksAsOf:accessReviews", async (parent) => parent as Enterprise);

const performRules = new Map<string, IRule>();

/**
 * A mutation's rule: it allows the operation when the decision function allows `task` where `locate` says it acts.
 * Built from each mutation's declaration (src/management/registry.ts). One rule per pair: shield wants unique names.
 */
export function performs(task: Task, locate: Locate): IRule {
  const name = `performs:${task}:${locate.name}`;
  const existing = performRules.get(name);
  if (existing) return existing;
  const created = rule(name, { cache: "no_cache" })(async (_parent, args: Args, context: Context) => {
    if (!context.viewer) return new UnauthenticatedError();
    const target = await locate.find(args, context);
    if (target instanceof GraphQLError) return target;
    const decision = await context.access.decide(target.enterprise, task, target.capacity);
    return decision.allowed ? true : new ForbiddenError(decision.reason, decision.explanation);
  });
  performRules.set(name, created);
  return created;
}

export const queryRules: Record<string, IRule | typeof allow> = {
  // The same static list for everyone, the published contract of the errors (docs/security.md): a sign-in page needs it too.
  errorCatalog: allow,
  me: isAuthenticated,
  roleTasks: isAuthenticated,
  capacities: isAuthenticated,
  onlineServices: isAuthenticated,
  myEnterprises: isAuthenticated,
  myEnterprisesConnection: isAuthenticated,
  myAccessRequests: isAuthenticated,
  accessDelta: isAuthenticated,
  // Only the caller's own budget: anonymous callers have none (they are bounded per client address).
  rateLimit: isAuthenticated,
  enterprise: isAuthenticated,
  can: asksAsOfEnterpriseArgument,
  canUseOnlineService: asksAsOfEnterpriseArgument,
  // What each id shows is decided per object by the access layer (node.resolver.ts); the caller must be known.
  node: isAuthenticated,
  nodes: isAuthenticated,
};

/** Subscriptions: the viewer must be known; which events reach them is decided per event (Access.seesChange). */
export const subscriptionRules: Record<string, IRule> = {
  accessChanged: isAuthenticated,
};

/** Guarded object fields: readable only with the task (or roles) that the role-task table (src/access/role-tasks.ts) names. */
export const fieldRules = {
  EBox: {
    messages: rule("readsEBox", { cache: "no_cache" })(async (parent: EBoxModel, _args, context: Context) => {
      const enterprise = await context.loaders.enterprise.load(parent.enterpriseId);
      if (!enterprise) return new NotFoundError(message("notFound.enterprise"));
      const decision = await context.access.decide(enterprise, "USE_EBOX");
      return decision.allowed ? true : new ForbiddenError(decision.reason, decision.explanation);
    }),
  },
  Enterprise: {
    expiringSoon: rule("readsExpiringRights", { cache: "no_cache" })(async (parent: Enterprise, _args, context: Context) =>
      (await context.access.expiringScope(parent.id)) ? true : new ForbiddenError("ROLE_LACKS_TASK", message("forbidden.expiringRights")),
    ),
    roleAssignments: asksAsOf("asksAsOf:enterprise", async (parent) => parent as Enterprise),
    accessReview: asksAsOfReviews,
    accessReviews: asksAsOfReviews,
    // MANAGE_USERS in at least one capacity: the requests a caller may list are those they may decide.
    accessRequests: rule("decidesAccessRequests", { cache: "no_cache" })(async (parent: Enterprise, _args, context: Context) =>
      (await context.access.accessRequestCapacities(parent)).length > 0
        ? true
        : new ForbiddenError("ROLE_LACKS_TASK", message("forbidden.accessRequests")),
    ),
    auditTrail: rule("readsAuditTrail", { cache: "no_cache" })(async (parent: Enterprise, _args, context: Context) =>
      (await context.access.canReadAuditTrail(parent)) ? true : new ForbiddenError("ROLE_LACKS_TASK", message("forbidden.auditTrail")),
    ),
  },
};

/** The mutations' rules: one per mutation, built from its declaration (src/management/registry.ts), which lies above this layer. */
export type MutationRules = Readonly<Record<string, IRule>>;

const ruleTree = (mutationRules: MutationRules) => ({
  // Deny by default on the root types: a field without a rule of its own is refused.
  Query: { "*": deny, ...queryRules },
  Mutation: { "*": deny, ...mutationRules },
  Subscription: { "*": deny, ...subscriptionRules },
  ...fieldRules,
});

/**
 * Deny by default holds only if every Query, Mutation and Subscription field has a rule of its own: the `"*": deny` fallback would
 * refuse a new field silently, and a rule for a field that no longer exists would guard nothing. Either is a
 * programming error, so the gateway refuses to start with it.
 */
export function assertEveryRootFieldRuled(schema: GraphQLSchema, mutationRules: MutationRules): void {
  const problems: string[] = [];
  for (const [type, rules] of [
    [schema.getQueryType(), queryRules],
    [schema.getMutationType(), mutationRules],
    [schema.getSubscriptionType(), subscriptionRules],
  ] as const) {
    if (!type) continue;
    const fields = Object.keys(type.getFields());
    problems.push(...fields.filter((field) => !(field in rules)).map((field) => `${type.name}.${field} has no rule`));
    problems.push(
      ...Object.keys(rules)
        .filter((field) => !fields.includes(field))
        .map((field) => `the rule for ${type.name}.${field} guards no field`),
    );
  }
  if (problems.length > 0) throw new Error(`The shield does not match the schema: ${problems.join("; ")} (src/graphql/shield.ts)`);
}

/**
 * Applies the rules. graphql-shield wraps every field of every type (the fallback rule), which multiplies the
 * cost of large lists; only the fields that have a rule, and every field of the root types, get its middleware.
 */
const rootTypeNames = new Set(["Query", "Mutation", "Subscription"]);

export function applyShield(schema: GraphQLSchema, mutationRules: MutationRules): GraphQLSchema {
  assertEveryRootFieldRuled(schema, mutationRules);
  const rules = ruleTree(mutationRules);
  const generated = shield(rules, {
    allowExternalErrors: true,
    fallbackRule: allow,
    fallbackError: () => new ForbiddenError("ROLE_LACKS_TASK", message("forbidden.notAllowed")),
  }).generate(schema) as Record<string, Record<string, unknown>>;
  const ruled: Record<string, Record<string, unknown>> = {};
  for (const [typeName, fields] of Object.entries(rules)) {
    const keep = rootTypeNames.has(typeName) ? Object.keys(generated[typeName]) : Object.keys(fields);
    ruled[typeName] = Object.fromEntries(keep.map((field) => [field, generated[typeName][field]]));
  }
  return applyMiddleware(schema, ruled as IMiddleware);
}
