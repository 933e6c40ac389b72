import {
  getNamedType,
  getNullableType,
  isEnumType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type GraphQLNamedType,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from "graphql";
import type { QueryTooComplexError } from "../errors";

/**
 * The budget of an answer's size (MAX_RESPONSE_BYTES), as src/http/response-budget.ts keeps it on the request's
 * context and counts it; here, what a resolver may ask of it before it reads a list.
 */
export interface Budget {
  bytes: number;
  max: number;
  exceeded: boolean;
  /** The error that stopped the answer, when a field refused it before reading (`refuseListPastBudget`): answered instead of the generic one. */
  refusal?: QueryTooComplexError;
}

/** Where a request's budget is kept on its context object: read by every resolved field, so a property, not a WeakMap. */
export const budgetKey = Symbol("responseBudget");

export type Budgeted = { [budgetKey]?: Budget };

/**
 * The least a value of a leaf type adds to the JSON answer, beside its key: an enum its shortest value quoted, a
 * boolean `true`, a number one digit, any other scalar an empty string ("").
 */
function leastLeafBytes(type: GraphQLNamedType): number {
  if (isEnumType(type)) return Math.min(...type.getValues().map((v) => v.name.length)) + 2;
  if (type.name === "Boolean") return 4;
  if (type.name === "Int" || type.name === "Float") return 1;
  return 2;
}

/**
 * The least one object adds to the answer under the field's selection, as the budget counts it: each selected field's
 * key, and its value at its smallest (null for a nullable object, an empty list, a leaf's shortest value). Fields
 * under `@skip`/`@include` are left out: they may not be there. A lower bound: the answer is never smaller.
 */
function leastObjectBytes(
  type: GraphQLNamedType,
  selectionSets: readonly (SelectionSetNode | undefined)[],
  info: GraphQLResolveInfo,
): number {
  if (!isObjectType(type)) return 0;
  const keys = new Map<string, number>();
  const visit = (selectionSet: SelectionSetNode | undefined, seen: Set<string>) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.directives?.length) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const field = selection.name.value === "__typename" ? null : type.getFields()[selection.name.value];
        if (keys.has(key) || (!field && selection.name.value !== "__typename")) continue;
        let value = type.name.length + 2;
        if (field) {
          const named = getNamedType(field.type);
          if (isListType(getNullableType(field.type))) value = 2;
          else if (isLeafType(named)) value = isNonNullType(field.type) ? leastLeafBytes(named) : 4;
          else value = isNonNullType(field.type) ? 2 + leastObjectBytes(named, [selection.selectionSet], info) : 4;
        }
        keys.set(key, key.length + 4 + value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!selection.typeCondition || selection.typeCondition.name.value === type.name) visit(selection.selectionSet, seen);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = info.fragments[selection.name.value];
        if (fragment?.typeCondition.name.value === type.name) visit(fragment.selectionSet, seen);
      }
    }
  };
  for (const selectionSet of selectionSets) visit(selectionSet, new Set());
  let bytes = 0;
  for (const size of keys.values()) bytes += size;
  return bytes;
}

/**
 * For an unpaginated list whose length is known before it is read (a count): when `items` items, each at least what
 * the field's selection adds to the answer, would pass what the request's budget has left, throws `refusal(max)`
 * and stops the answer as the budget does (HTTP 400, that error alone, no data), before anything of the list is read
 * or built. Nothing happens on a request without a budget.
 */
export function refuseListPastBudget(
  context: object,
  info: GraphQLResolveInfo,
  items: number,
  refusal: (max: number) => QueryTooComplexError,
): void {
  const budget = (context as Budgeted)[budgetKey];
  if (!budget || items === 0) return;
  const perItem =
    1 +
    leastObjectBytes(
      getNamedType(info.returnType),
      info.fieldNodes.map((node) => node.selectionSet),
      info,
    );
  if (budget.bytes + items * perItem <= budget.max) return;
  const error = refusal(budget.max);
  budget.exceeded = true;
  budget.refusal ??= error;
  throw error;
}
