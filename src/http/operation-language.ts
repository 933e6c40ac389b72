import type { ApolloServerPlugin } from "@apollo/server";
import { getDirectiveValues } from "graphql";
import type { Context } from "../context";
import { languageDirectiveName } from "../model/language-directive";
import type { Language } from "../model/states";

/** Reads the operation's `@language(code:)` into the context once Apollo knows the operation (src/model/language-directive.ts). */
export function operationLanguage(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request, contextValue, schema }) {
          const directive = schema.getDirective(languageDirectiveName);
          const values = directive && operation ? getDirectiveValues(directive, operation, request.variables ?? {}) : undefined;
          contextValue.operationLanguage = (values?.code as Language | undefined) ?? null;
        },
      };
    },
  };
}
