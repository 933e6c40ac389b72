import type { ApolloServerPlugin } from "@apollo/server";
import type { Context } from "../context";
import { formatError } from "./format-error";

/**
 * Adds the refusals of nested fields that answered empty (context.partialErrors, see src/graphql/partial-answers.ts)
 * to the response's errors, formatted like every other error, so that the answer and the refusals arrive together.
 * Apollo gives each operation a shallow copy of the request's context: each operation gets a list of its own here, so
 * that the operations of a batch do not report each other's refusals.
 */
export function partialErrors(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      contextValue.partialErrors = [];
      return {
        async willSendResponse({ response, contextValue }) {
          if (contextValue.partialErrors.length === 0 || response.body.kind !== "single") return;
          const result = response.body.singleResult;
          result.errors = [...(result.errors ?? []), ...contextValue.partialErrors.map((error) => formatError(error.toJSON(), error))];
        },
      };
    },
  };
}
