import { Arg, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { messageLanguageFor, type Context } from "../../context";
import { formatMessage } from "../../i18n/messages";
import type { Language } from "../../domain/entities";
import { LanguageEnum } from "../../domain/enums";
import { Decision } from "../types/decision.type";

@Resolver(() => Decision)
export class DecisionResolver {
  @FieldResolver(() => String, {
    description:
      "The reason in a sentence to show the caller, in the language asked for; without it, the operation's @language, the request's Accept-Language, then the caller's own language. Branch on `reason`, not on this text.",
  })
  message(
    @Root() d: Decision,
    @Arg("language", () => LanguageEnum, { nullable: true, description: "The language of the sentence." })
    language: Language | null | undefined,
    @Ctx() context: Context,
  ): string {
    return formatMessage(d.explanation, messageLanguageFor(context, language));
  }
}
