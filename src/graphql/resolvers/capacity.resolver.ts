import { Arg, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { languageFor, type Context } from "../../context";
import { CatalogCapacity, CatalogOnlineService } from "../../domain/catalog";
import type { Language } from "../../domain/entities";
import { LanguageEnum } from "../../domain/enums";

export const nameLanguageDescription =
  "The language of the name; without it, the operation's @language, the request's Accept-Language, then the caller's own language.";

@Resolver(() => CatalogCapacity)
export class CapacityResolver {
  @FieldResolver(() => String, { description: "The capacity's name, in the language asked for." })
  name(
    @Root() c: CatalogCapacity,
    @Arg("language", () => LanguageEnum, { nullable: true, description: nameLanguageDescription }) language: Language | null | undefined,
    @Ctx() context: Context,
  ): string {
    return c.names[languageFor(context, language)];
  }

  @FieldResolver(() => [CatalogOnlineService], { description: "The online services used in this capacity." })
  onlineServices(@Root() c: CatalogCapacity, @Ctx() { catalog }: Context): CatalogOnlineService[] {
    return c.onlineServiceCodes.map((code) => catalog.onlineServices.get(code)!);
  }
}
