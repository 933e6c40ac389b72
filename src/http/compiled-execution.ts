import type { ApolloServerOptionsWithGateway, BaseContext } from "@apollo/server";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";
import {
  execute,
  getVariableValues,
  GraphQLError,
  printSchema,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from "graphql";

type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>["gateway"];
type GatewayRequestContext = Parameters<NonNullable<Awaited<ReturnType<GatewayInterface["load"]>>["executor"]>>[0];

/** What a (document, operation name) compiles to: null when graphql-jit cannot compile it and graphql-js runs it. */
type Compiled = CompiledQuery | null;

/**
 * Compiled queries by document, least recently used first. Apollo hands back the same DocumentNode for a query it has
 * parsed before (its document cache), so the node is the key; the bound keeps a client that sends ever new documents
 * from growing the process, at the price of compiling again.
 */
class CompiledQueries {
  private readonly documents = new Map<DocumentNode, Map<string, Compiled>>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly maxDocuments: number,
  ) {}

  get size(): number {
    return this.documents.size;
  }

  get(document: DocumentNode, operationName: string | undefined): Compiled {
    let operations = this.documents.get(document);
    if (operations) {
      // Moved to the end: the most recently used.
      this.documents.delete(document);
    } else {
      operations = new Map();
      if (this.documents.size >= this.maxDocuments) this.documents.delete(this.documents.keys().next().value!);
    }
    this.documents.set(document, operations);
    const key = operationName ?? "";
    let compiled = operations.get(key);
    if (compiled === undefined) {
      const result = compileQuery(this.schema, document, operationName);
      compiled = isCompiledQuery(result) ? result : null;
      operations.set(key, compiled);
    }
    return compiled;
  }
}

/**
 * graphql-jit's errors are GraphQLErrors of its own making: locations instead of nodes, and no `extensions` at all
 * when the resolver's error had none, which Apollo answers as a bare "Internal server error" without path or request
 * id. Rebuilt as graphql-js builds them, they are masked, logged and formatted exactly as under graphql-js.
 */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  const rebuilt = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: error.extensions,
  });
  return error.locations ? Object.assign(rebuilt, { locations: error.locations }) : rebuilt;
}

/**
 * Compiled execution (EXECUTION=jit): Apollo Server 5 has no executor option, so this is its `gateway` interface
 * serving the gateway's own schema. Apollo still parses, validates, caches documents and runs every plugin (limits,
 * response budget, logging, partial errors); only execution changes, and the resolvers run as they are (the shield's
 * and the response budget's wrapped resolvers included).
 */
export function compiledExecution({ schema, maxDocuments = 1_000 }: { schema: GraphQLSchema; maxDocuments?: number }): {
  gateway: GatewayInterface;
  /** How many documents are compiled and kept (for tests of the bound). */
  compiledDocuments(): number;
} {
  const compiled = new CompiledQueries(schema, maxDocuments);
  const executor = async (requestContext: GatewayRequestContext): Promise<ExecutionResult> => {
    const { document, operation, request, context } = requestContext;
    const operationName = request.operationName ?? undefined;
    // No operation: graphql-js words the refusal (unknown or ambiguous operation name) as it always has.
    if (!operation) return execute({ schema, document, contextValue: context, variableValues: request.variables, operationName });
    // graphql-jit words variable refusals its own way: graphql-js checks them first, so that a refused variable reads
    // (and is classified BAD_USER_INPUT by Apollo) as before. jit then coerces the same raw values again.
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {}, { maxErrors: 50 });
    if (coerced.errors) return { errors: coerced.errors };
    const query = compiled.get(document, operationName);
    if (!query) return execute({ schema, document, contextValue: context, variableValues: request.variables, operationName });
    const result = await query.query(undefined, context, request.variables ?? {});
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLJsError) } : result;
  };
  return {
    gateway: {
      onSchemaLoadOrUpdate(callback) {
        callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
        return () => {};
      },
      async load() {
        return { executor };
      },
      async stop() {},
    },
    compiledDocuments: () => compiled.size,
  };
}
