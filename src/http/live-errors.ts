import { randomUUID } from "node:crypto";
import type { ExecutionResult, GraphQLError, GraphQLFormattedError } from "graphql";
import type { Extra } from "graphql-ws/use/ws";
import type { Logger } from "pino";
import { messageLanguageFor, type Context } from "../context";
import { chooseLanguage, preferredLanguage } from "../i18n/language";
import type { Person } from "../domain/entities";
import type { Language } from "../domain/states";
import { formatError, inLanguage, isPublicError, maskedMessage, unavailableBehind } from "./format-error";
import { logUnavailable } from "./unavailable";
import type { LiveOptions } from "./live-connections";

/** A refusal before the subscription has its context: the connection's Accept-Language, then its viewer's language. */
export const connectionLanguage = (extra: Extra & { connection?: { viewer: Person } }): Language =>
  chooseLanguage(
    { acceptLanguage: preferredLanguage(extra.request.headers["accept-language"]), viewer: extra.connection?.viewer.language },
    "EN",
  );

/**
 * The errors a subscription is sent, as over HTTP: typed ones in the subscription's language (its context's, else the
 * connection's), anything else masked with an id that is logged with it.
 */
export function liveErrors(logger: Logger): Pick<LiveOptions, "onNext" | "onError"> {
  const mask = (errors: readonly GraphQLError[], requestId: string, language: Language): GraphQLFormattedError[] =>
    errors.map((error) => {
      const unavailable = unavailableBehind(error);
      if (unavailable) logUnavailable(logger, unavailable, requestId);
      if (isPublicError(error)) return inLanguage(formatError(error.toJSON(), error), language);
      logger.error({ requestId, err: error.originalError ?? error }, "unexpected error");
      return { message: maskedMessage, path: error.path, extensions: { code: "INTERNAL_SERVER_ERROR", requestId } };
    });
  return {
    onNext(ctx, _id, _payload, args, result: ExecutionResult) {
      if (!result.errors) return undefined;
      const context = args.contextValue as Context | undefined;
      return {
        ...result,
        errors: mask(
          result.errors,
          context?.requestId ?? randomUUID(),
          context ? messageLanguageFor(context) : connectionLanguage(ctx.extra),
        ),
      };
    },
    onError(ctx, _id, _payload, errors) {
      return mask(errors, randomUUID(), connectionLanguage(ctx.extra));
    },
  };
}
