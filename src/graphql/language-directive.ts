import { DirectiveLocation, GraphQLDirective, GraphQLNonNull, type GraphQLEnumType } from "graphql";

export const languageDirectiveName = "language";

/**
 * `query Q @language(code: FR) { ... }`: the language of the whole operation's messages and names, for a client that
 * cannot set Accept-Language (or wants another language for one operation). A field's own `language` argument
 * still comes first.
 */
export function languageDirective(languageType: GraphQLEnumType): GraphQLDirective {
  return new GraphQLDirective({
    name: languageDirectiveName,
    description:
      "The language of the operation's error messages, Decision.message and catalog names: before Accept-Language and the caller's own language, after a field's own `language` argument.",
    locations: [DirectiveLocation.QUERY, DirectiveLocation.MUTATION, DirectiveLocation.SUBSCRIPTION],
    args: { code: { type: new GraphQLNonNull(languageType), description: "The language." } },
  });
}
