import { randomUUID } from "node:crypto";
import type { DocumentNode, ExecutionResult, GraphQLError, GraphQLFormattedError } from "graphql";
import type { Extra } from "graphql-ws/use/ws";
import type { Logger } from "pino";
import { messageLanguageFor, type Context } from "../context";
import { chooseLanguage, preferredLanguage } from "../i18n/language";
import type { Person } from "../domain/entities";
import type { Language } from "../domain/states";
import { formatError, forRequest, isPublicError, maskedError, unavailableBehind } from "./format-error";
import { withInputPaths } from "./input-paths";
import { logUnavailable } from "./unavailable";
import type { LiveOptions } from "./live-connections";

/** A refusal before the subscription has its context: the connection's Accept-Language, then its viewer's language. */
export const connectionLanguage = (extra: Extra & { connection?: { viewer: Person } }): Language =>
  chooseLanguage(
    { acceptLanguage: preferredLanguage(extra.request.headers["accept-language"]), viewer: extra.connection?.viewer.language },
    "EN",
  );

/**
 * The errors a subscription is sent, in the shape HTTP gives them (src/http/format-error.ts): typed ones in the
 * subscription's language (its context's, else the connection's) with their input named from its document
 * (src/http/input-paths.ts), anything else masked with an id that is logged with it.
 */
export function liveErrors(logger: Logger): Pick<LiveOptions, "onNext" | "onError"> {
  const mask = (
    errors: readonly GraphQLError[],
    request: { requestId: string; language: Language },
    { document, operationName }: { document?: DocumentNode; operationName?: string | null } = {},
  ): GraphQLFormattedError[] => {
    const formatted = errors.map((error) => {
      const unavailable = unavailableBehind(error);
      if (unavailable) logUnavailable(logger, unavailable, request.requestId);
      if (isPublicError(error)) return formatError(error.toJSON(), error);
      logger.error({ requestId: request.requestId, err: error.originalError ?? error }, "unexpected error");
      return maskedError({ path: error.path }, request.language);
    });
    return withInputPaths(formatted, document, operationName).map((error) => forRequest(error, request));
  };
  return {
    onNext(ctx, _id, _payload, args, result: ExecutionResult) {
      if (!result.errors) return undefined;
      const context = args.contextValue as Context | undefined;
      const request = {
        requestId: context?.requestId ?? randomUUID(),
        language: context ? messageLanguageFor(context) : connectionLanguage(ctx.extra),
      };
      return { ...result, errors: mask(result.errors, request, args) };
    },
    onError(ctx, _id, _payload, errors) {
      return mask(errors, { requestId: randomUUID(), language: connectionLanguage(ctx.extra) });
    },
  };
}
