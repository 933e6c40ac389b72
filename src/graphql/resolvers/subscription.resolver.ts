import { Arg, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import type { Context } from "../../context";
import { BadRequestError } from "../../errors";
import { message } from "../../i18n/messages";
import { EnterpriseNumberScalar } from "../../domain/scalars";
import { AccessChangeEvent } from "../types/access-change.type";

/**
 * The subscription of src/live, served over graphql-ws at /graphql (src/http/live.ts). The shield requires a viewer
 * (src/graphql/shield.ts); which changes reach them is decided per change by the access layer, for each of the process's
 * subscribers at once (src/live/subscribers.ts).
 */
async function subscribe({ args, context }: SubscribeResolverData<unknown, { enterprise?: string | null }, Context>) {
  // Only the WebSocket server gives a context its subscribers (src/http/subscriptions-over-websocket-only.ts refuses a subscription over HTTP first).
  if (!context.live) throw new BadRequestError(message("live.overHttp"), 400);
  const enterprise = args.enterprise ? await context.access.visibleEnterprise(args.enterprise) : null;
  return context.live.subscribe({ viewer: context.viewer!, enterprise });
}

@Resolver()
export class SubscriptionResolver {
  @Subscription(() => AccessChangeEvent, {
    description:
      "Pushes an event when access changes (over graphql-ws at this same URL, token in connectionParams.authorization): with `enterprise`, each change there you may see; without, each change of your own rights anywhere (your roles, your provider's mandates, the status, capacities and e-Box of the enterprises you act in). Visibility is checked per event, with your roles as they are then; a subscription with `enterprise` completes, after the change that ended it, once you no longer see that enterprise.",
    subscribe: (data) => subscribe(data as SubscribeResolverData<unknown, { enterprise?: string | null }, Context>),
  })
  accessChanged(
    @Root() event: AccessChangeEvent,
    @Arg("enterprise", () => EnterpriseNumberScalar, {
      nullable: true,
      description: "Only this enterprise's changes (NOT_FOUND unless you may see it); omit for the changes of your own rights anywhere.",
    })
    _enterprise: string | null,
  ): AccessChangeEvent {
    return event;
  }
}
