import {
  getOperationAST,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import type { SubscribePayload } from "graphql-ws";
import { BadRequestError, QueryTooComplexError } from "../errors";
import { message } from "../i18n/messages";
import { assertWithinLimits, documentParseOptions, tokenLimitOf, type DocumentLimits } from "./document-limits";
import { withInputPaths } from "./input-paths";
import type { TrustedDocuments } from "./trusted-documents";

export interface CheckedSubscription {
  document: DocumentNode;
  operation: OperationDefinitionNode;
}

export type SubscriptionDocumentCheck = (payload: SubscribePayload) => CheckedSubscription | GraphQLError[];

/**
 * The document of a subscribe message, checked as Apollo checks an HTTP request's, with the same parts
 * (src/http/apollo-server.ts): the trusted documents (src/http/trusted-documents.ts), the parser's token limit
 * (`documentParseOptions`), validation against the same schema, then the document limits
 * (src/http/document-limits.ts); the errors carry the codes HTTP answers with. Only a subscription passes: queries
 * and mutations go over HTTP, with their deadlines and dry runs.
 */
export function subscriptionDocumentCheck({
  schema,
  limits,
  trusted,
}: {
  schema: GraphQLSchema;
  limits: DocumentLimits;
  trusted: TrustedDocuments;
}): SubscriptionDocumentCheck {
  const parseOptions = documentParseOptions(limits);
  return (payload) => {
    const source = trusted.documentOf(payload);
    if (source instanceof GraphQLError) return [source];
    let document;
    try {
      document = parse(source, parseOptions);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      const tokens = tokenLimitOf(error.message);
      // graphql-js's own words about the document (as over HTTP), with its code; the token limit named as the limit it is.
      return [
        tokens !== null
          ? new QueryTooComplexError("tokens", tokens, Number.NaN)
          : new GraphQLError(error.message, {
              source: error.source,
              positions: error.positions,
              extensions: { code: "GRAPHQL_PARSE_FAILED" },
            }),
      ];
    }
    const invalid = validate(schema, document);
    if (invalid.length > 0) {
      // As Apollo's ValidationError: the rule's extensions (a scalar's message key) under the code, and a literal's argument named.
      const named = withInputPaths(
        invalid.map((e) => ({ ...e.toJSON(), extensions: { ...e.extensions, code: "GRAPHQL_VALIDATION_FAILED" } })),
        document,
        payload.operationName,
      );
      return invalid.map((e, index) => new GraphQLError(e.message, { nodes: e.nodes, extensions: named[index].extensions }));
    }
    const operation = getOperationAST(document, payload.operationName);
    if (!operation) return [new BadRequestError(message("live.operationName"))];
    if (operation.operation !== "subscription") return [new BadRequestError(message("live.onlySubscriptions"))];
    try {
      assertWithinLimits(limits, { schema, document, operation, variables: payload.variables ?? undefined });
    } catch (error) {
      if (error instanceof GraphQLError) return [error];
      throw error;
    }
    return { document, operation };
  };
}
