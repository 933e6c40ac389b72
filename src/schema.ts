import { GraphQLObjectType, GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { buildSchemaSync, type ClassType } from "type-graphql";
import { applyShield } from "./access/shield";
import { MutationResolver } from "./management/mutation.resolver";
import { AuditEventResolver } from "./model/resolvers/audit-event.resolver";
import { CapacityResolver } from "./model/resolvers/capacity.resolver";
import { EBoxResolver } from "./model/resolvers/ebox.resolver";
import { EnterpriseCapacityResolver } from "./model/resolvers/enterprise-capacity.resolver";
import { EnterpriseResolver } from "./model/resolvers/enterprise.resolver";
import { OnlineServiceResolver } from "./model/resolvers/online-service.resolver";
import { PersonResolver } from "./model/resolvers/person.resolver";
import { QueryResolver } from "./model/resolvers/query.resolver";
import { RoleAssignmentResolver } from "./model/resolvers/role-assignment.resolver";
import { ServiceProviderMandateResolver } from "./model/resolvers/service-provider-mandate.resolver";
import { StructuredMessagingConfigResolver } from "./model/resolvers/structured-messaging-config.resolver";

/**
 * The schema of the gateway, built by type-graphql from the classes of src/model (one class per type, one resolver
 * class per type) and the mutation resolver of src/management, then guarded by the shield of src/access.
 * schema/schema.graphql is printed from it (`npm run schema`); nothing else describes the schema.
 */
const resolvers: [ClassType, ...ClassType[]] = [
  QueryResolver,
  MutationResolver,
  EnterpriseResolver,
  EnterpriseCapacityResolver,
  PersonResolver,
  RoleAssignmentResolver,
  CapacityResolver,
  OnlineServiceResolver,
  ServiceProviderMandateResolver,
  EBoxResolver,
  StructuredMessagingConfigResolver,
  AuditEventResolver,
];

let typed: GraphQLSchema | undefined;

/**
 * The schema as the classes declare it, without the shield; built once per process (the classes do not change).
 * Validation is off: the management actions validate their input and answer BAD_USER_INPUT naming the field.
 */
export function buildTypedSchema(): GraphQLSchema {
  typed ??= describeRootTypes(buildSchemaSync({ resolvers, validate: false, emitSchemaFile: false }));
  return typed;
}

/**
 * type-graphql gives the root types no description, and every type of this API has one. No other type refers to
 * Query or Mutation, so the two can be replaced by described copies (same fields, same resolvers).
 */
function describeRootTypes(schema: GraphQLSchema): GraphQLSchema {
  const config = schema.toConfig();
  const described = (type: GraphQLObjectType | null | undefined, description: string) =>
    type ? new GraphQLObjectType({ ...type.toConfig(), description }) : type;
  const query = described(config.query, "What a caller can read: themself, the role-task table, the catalog, their enterprises and decisions.");
  const mutation = described(config.mutation, "The management actions, one per task of the role-task table (and updateMyAccount): each one transaction, audited.");
  const roots = new Set([config.query?.name, config.mutation?.name]);
  return new GraphQLSchema({ ...config, query, mutation, types: config.types.filter((type) => !roots.has(type.name)) });
}

/** The executable schema with the shield applied: what the server runs (`shield: false` only for the benchmark's comparison). */
export function buildGatewaySchema({ shield = true }: { shield?: boolean } = {}): GraphQLSchema {
  const schema = buildTypedSchema();
  return shield ? applyShield(schema) : schema;
}

/** The artefact committed as schema/schema.graphql: sorted so that diffs show real changes only. */
export function printSortedSchema(): string {
  return printSchema(lexicographicSortSchema(buildTypedSchema()));
}
