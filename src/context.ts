import { defaultAccessRequestSettings, type AccessRequestSettings } from "./management/action";
import type { GraphQLError, OperationDefinitionNode } from "graphql";
import type { DataSource, EntityManager } from "typeorm";
import { primaryReader, requestReader } from "./database/readers";
import { Access } from "./access/access";
import type { Clock } from "./clock";
import type { RequestDeadline } from "./database/request-deadline";
import type { ConsistencyToken } from "./database/consistency-token";
import type { StoredRequest } from "./database/idempotent-requests";
import type { RequestScope } from "./i18n/request-scope";
import type { ChangeFeed } from "./database/change-feed";
import type { LiveSubscribers } from "./live/subscribers";
import type { AuditedEvent } from "./management/action";
import type { Catalog } from "./domain/catalog";
import type { Language, Person } from "./domain/entities/person.entity";
import type { EnterpriseCache } from "./read/enterprise-cache";
import { createLoaders, type Loaders } from "./read/loaders";
import { isCurrentAt } from "./domain/validity";
import type { ViewerRows } from "./identity/viewer";
import { createRoleAssignmentPages } from "./read/role-assignment-pages";
import { chooseLanguage, preferredLanguage } from "./i18n/language";

/** The caller's budget of cost points in the current window, as it stands (src/http/rate-limit.ts). */
export interface BudgetState {
  limit: number;
  remaining: number;
  /** When the window ends and the whole budget is back. */
  resetAt: Date;
}

/**
 * The caller's budget of cost points, bound to one HTTP request (src/http/rate-limit.ts): the cost plugin
 * (src/http/cost-budget.ts) reserves each operation's requested cost before it runs and settles its actual cost after.
 * A null state: the budget could not be read (its store failed), and the request was let through.
 */
export interface CostBudget {
  /** Takes `points`; when fewer remain, takes nothing and answers the refusal to throw (RATE_LIMITED, scope "cost", HTTP 429). */
  reserve(points: number): Promise<{ state: BudgetState | null; refusal: GraphQLError | null }>;
  /** Gives back what was reserved beyond the actual cost, or takes what the answer cost beyond it. */
  settle(reserved: number, actual: number): Promise<BudgetState | null>;
  /** The budget as it stands, taking nothing (for an answer whose operation never ran). */
  peek(): Promise<BudgetState | null>;
  /** Per operation of the request, once reserved: its requested cost and the budget then (what `Query.rateLimit` shows). */
  readonly reserved: Map<OperationDefinitionNode, { cost: number; state: BudgetState | null }>;
}

/** Everything a resolver may use, created once per request: the viewer, the loaders, the access layer. */
export interface Context {
  requestId: string;
  /** The request's deadline: a management action gives its transaction up when it passes. */
  deadline: RequestDeadline | undefined;
  viewer: Person | null;
  dataSource: DataSource;
  /**
   * What the read side reads through: committed rows only, from the replicas when configured (the primary after a
   * write), from SQLite's read connection (src/database/readers.ts); inside its transaction for a dry run's answer.
   */
  readManager: EntityManager;
  catalog: Catalog;
  /** The gateway's "now" (src/clock.ts): management actions record it, and `asOf` may not be later than it. */
  clock: Clock;
  loaders: Loaders;
  roleAssignmentPages: ReturnType<typeof createRoleAssignmentPages>;
  access: Access;
  /**
   * Refusals of nested fields that answered empty (src/graphql/partial-answers.ts), reported beside the answer. Each
   * operation has its own (src/http/partial-errors.ts): the operations of a batch share the request's context.
   */
  partialErrors: GraphQLError[];
  /** A dry run's open transaction and the audit events it wrote: the answer is read inside it, then src/http/dry-run.ts rolls it back. */
  dryRun: DryRun | null;
  /**
   * The request is a batch of several operations. Apollo runs them at once on this one context, so a dry run's open
   * transaction (which the context's reads switch to) and its end would be shared by operations that did not ask for it.
   */
  batched: boolean;
  /** From Accept-Language; names and messages follow an explicit `language` argument first, then the operation's `@language`, then this, then the viewer's language. */
  acceptLanguage: Language | null;
  /** The instant the request is answered as of, read once from the clock: an expired right is ended from then on (src/domain/validity.ts). */
  now: Date;
  /** The operation's `@language(code:)` directive, once the operation is resolved (src/http/operation-language.ts). */
  operationLanguage: Language | null;
  /** Where committed access changes are published and subscriptions listen (src/database/change-feed.ts). */
  changes: ChangeFeed;
  /** The live subscribers of this process (src/live/subscribers.ts): on a WebSocket subscription's context only. */
  live: LiveSubscribers | null;
  /** The HTTP request served (src/http/request-id.ts), whose answers outside the pipeline follow this context's language; none for a subscription. */
  requestScope?: RequestScope;
  /** The enterprise read models kept across requests (src/read/enterprise-cache.ts); null when turned off. */
  enterpriseCache: EnterpriseCache | null;
  /**
   * The state the request's writes committed, all of them merged (src/database/consistency-token.ts): the consistency
   * token its answer carries (src/http/consistency-tokens.ts). Null while nothing has committed.
   */
  committedState: ConsistencyToken | null;
  /** The viewer's budget of cost points over HTTP; null for an anonymous caller, with RATE_LIMIT=off and over the WebSocket. */
  costBudget: CostBudget | null;
  /** accessDelta's settings (src/config.ts). */
  delta: DeltaSettings;
  /** The bounds of access requests (ACCESS_REQUEST_TTL_DAYS, ACCESS_REQUESTS_PER_DAY). */
  accessRequests: AccessRequestSettings;
  /**
   * The request's `Idempotency-Key` (src/http/idempotency.ts); null without one, and from the moment the operation is
   * known not to be a change that stores its answer (a query, a dry run, no viewer).
   */
  idempotency: IdempotentRequest | null;
}

/** A request sent with an `Idempotency-Key`, as src/http/idempotency.ts and the mutation resolver share it. */
export interface IdempotentRequest {
  key: string;
  /** Set once the operation is known to be a mutation whose answer is stored: the hash of its body, when it expires. */
  armed: { requestHash: string; expiresAt: Date } | null;
  /** The action's open transaction, which the answer is stored in before it commits. */
  held: { em: EntityManager; commit(after?: (em: EntityManager) => Promise<void>): Promise<void>; end(): Promise<void> } | null;
  /** What another request with the key stored while this one waited for it: answered instead. */
  replay: StoredRequest | null;
}

/** The loaders and access layer of a request: replaced after a write, so the mutation's answer shows the new state. */
function readState(
  readManager: EntityManager,
  catalog: Catalog,
  viewer: Person | null,
  now: Date,
  cache: EnterpriseCache | null,
  viewerRows: ViewerRows | null = null,
) {
  const loaders = createLoaders(readManager, now, cache);
  if (viewer) loaders.person.prime(viewer.id, viewer);
  if (viewer && viewerRows) {
    // Read with the viewer (src/identity/viewer.ts), through the same reader: as the loaders would read them.
    loaders.assignmentsOfPerson.prime(
      viewer.id,
      viewerRows.assignments.filter((a) => isCurrentAt(a, now)),
    );
    for (const enterprise of viewerRows.enterprises) loaders.enterprise.prime(enterprise.id, enterprise);
  }
  return {
    readManager,
    loaders,
    roleAssignmentPages: createRoleAssignmentPages(readManager, now, loaders.models),
    access: new Access(viewer, loaders, catalog),
  };
}

export interface DryRun {
  auditEvents: AuditedEvent[];
  end(): Promise<void>;
  /** The caller's access layer as it was before the preview: what it tells is judged by the rights the caller had, not those the preview gave. */
  accessBefore: Access;
  /** The people the preview names whom the caller could not see before it, as it shows them (src/management/mutation.resolver.ts). */
  standIns: readonly StandIn[];
}

/** A person as a preview shows them: `shown` (the names sent, an id no one has) wherever the answer reads `personId`. */
export interface StandIn {
  personId: number;
  shown: Person;
}

/**
 * A dry run's answer reads what its action wrote, inside the transaction that is rolled back afterwards (and a
 * mutation sent with an Idempotency-Key, inside the transaction its answer is stored in before it commits); the people of
 * `standIns` are read as shown, by either id, with the roles of the person they stand for.
 */
export async function readInsideDryRun(context: Context, em: EntityManager, standIns: readonly StandIn[] = []): Promise<void> {
  const state = readState(em, context.catalog, context.viewer, context.now, context.enterpriseCache);
  for (const { personId, shown } of standIns) {
    state.loaders.person.prime(personId, shown).prime(shown.id, shown);
    state.loaders.assignmentsOfPerson.prime(shown.id, await state.loaders.assignmentsOfPerson.load(personId));
  }
  Object.assign(context, state);
}

/**
 * Forgets what the request read before its mutation committed (the shield's decision inputs, say), and reads the rest
 * of the request from the primary: a replica may not have the write yet.
 */
export function refreshAfterWrite(context: Context): void {
  Object.assign(
    context,
    readState(primaryReader(context.dataSource).manager, context.catalog, context.viewer, context.now, context.enterpriseCache),
  );
}

/**
 * A mutation's authorization is decided on what the primary holds, where its action will run and decide again: the
 * request reads from the primary from here on, and the viewer's roles read with the viewer from a replica are
 * forgotten (a replica behind would refuse a main access manager appointed a moment ago). Nothing changes for a
 * request that reads the primary already (no replicas, SQLite, a consistency token the replicas have not reached).
 */
export function decideOnPrimary(context: Context): void {
  const primary = primaryReader(context.dataSource).manager;
  if (context.readManager === primary) return;
  Object.assign(context, readState(primary, context.catalog, context.viewer, context.now, context.enterpriseCache));
}

/** What every context of the gateway shares, given once when the gateway starts. */
export interface ContextServices {
  dataSource: DataSource;
  catalog: Catalog;
  clock: Clock;
  changes: ChangeFeed;
  /** Null when turned off, or when the database cannot be trusted to move the versions (src/http/kept-enterprise-models.ts). */
  enterpriseCache: EnterpriseCache | null;
  /** accessDelta's settings (DELTA_RETENTION_DAYS, DELTA_SETTLE_SECONDS); their defaults when not given. */
  delta?: DeltaSettings;
  /** The bounds of access requests; their defaults when not given. */
  accessRequests?: AccessRequestSettings;
}

export interface DeltaSettings {
  retentionDays: number;
  settleSeconds: number;
}

/** What one HTTP request, or one subscription over the WebSocket, brings to its context. */
export interface ContextRequest {
  requestId: string;
  viewer: Person | null;
  /**
   * The viewer's assignments and enterprises read with the viewer (src/identity/viewer.ts), so the loaders need not
   * read them again; only when read for this request (src/http/live-subscribe.ts says why a subscription has none).
   */
  viewerRows: ViewerRows | null;
  acceptLanguage: string | undefined;
  /** Only an HTTP request has one (src/http/live-subscribe.ts says why a subscription has none). */
  deadline?: RequestDeadline;
  requestScope?: RequestScope;
  /** The request is a batch of more than one operation. */
  batched?: boolean;
  live?: LiveSubscribers | null;
  /**
   * Where the request reads outside transactions, when a consistency token chose it (src/database/fresh-reads.ts):
   * the replicas, or the primary. Default: the replicas when configured, SQLite's read connection on a file database.
   */
  reader?: DataSource;
  /** The viewer's budget of cost points, for an HTTP request with a viewer while rate limits are on. */
  costBudget?: CostBudget | null;
  /** The request's `Idempotency-Key`, already checked (src/http/idempotency.ts). */
  idempotencyKey?: string | null;
}

export type ContextBuilder = (request: ContextRequest) => Context;

/**
 * The one way a context is made, for both transports: the gateway's services are bound once, so that neither
 * transport can build a context without the enterprise read models or the clock the other one has.
 */
export function contextBuilder({
  dataSource,
  catalog,
  clock,
  changes,
  enterpriseCache,
  delta = { retentionDays: 30, settleSeconds: 60 },
  accessRequests = defaultAccessRequestSettings,
}: ContextServices): ContextBuilder {
  return ({
    requestId,
    viewer,
    viewerRows,
    acceptLanguage,
    deadline,
    requestScope,
    batched = false,
    live = null,
    costBudget = null,
    idempotencyKey = null,
    reader = requestReader(dataSource),
  }) => {
    const now = clock.now();
    return {
      requestId,
      deadline,
      viewer,
      dataSource,
      catalog,
      ...readState(reader.manager, catalog, viewer, now, enterpriseCache, viewerRows),
      partialErrors: [],
      dryRun: null,
      batched,
      acceptLanguage: preferredLanguage(acceptLanguage),
      clock,
      now,
      operationLanguage: null,
      changes,
      live,
      requestScope,
      enterpriseCache,
      delta,
      accessRequests,
      committedState: null,
      costBudget,
      idempotency: idempotencyKey === null ? null : { key: idempotencyKey, armed: null, held: null, replay: null },
    };
  };
}

/** The language of what the request reads (src/i18n/language.ts): names fall back to the portal's default, NL. */
export function languageFor(context: Context, explicit: Language | null | undefined): Language {
  return chooseLanguage({ argument: explicit, ...requestLanguages(context) }, "NL");
}

/** The language of the request's messages: as names, but English when nothing names one (no viewer, no header). */
export function messageLanguageFor(context: Context, explicit?: Language | null): Language {
  return chooseLanguage({ argument: explicit, ...requestLanguages(context) }, "EN");
}

const requestLanguages = (context: Context) => ({
  operation: context.operationLanguage,
  acceptLanguage: context.acceptLanguage,
  viewer: context.viewer?.language,
});
