import type { ApolloServerPlugin, GraphQLRequest } from "@apollo/server";
import {
  getNullableType,
  isLeafType,
  isListType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ParseOptions,
  type SelectionSetNode,
} from "graphql";
import { getComplexity, type ComplexityEstimator } from "graphql-query-complexity";
import { tasks } from "../access/role-tasks";
import { QueryTooComplexError } from "../errors";

export interface DocumentLimits {
  /** Deepest field nesting; a root field is at depth 1. */
  maxDepth: number;
  /** Cost budget (see `estimateCost`). */
  maxCost: number;
  /** Aliased fields in the operation, fragments expanded. */
  maxAliases: number;
  /** Fields at the root of the operation, fragments expanded. */
  maxRootFields: number;
  /** Lexical tokens of the document; the parser stops at the first one over the limit. */
  maxTokens: number;
}

/** Told an operation's requested cost (see `documentLimits`). */
export type OnCost<TContext> = (
  operation: { request: GraphQLRequest; contextValue: TContext; operation: OperationDefinitionNode },
  cost: number,
  withinLimits: boolean,
) => Promise<void>;

/** What an unpaginated list (capacities, roles, clients...) is assumed to hold when its real length is not known. */
export const unpaginatedListSize = 10;

/**
 * The item lists of paged fields that are not connections (`Type.field`): their field's `first` counts their items
 * (as a connection's counts its edges), so the list is not multiplied again, and the answer counts the items it holds.
 */
export const pageItemLists: ReadonlySet<string> = new Set(["AccessDelta.changes"]);

/**
 * Fields of scalars (or lists of them) that are computed rather than read with their object, by what they compute: `myTasks` decides
 * every task of the role-task table. Counted as 0, a provider's staff could ask it of thousands of enterprises
 * for a cost of 1.
 */
const computedScalarCosts: ReadonlyMap<string, number> = new Map([
  ["Enterprise.myTasks", tasks.length],
  // The caller's own budget (src/graphql/resolvers/rate-limit.resolver.ts) costs nothing, so asking it never spends it.
  ["Query.rateLimit", 0],
]);

/** What a field counts whatever it selects (`myTasks`, `rateLimit`), keyed `Type.field`; undefined for the others. */
export const costOfComputedField = (field: string): number | undefined => computedScalarCosts.get(field);

/**
 * The real lengths of unpaginated lists, known before execution, keyed `Type.field` (e.g. `Query.myEnterprises`):
 * such a list is counted at its length instead of `unpaginatedListSize`.
 */
export type KnownListSizes = ReadonlyMap<string, number>;

/**
 * The cost counts the objects a document may return. A scalar or enum field costs nothing (it comes with its
 * object's row) unless it is computed (`computedScalarCosts`); any other field costs 1 plus the cost of its selection times the number of items it may return:
 * `last` or else `first` (the field's default when absent or null: 50, 100 for `expiringSoon`) for a paginated field, the number of `ids` for `nodes(ids:)`, the
 * real length for a list in `knownSizes`, `unpaginatedListSize` for another list without `first`, 1 for an object. The
 * edges (and nodes) of a connection are not multiplied again: their connection counted `first`.
 */
export const costEstimator =
  (knownSizes: KnownListSizes = new Map()): ComplexityEstimator =>
  ({ type, field, args, childComplexity }) => {
    const nullable = getNullableType(field.type);
    const computed = computedScalarCosts.get(`${type.name}.${field.name}`);
    if (computed !== undefined) return computed;
    if (isLeafType(nullable)) return 0;
    // A bulk mutation answers one item per item of its input (at most 1,000): counted here by that number, its
    // answer's `items` list once per item, as a connection counts its `first` and its edges once.
    const bulk = bulkInputLength(args);
    if (type.name === "Mutation" && bulk !== null) return 1 + bulk * childComplexity;
    if (type.name === "BulkUsersResult" && field.name === "items") return 1 + childComplexity;
    if ("first" in args) {
      // A connection paged backward counts `last`; otherwise `first: null` reads as the field's own default (its
      // resolver's `first ?? default`): 100 for expiringSoon, 50 elsewhere.
      const declared = field.args.find((a) => a.name === "first")?.defaultValue;
      const first =
        typeof args.last === "number"
          ? args.last
          : typeof args.first === "number"
            ? args.first
            : typeof declared === "number"
              ? declared
              : 50;
      return 1 + Math.max(0, first) * childComplexity;
    }
    // `nodes(ids:)` returns one object per id asked (at most 100), whatever its list would be assumed to hold.
    if (Array.isArray(args.ids)) return 1 + args.ids.length * childComplexity;
    // A connection's `nodes` are its `edges` without cursors: counted once, by the connection's `first`.
    const edgesOfConnection =
      ((field.name === "edges" || field.name === "nodes") && type.name.endsWith("Connection")) ||
      pageItemLists.has(`${type.name}.${field.name}`);
    if (!isListType(nullable) || edgesOfConnection) return 1 + childComplexity;
    return 1 + (knownSizes.get(`${type.name}.${field.name}`) ?? unpaginatedListSize) * childComplexity;
  };

export const estimateCost: ComplexityEstimator = costEstimator();

/** The number of items a bulk mutation's input lists (`input.users`, `input.assignments`), or null for any other field. */
function bulkInputLength(args: Record<string, unknown>): number | null {
  const input = args.input;
  if (typeof input !== "object" || input === null) return null;
  const { users, assignments } = input as { users?: unknown; assignments?: unknown };
  const items = Array.isArray(users) ? users : Array.isArray(assignments) ? assignments : null;
  return items ? Math.max(1, items.length) : null;
}

interface Shape {
  depth: number;
  aliases: number;
  rootFields: number;
  /** Fields once fragments are expanded. */
  fields: number;
}

/**
 * The cost walk (graphql-query-complexity) expands every fragment spread anew, so fragments spread into each other
 * can make it exponential: a document whose fragments expand to more fields than this per token is refused first.
 */
const expandedFieldsPerToken = 5;

const empty: Shape = { depth: 0, aliases: 0, rootFields: 0, fields: 0 };

/**
 * Measures an operation in one pass over the document: each fragment is measured once and reused wherever it is
 * spread, so a document that spreads fragments into each other exponentially costs linear time to refuse.
 */
export function measureOperation(document: DocumentNode, operation: OperationDefinitionNode): Shape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const measured = new Map<string, Shape>();

  const measure = (selectionSet: SelectionSetNode): Shape => {
    const shape = { ...empty };
    const add = (inner: Shape) => {
      shape.depth = Math.max(shape.depth, inner.depth);
      shape.aliases += inner.aliases;
      shape.rootFields += inner.rootFields;
      shape.fields += inner.fields;
    };
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const below = selection.selectionSet ? measure(selection.selectionSet) : empty;
        // Introspection's `ofType` is a chain of type wrappers, one object per link: it cannot fan out, so it adds no depth.
        const level = selection.name.value === "ofType" ? 0 : 1;
        add({ depth: below.depth + level, aliases: below.aliases + (selection.alias ? 1 : 0), rootFields: 1, fields: below.fields + 1 });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        add(measure(selection.selectionSet));
      } else {
        const name = selection.name.value;
        if (!measured.has(name)) {
          // Validation refuses fragment cycles before this runs; the placeholder keeps a cycle from recursing anyway.
          measured.set(name, empty);
          const fragment = fragments.get(name);
          if (fragment) measured.set(name, measure(fragment.selectionSet));
        }
        add(measured.get(name)!);
      }
    }
    return shape;
  };
  return measure(operation.selectionSet);
}

/** Apollo's parse options: the token limit stops the parser itself, before any other work on a huge document. */
export function documentParseOptions({ maxTokens }: DocumentLimits): ParseOptions {
  return { maxTokens };
}

// graphql-js 16 words it "more that N tokens".
const tokenLimitMessage = /^Syntax Error: Document contains more th(?:an|at) (\d+) tokens/;

/** The token limit a parse failure names, when the parser stopped at it (both transports name it as that limit); else null. */
export function tokenLimitOf(parseFailure: string): number | null {
  const match = tokenLimitMessage.exec(parseFailure);
  return match ? Number(match[1]) : null;
}

/** The names of the fields selected at the root of the operation, through fragments. */
function rootFieldNames(document: DocumentNode, operation: OperationDefinitionNode): Set<string> {
  const names = new Set<string>();
  const visited = new Set<string>();
  const walk = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = document.definitions.find(
          (d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value,
        );
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return names;
}

/**
 * Refuses an operation over a limit with QUERY_TOO_COMPLEX (HTTP 400, the limit and its maximum in the extensions),
 * after validation and before any resolver runs. Depth, aliases and root fields depend on the document only and are
 * remembered per parsed document (Apollo reuses the parsed document of a query it has seen); the cost depends on the
 * variables (`first: $n`) and the known list sizes, and is remembered per parsed operation and such inputs.
 */
export function documentLimits<TContext extends object>(
  limits: DocumentLimits,
  {
    rootListSizes = {},
    onCost,
  }: {
    /**
     * Unpaginated root lists whose length the request can learn cheaply before execution (`myEnterprises`: the
     * viewer's enterprises, which its resolver reads anyway), asked only when the operation selects them. The
     * lookup must fail the same way for the resolver (the access layer keeps its answer for the request), so that a
     * failed lookup cannot let a list run under the estimate.
     */
    rootListSizes?: Record<string, (context: TContext) => Promise<number>>;
    /**
     * Given the operation's cost once known, before it is refused over the limit (`withinLimits` false) or runs: the
     * cost budget (src/http/cost-budget.ts) records it and, within the limits, spends it; a refusal it throws stands.
     */
    onCost?: OnCost<TContext>;
  } = {},
): ApolloServerPlugin<TContext> {
  const shapes = new WeakMap<OperationDefinitionNode, Shape>();
  const costs = new WeakMap<OperationDefinitionNode, Map<string, number | null>>();
  /** The cost of an operation for its inputs, remembered per parsed operation for small inputs (a bounded few each). */
  const rememberedCost = (key: string, operation: OperationDefinitionNode, compute: () => number | null): number | null => {
    if (key.length > maxCostKeyLength) return compute();
    let known = costs.get(operation);
    if (!known) costs.set(operation, (known = new Map()));
    let cost = known.get(key);
    if (cost === undefined) {
      cost = compute();
      if (known.size >= maxCostsPerOperation) known.delete(known.keys().next().value!);
      known.set(key, cost);
    }
    return cost;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, schema, contextValue }) {
          if (!operation) return;
          let shape = shapes.get(operation);
          if (!shape) {
            shape = measureOperation(document, operation);
            shapes.set(operation, shape);
          }
          assertShapeWithinLimits(shape, limits);
          const maxFields = expandedFieldsPerToken * limits.maxTokens;
          const knownSizes = new Map<string, number>();
          const rootType = schema.getRootType(operation.operation)?.name;
          for (const name of rootFieldNames(document, operation)) {
            const sizeOf = rootListSizes[name];
            if (!sizeOf || !rootType) continue;
            // A failed lookup leaves the list estimated: its resolver meets the same failure and reports it on its path.
            const size = await sizeOf(contextValue).catch(() => null);
            if (size !== null) knownSizes.set(`${rootType}.${name}`, size);
          }
          const compute = () => costOf(schema, document, operation, request.variables, maxFields, knownSizes);
          const inputs = costKey(request.variables, knownSizes);
          const cost = inputs === null ? compute() : rememberedCost(inputs, operation, compute);
          if (cost !== null && Number.isFinite(cost)) await onCost?.({ request, contextValue, operation }, cost, cost <= limits.maxCost);
          if (cost !== null && cost > limits.maxCost) throw new QueryTooComplexError("cost", limits.maxCost, cost);
        },
        async willSendResponse({ response }) {
          // The parser's token limit surfaces as a syntax error; name it as the limit it is.
          if (response.body.kind !== "single" || !response.body.singleResult.errors) return;
          const result = response.body.singleResult;
          result.errors = result.errors!.map((error) => {
            const limit = error.extensions?.code === "GRAPHQL_PARSE_FAILED" ? tokenLimitOf(error.message) : null;
            if (limit === null) return error;
            const { message: text, extensions } = new QueryTooComplexError("tokens", limit, Number.NaN);
            // Worded for the request by src/http/operation-language.ts, which comes after.
            return { ...error, message: text, extensions: { ...error.extensions, ...extensions, http: undefined, actual: undefined } };
          });
        },
      };
    },
  };
}

function assertShapeWithinLimits(shape: Shape, limits: DocumentLimits): void {
  if (shape.depth > limits.maxDepth) throw new QueryTooComplexError("depth", limits.maxDepth, shape.depth);
  if (shape.rootFields > limits.maxRootFields) throw new QueryTooComplexError("rootFields", limits.maxRootFields, shape.rootFields);
  if (shape.aliases > limits.maxAliases) throw new QueryTooComplexError("aliases", limits.maxAliases, shape.aliases);
  const maxFields = expandedFieldsPerToken * limits.maxTokens;
  if (shape.fields > maxFields) throw new QueryTooComplexError("fields", maxFields, shape.fields);
}

/**
 * The same limits for an operation that does not come through Apollo (a subscription over graphql-ws,
 * src/http/subscription-document.ts): throws QUERY_TOO_COMPLEX over any of them.
 */
export function assertWithinLimits(
  limits: DocumentLimits,
  {
    schema,
    document,
    operation,
    variables,
  }: { schema: GraphQLSchema; document: DocumentNode; operation: OperationDefinitionNode; variables: Record<string, unknown> | undefined },
): void {
  assertShapeWithinLimits(measureOperation(document, operation), limits);
  const cost = costOf(schema, document, operation, variables, expandedFieldsPerToken * limits.maxTokens, new Map());
  if (cost !== null && cost > limits.maxCost) throw new QueryTooComplexError("cost", limits.maxCost, cost);
}

const nodeLimitMessage = /maximum allowed number of nodes/;

/** The cost depends on the variables and the known list sizes: kept for inputs this small, this many per operation. */
const maxCostKeyLength = 1024;
const maxCostsPerOperation = 64;

/** The variables and list sizes as a key; null for variables JSON cannot write (nested too deep for the stack: a hostile body). */
function costKey(variables: Record<string, unknown> | undefined, knownSizes: KnownListSizes): string | null {
  try {
    return JSON.stringify([variables ?? {}, [...knownSizes]]);
  } catch {
    return null;
  }
}

/**
 * Null when the variables do not fit the operation: execution then refuses them (BAD_USER_INPUT) before any resolver
 * runs. The walk also counts fragment spreads, so its node bound sits above `maxFields`; reaching it is over budget.
 */
function costOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  maxFields: number,
  knownSizes: KnownListSizes,
): number | null {
  try {
    return getComplexity({
      schema,
      query: document,
      operationName: operation.name?.value,
      variables: variables ?? {},
      estimators: [costEstimator(knownSizes)],
      maxQueryNodes: 3 * maxFields + 1000,
    });
  } catch (error) {
    return error instanceof Error && nodeLimitMessage.test(error.message) ? Number.POSITIVE_INFINITY : null;
  }
}
