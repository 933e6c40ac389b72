import type { ApolloServerPlugin } from "@apollo/server";
import { getDirectiveValues } from "graphql";
import { messageLanguageFor, type Context } from "../context";
import { languageDirectiveName } from "../graphql/language-directive";
import type { Language } from "../domain/states";
import { forRequest } from "./format-error";

/**
 * Words the request's messages in its context's language, and reads the operation's `@language(code:)` into that
 * context once Apollo knows the operation (src/graphql/language-directive.ts). Apollo runs each operation on a shallow
 * copy of the context the context function returned, so the language is bound to that copy here: the request's
 * answers given outside the pipeline (the deadline's TIMEOUT) follow it too. Apollo's formatError knows no request,
 * so the errors of the answer get their language and request id here, as it is sent: this plugin comes after every
 * plugin that adds or replaces errors then.
 */
export function operationLanguage(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      contextValue.requestScope?.bindMessageLanguage(() => messageLanguageFor(contextValue));
      return {
        async didResolveOperation({ operation, request, schema }) {
          const directive = schema.getDirective(languageDirectiveName);
          const values = directive && operation ? getDirectiveValues(directive, operation, request.variables ?? {}) : undefined;
          contextValue.operationLanguage = (values?.code as Language | undefined) ?? null;
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== "single" || !response.body.singleResult.errors) return;
          const request = { requestId: contextValue.requestId, language: messageLanguageFor(contextValue) };
          response.body.singleResult.errors = response.body.singleResult.errors.map((error) => forRequest(error, request));
        },
      };
    },
  };
}
