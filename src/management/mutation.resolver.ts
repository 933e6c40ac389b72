import { refreshAfterWrite, type Context } from "../context";
import type { MutationResolvers } from "../model/generated/resolvers-types";
import { runAction, type ActionScope } from "./action";
import { activateCapacity } from "./activate-capacity";
import { activateEBox } from "./activate-ebox";
import { activateEnterpriseAccount } from "./activate-enterprise-account";
import { addUser } from "./add-user";
import { appointAccessManager } from "./appoint-access-manager";
import { appointMainAccessManager } from "./appoint-main-access-manager";
import { appointServiceProvider } from "./appoint-service-provider";
import { configureStructuredMessaging } from "./configure-structured-messaging";
import { deleteEnterpriseAccess } from "./delete-enterprise-access";
import { endServiceProviderMandate } from "./end-service-provider-mandate";
import { markEBoxMessageRead } from "./mark-ebox-message-read";
import { removeUser } from "./remove-user";
import { revokeAccessManager } from "./revoke-access-manager";
import { setUserOnlineServices } from "./set-user-online-services";
import { updateMyAccount } from "./update-my-account";

/** Runs a management action for the caller; the shield has already checked the task, the action checks it again under lock. */
async function run<T>(context: Context, action: (scope: ActionScope) => Promise<T>): Promise<T> {
  const result = await runAction({ dataSource: context.dataSource, viewer: context.viewer!, catalog: context.catalog, requestId: context.requestId }, action);
  refreshAfterWrite(context);
  return result;
}

export const Mutation: MutationResolvers = {
  appointMainAccessManager: (_p, { input }, ctx) => run(ctx, (s) => appointMainAccessManager(s, input)),
  appointServiceProvider: (_p, { input }, ctx) => run(ctx, (s) => appointServiceProvider(s, input)),
  endServiceProviderMandate: (_p, { mandate }, ctx) => run(ctx, (s) => endServiceProviderMandate(s, { mandate })),
  activateEBox: (_p, { input }, ctx) => run(ctx, (s) => activateEBox(s, input)),
  deleteEnterpriseAccess: (_p, { input }, ctx) => run(ctx, (s) => deleteEnterpriseAccess(s, input)),
  activateEnterpriseAccount: (_p, { enterprise }, ctx) => run(ctx, (s) => activateEnterpriseAccount(s, { enterprise })),
  activateCapacity: (_p, { enterprise, capacity }, ctx) => run(ctx, (s) => activateCapacity(s, { enterprise, capacity })),
  appointAccessManager: (_p, { input }, ctx) => run(ctx, (s) => appointAccessManager(s, input)),
  revokeAccessManager: (_p, { assignment }, ctx) => run(ctx, (s) => revokeAccessManager(s, { assignment })),
  addUser: (_p, { input }, ctx) => run(ctx, (s) => addUser(s, input)),
  setUserOnlineServices: (_p, { input }, ctx) => run(ctx, (s) => setUserOnlineServices(s, input)),
  removeUser: (_p, { assignment }, ctx) => run(ctx, (s) => removeUser(s, { assignment })),
  configureStructuredMessaging: (_p, { input }, ctx) => run(ctx, (s) => configureStructuredMessaging(s, input)),
  markEBoxMessageRead: (_p, { enterprise, message }, ctx) => run(ctx, (s) => markEBoxMessageRead(s, { enterprise, message })),
  updateMyAccount: (_p, { input }, ctx) => run(ctx, (s) => updateMyAccount(s, input)),
};
