import { randomUUID } from "node:crypto";
import { Kind, type GraphQLSchema } from "graphql";
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
import { countRequest, metricsEnabled } from "../observe/metrics";
import { outcomeLabel } from "./request-observing";

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
  label,
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
  /** The name a subscription is counted under (src/http/request-observing.ts). */
  label: (name: string | null | undefined) => string;
  logger: Logger;
}): NonNullable<LiveOptions["onSubscribe"]> {
  const subscribe: NonNullable<LiveOptions["onSubscribe"]> = async (ctx, id, payload) => {
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
  if (!metricsEnabled()) return subscribe;
  // Counted as a request of the WebSocket once admitted or refused; its events are counted as they are pushed.
  return async (ctx, id, payload) => {
    const started = process.hrtime.bigint();
    let outcome = "INTERNAL_SERVER_ERROR";
    let operation = "anonymous";
    try {
      const answer = await subscribe(ctx, id, payload);
      if (Array.isArray(answer)) outcome = outcomeLabel((answer[0] as { extensions?: { code?: unknown } })?.extensions?.code);
      else {
        outcome = "OK";
        const document = answer && "document" in answer ? answer.document : undefined;
        const operations = (document?.definitions ?? []).filter((d) => d.kind === Kind.OPERATION_DEFINITION);
        const chosen = operations.find((d) => d.name?.value === payload.operationName) ?? operations[0];
        operation = label(chosen?.name?.value);
      }
      return answer;
    } catch (error) {
      outcome = outcomeLabel((error as { extensions?: { code?: unknown } } | null)?.extensions?.code ?? "INTERNAL_SERVER_ERROR");
      throw error;
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      countRequest({ operation, type: "subscription", outcome, transport: "websocket", seconds });
    }
  };
}
