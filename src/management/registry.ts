import { activateCapacity } from "./activate-capacity";
import { activateEBox } from "./activate-ebox";
import { activateEnterpriseAccount } from "./activate-enterprise-account";
import { addUser } from "./add-user";
import { addUsers } from "./add-users";
import { appointAccessManager } from "./appoint-access-manager";
import { appointMainAccessManager } from "./appoint-main-access-manager";
import { appointServiceProvider } from "./appoint-service-provider";
import { completeAccessReview } from "./complete-access-review";
import { configureStructuredMessaging } from "./configure-structured-messaging";
import { decideAccessReviewItem } from "./decide-access-review-item";
import { deleteEnterpriseAccess } from "./delete-enterprise-access";
import { endServiceProviderMandate } from "./end-service-provider-mandate";
import { markEBoxMessageRead } from "./mark-ebox-message-read";
import type { MutationAction } from "./mutation-action";
import { removeUser } from "./remove-user";
import { removeUsers } from "./remove-users";
import { revokeAccessManager } from "./revoke-access-manager";
import { setUserOnlineServices } from "./set-user-online-services";
import { setUsersOnlineServices } from "./set-users-online-services";
import { startAccessReview } from "./start-access-review";
import { updateMyAccount } from "./update-my-account";
import { requestAccess } from "./request-access";
import { approveAccessRequest } from "./approve-access-request";
import { denyAccessRequest } from "./deny-access-request";
import { withdrawAccessRequest } from "./withdraw-access-request";

/**
 * Every management action, each declared once in its own file (its mutation, its task, where it acts, what it does).
 * The shield's mutation rules are built from this list (src/graphql/mutation-rules.ts), the mutation resolver calls these actions, and the gateway
 * refuses to start when a Mutation field of the schema has no action here or an action names no field
 * (assertEveryRootFieldRuled).
 */
export const mutationActions = {
  appointMainAccessManager,
  appointServiceProvider,
  endServiceProviderMandate,
  activateEBox,
  deleteEnterpriseAccess,
  activateEnterpriseAccount,
  activateCapacity,
  appointAccessManager,
  revokeAccessManager,
  addUser,
  setUserOnlineServices,
  removeUser,
  addUsers,
  setUsersOnlineServices,
  removeUsers,
  startAccessReview,
  decideAccessReviewItem,
  completeAccessReview,
  configureStructuredMessaging,
  markEBoxMessageRead,
  updateMyAccount,
  requestAccess,
  approveAccessRequest,
  denyAccessRequest,
  withdrawAccessRequest,
} satisfies Record<string, MutationAction<never>>;

// Each action under the name of its own mutation: a copied file that kept its model's name would run under another field.
for (const [field, action] of Object.entries(mutationActions)) {
  if (action.mutation !== field)
    throw new Error(`The action listed as ${field} declares the mutation ${action.mutation} (src/management/registry.ts)`);
}
