import type { ApolloServerPlugin } from "@apollo/server";
import { getDirectiveValues } from "graphql";
import { messageLanguageFor, type Context } from "../context";
import { languageDirectiveName } from "../model/language-directive";
import type { Language } from "../model/states";
import { bindMessageLanguage } from "./request-id";

/**
 * Words the request's messages in its context's language, and reads the operation's `@language(code:)` into that
 * context once Apollo knows the operation (src/model/language-directive.ts). Apollo runs each operation on a shallow
 * copy of the context the context function returned, so the language is bound to that copy here.
 */
export function operationLanguage(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      bindMessageLanguage(() => messageLanguageFor(contextValue));
      return {
        async didResolveOperation({ operation, request, schema }) {
          const directive = schema.getDirective(languageDirectiveName);
          const values = directive && operation ? getDirectiveValues(directive, operation, request.variables ?? {}) : undefined;
          contextValue.operationLanguage = (values?.code as Language | undefined) ?? null;
        },
      };
    },
  };
}
