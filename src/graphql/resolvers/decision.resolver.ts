import { Arg, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { messageLanguageFor, type Context } from "../../context";
import { formatMessage } from "../../i18n/messages";
import type { Language } from "../../domain/entities";
import { LanguageEnum } from "../../domain/enums";
import { Decision, DecisionAccessRequest } from "../types/decision.type";
import { latestOwnRequest } from "../../read/access-request-pages";
import { accessRequestStatusAt } from "../../domain/access-request-status";

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

  @FieldResolver(() => DecisionAccessRequest, {
    nullable: true,
    description:
      "What the caller can do next: whether they may ask for this access (requestAccess) and where their last request for it stands. Null for a decision about the past (`asOf`).",
  })
  async accessRequest(@Root() d: Decision, @Ctx() { viewer, readManager, now }: Context): Promise<DecisionAccessRequest | null> {
    if (!d.asked || !viewer) return null;
    const latest = await latestOwnRequest(readManager, { personId: viewer.id, enterpriseNumber: d.asked.enterprise, ...d.asked });
    const status = latest ? accessRequestStatusAt(latest, now) : null;
    const requestable = d.task === "USE_ONLINE_SERVICES" && (d.asked.capacity !== null || d.asked.service !== null);
    return { possible: !d.allowed && requestable && status !== "PENDING", id: latest ? String(latest.id) : null, status };
  }
}
