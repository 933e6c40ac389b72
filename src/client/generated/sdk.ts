import { type GraphQLClient, type RequestOptions } from 'graphql-request';
import * as Operations from './operations';
type GraphQLClientRequestHeaders = RequestOptions['requestHeaders'];































































export type SdkFunctionWrapper = <T>(action: (requestHeaders?:Record<string, string>) => Promise<T>, operationName: string, operationType?: string, variables?: any) => Promise<T>;


const defaultWrapper: SdkFunctionWrapper = (action, _operationName, _operationType, _variables) => action();

export function getSdk(client: GraphQLClient, withWrapper: SdkFunctionWrapper = defaultWrapper) {
  return {
    AccessDelta(variables?: Operations.AccessDeltaQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.AccessDeltaQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.AccessDeltaQuery>({ document: Operations.AccessDeltaDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'AccessDelta', 'query', variables);
    },
    AccessManagerDashboard(variables: Operations.AccessManagerDashboardQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.AccessManagerDashboardQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.AccessManagerDashboardQuery>({ document: Operations.AccessManagerDashboardDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'AccessManagerDashboard', 'query', variables);
    },
    AppointAccessManager(variables: Operations.AppointAccessManagerMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.AppointAccessManagerMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.AppointAccessManagerMutation>({ document: Operations.AppointAccessManagerDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'AppointAccessManager', 'mutation', variables);
    },
    RevokeAccessManager(variables: Operations.RevokeAccessManagerMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.RevokeAccessManagerMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.RevokeAccessManagerMutation>({ document: Operations.RevokeAccessManagerDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'RevokeAccessManager', 'mutation', variables);
    },
    RequestAccess(variables: Operations.RequestAccessMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.RequestAccessMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.RequestAccessMutation>({ document: Operations.RequestAccessDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'RequestAccess', 'mutation', variables);
    },
    WithdrawAccessRequest(variables: Operations.WithdrawAccessRequestMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.WithdrawAccessRequestMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.WithdrawAccessRequestMutation>({ document: Operations.WithdrawAccessRequestDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'WithdrawAccessRequest', 'mutation', variables);
    },
    MyAccessRequests(variables?: Operations.MyAccessRequestsQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.MyAccessRequestsQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.MyAccessRequestsQuery>({ document: Operations.MyAccessRequestsDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'MyAccessRequests', 'query', variables);
    },
    AccessRequestsToDecide(variables: Operations.AccessRequestsToDecideQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.AccessRequestsToDecideQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.AccessRequestsToDecideQuery>({ document: Operations.AccessRequestsToDecideDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'AccessRequestsToDecide', 'query', variables);
    },
    ApproveAccessRequest(variables: Operations.ApproveAccessRequestMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.ApproveAccessRequestMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.ApproveAccessRequestMutation>({ document: Operations.ApproveAccessRequestDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'ApproveAccessRequest', 'mutation', variables);
    },
    DenyAccessRequest(variables: Operations.DenyAccessRequestMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.DenyAccessRequestMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.DenyAccessRequestMutation>({ document: Operations.DenyAccessRequestDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'DenyAccessRequest', 'mutation', variables);
    },
    CanRequestOnlineService(variables: Operations.CanRequestOnlineServiceQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.CanRequestOnlineServiceQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.CanRequestOnlineServiceQuery>({ document: Operations.CanRequestOnlineServiceDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'CanRequestOnlineService', 'query', variables);
    },
    StartAccessReview(variables: Operations.StartAccessReviewMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.StartAccessReviewMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.StartAccessReviewMutation>({ document: Operations.StartAccessReviewDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'StartAccessReview', 'mutation', variables);
    },
    DecideAccessReviewItem(variables: Operations.DecideAccessReviewItemMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.DecideAccessReviewItemMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.DecideAccessReviewItemMutation>({ document: Operations.DecideAccessReviewItemDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'DecideAccessReviewItem', 'mutation', variables);
    },
    CompleteAccessReview(variables: Operations.CompleteAccessReviewMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.CompleteAccessReviewMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.CompleteAccessReviewMutation>({ document: Operations.CompleteAccessReviewDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'CompleteAccessReview', 'mutation', variables);
    },
    AccessReviews(variables: Operations.AccessReviewsQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.AccessReviewsQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.AccessReviewsQuery>({ document: Operations.AccessReviewsDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'AccessReviews', 'query', variables);
    },
    AccessReviewItems(variables: Operations.AccessReviewItemsQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.AccessReviewItemsQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.AccessReviewItemsQuery>({ document: Operations.AccessReviewItemsDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'AccessReviewItems', 'query', variables);
    },
    AuditChain(variables: Operations.AuditChainQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.AuditChainQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.AuditChainQuery>({ document: Operations.AuditChainDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'AuditChain', 'query', variables);
    },
    AddUsers(variables: Operations.AddUsersMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.AddUsersMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.AddUsersMutation>({ document: Operations.AddUsersDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'AddUsers', 'mutation', variables);
    },
    SetUsersOnlineServices(variables: Operations.SetUsersOnlineServicesMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.SetUsersOnlineServicesMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.SetUsersOnlineServicesMutation>({ document: Operations.SetUsersOnlineServicesDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'SetUsersOnlineServices', 'mutation', variables);
    },
    RemoveUsers(variables: Operations.RemoveUsersMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.RemoveUsersMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.RemoveUsersMutation>({ document: Operations.RemoveUsersDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'RemoveUsers', 'mutation', variables);
    },
    Catalog(variables?: Operations.CatalogQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.CatalogQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.CatalogQuery>({ document: Operations.CatalogDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'Catalog', 'query', variables);
    },
    RoleTasks(variables?: Operations.RoleTasksQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.RoleTasksQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.RoleTasksQuery>({ document: Operations.RoleTasksDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'RoleTasks', 'query', variables);
    },
    Can(variables: Operations.CanQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.CanQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.CanQuery>({ document: Operations.CanDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'Can', 'query', variables);
    },
    CanUseOnlineService(variables: Operations.CanUseOnlineServiceQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.CanUseOnlineServiceQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.CanUseOnlineServiceQuery>({ document: Operations.CanUseOnlineServiceDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'CanUseOnlineService', 'query', variables);
    },
    ActivateEBox(variables: Operations.ActivateEBoxMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.ActivateEBoxMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.ActivateEBoxMutation>({ document: Operations.ActivateEBoxDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'ActivateEBox', 'mutation', variables);
    },
    EBoxMessages(variables: Operations.EBoxMessagesQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.EBoxMessagesQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.EBoxMessagesQuery>({ document: Operations.EBoxMessagesDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'EBoxMessages', 'query', variables);
    },
    MarkEBoxMessageRead(variables: Operations.MarkEBoxMessageReadMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.MarkEBoxMessageReadMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.MarkEBoxMessageReadMutation>({ document: Operations.MarkEBoxMessageReadDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'MarkEBoxMessageRead', 'mutation', variables);
    },
    AppointMainAccessManager(variables: Operations.AppointMainAccessManagerMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.AppointMainAccessManagerMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.AppointMainAccessManagerMutation>({ document: Operations.AppointMainAccessManagerDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'AppointMainAccessManager', 'mutation', variables);
    },
    ActivateEnterpriseAccount(variables: Operations.ActivateEnterpriseAccountMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.ActivateEnterpriseAccountMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.ActivateEnterpriseAccountMutation>({ document: Operations.ActivateEnterpriseAccountDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'ActivateEnterpriseAccount', 'mutation', variables);
    },
    ActivateCapacity(variables: Operations.ActivateCapacityMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.ActivateCapacityMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.ActivateCapacityMutation>({ document: Operations.ActivateCapacityDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'ActivateCapacity', 'mutation', variables);
    },
    DeleteEnterpriseAccess(variables: Operations.DeleteEnterpriseAccessMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.DeleteEnterpriseAccessMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.DeleteEnterpriseAccessMutation>({ document: Operations.DeleteEnterpriseAccessDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'DeleteEnterpriseAccess', 'mutation', variables);
    },
    AuditTrail(variables: Operations.AuditTrailQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.AuditTrailQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.AuditTrailQuery>({ document: Operations.AuditTrailDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'AuditTrail', 'query', variables);
    },
    EnterpriseUsers(variables: Operations.EnterpriseUsersQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.EnterpriseUsersQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.EnterpriseUsersQuery>({ document: Operations.EnterpriseUsersDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'EnterpriseUsers', 'query', variables);
    },
    SearchRoleAssignments(variables: Operations.SearchRoleAssignmentsQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.SearchRoleAssignmentsQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.SearchRoleAssignmentsQuery>({ document: Operations.SearchRoleAssignmentsDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'SearchRoleAssignments', 'query', variables);
    },
    ErrorCatalog(variables?: Operations.ErrorCatalogQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.ErrorCatalogQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.ErrorCatalogQuery>({ document: Operations.ErrorCatalogDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'ErrorCatalog', 'query', variables);
    },
    ExpiringRights(variables: Operations.ExpiringRightsQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.ExpiringRightsQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.ExpiringRightsQuery>({ document: Operations.ExpiringRightsDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'ExpiringRights', 'query', variables);
    },
    AppointAccessManagerUntil(variables: Operations.AppointAccessManagerUntilMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.AppointAccessManagerUntilMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.AppointAccessManagerUntilMutation>({ document: Operations.AppointAccessManagerUntilDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'AppointAccessManagerUntil', 'mutation', variables);
    },
    AddUserUntil(variables: Operations.AddUserUntilMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.AddUserUntilMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.AddUserUntilMutation>({ document: Operations.AddUserUntilDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'AddUserUntil', 'mutation', variables);
    },
    SetUserOnlineServicesUntil(variables: Operations.SetUserOnlineServicesUntilMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.SetUserOnlineServicesUntilMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.SetUserOnlineServicesUntilMutation>({ document: Operations.SetUserOnlineServicesUntilDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'SetUserOnlineServicesUntil', 'mutation', variables);
    },
    AppointServiceProviderUntil(variables: Operations.AppointServiceProviderUntilMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.AppointServiceProviderUntilMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.AppointServiceProviderUntilMutation>({ document: Operations.AppointServiceProviderUntilDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'AppointServiceProviderUntil', 'mutation', variables);
    },
    MyRoles(variables?: Operations.MyRolesQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.MyRolesQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.MyRolesQuery>({ document: Operations.MyRolesDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'MyRoles', 'query', variables);
    },
    UpdateMyAccount(variables: Operations.UpdateMyAccountMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.UpdateMyAccountMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.UpdateMyAccountMutation>({ document: Operations.UpdateMyAccountDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'UpdateMyAccount', 'mutation', variables);
    },
    MyEnterprises(variables?: Operations.MyEnterprisesQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.MyEnterprisesQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.MyEnterprisesQuery>({ document: Operations.MyEnterprisesDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'MyEnterprises', 'query', variables);
    },
    CanAsOf(variables: Operations.CanAsOfQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.CanAsOfQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.CanAsOfQuery>({ document: Operations.CanAsOfDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'CanAsOf', 'query', variables);
    },
    CanUseOnlineServiceAsOf(variables: Operations.CanUseOnlineServiceAsOfQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.CanUseOnlineServiceAsOfQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.CanUseOnlineServiceAsOfQuery>({ document: Operations.CanUseOnlineServiceAsOfDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'CanUseOnlineServiceAsOf', 'query', variables);
    },
    RoleAssignmentsAsOf(variables: Operations.RoleAssignmentsAsOfQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.RoleAssignmentsAsOfQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.RoleAssignmentsAsOfQuery>({ document: Operations.RoleAssignmentsAsOfDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'RoleAssignmentsAsOf', 'query', variables);
    },
    AppointMainAccessManagerPreview(variables: Operations.AppointMainAccessManagerPreviewMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.AppointMainAccessManagerPreviewMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.AppointMainAccessManagerPreviewMutation>({ document: Operations.AppointMainAccessManagerPreviewDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'AppointMainAccessManagerPreview', 'mutation', variables);
    },
    AddUserPreview(variables: Operations.AddUserPreviewMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.AddUserPreviewMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.AddUserPreviewMutation>({ document: Operations.AddUserPreviewDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'AddUserPreview', 'mutation', variables);
    },
    AppointServiceProviderPreview(variables: Operations.AppointServiceProviderPreviewMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.AppointServiceProviderPreviewMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.AppointServiceProviderPreviewMutation>({ document: Operations.AppointServiceProviderPreviewDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'AppointServiceProviderPreview', 'mutation', variables);
    },
    DeleteEnterpriseAccessPreview(variables: Operations.DeleteEnterpriseAccessPreviewMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.DeleteEnterpriseAccessPreviewMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.DeleteEnterpriseAccessPreviewMutation>({ document: Operations.DeleteEnterpriseAccessPreviewDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'DeleteEnterpriseAccessPreview', 'mutation', variables);
    },
    AddUsersPreview(variables: Operations.AddUsersPreviewMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.AddUsersPreviewMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.AddUsersPreviewMutation>({ document: Operations.AddUsersPreviewDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'AddUsersPreview', 'mutation', variables);
    },
    ApproveAccessRequestPreview(variables: Operations.ApproveAccessRequestPreviewMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.ApproveAccessRequestPreviewMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.ApproveAccessRequestPreviewMutation>({ document: Operations.ApproveAccessRequestPreviewDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'ApproveAccessRequestPreview', 'mutation', variables);
    },
    RateLimit(variables?: Operations.RateLimitQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.RateLimitQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.RateLimitQuery>({ document: Operations.RateLimitDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'RateLimit', 'query', variables);
    },
    AppointServiceProvider(variables: Operations.AppointServiceProviderMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.AppointServiceProviderMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.AppointServiceProviderMutation>({ document: Operations.AppointServiceProviderDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'AppointServiceProvider', 'mutation', variables);
    },
    EndServiceProviderMandate(variables: Operations.EndServiceProviderMandateMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.EndServiceProviderMandateMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.EndServiceProviderMandateMutation>({ document: Operations.EndServiceProviderMandateDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'EndServiceProviderMandate', 'mutation', variables);
    },
    Clients(variables: Operations.ClientsQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.ClientsQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.ClientsQuery>({ document: Operations.ClientsDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'Clients', 'query', variables);
    },
    ServiceProviders(variables: Operations.ServiceProvidersQueryVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.ServiceProvidersQuery> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.ServiceProvidersQuery>({ document: Operations.ServiceProvidersDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'ServiceProviders', 'query', variables);
    },
    ConfigureStructuredMessaging(variables: Operations.ConfigureStructuredMessagingMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.ConfigureStructuredMessagingMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.ConfigureStructuredMessagingMutation>({ document: Operations.ConfigureStructuredMessagingDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'ConfigureStructuredMessaging', 'mutation', variables);
    },
    AddUser(variables: Operations.AddUserMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.AddUserMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.AddUserMutation>({ document: Operations.AddUserDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'AddUser', 'mutation', variables);
    },
    SetUserOnlineServices(variables: Operations.SetUserOnlineServicesMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.SetUserOnlineServicesMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.SetUserOnlineServicesMutation>({ document: Operations.SetUserOnlineServicesDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'SetUserOnlineServices', 'mutation', variables);
    },
    RemoveUser(variables: Operations.RemoveUserMutationVariables, requestHeaders?: GraphQLClientRequestHeaders, signal?: RequestInit['signal']): Promise<Operations.RemoveUserMutation> {
      return withWrapper((wrappedRequestHeaders) => client.request<Operations.RemoveUserMutation>({ document: Operations.RemoveUserDocument, variables, requestHeaders: { ...requestHeaders, ...wrappedRequestHeaders }, signal }), 'RemoveUser', 'mutation', variables);
    }
  };
}
export type Sdk = ReturnType<typeof getSdk>;