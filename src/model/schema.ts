import { makeExecutableSchema } from "@graphql-tools/schema";
import type { GraphQLSchema } from "graphql";
import { applyShield } from "../access/shield";
import { Mutation } from "../management/mutation.resolver";
import type { Resolvers } from "./generated/resolvers-types";
import { AuditEvent, Decision, EBox, EBoxMessage, ServiceProviderMandate, StructuredMessagingConfig } from "./resolvers/activity.resolver";
import { Capacity, OnlineService } from "./resolvers/catalog.resolver";
import { Enterprise, EnterpriseCapacity } from "./resolvers/enterprise.resolver";
import { Person, RoleAssignment } from "./resolvers/person.resolver";
import { Query } from "./resolvers/query.resolver";
import { DateTimeScalar, EnterpriseNumberScalar, SsinScalar } from "./scalars";
import { typeDefs } from "./type-defs";

export const resolvers: Resolvers = {
  EnterpriseNumber: EnterpriseNumberScalar,
  Ssin: SsinScalar,
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Enterprise,
  EnterpriseCapacity,
  Person,
  RoleAssignment,
  Capacity,
  OnlineService,
  ServiceProviderMandate,
  EBox,
  EBoxMessage,
  StructuredMessagingConfig,
  AuditEvent,
  Decision,
};

/** The executable schema with the shield applied: what the server runs (`shield: false` only for the benchmark's comparison). */
export function buildGatewaySchema({ shield = true }: { shield?: boolean } = {}): GraphQLSchema {
  const schema = makeExecutableSchema({ typeDefs, resolvers });
  return shield ? applyShield(schema) : schema;
}
