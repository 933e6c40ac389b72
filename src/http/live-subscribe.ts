import { randomUUID } from "node:crypto";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import type { ContextBuilder } from "../context";
import type { FreshReads } from "../database/fresh-reads";
import { BadRequestError, BadUserInputError } from "../errors";
import { message } from "../i18n/messages";
import type { LiveSubscribers } from "../live/subscribers";
import type { LiveConnections, LiveExtra, LiveOptions } from "./live-connections";
import { requestedConsistency } from "./consistency-tokens";
import type { RateLimits } from "./rate-limit";
import type { SubscriptionDocumentCheck } from "./subscription-document";

/** Subscriptions one connection may hold at once. */
export const maxSubscriptionsPerConnection = 20;

/**
 * graphql-ws's onSubscribe: a subscription is admitted like an HTTP request of its connection's viewer (the caps on
 * subscriptions, then one request of the viewer's rate limit), its document checked (src/http/subscription-document.ts),
 * and its context made by the one builder of both transports (src/context.ts), with the kept enterprise read models.
 * Its viewer is the person the connection opened as. A consistency token, in the subscription's `extensions` or else
 * in the connection params (`consistencyToken`), makes its reads at subscribe time at least that fresh
 * (src/database/fresh-reads.ts); the events it then receives are read on the primary (src/live/subscribers.ts).
 *
 * Two things an HTTP request's context has, a subscription's has not, on purpose:
 * - The viewer's rows (assignments, enterprises) prefetched with the viewer. The rows read when the connection opened
 *   may be hours old, and decisions must be taken on the rows as they are (src/read/enterprise-cache.ts); reading them
 *   again for each subscription costs a statement that the loaders make only when a subscription to an enterprise
 *   needs them (a subscription to one's own rights reads nothing until a change arrives), which would quadruple what
 *   a viewer's sockets cost the database to set up.
 * - A deadline. Its one consumer is a management action's transaction, and no subscription runs one: the reads at
 *   subscribe time and each event's fields (the event itself) only read. A subscription answering TIMEOUT when its
 *   first reads were slow would be an answer no client gets today.
 */
export function liveSubscribe({
  schema,
  connections,
  maxPerViewer,
  rateLimits,
  checkDocument,
  buildContext,
  freshReads,
  subscribers,
  logger,
}: {
  schema: GraphQLSchema;
  connections: LiveConnections;
  /** LIVE_MAX_SUBSCRIPTIONS_PER_VIEWER. */
  maxPerViewer: number;
  rateLimits: RateLimits;
  checkDocument: SubscriptionDocumentCheck;
  buildContext: ContextBuilder;
  freshReads: FreshReads;
  subscribers: LiveSubscribers;
  logger: Logger;
}): NonNullable<LiveOptions["onSubscribe"]> {
  return async (ctx, id, payload) => {
    const extra = ctx.extra as LiveExtra;
    const { viewer } = extra.connection!;
    // graphql-ws has already reserved this subscription's id among them.
    if (Object.keys(ctx.subscriptions).length > maxSubscriptionsPerConnection) {
      return [new BadRequestError(message("live.tooManySubscriptions", { max: maxSubscriptionsPerConnection }))];
    }
    if (connections.subscriptionsOf(viewer.ssin) > maxPerViewer) {
      return [new BadRequestError(message("live.tooManySubscriptionsPerViewer", { max: maxPerViewer }))];
    }
    const refused = await rateLimits.take("viewer", viewer.ssin);
    if (refused) return [refused];
    const checked = checkDocument(payload);
    if (Array.isArray(checked)) return checked;
    let requested;
    try {
      requested = requestedConsistency(
        payload.extensions?.consistencyToken ?? ctx.connectionParams?.consistencyToken,
        payload.extensions?.consistencyToken === undefined ? "connectionParams.consistencyToken" : "extensions.consistencyToken",
      );
    } catch (error) {
      if (error instanceof BadUserInputError) return [error];
      throw error;
    }
    const contextValue = buildContext({
      requestId: randomUUID(),
      viewer,
      viewerRows: null,
      acceptLanguage: extra.request.headers["accept-language"],
      live: subscribers,
      reader: await freshReads(requested),
    });
    logger.info(
      { requestId: contextValue.requestId, operationName: checked.operation.name?.value, subscription: id },
      "subscription started",
    );
    return { schema, document: checked.document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
  };
}
