import type { ApolloServerPlugin } from "@apollo/server";
import { BadRequestError } from "../errors";
import { message } from "../i18n/messages";

/**
 * Refuses a subscription sent over HTTP (Apollo would run its resolver once as a query): a typed BAD_REQUEST that
 * says where subscriptions run, before anything executes.
 */
export function subscriptionsOverWebSocketOnly<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === "subscription") {
            throw new BadRequestError(message("live.overHttp"), 400);
          }
        },
      };
    },
  };
}
