import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { Person as PersonEntity, Enterprise as EnterpriseEntity, RoleAssignment as RoleAssignmentEntity, ServiceProviderMandate as ServiceProviderMandateEntity, EBoxMessage as EBoxMessageEntity, StructuredMessagingConfig as StructuredMessagingConfigEntity, AuditEvent as AuditEventEntity } from '../entities';
import type { CatalogCapacity, CatalogOnlineService } from '../catalog';
import type { EnterpriseCapacityModel, EBoxModel } from '../read-models';
import type { Decision as DecisionModel } from '../../access/decision';
import type { Context } from '../../context';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An ISO-8601 date-time in UTC. */
  DateTime: { input: Date; output: Date; }
  /** A Belgian enterprise number (KBO/BCE). Accepted as 10 digits with optional dots, spaces and BE prefix; the last two digits are 97 - (first eight mod 97). Always returned as 0123.456.749. */
  EnterpriseNumber: { input: string; output: string; }
  /** A Belgian national number (INSZ/NISS): 11 digits, check digits 97 - (first nine mod 97), with a 2 prefixed for people born in 2000 or later. Accepted with dots, dashes and spaces; returned as 11 digits. */
  Ssin: { input: string; output: string; }
};

export type ActivateEBoxInput = {
  enterprise: Scalars['EnterpriseNumber']['input'];
  notificationEmail: Scalars['String']['input'];
};

export type AddUserInput = {
  capacity: Scalars['String']['input'];
  enterprise: Scalars['EnterpriseNumber']['input'];
  onlineServices: Array<Scalars['String']['input']>;
  person: PersonInput;
};

export type AppointAccessManagerInput = {
  capacity: Scalars['String']['input'];
  enterprise: Scalars['EnterpriseNumber']['input'];
  person: PersonInput;
};

export type AppointMainAccessManagerInput = {
  enterprise: Scalars['EnterpriseNumber']['input'];
  person: PersonInput;
};

export type AppointServiceProviderInput = {
  capacity: Scalars['String']['input'];
  enterprise: Scalars['EnterpriseNumber']['input'];
  provider: Scalars['EnterpriseNumber']['input'];
};

export type AuditEvent = {
  __typename?: 'AuditEvent';
  /** The mutation's task, or another action name for actions outside the table (e.g. UPDATE_MY_ACCOUNT). */
  action: Scalars['String']['output'];
  actor: Maybe<Person>;
  at: Scalars['DateTime']['output'];
  /** A JSON object: what changed, before and after. */
  details: Scalars['String']['output'];
  enterprise: Maybe<Enterprise>;
  id: Scalars['ID']['output'];
};

export type AuditEventConnection = {
  __typename?: 'AuditEventConnection';
  edges: Array<AuditEventEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type AuditEventEdge = {
  __typename?: 'AuditEventEdge';
  cursor: Scalars['String']['output'];
  node: AuditEvent;
};

export type Capacity = {
  __typename?: 'Capacity';
  code: Scalars['String']['output'];
  name: Scalars['String']['output'];
  onlineServices: Array<OnlineService>;
};


export type CapacityNameArgs = {
  language?: InputMaybe<Language>;
};

export type CapacityStatus =
  | 'ACTIVE'
  | 'INACTIVE';

export type Channel =
  | 'FTP'
  | 'REST'
  | 'SFTP'
  | 'SOAP';

export type ConfigureStructuredMessagingInput = {
  capacity: Scalars['String']['input'];
  channel: Channel;
  enterprise: Scalars['EnterpriseNumber']['input'];
  technicalContactEmail: Scalars['String']['input'];
};

/** Why a task is allowed or denied, derived from the same rules that guard the mutations. */
export type Decision = {
  __typename?: 'Decision';
  allowed: Scalars['Boolean']['output'];
  message: Scalars['String']['output'];
  reason: DecisionReason;
  task: Task;
  /** The assignments (and, through a mandate, the provider's assignments) that grant the task; empty when denied. */
  via: Array<RoleAssignment>;
};

export type DecisionReason =
  | 'CAPACITY_NOT_ACTIVE'
  | 'EBOX_NOT_ACTIVATED'
  | 'ENTERPRISE_ACCESS_DELETED'
  | 'ENTERPRISE_NOT_ACTIVE'
  | 'GRANTED_BY_MANDATE'
  | 'GRANTED_BY_ROLE'
  | 'NOT_AUTHENTICATED'
  | 'NO_ROLE_IN_ENTERPRISE'
  | 'ONLINE_SERVICE_NOT_GRANTED'
  | 'ROLE_LACKS_TASK';

export type DeleteEnterpriseAccessInput = {
  enterprise: Scalars['EnterpriseNumber']['input'];
  reason: Scalars['String']['input'];
};

export type EBox = {
  __typename?: 'EBox';
  activatedAt: Maybe<Scalars['DateTime']['output']>;
  activatedBy: Maybe<Person>;
  /** Readable with USE_EBOX. */
  messages: EBoxMessageConnection;
  notificationEmail: Maybe<Scalars['String']['output']>;
  status: EBoxStatus;
};


export type EBoxMessagesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type EBoxMessage = {
  __typename?: 'EBoxMessage';
  body: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  readAt: Maybe<Scalars['DateTime']['output']>;
  sentAt: Scalars['DateTime']['output'];
  subject: Scalars['String']['output'];
};

export type EBoxMessageConnection = {
  __typename?: 'EBoxMessageConnection';
  edges: Array<EBoxMessageEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type EBoxMessageEdge = {
  __typename?: 'EBoxMessageEdge';
  cursor: Scalars['String']['output'];
  node: EBoxMessage;
};

export type EBoxStatus =
  | 'ACTIVE'
  | 'NOT_ACTIVATED';

export type Enterprise = {
  __typename?: 'Enterprise';
  auditTrail: AuditEventConnection;
  capacities: Array<EnterpriseCapacity>;
  /** Mandates in which this enterprise is the service provider. */
  clients: Array<ServiceProviderMandate>;
  eBox: EBox;
  id: Scalars['ID']['output'];
  legalRepresentatives: Array<Person>;
  mainAccessManager: Maybe<Person>;
  /** The tasks that the caller may perform in this enterprise, from the role-task table. */
  myTasks: Array<Task>;
  name: Scalars['String']['output'];
  number: Scalars['EnterpriseNumber']['output'];
  roleAssignments: RoleAssignmentConnection;
  /** Mandates in which this enterprise is the client. */
  serviceProviders: Array<ServiceProviderMandate>;
  status: EnterpriseStatus;
  structuredMessaging: Array<StructuredMessagingConfig>;
};


export type EnterpriseAuditTrailArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type EnterpriseRoleAssignmentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  capacity?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  role?: InputMaybe<Role>;
};

export type EnterpriseCapacity = {
  __typename?: 'EnterpriseCapacity';
  activatedAt: Maybe<Scalars['DateTime']['output']>;
  activatedBy: Maybe<Person>;
  capacity: Capacity;
  status: CapacityStatus;
};

/** A page of the enterprises the caller sees, ordered by enterprise number. */
export type EnterpriseConnection = {
  __typename?: 'EnterpriseConnection';
  /** The enterprises of this page. */
  edges: Array<EnterpriseEdge>;
  /** Whether there is a page after this one, and the cursor to ask for it. */
  pageInfo: PageInfo;
  /** How many enterprises the caller sees in all. */
  totalCount: Scalars['Int']['output'];
};

/** One enterprise of `myEnterprisesConnection`, with the cursor that resumes after it. */
export type EnterpriseEdge = {
  __typename?: 'EnterpriseEdge';
  /** Opaque: pass it as `after` to continue after this enterprise. */
  cursor: Scalars['String']['output'];
  /** The enterprise. */
  node: Enterprise;
};

export type EnterpriseStatus =
  /** The legal representative deleted the enterprise's access: read-only, every role and grant ended. */
  | 'ACCESS_DELETED'
  | 'ACTIVE'
  /** A main access manager is appointed; the account is not yet activated. */
  | 'PENDING_ACTIVATION'
  /** Known from the enterprise register; no main access manager yet. */
  | 'REGISTERED';

export type Language =
  | 'DE'
  | 'EN'
  | 'FR'
  | 'NL';

export type MandateStatus =
  | 'ACTIVE'
  | 'ENDED';

export type Mutation = {
  __typename?: 'Mutation';
  activateCapacity: EnterpriseCapacity;
  activateEBox: EBox;
  activateEnterpriseAccount: Enterprise;
  addUser: RoleAssignment;
  appointAccessManager: RoleAssignment;
  appointMainAccessManager: RoleAssignment;
  appointServiceProvider: ServiceProviderMandate;
  configureStructuredMessaging: StructuredMessagingConfig;
  deleteEnterpriseAccess: Enterprise;
  endServiceProviderMandate: ServiceProviderMandate;
  markEBoxMessageRead: EBoxMessage;
  removeUser: RoleAssignment;
  revokeAccessManager: RoleAssignment;
  setUserOnlineServices: RoleAssignment;
  updateMyAccount: Person;
};


export type MutationActivateCapacityArgs = {
  capacity: Scalars['String']['input'];
  enterprise: Scalars['EnterpriseNumber']['input'];
};


export type MutationActivateEBoxArgs = {
  input: ActivateEBoxInput;
};


export type MutationActivateEnterpriseAccountArgs = {
  enterprise: Scalars['EnterpriseNumber']['input'];
};


export type MutationAddUserArgs = {
  input: AddUserInput;
};


export type MutationAppointAccessManagerArgs = {
  input: AppointAccessManagerInput;
};


export type MutationAppointMainAccessManagerArgs = {
  input: AppointMainAccessManagerInput;
};


export type MutationAppointServiceProviderArgs = {
  input: AppointServiceProviderInput;
};


export type MutationConfigureStructuredMessagingArgs = {
  input: ConfigureStructuredMessagingInput;
};


export type MutationDeleteEnterpriseAccessArgs = {
  input: DeleteEnterpriseAccessInput;
};


export type MutationEndServiceProviderMandateArgs = {
  mandate: Scalars['ID']['input'];
};


export type MutationMarkEBoxMessageReadArgs = {
  enterprise: Scalars['EnterpriseNumber']['input'];
  message: Scalars['ID']['input'];
};


export type MutationRemoveUserArgs = {
  assignment: Scalars['ID']['input'];
};


export type MutationRevokeAccessManagerArgs = {
  assignment: Scalars['ID']['input'];
};


export type MutationSetUserOnlineServicesArgs = {
  input: SetUserOnlineServicesInput;
};


export type MutationUpdateMyAccountArgs = {
  input: UpdateMyAccountInput;
};

export type OnlineService = {
  __typename?: 'OnlineService';
  capacities: Array<Capacity>;
  code: Scalars['String']['output'];
  name: Scalars['String']['output'];
};


export type OnlineServiceNameArgs = {
  language?: InputMaybe<Language>;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type Person = {
  __typename?: 'Person';
  email: Maybe<Scalars['String']['output']>;
  familyName: Scalars['String']['output'];
  givenName: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  language: Language;
  phone: Maybe<Scalars['String']['output']>;
  /** The roles of this person that the caller may see, across enterprises. */
  roles: Array<RoleAssignment>;
  ssin: Scalars['Ssin']['output'];
};

export type PersonInput = {
  email?: InputMaybe<Scalars['String']['input']>;
  familyName: Scalars['String']['input'];
  givenName: Scalars['String']['input'];
  ssin: Scalars['Ssin']['input'];
};

export type Query = {
  __typename?: 'Query';
  /** May the caller perform the task in the enterprise (and capacity)? Never throws FORBIDDEN. */
  can: Decision;
  /** May the caller use the online service for the enterprise, directly or through a service-provider mandate? For downstream online services. */
  canUseOnlineService: Decision;
  capacities: Array<Capacity>;
  /** Null where it does not exist or the caller holds no role in it. */
  enterprise: Maybe<Enterprise>;
  /** The authenticated caller. */
  me: Person;
  /** Enterprises in which the caller holds any role (or acts for as a service provider's staff). */
  myEnterprises: Array<Enterprise>;
  /** The enterprises of `myEnterprises`, a page at a time (ordered by enterprise number): for callers who see many, such as a service provider's staff. */
  myEnterprisesConnection: EnterpriseConnection;
  onlineServices: Array<OnlineService>;
  /** The role-task table. */
  roleTasks: Array<RoleDefinition>;
};


export type QueryCanArgs = {
  capacity?: InputMaybe<Scalars['String']['input']>;
  enterprise: Scalars['EnterpriseNumber']['input'];
  task: Task;
};


export type QueryCanUseOnlineServiceArgs = {
  enterprise: Scalars['EnterpriseNumber']['input'];
  onlineService: Scalars['String']['input'];
};


export type QueryEnterpriseArgs = {
  number: Scalars['EnterpriseNumber']['input'];
};


export type QueryMyEnterprisesConnectionArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type Role =
  | 'ACCESS_MANAGER'
  | 'LEGAL_REPRESENTATIVE'
  | 'MAIN_ACCESS_MANAGER'
  | 'USER';

export type RoleAssignment = {
  __typename?: 'RoleAssignment';
  /** Set for ACCESS_MANAGER and USER: the capacity the role is scoped to. */
  capacity: Maybe<Capacity>;
  enterprise: Enterprise;
  grantedAt: Scalars['DateTime']['output'];
  grantedBy: Maybe<Person>;
  id: Scalars['ID']['output'];
  /** USER: the online services granted; ACCESS_MANAGER: every online service of the capacity. */
  onlineServices: Array<OnlineService>;
  person: Person;
  role: Role;
  tasks: Array<Task>;
};

export type RoleAssignmentConnection = {
  __typename?: 'RoleAssignmentConnection';
  edges: Array<RoleAssignmentEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type RoleAssignmentEdge = {
  __typename?: 'RoleAssignmentEdge';
  cursor: Scalars['String']['output'];
  node: RoleAssignment;
};

export type RoleDefinition = {
  __typename?: 'RoleDefinition';
  description: Scalars['String']['output'];
  role: Role;
  tasks: Array<Task>;
};

export type ServiceProviderMandate = {
  __typename?: 'ServiceProviderMandate';
  appointedBy: Person;
  capacity: Capacity;
  client: Enterprise;
  endedAt: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  provider: Enterprise;
  startsAt: Scalars['DateTime']['output'];
  status: MandateStatus;
};

export type SetUserOnlineServicesInput = {
  assignment: Scalars['ID']['input'];
  onlineServices: Array<Scalars['String']['input']>;
};

export type StructuredMessagingConfig = {
  __typename?: 'StructuredMessagingConfig';
  capacity: Capacity;
  channel: Channel;
  configuredAt: Scalars['DateTime']['output'];
  configuredBy: Person;
  senderNumber: Scalars['String']['output'];
  technicalContactEmail: Scalars['String']['output'];
};

/** The tasks of the role-task table. Each management mutation below names the task it needs. */
export type Task =
  | 'ACTIVATE_CAPACITY'
  | 'ACTIVATE_EBOX'
  | 'ACTIVATE_ENTERPRISE_ACCOUNT'
  | 'APPOINT_ACCESS_MANAGER'
  | 'APPOINT_MAIN_ACCESS_MANAGER'
  | 'APPOINT_SERVICE_PROVIDER'
  | 'CONFIGURE_STRUCTURED_MESSAGES'
  | 'DELETE_ENTERPRISE_ACCESS'
  | 'MANAGE_USERS'
  | 'USE_EBOX'
  | 'USE_ONLINE_SERVICES';

export type UpdateMyAccountInput = {
  email?: InputMaybe<Scalars['String']['input']>;
  language?: InputMaybe<Language>;
  phone?: InputMaybe<Scalars['String']['input']>;
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  ActivateEBoxInput: ActivateEBoxInput;
  AddUserInput: AddUserInput;
  AppointAccessManagerInput: AppointAccessManagerInput;
  AppointMainAccessManagerInput: AppointMainAccessManagerInput;
  AppointServiceProviderInput: AppointServiceProviderInput;
  AuditEvent: ResolverTypeWrapper<AuditEventEntity>;
  AuditEventConnection: ResolverTypeWrapper<Omit<AuditEventConnection, 'edges'> & { edges: Array<ResolversTypes['AuditEventEdge']> }>;
  AuditEventEdge: ResolverTypeWrapper<Omit<AuditEventEdge, 'node'> & { node: ResolversTypes['AuditEvent'] }>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Capacity: ResolverTypeWrapper<CatalogCapacity>;
  CapacityStatus: CapacityStatus;
  Channel: Channel;
  ConfigureStructuredMessagingInput: ConfigureStructuredMessagingInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Decision: ResolverTypeWrapper<DecisionModel>;
  DecisionReason: DecisionReason;
  DeleteEnterpriseAccessInput: DeleteEnterpriseAccessInput;
  EBox: ResolverTypeWrapper<EBoxModel>;
  EBoxMessage: ResolverTypeWrapper<EBoxMessageEntity>;
  EBoxMessageConnection: ResolverTypeWrapper<Omit<EBoxMessageConnection, 'edges'> & { edges: Array<ResolversTypes['EBoxMessageEdge']> }>;
  EBoxMessageEdge: ResolverTypeWrapper<Omit<EBoxMessageEdge, 'node'> & { node: ResolversTypes['EBoxMessage'] }>;
  EBoxStatus: EBoxStatus;
  Enterprise: ResolverTypeWrapper<EnterpriseEntity>;
  EnterpriseCapacity: ResolverTypeWrapper<EnterpriseCapacityModel>;
  EnterpriseConnection: ResolverTypeWrapper<Omit<EnterpriseConnection, 'edges'> & { edges: Array<ResolversTypes['EnterpriseEdge']> }>;
  EnterpriseEdge: ResolverTypeWrapper<Omit<EnterpriseEdge, 'node'> & { node: ResolversTypes['Enterprise'] }>;
  EnterpriseNumber: ResolverTypeWrapper<Scalars['EnterpriseNumber']['output']>;
  EnterpriseStatus: EnterpriseStatus;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Language: Language;
  MandateStatus: MandateStatus;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  OnlineService: ResolverTypeWrapper<CatalogOnlineService>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Person: ResolverTypeWrapper<PersonEntity>;
  PersonInput: PersonInput;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Role: Role;
  RoleAssignment: ResolverTypeWrapper<RoleAssignmentEntity>;
  RoleAssignmentConnection: ResolverTypeWrapper<Omit<RoleAssignmentConnection, 'edges'> & { edges: Array<ResolversTypes['RoleAssignmentEdge']> }>;
  RoleAssignmentEdge: ResolverTypeWrapper<Omit<RoleAssignmentEdge, 'node'> & { node: ResolversTypes['RoleAssignment'] }>;
  RoleDefinition: ResolverTypeWrapper<RoleDefinition>;
  ServiceProviderMandate: ResolverTypeWrapper<ServiceProviderMandateEntity>;
  SetUserOnlineServicesInput: SetUserOnlineServicesInput;
  Ssin: ResolverTypeWrapper<Scalars['Ssin']['output']>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  StructuredMessagingConfig: ResolverTypeWrapper<StructuredMessagingConfigEntity>;
  Task: Task;
  UpdateMyAccountInput: UpdateMyAccountInput;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  ActivateEBoxInput: ActivateEBoxInput;
  AddUserInput: AddUserInput;
  AppointAccessManagerInput: AppointAccessManagerInput;
  AppointMainAccessManagerInput: AppointMainAccessManagerInput;
  AppointServiceProviderInput: AppointServiceProviderInput;
  AuditEvent: AuditEventEntity;
  AuditEventConnection: Omit<AuditEventConnection, 'edges'> & { edges: Array<ResolversParentTypes['AuditEventEdge']> };
  AuditEventEdge: Omit<AuditEventEdge, 'node'> & { node: ResolversParentTypes['AuditEvent'] };
  Boolean: Scalars['Boolean']['output'];
  Capacity: CatalogCapacity;
  ConfigureStructuredMessagingInput: ConfigureStructuredMessagingInput;
  DateTime: Scalars['DateTime']['output'];
  Decision: DecisionModel;
  DeleteEnterpriseAccessInput: DeleteEnterpriseAccessInput;
  EBox: EBoxModel;
  EBoxMessage: EBoxMessageEntity;
  EBoxMessageConnection: Omit<EBoxMessageConnection, 'edges'> & { edges: Array<ResolversParentTypes['EBoxMessageEdge']> };
  EBoxMessageEdge: Omit<EBoxMessageEdge, 'node'> & { node: ResolversParentTypes['EBoxMessage'] };
  Enterprise: EnterpriseEntity;
  EnterpriseCapacity: EnterpriseCapacityModel;
  EnterpriseConnection: Omit<EnterpriseConnection, 'edges'> & { edges: Array<ResolversParentTypes['EnterpriseEdge']> };
  EnterpriseEdge: Omit<EnterpriseEdge, 'node'> & { node: ResolversParentTypes['Enterprise'] };
  EnterpriseNumber: Scalars['EnterpriseNumber']['output'];
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  Mutation: Record<PropertyKey, never>;
  OnlineService: CatalogOnlineService;
  PageInfo: PageInfo;
  Person: PersonEntity;
  PersonInput: PersonInput;
  Query: Record<PropertyKey, never>;
  RoleAssignment: RoleAssignmentEntity;
  RoleAssignmentConnection: Omit<RoleAssignmentConnection, 'edges'> & { edges: Array<ResolversParentTypes['RoleAssignmentEdge']> };
  RoleAssignmentEdge: Omit<RoleAssignmentEdge, 'node'> & { node: ResolversParentTypes['RoleAssignment'] };
  RoleDefinition: RoleDefinition;
  ServiceProviderMandate: ServiceProviderMandateEntity;
  SetUserOnlineServicesInput: SetUserOnlineServicesInput;
  Ssin: Scalars['Ssin']['output'];
  String: Scalars['String']['output'];
  StructuredMessagingConfig: StructuredMessagingConfigEntity;
  UpdateMyAccountInput: UpdateMyAccountInput;
};

export type AuditEventResolvers<ContextType = Context, ParentType extends ResolversParentTypes['AuditEvent'] = ResolversParentTypes['AuditEvent']> = {
  action?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  actor?: Resolver<Maybe<ResolversTypes['Person']>, ParentType, ContextType>;
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  details?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  enterprise?: Resolver<Maybe<ResolversTypes['Enterprise']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type AuditEventConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['AuditEventConnection'] = ResolversParentTypes['AuditEventConnection']> = {
  edges?: Resolver<Array<ResolversTypes['AuditEventEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type AuditEventEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['AuditEventEdge'] = ResolversParentTypes['AuditEventEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['AuditEvent'], ParentType, ContextType>;
};

export type CapacityResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Capacity'] = ResolversParentTypes['Capacity']> = {
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType, Partial<CapacityNameArgs>>;
  onlineServices?: Resolver<Array<ResolversTypes['OnlineService']>, ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type DecisionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Decision'] = ResolversParentTypes['Decision']> = {
  allowed?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['DecisionReason'], ParentType, ContextType>;
  task?: Resolver<ResolversTypes['Task'], ParentType, ContextType>;
  via?: Resolver<Array<ResolversTypes['RoleAssignment']>, ParentType, ContextType>;
};

export type EBoxResolvers<ContextType = Context, ParentType extends ResolversParentTypes['EBox'] = ResolversParentTypes['EBox']> = {
  activatedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  activatedBy?: Resolver<Maybe<ResolversTypes['Person']>, ParentType, ContextType>;
  messages?: Resolver<ResolversTypes['EBoxMessageConnection'], ParentType, ContextType, RequireFields<EBoxMessagesArgs, 'first'>>;
  notificationEmail?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['EBoxStatus'], ParentType, ContextType>;
};

export type EBoxMessageResolvers<ContextType = Context, ParentType extends ResolversParentTypes['EBoxMessage'] = ResolversParentTypes['EBoxMessage']> = {
  body?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  readAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  sentAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  subject?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type EBoxMessageConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['EBoxMessageConnection'] = ResolversParentTypes['EBoxMessageConnection']> = {
  edges?: Resolver<Array<ResolversTypes['EBoxMessageEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type EBoxMessageEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['EBoxMessageEdge'] = ResolversParentTypes['EBoxMessageEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['EBoxMessage'], ParentType, ContextType>;
};

export type EnterpriseResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Enterprise'] = ResolversParentTypes['Enterprise']> = {
  auditTrail?: Resolver<ResolversTypes['AuditEventConnection'], ParentType, ContextType, RequireFields<EnterpriseAuditTrailArgs, 'first'>>;
  capacities?: Resolver<Array<ResolversTypes['EnterpriseCapacity']>, ParentType, ContextType>;
  clients?: Resolver<Array<ResolversTypes['ServiceProviderMandate']>, ParentType, ContextType>;
  eBox?: Resolver<ResolversTypes['EBox'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  legalRepresentatives?: Resolver<Array<ResolversTypes['Person']>, ParentType, ContextType>;
  mainAccessManager?: Resolver<Maybe<ResolversTypes['Person']>, ParentType, ContextType>;
  myTasks?: Resolver<Array<ResolversTypes['Task']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  number?: Resolver<ResolversTypes['EnterpriseNumber'], ParentType, ContextType>;
  roleAssignments?: Resolver<ResolversTypes['RoleAssignmentConnection'], ParentType, ContextType, RequireFields<EnterpriseRoleAssignmentsArgs, 'first'>>;
  serviceProviders?: Resolver<Array<ResolversTypes['ServiceProviderMandate']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['EnterpriseStatus'], ParentType, ContextType>;
  structuredMessaging?: Resolver<Array<ResolversTypes['StructuredMessagingConfig']>, ParentType, ContextType>;
};

export type EnterpriseCapacityResolvers<ContextType = Context, ParentType extends ResolversParentTypes['EnterpriseCapacity'] = ResolversParentTypes['EnterpriseCapacity']> = {
  activatedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  activatedBy?: Resolver<Maybe<ResolversTypes['Person']>, ParentType, ContextType>;
  capacity?: Resolver<ResolversTypes['Capacity'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['CapacityStatus'], ParentType, ContextType>;
};

export type EnterpriseConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['EnterpriseConnection'] = ResolversParentTypes['EnterpriseConnection']> = {
  edges?: Resolver<Array<ResolversTypes['EnterpriseEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type EnterpriseEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['EnterpriseEdge'] = ResolversParentTypes['EnterpriseEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Enterprise'], ParentType, ContextType>;
};

export interface EnterpriseNumberScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['EnterpriseNumber'], any> {
  name: 'EnterpriseNumber';
}

export type MutationResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  activateCapacity?: Resolver<ResolversTypes['EnterpriseCapacity'], ParentType, ContextType, RequireFields<MutationActivateCapacityArgs, 'capacity' | 'enterprise'>>;
  activateEBox?: Resolver<ResolversTypes['EBox'], ParentType, ContextType, RequireFields<MutationActivateEBoxArgs, 'input'>>;
  activateEnterpriseAccount?: Resolver<ResolversTypes['Enterprise'], ParentType, ContextType, RequireFields<MutationActivateEnterpriseAccountArgs, 'enterprise'>>;
  addUser?: Resolver<ResolversTypes['RoleAssignment'], ParentType, ContextType, RequireFields<MutationAddUserArgs, 'input'>>;
  appointAccessManager?: Resolver<ResolversTypes['RoleAssignment'], ParentType, ContextType, RequireFields<MutationAppointAccessManagerArgs, 'input'>>;
  appointMainAccessManager?: Resolver<ResolversTypes['RoleAssignment'], ParentType, ContextType, RequireFields<MutationAppointMainAccessManagerArgs, 'input'>>;
  appointServiceProvider?: Resolver<ResolversTypes['ServiceProviderMandate'], ParentType, ContextType, RequireFields<MutationAppointServiceProviderArgs, 'input'>>;
  configureStructuredMessaging?: Resolver<ResolversTypes['StructuredMessagingConfig'], ParentType, ContextType, RequireFields<MutationConfigureStructuredMessagingArgs, 'input'>>;
  deleteEnterpriseAccess?: Resolver<ResolversTypes['Enterprise'], ParentType, ContextType, RequireFields<MutationDeleteEnterpriseAccessArgs, 'input'>>;
  endServiceProviderMandate?: Resolver<ResolversTypes['ServiceProviderMandate'], ParentType, ContextType, RequireFields<MutationEndServiceProviderMandateArgs, 'mandate'>>;
  markEBoxMessageRead?: Resolver<ResolversTypes['EBoxMessage'], ParentType, ContextType, RequireFields<MutationMarkEBoxMessageReadArgs, 'enterprise' | 'message'>>;
  removeUser?: Resolver<ResolversTypes['RoleAssignment'], ParentType, ContextType, RequireFields<MutationRemoveUserArgs, 'assignment'>>;
  revokeAccessManager?: Resolver<ResolversTypes['RoleAssignment'], ParentType, ContextType, RequireFields<MutationRevokeAccessManagerArgs, 'assignment'>>;
  setUserOnlineServices?: Resolver<ResolversTypes['RoleAssignment'], ParentType, ContextType, RequireFields<MutationSetUserOnlineServicesArgs, 'input'>>;
  updateMyAccount?: Resolver<ResolversTypes['Person'], ParentType, ContextType, RequireFields<MutationUpdateMyAccountArgs, 'input'>>;
};

export type OnlineServiceResolvers<ContextType = Context, ParentType extends ResolversParentTypes['OnlineService'] = ResolversParentTypes['OnlineService']> = {
  capacities?: Resolver<Array<ResolversTypes['Capacity']>, ParentType, ContextType>;
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType, Partial<OnlineServiceNameArgs>>;
};

export type PageInfoResolvers<ContextType = Context, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type PersonResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Person'] = ResolversParentTypes['Person']> = {
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  familyName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  givenName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  language?: Resolver<ResolversTypes['Language'], ParentType, ContextType>;
  phone?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  roles?: Resolver<Array<ResolversTypes['RoleAssignment']>, ParentType, ContextType>;
  ssin?: Resolver<ResolversTypes['Ssin'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  can?: Resolver<ResolversTypes['Decision'], ParentType, ContextType, RequireFields<QueryCanArgs, 'enterprise' | 'task'>>;
  canUseOnlineService?: Resolver<ResolversTypes['Decision'], ParentType, ContextType, RequireFields<QueryCanUseOnlineServiceArgs, 'enterprise' | 'onlineService'>>;
  capacities?: Resolver<Array<ResolversTypes['Capacity']>, ParentType, ContextType>;
  enterprise?: Resolver<Maybe<ResolversTypes['Enterprise']>, ParentType, ContextType, RequireFields<QueryEnterpriseArgs, 'number'>>;
  me?: Resolver<ResolversTypes['Person'], ParentType, ContextType>;
  myEnterprises?: Resolver<Array<ResolversTypes['Enterprise']>, ParentType, ContextType>;
  myEnterprisesConnection?: Resolver<ResolversTypes['EnterpriseConnection'], ParentType, ContextType, RequireFields<QueryMyEnterprisesConnectionArgs, 'first'>>;
  onlineServices?: Resolver<Array<ResolversTypes['OnlineService']>, ParentType, ContextType>;
  roleTasks?: Resolver<Array<ResolversTypes['RoleDefinition']>, ParentType, ContextType>;
};

export type RoleAssignmentResolvers<ContextType = Context, ParentType extends ResolversParentTypes['RoleAssignment'] = ResolversParentTypes['RoleAssignment']> = {
  capacity?: Resolver<Maybe<ResolversTypes['Capacity']>, ParentType, ContextType>;
  enterprise?: Resolver<ResolversTypes['Enterprise'], ParentType, ContextType>;
  grantedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  grantedBy?: Resolver<Maybe<ResolversTypes['Person']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  onlineServices?: Resolver<Array<ResolversTypes['OnlineService']>, ParentType, ContextType>;
  person?: Resolver<ResolversTypes['Person'], ParentType, ContextType>;
  role?: Resolver<ResolversTypes['Role'], ParentType, ContextType>;
  tasks?: Resolver<Array<ResolversTypes['Task']>, ParentType, ContextType>;
};

export type RoleAssignmentConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['RoleAssignmentConnection'] = ResolversParentTypes['RoleAssignmentConnection']> = {
  edges?: Resolver<Array<ResolversTypes['RoleAssignmentEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type RoleAssignmentEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['RoleAssignmentEdge'] = ResolversParentTypes['RoleAssignmentEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['RoleAssignment'], ParentType, ContextType>;
};

export type RoleDefinitionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['RoleDefinition'] = ResolversParentTypes['RoleDefinition']> = {
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  role?: Resolver<ResolversTypes['Role'], ParentType, ContextType>;
  tasks?: Resolver<Array<ResolversTypes['Task']>, ParentType, ContextType>;
};

export type ServiceProviderMandateResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ServiceProviderMandate'] = ResolversParentTypes['ServiceProviderMandate']> = {
  appointedBy?: Resolver<ResolversTypes['Person'], ParentType, ContextType>;
  capacity?: Resolver<ResolversTypes['Capacity'], ParentType, ContextType>;
  client?: Resolver<ResolversTypes['Enterprise'], ParentType, ContextType>;
  endedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['Enterprise'], ParentType, ContextType>;
  startsAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['MandateStatus'], ParentType, ContextType>;
};

export interface SsinScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Ssin'], any> {
  name: 'Ssin';
}

export type StructuredMessagingConfigResolvers<ContextType = Context, ParentType extends ResolversParentTypes['StructuredMessagingConfig'] = ResolversParentTypes['StructuredMessagingConfig']> = {
  capacity?: Resolver<ResolversTypes['Capacity'], ParentType, ContextType>;
  channel?: Resolver<ResolversTypes['Channel'], ParentType, ContextType>;
  configuredAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  configuredBy?: Resolver<ResolversTypes['Person'], ParentType, ContextType>;
  senderNumber?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  technicalContactEmail?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type Resolvers<ContextType = Context> = {
  AuditEvent?: AuditEventResolvers<ContextType>;
  AuditEventConnection?: AuditEventConnectionResolvers<ContextType>;
  AuditEventEdge?: AuditEventEdgeResolvers<ContextType>;
  Capacity?: CapacityResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Decision?: DecisionResolvers<ContextType>;
  EBox?: EBoxResolvers<ContextType>;
  EBoxMessage?: EBoxMessageResolvers<ContextType>;
  EBoxMessageConnection?: EBoxMessageConnectionResolvers<ContextType>;
  EBoxMessageEdge?: EBoxMessageEdgeResolvers<ContextType>;
  Enterprise?: EnterpriseResolvers<ContextType>;
  EnterpriseCapacity?: EnterpriseCapacityResolvers<ContextType>;
  EnterpriseConnection?: EnterpriseConnectionResolvers<ContextType>;
  EnterpriseEdge?: EnterpriseEdgeResolvers<ContextType>;
  EnterpriseNumber?: GraphQLScalarType;
  Mutation?: MutationResolvers<ContextType>;
  OnlineService?: OnlineServiceResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Person?: PersonResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  RoleAssignment?: RoleAssignmentResolvers<ContextType>;
  RoleAssignmentConnection?: RoleAssignmentConnectionResolvers<ContextType>;
  RoleAssignmentEdge?: RoleAssignmentEdgeResolvers<ContextType>;
  RoleDefinition?: RoleDefinitionResolvers<ContextType>;
  ServiceProviderMandate?: ServiceProviderMandateResolvers<ContextType>;
  Ssin?: GraphQLScalarType;
  StructuredMessagingConfig?: StructuredMessagingConfigResolvers<ContextType>;
};

