import { AccessDeltaResolver } from "./resolvers/access-delta.resolver";
import type { Page } from "../read/read-models";
import { AccessRequestResolver } from "./resolvers/access-request.resolver";
import { accessDeltaItemType } from "./types/access-delta.type";
import {
  GraphQLEnumType,
  GraphQLObjectType,
  GraphQLSchema,
  isObjectType,
  lexicographicSortSchema,
  printSchema,
  type GraphQLFieldResolver,
  type GraphQLUnionType,
} from "graphql";
import { buildSchemaSync, getMetadataStorage, type ClassType, type PubSub } from "type-graphql";
import { applyShield, fieldRules } from "./shield";
import { answerRefusedFieldsEmpty } from "./partial-answers";
import { MutationResolver } from "../management/mutation.resolver";
import { mutationRules } from "./mutation-rules";
import { languageDirective } from "./language-directive";
import { AccessReviewItemResolver, AccessReviewResolver, EnterpriseAccessReviewsResolver } from "./resolvers/access-review.resolver";
import { AuditEventResolver } from "./resolvers/audit-event.resolver";
import { CapacityResolver } from "./resolvers/capacity.resolver";
import { DecisionResolver } from "./resolvers/decision.resolver";
import { EBoxResolver } from "./resolvers/ebox.resolver";
import { EnterpriseCapacityResolver } from "./resolvers/enterprise-capacity.resolver";
import { EBoxMessageResolver } from "./resolvers/ebox-message.resolver";
import { EnterpriseResolver } from "./resolvers/enterprise.resolver";
import { NodeResolver } from "./resolvers/node.resolver";
import { OnlineServiceResolver } from "./resolvers/online-service.resolver";
import { PersonResolver } from "./resolvers/person.resolver";
import { QueryResolver } from "./resolvers/query.resolver";
import { RoleAssignmentResolver } from "./resolvers/role-assignment.resolver";
import { ServiceProviderMandateResolver } from "./resolvers/service-provider-mandate.resolver";
import { StructuredMessagingConfigResolver } from "./resolvers/structured-messaging-config.resolver";
import { SubscriptionResolver } from "./resolvers/subscription.resolver";

/**
 * The schema of the gateway, built by type-graphql from the classes of src/graphql and src/domain (one class per type, one resolver
 * class per type) and the mutation resolver of src/management, then guarded by the shield of src/access.
 * schema/schema.graphql is printed from it (`npm run schema`); nothing else describes the schema.
 */
const resolvers: [ClassType, ...ClassType[]] = [
  QueryResolver,
  AccessDeltaResolver,
  AccessRequestResolver,
  NodeResolver,
  MutationResolver,
  EnterpriseResolver,
  EnterpriseCapacityResolver,
  PersonResolver,
  RoleAssignmentResolver,
  CapacityResolver,
  OnlineServiceResolver,
  DecisionResolver,
  ServiceProviderMandateResolver,
  EBoxResolver,
  EBoxMessageResolver,
  StructuredMessagingConfigResolver,
  AuditEventResolver,
  EnterpriseAccessReviewsResolver,
  AccessReviewResolver,
  AccessReviewItemResolver,
  SubscriptionResolver,
];

let typed: GraphQLSchema | undefined;

/**
 * type-graphql wants a PubSub as soon as a subscription exists, for subscriptions by topic. Each subscription here has
 * its own `subscribe` (src/live), which reads the gateway's change feed: topics are never used, and this says so.
 */
const noTopics: PubSub = {
  publish() {
    throw new Error("Subscriptions here have their own subscribe functions (src/live): nothing is published by topic");
  },
  subscribe() {
    throw new Error("Subscriptions here have their own subscribe functions (src/live): nothing is subscribed by topic");
  },
};

/**
 * The schema as the classes declare it, without the shield; built once per process (the classes do not change).
 * Validation is off: the management actions validate their input and answer BAD_USER_INPUT naming the field.
 */
export function buildTypedSchema(): GraphQLSchema {
  typed ??= describeRootTypes(
    lazyCounts(directFieldResolvers(buildSchemaSync({ resolvers, validate: false, emitSchemaFile: false, pubSub: noTopics }))),
  );
  // type-graphql wraps a union's resolveType in an async function; graphql-jit takes only a name answered at once.
  (typed.getType("AccessDeltaItem") as GraphQLUnionType).resolveType = accessDeltaItemType;
  return typed;
}

type Resolve = GraphQLFieldResolver<unknown, unknown, Record<string, unknown>>;

/** "Type.field" of every field resolver called directly: test/schema.test.ts proves none is left to the handler. */
export const directlyResolvedFields = new Set<string>();

/**
 * type-graphql calls each field resolver through a generic handler that, on every call, looks up the resolver
 * instance, sorts and maps the parameter metadata and converts the root: about half a microsecond and several
 * allocations per call, 2,000 calls for a page of 1,000 role assignments (the benchmark's (c) measured it at about
 * a tenth of the execution time). None of what that handler adds is used here: no type-graphql middleware, no auth
 * checker, no validation, and object fields take scalar and enum arguments and plain input objects (no methods, no
 * validation decorators). So once the schema is built, each object field resolver whose parameters are the root, the
 * context, the resolve info and such arguments calls its method directly,
 * with its parameters in the order the metadata gives; any other resolver keeps type-graphql's handler.
 */
function directFieldResolvers(schema: GraphQLSchema): GraphQLSchema {
  const storage = getMetadataStorage();
  const instances = new Map<ClassType, Record<string, (...params: unknown[]) => unknown>>();
  // Object fields, and the subscription fields (their `resolve` maps each event the way a field resolver maps its root).
  const definitions = [
    ...storage.fieldResolvers.map((definition) => {
      const objectClass = definition.getObjectType?.();
      return { definition, typeName: objectClass ? storage.objectTypes.find((type) => type.target === objectClass)?.name : undefined };
    }),
    ...storage.subscriptions.map((definition) => ({ definition, typeName: schema.getSubscriptionType()?.name })),
  ];
  for (const { definition, typeName } of definitions) {
    if (!resolvers.includes(definition.target as ClassType)) continue;
    const type = typeName ? schema.getType(typeName) : undefined;
    const field = isObjectType(type) ? type.getFields()[definition.schemaName] : undefined;
    if (!field) continue;
    const getters = [...(definition.params ?? [])]
      .sort((a, b) => a.index - b.index)
      .map((param): Resolve | null => {
        if (param.kind === "root" && !param.propertyName) return (root) => root;
        if (param.kind === "context" && !param.propertyName) return (_root, _args, context) => context;
        if (param.kind === "info") return (_root, _args, _context, info) => info;
        const arg = param.kind === "arg" ? field.args.find((a) => a.name === param.name) : undefined;
        // An input object (`orderBy`) arrives as GraphQL gives it, a plain object: such inputs are data without methods.
        if (param.kind === "arg" && arg) return (_root, args) => args[param.name];
        return null;
      });
    if (getters.some((getter) => getter === null)) continue;
    const target = definition.target as ClassType<Record<string, (...params: unknown[]) => unknown>>;
    if (!instances.has(target)) instances.set(target, new target());
    const instance = instances.get(target)!;
    const method = instance[definition.methodName];
    const direct = getters as Resolve[];
    const [first, second] = direct;
    field.resolve =
      direct.length === 2
        ? (root, args, context, info) => method.call(instance, first(root, args, context, info), second(root, args, context, info))
        : (root, args, context, info) =>
            method.apply(
              instance,
              direct.map((getter) => getter(root, args, context, info)),
            );
    directlyResolvedFields.add(`${typeName}.${definition.schemaName}`);
  }
  return schema;
}

/**
 * A page's `totalCount` may be a count read only when asked (`Count` in src/read/read-models.ts): a function of the
 * page, which graphql-js would call for a field without a resolver but graphql-jit reads as it is. Every connection's
 * `totalCount` gets this resolver, so both executors answer the count, and read it only when a client selects it.
 */
function lazyCounts(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    const field = isObjectType(type) && type.name.endsWith("Connection") ? type.getFields().totalCount : undefined;
    if (field && !field.resolve) {
      field.resolve = (page) => countOf(page as Page<unknown>);
      directlyResolvedFields.add(`${type.name}.totalCount`);
    }
  }
  return schema;
}

function countOf({ totalCount }: Page<unknown>): number | Promise<number> {
  return typeof totalCount === "function" ? totalCount() : totalCount;
}

/**
 * type-graphql gives the root types no description, and every type of this API has one. No other type refers to
 * Query, Mutation or Subscription, so the three can be replaced by described copies (same fields, same resolvers).
 * The `@language` directive joins here too.
 */
function describeRootTypes(schema: GraphQLSchema): GraphQLSchema {
  const config = schema.toConfig();
  const described = (type: GraphQLObjectType | null | undefined, description: string) =>
    type ? new GraphQLObjectType({ ...type.toConfig(), description }) : type;
  const query = described(
    config.query,
    "What a caller can read: themself, the role-task table, the catalog, their enterprises and decisions.",
  );
  const mutation = described(
    config.mutation,
    "The management actions, one per task of the role-task table (and updateMyAccount): each one transaction, audited.",
  );
  const subscription = described(
    config.subscription,
    "Live changes, over graphql-ws (WebSocket) at the same URL as queries and mutations.",
  );
  const roots = new Set([config.query?.name, config.mutation?.name, config.subscription?.name]);
  // The directive's argument is the schema's own Language enum, which exists only once type-graphql has built it.
  const language = schema.getType("Language");
  const directives = language instanceof GraphQLEnumType ? [...config.directives, languageDirective(language)] : config.directives;
  return new GraphQLSchema({
    ...config,
    query,
    mutation,
    subscription,
    directives,
    types: config.types.filter((type) => !roots.has(type.name)),
  });
}

/**
 * The executable schema with the shield applied, and nested fields that answer empty when refused
 * (src/graphql/partial-answers.ts): what the server runs (`shield: false` only for the benchmark's comparison).
 */
export function buildGatewaySchema({ shield = true }: { shield?: boolean } = {}): GraphQLSchema {
  const schema = buildTypedSchema();
  return answerRefusedFieldsEmpty(shield ? applyShield(schema, mutationRules) : schema, fieldRules);
}

/** The artefact committed as schema/schema.graphql: sorted so that diffs show real changes only. */
export function printSortedSchema(): string {
  return printSchema(lexicographicSortSchema(buildTypedSchema()));
}
