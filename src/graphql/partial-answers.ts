import {
  GraphQLError,
  isListType,
  isNonNullType,
  isObjectType,
  locatedError,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from "graphql";
import { pathToArray } from "graphql/jsutils/Path";
import { applyMiddleware, type IMiddleware } from "graphql-middleware";
import type { Context } from "../context";
import { emptyPage } from "../read/read-models";

/**
 * Screens shared by roles. A nested field that is refused (FORBIDDEN, NOT_FOUND) or asked with arguments it refuses
 * (BAD_USER_INPUT) would, as graphql-js answers an error, be null, and through non-null parents blank the whole
 * object around it: an access manager asking `enterprise { name auditTrail { ... } }` would get `enterprise: null`.
 * Instead such a field answers the empty value its type allows, and its error is reported at its path beside the
 * answer (context.partialErrors, added to the response by src/http/partial-errors.ts):
 * - a non-null list answers `[]`; a non-null connection a page of nothing (no edges, `totalCount` 0, `pageInfo` false
 *   and null), the same page whatever the list holds, so that it tells no more than the refusal does;
 * - a nullable field answers null (with its error, unlike a null the visibility rules answer without one).
 * A non-null scalar or object has no empty value: its error bubbles as graphql-js makes it (`bubblingFields`).
 * Root fields are not concerned: a refused root field refuses as before. Nor are subscriptions, whose events carry
 * no partial errors.
 */

/** The codes of a refusal of the field as asked; any other error (unavailable, timeout, unexpected) stands as it is. */
const refusalCodes = new Set(["FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT"]);

const isRefusal = (value: unknown): value is GraphQLError =>
  value instanceof GraphQLError && refusalCodes.has(value.extensions?.code as string);

const rootTypeNames = (schema: GraphQLSchema) =>
  new Set([schema.getQueryType()?.name, schema.getMutationType()?.name, schema.getSubscriptionType()?.name]);

/** A connection as src/graphql/types/page.type.ts builds them (emptyPage() is its empty value). */
const isConnection = (type: GraphQLObjectType) => ["edges", "nodes", "pageInfo", "totalCount"].every((field) => field in type.getFields());

/** What a field of this type answers when refused, as a function (each answer gets its own value); null when it has none. */
function emptyAnswerOf(type: GraphQLOutputType): (() => unknown) | null {
  if (!isNonNullType(type)) return () => null;
  if (isListType(type.ofType)) return () => [];
  if (isObjectType(type.ofType) && isConnection(type.ofType)) return emptyPage;
  return null;
}

export interface RefusableFields {
  /** "Type.field" of each nested field that may be refused and answers empty when it is, by the kind of its empty value. */
  answeredEmpty: Map<string, { empty: () => unknown; kind: "null" | "list" | "connection" }>;
  /** "Type.field" of each nested field that may be refused but whose non-null type has no empty value: its error bubbles. */
  bubbling: string[];
}

/**
 * The nested fields that can be refused at execution: those with a rule of their own (`guarded`, the shield's field
 * rules) and those with arguments (which may refuse a value: a page size, a cursor, an instant), on every object type
 * but the root types.
 */
export function refusableFields(
  schema: GraphQLSchema,
  guarded: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
): RefusableFields {
  const roots = rootTypeNames(schema);
  const answeredEmpty: RefusableFields["answeredEmpty"] = new Map();
  const bubbling: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__") || roots.has(type.name)) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.length === 0 && !(field.name in (guarded[type.name] ?? {}))) continue;
      const name = `${type.name}.${field.name}`;
      const empty = emptyAnswerOf(field.type);
      if (!empty) bubbling.push(name);
      else {
        const kind = !isNonNullType(field.type) ? "null" : isListType(field.type.ofType) ? "list" : "connection";
        answeredEmpty.set(name, { empty, kind });
      }
    }
  }
  return { answeredEmpty, bubbling: bubbling.sort() };
}

type FieldMiddleware = (
  resolve: (parent: unknown, args: unknown, context: Context, info: GraphQLResolveInfo) => unknown,
  parent: unknown,
  args: unknown,
  context: Context,
  info: GraphQLResolveInfo,
) => unknown;

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> => typeof (value as PromiseLike<unknown> | null)?.then === "function";

/**
 * The field as resolved, or its empty value with its refusal recorded at its path. graphql-shield returns a refused
 * rule's error rather than throwing it, so a returned error counts as a thrown one. A value resolved synchronously
 * stays synchronous.
 */
const answersEmptyWhenRefused =
  (empty: () => unknown): FieldMiddleware =>
  (resolve, parent, args, context, info) => {
    if (info.operation.operation === "subscription") return resolve(parent, args, context, info);
    const settle = (result: unknown): unknown => {
      if (isRefusal(result)) {
        context.partialErrors.push(locatedError(result, info.fieldNodes, pathToArray(info.path)));
        return empty();
      }
      if (result instanceof Error) throw result;
      return result;
    };
    let result: unknown;
    try {
      result = resolve(parent, args, context, info);
    } catch (error) {
      return settle(error);
    }
    return isPromiseLike(result) ? Promise.resolve(result).then(settle, settle) : settle(result);
  };

/** Applies the above to every refusable nested field that has an empty value; the schema's other fields are left as they are. */
export function answerRefusedFieldsEmpty(
  schema: GraphQLSchema,
  guarded: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
): GraphQLSchema {
  const middleware: Record<string, Record<string, FieldMiddleware>> = {};
  for (const [name, { empty }] of refusableFields(schema, guarded).answeredEmpty) {
    const [typeName, fieldName] = name.split(".");
    (middleware[typeName] ??= {})[fieldName] = answersEmptyWhenRefused(empty);
  }
  return applyMiddleware(schema, middleware as IMiddleware);
}
