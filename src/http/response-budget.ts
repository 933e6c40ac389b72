import type { ApolloServerPlugin } from "@apollo/server";
import {
  defaultFieldResolver,
  getNamedType,
  isAbstractType,
  isLeafType,
  isObjectType,
  Kind,
  type FieldNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from "graphql";
import { QueryTooComplexError } from "../errors";
import { budgetKey, type Budget, type Budgeted } from "../graphql/answer-budget";

function count(budget: Budget, info: GraphQLResolveInfo, value: unknown, leaf: boolean): unknown {
  budget.bytes += sizeOf(info, value, leaf);
  if (budget.bytes > budget.max) budget.exceeded = true;
  return value;
}

/** What a resolved value adds to the JSON answer under its key: an estimate, on the high side for ASCII text. */
function sizeOf(info: GraphQLResolveInfo, value: unknown, leaf: boolean): number {
  // "key": value, (quotes, colon, comma)
  const key = (info.fieldNodes[0]?.alias?.value ?? info.fieldName).length + 4;
  if (value === null || value === undefined) return key + 4;
  if (Array.isArray(value)) return key + 2 + value.length;
  if (!leaf) return key + 2;
  if (typeof value === "string") return key + value.length + 2;
  if (value instanceof Date) return key + 26;
  return key + String(value).length;
}

const isPromise = (value: unknown): value is Promise<unknown> => typeof (value as Promise<unknown> | null)?.then === "function";

/**
 * A field the budget does not wrap (no resolver of its own: a property of its object): counted by the nearest field
 * above it that has one, from the same properties, when that field's value arrives. Leaves, and the objects and lists
 * the resolved value already holds (a page's `edges`, an edge's `node`).
 */
const plainFields = new WeakSet<GraphQLField<unknown, unknown>>();

/**
 * The plain fields a field's selection reads of each object it resolves: the answer's key and the source property,
 * and for a plain object or list, the plan of its own selection.
 */
type Plan = { key: number; property: string; sub?: Plan }[];

/** By the field's node in its document: the node fixes the field and so its type (a document is parsed once, then cached). */
const plans = new WeakMap<FieldNode, Plan>();

/**
 * The plain fields selected under `info`'s field on objects of `type` (fragments and inline fragments included; for
 * an interface or union, those of every type condition: on the high side, as the estimate is meant to be), and under
 * each plain object or list among them, theirs.
 */
function planOf(info: GraphQLResolveInfo, type: GraphQLNamedType): Plan {
  let plan = plans.get(info.fieldNodes[0]);
  if (plan) return plan;
  plan = selectionPlan(info, type, info.fieldNodes);
  plans.set(info.fieldNodes[0], plan);
  return plan;
}

function selectionPlan(info: GraphQLResolveInfo, type: GraphQLNamedType, nodes: readonly FieldNode[]): Plan {
  const plan: Plan = [];
  const candidates = isAbstractType(type) ? info.schema.getPossibleTypes(type) : isObjectType(type) ? [type] : [];
  const visit = (selectionSet: SelectionSetNode | undefined, seen: Set<string>) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        let plain: GraphQLField<unknown, unknown> | undefined;
        for (const candidate of candidates) {
          const field = candidate.getFields()[name] as GraphQLField<unknown, unknown> | undefined;
          if (field !== undefined && plainFields.has(field)) plain ??= field;
        }
        if (!plain) continue;
        const named = getNamedType(plain.type);
        const key = (selection.alias?.value ?? name).length + 4;
        plan.push(isLeafType(named) ? { key, property: name } : { key, property: name, sub: selectionPlan(info, named, [selection]) });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, seen);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        visit(info.fragments[selection.name.value]?.selectionSet, seen);
      }
    }
  };
  for (const node of nodes) visit(node.selectionSet, new Set());
  return plan;
}

/** What the plain fields of the resolved object(s) add to the answer (nested lists flattened). */
function plainBytesOf(plan: Plan, value: unknown): number {
  if (plan.length === 0 || value === null || value === undefined || typeof value !== "object") return 0;
  if (Array.isArray(value)) {
    let bytes = 0;
    for (const item of value) bytes += plainBytesOf(plan, item);
    return bytes;
  }
  let bytes = 0;
  for (const { key, property, sub } of plan) {
    const field = (value as Record<string, unknown>)[property];
    if (!sub) bytes += key + valueSize(field);
    // As `sizeOf` counts an object or a list under its key, then what its own plain fields add.
    else if (field === null || field === undefined) bytes += key + 4;
    else bytes += key + 2 + (Array.isArray(field) ? field.length : 0) + plainBytesOf(sub, field);
  }
  return bytes;
}

function valueSize(value: unknown): number {
  if (value === null || value === undefined) return 4;
  if (typeof value === "string") return value.length + 2;
  if (value instanceof Date) return 26;
  if (typeof value === "function") return 0;
  return String(value).length;
}

/**
 * Wraps the fields' resolvers so that a request with a budget (see `responseBudget`) counts what it resolves, and
 * once over it resolves no further object or list: such a field fails at once, before its resolver reads anything.
 * The failure is a rejected promise, never a throw: a synchronous throw in the middle of a list would abandon the
 * promises of the items before it, which then reject unobserved.
 * A field without a resolver of its own (a property of its object: most leaves, and the objects and lists a resolved
 * value holds, such as a page's edges and their nodes) is not wrapped, so that the executor reads it directly (a call
 * per leaf was a tenth of a large answer's CPU; a call per edge and node, with its resolve info, path and closures, a
 * fifth of a warm request's allocations): the nearest field above it with a resolver counts it, from the same
 * properties, as soon as its value arrives, so the whole answer is counted as before, only earlier; what it counts is
 * already in memory, and past the budget the next field with a resolver refuses, before it reads anything.
 */
export function withResponseBudget(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const leaf = isLeafType(getNamedType(field.type));
      if (!field.resolve && !field.subscribe) {
        plainFields.add(field as GraphQLField<unknown, unknown>);
        continue;
      }
      const resolve = field.resolve ?? defaultFieldResolver;
      const named = getNamedType(field.type);
      const counted = (budget: Budget, info: GraphQLResolveInfo, value: unknown): unknown => {
        if (!leaf) budget.bytes += plainBytesOf(planOf(info, named), value);
        return count(budget, info, value, leaf);
      };
      field.resolve = (source, args, context: Budgeted, info) => {
        const budget = context[budgetKey];
        if (!budget) return resolve(source, args, context, info);
        if (budget.exceeded && !leaf) return Promise.reject(new QueryTooComplexError("responseBytes", Number.NaN, Number.NaN));
        const result: unknown = resolve(source, args, context, info);
        return isPromise(result) ? result.then((value) => counted(budget, info, value)) : counted(budget, info, result);
      };
    }
  }
  return schema;
}

/**
 * Bounds the size of an answer (MAX_RESPONSE_BYTES) on a schema wrapped by `withResponseBudget`. The cost limit
 * estimates before execution; this counts what execution actually produces, field by field, so that a list longer
 * than its estimate cannot build a huge answer. Past the budget execution stops (see `withResponseBudget`), and
 * the client gets one QUERY_TOO_COMPLEX error with `limit: "responseBytes"` (HTTP 400) and no data, rather than a
 * partial answer that could pass for a complete one.
 */
export function responseBudget({ maxBytes }: { maxBytes: number }): ApolloServerPlugin {
  return {
    async requestDidStart({ contextValue }) {
      // The operations of a batch share their context, and so one budget: the whole answer is bounded.
      const budgeted = contextValue as Budgeted;
      const budget: Budget = (budgeted[budgetKey] ??= { bytes: 0, exceeded: false, max: maxBytes });
      return {
        async willSendResponse({ response }) {
          if (!budget.exceeded || response.body.kind !== "single") return;
          const { message, extensions } = budget.refusal ?? new QueryTooComplexError("responseBytes", maxBytes, Number.NaN);
          response.http.status = 400;
          // Worded for the request by src/http/operation-language.ts, which comes after.
          response.body.singleResult = { errors: [{ message, extensions: { ...extensions, http: undefined } }] };
        },
      };
    },
  };
}
