import { Arg, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { languageFor, type Context } from "../../context";
import { CatalogCapacity, CatalogOnlineService } from "../../domain/catalog";
import type { Language } from "../../domain/entities";
import { LanguageEnum } from "../../domain/enums";
import { nameLanguageDescription } from "./capacity.resolver";

@Resolver(() => CatalogOnlineService)
export class OnlineServiceResolver {
  @FieldResolver(() => String, { description: "The online service's name, in the language asked for." })
  name(
    @Root() s: CatalogOnlineService,
    @Arg("language", () => LanguageEnum, { nullable: true, description: nameLanguageDescription }) language: Language | null | undefined,
    @Ctx() context: Context,
  ): string {
    return s.names[languageFor(context, language)];
  }

  @FieldResolver(() => [CatalogCapacity], { description: "The capacities that offer this online service." })
  capacities(@Root() s: CatalogOnlineService, @Ctx() { catalog }: Context): CatalogCapacity[] {
    return s.capacityCodes.map((code) => catalog.capacities.get(code)!);
  }
}
