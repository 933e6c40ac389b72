import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError } from "graphql";
import type { Logger } from "pino";
import type { Context } from "../context";
import { isPublicError, unavailableBehind } from "./format-error";
import { logUnavailable } from "./unavailable";

/** Logs each operation, and every masked error in full with its request id (the client sees only the id). */
export function requestLogging(logger: Logger): ApolloServerPlugin<Context> {
  return {
    // Apollo then answers a bare INTERNAL_SERVER_ERROR (src/http/apollo-handler.ts gives it the request id).
    async unexpectedErrorProcessingRequest({ requestContext, error }) {
      logger.error(
        { requestId: requestContext.contextValue.requestId, operationName: requestContext.operationName, err: error },
        "unexpected error",
      );
    },
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async didEncounterErrors({ errors, operationName }) {
          for (const error of errors) {
            const unavailable = unavailableBehind(error);
            if (unavailable) logUnavailable(logger, unavailable, contextValue.requestId);
            else if (!isPublicError(error))
              logger.error({ requestId: contextValue.requestId, operationName, err: error.originalError ?? error }, "unexpected error");
          }
        },
        async willSendResponse({ response, operationName }) {
          const body = response.body.kind === "single" ? response.body.singleResult : undefined;
          logger.info(
            {
              requestId: contextValue.requestId,
              operationName,
              durationMs: Number(process.hrtime.bigint() - started) / 1e6,
              status: response.http.status ?? 200,
              errors: body?.errors?.map((e) => e.extensions?.code),
            },
            "graphql request",
          );
        },
      };
    },
  };
}

/**
 * A request refused while its context was built (a bad token, the viewer's rate limit, the database gone while the
 * viewer is looked up). Apollo's contextCreationDidFail does not say which request failed, so the context function
 * logs it.
 */
export function logRefusal(logger: Logger, error: unknown, requestId: string): void {
  const unavailable = unavailableBehind(error);
  if (unavailable) logUnavailable(logger, unavailable, requestId);
  else if (!isPublicError(error)) logger.error({ requestId, err: error }, "unexpected error");
  const extensions = error instanceof GraphQLError ? error.extensions : {};
  const status = (extensions.http as { status?: number } | undefined)?.status ?? 500;
  logger.info({ requestId, status, errors: [isPublicError(error) ? extensions.code : "INTERNAL_SERVER_ERROR"] }, "graphql request refused");
}
