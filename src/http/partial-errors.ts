import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLError, GraphQLFormattedError } from "graphql";
import type { Context } from "../context";
import { formatError } from "./format-error";

/** Document order: by the field's place in the document, then by its path (the items of a list in their order). */
function inDocumentOrder(a: GraphQLError, b: GraphQLError): number {
  const [at, bt] = [a.locations?.[0], b.locations?.[0]];
  const byPlace = (at?.line ?? 0) - (bt?.line ?? 0) || (at?.column ?? 0) - (bt?.column ?? 0);
  if (byPlace !== 0) return byPlace;
  const [ap, bp] = [a.path ?? [], b.path ?? []];
  for (let i = 0; i < Math.min(ap.length, bp.length); i++) {
    if (ap[i] === bp[i]) continue;
    return typeof ap[i] === "number" && typeof bp[i] === "number"
      ? (ap[i] as number) - (bp[i] as number)
      : String(ap[i]) < String(bp[i])
        ? -1
        : 1;
  }
  return ap.length - bp.length;
}

/** The answer's errors followed by the refusals of nested fields, in document order, formatted like every other error. */
export function withPartialErrors(
  errors: readonly GraphQLFormattedError[] | undefined,
  partialErrors: readonly GraphQLError[],
): GraphQLFormattedError[] | undefined {
  if (partialErrors.length === 0) return errors ? [...errors] : undefined;
  const refusals = [...partialErrors].sort(inDocumentOrder);
  return [...(errors ?? []), ...refusals.map((error) => formatError(error.toJSON(), error))];
}

/**
 * Adds the refusals of nested fields that answered empty (context.partialErrors, see src/graphql/partial-answers.ts)
 * to the response's errors, in document order (whatever order the fields settled in), formatted like every other
 * error, so that the answer and the refusals arrive together. Apollo gives each operation a shallow copy of the
 * request's context: each operation gets a list of its own here, so that the operations of a batch do not report each
 * other's refusals.
 */
export function partialErrors(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      contextValue.partialErrors = [];
      return {
        async willSendResponse({ response, contextValue }) {
          if (contextValue.partialErrors.length === 0 || response.body.kind !== "single") return;
          const result = response.body.singleResult;
          result.errors = withPartialErrors(result.errors, contextValue.partialErrors);
        },
      };
    },
  };
}
