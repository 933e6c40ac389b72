import type { ApolloServerPlugin } from "@apollo/server";
import type { Context } from "../context";
import { formatError } from "./format-error";

/**
 * Adds the refusals that a mutation's answer collected (context.partialErrors, see src/graphql/shield.ts) to the
 * response's errors, formatted like every other error, so the committed result and the refusal arrive together.
 */
export function partialErrors(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
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
