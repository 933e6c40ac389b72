import type { ApolloServerPlugin } from "@apollo/server";
import { defaultFieldResolver, getNamedType, isLeafType, isObjectType, type GraphQLResolveInfo, type GraphQLSchema } from "graphql";
import { QueryTooComplexError } from "../errors";

interface Budget {
  bytes: number;
  max: number;
  exceeded: boolean;
}

/** Where a request's budget is kept on its context object: read by every resolved field, so a property, not a WeakMap. */
const budgetKey = Symbol("responseBudget");

type Budgeted = { [budgetKey]?: Budget };

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
 * Wraps every field's resolver so that a request with a budget (see `responseBudget`) counts what it resolves, and
 * once over it resolves no further object or list: such a field fails at once, before its resolver reads anything.
 * The failure is a rejected promise, never a throw: a synchronous throw in the middle of a list would abandon the
 * promises of the items before it, which then reject unobserved.
 */
export function withResponseBudget(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve ?? defaultFieldResolver;
      const leaf = isLeafType(getNamedType(field.type));
      field.resolve = (source, args, context: Budgeted, info) => {
        const budget = context[budgetKey];
        if (!budget) return resolve(source, args, context, info);
        if (budget.exceeded && !leaf) return Promise.reject(new QueryTooComplexError("responseBytes", Number.NaN, Number.NaN));
        const result: unknown = resolve(source, args, context, info);
        return isPromise(result) ? result.then((value) => count(budget, info, value, leaf)) : count(budget, info, result, leaf);
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
          const { message, extensions } = new QueryTooComplexError("responseBytes", maxBytes, Number.NaN);
          response.http.status = 400;
          // Worded for the request by src/http/operation-language.ts, which comes after.
          response.body.singleResult = { errors: [{ message, extensions: { ...extensions, http: undefined } }] };
        },
      };
    },
  };
}
