import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ApolloServer, type ApolloServerOptionsWithGateway, type BaseContext } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { buildSchema, execute, printSchema, type DocumentNode, type ExecutionResult, type GraphQLSchema } from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";

type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>["gateway"];

/** The emitted SDL, as a schema without resolvers: every field reads its parent's property of its name. */
export function emittedSchema(): GraphQLSchema {
  return buildSchema(readFileSync(join(__dirname, "..", "schema", "schema.graphql"), "utf8"));
}

/**
 * The benchmark's peers, answering `rootValue` (the data the gateway answered) from memory on the emitted SDL:
 * "bare", a bare Apollo Server 5 executing with graphql-js, and "bare-jit", the same executing with graphql-jit the
 * way Apollo users plug it in (Apollo Server has no executor option, so a gateway whose executor compiles each
 * document once, kept by the DocumentNode Apollo's document cache hands back, and runs it). Nothing more: no variable
 * check by graphql-js first, no bound on the compiled documents, no error rebuilding (the gateway's executor does those
 * for its own reasons; a peer would not).
 */
export function bareApollo(kind: "bare" | "bare-jit", schema: GraphQLSchema, rootValue: unknown): ApolloServer {
  const plugins = [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled()];
  if (kind === "bare") return new ApolloServer({ schema, rootValue, plugins });
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();
  const gateway: GatewayInterface = {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async load() {
      return {
        executor: async ({ document, request, context }): Promise<ExecutionResult> => {
          const operationName = request.operationName ?? "";
          let operations = compiled.get(document);
          if (!operations) compiled.set(document, (operations = new Map()));
          let query = operations.get(operationName);
          if (query === undefined) {
            const result = compileQuery(schema, document, request.operationName ?? undefined);
            operations.set(operationName, (query = isCompiledQuery(result) ? result : null));
          }
          if (!query) return execute({ schema, document, rootValue, contextValue: context, variableValues: request.variables });
          return query.query(rootValue, context, request.variables ?? {});
        },
      };
    },
    async stop() {},
  };
  return new ApolloServer({ gateway, plugins });
}
