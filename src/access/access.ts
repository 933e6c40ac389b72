/**
 * src/access: who may do what, and who sees what. The role-task table (role-tasks.ts), the decision function
 * (decision.ts), the need-to-know rules (visibility.ts), the graphql-shield rules built from them (shield.ts), and this
 * per-request access layer that gathers their inputs. Nothing outside this folder decides authorization.
 */
import { BadUserInputError, ForbiddenError, NotFoundError } from "../errors";
import type { AccessChange } from "../database/change-feed";
import type { Catalog } from "../domain/catalog";
import { providerCapacities } from "../domain/catalog-data";
import type { AuditEvent, EBoxMessage, Enterprise, Person, RoleAssignment, ServiceProviderMandate } from "../domain/entities";
import type { EnterpriseReach } from "../read/enterprise-pages";
import type { Loaders } from "../read/loaders";
import { decide, decideOnlineService, deny, holdingTask, type Decision, type EnterpriseState, type MandateAccess } from "./decision";
import { auditReaderRoles, historyReaderRoles, type Role, type Task } from "./role-tasks";
import {
  assignmentScope,
  isProviderStaff,
  mandateScope,
  scopeIncludes,
  seesCapacityConfiguration,
  seesEnterpriseConfiguration,
  seesLeadership,
  seesMandate,
  sightOf,
  type AssignmentScope,
  type MandateScope,
  type Sight,
} from "./visibility";
import { message } from "../i18n/messages";
import type { AccessReviewerKind } from "../domain/states";
import { reviewItemSight, seesReview } from "./access-reviews";

/**
 * The enterprises whose changes may concern a live subscriber (src/live/subscribers.ts indexes subscribers by them):
 * those they see, and among them the providers whose staff they are (a mandate of those changes what they see).
 */
export interface LiveSight {
  visible: ReadonlySet<number>;
  providerStaffOf: ReadonlySet<number>;
}

/** A role assignment with the online services it grants (USER: those granted; ACCESS_MANAGER: the capacity's). */
export type AssignmentGrant = RoleAssignment & { onlineServices: ReadonlySet<string> };

/**
 * The access layer of one request or one transaction: it gathers what the decision function needs through the
 * loaders it is given and remembers each decision for the rest of its life. One instance never outlives its
 * request, so a decision is never reused across viewers or requests.
 */
export class Access {
  private readonly decisions = new Map<string, Promise<Decision<AssignmentGrant>>>();
  private grantsOfViewer: Promise<AssignmentGrant[]> | undefined;
  private visible: Promise<Set<number>> | undefined;
  private readonly sights = new Map<number, Promise<Sight>>();
  private readonly states = new Map<number, Promise<EnterpriseState>>();
  /**
   * Decisions already made without a capacity, by enterprise and task, with the viewer's grants held in that
   * enterprise: what `decideAll` answers without a promise or a key string each.
   */
  private readonly settled = new Map<number, { own: AssignmentGrant[]; byTask: Map<Task, Decision<AssignmentGrant>> }>();

  constructor(
    readonly viewer: Person | null,
    private readonly loaders: Loaders,
    private readonly catalog: Catalog,
  ) {}

  /** The viewer's current assignments, across enterprises. */
  grants(): Promise<AssignmentGrant[]> {
    this.grantsOfViewer ??= this.viewer ? this.grantsOf(this.viewer.id) : Promise.resolve([]);
    return this.grantsOfViewer;
  }

  private async grantsOf(personId: number): Promise<AssignmentGrant[]> {
    const assignments = await this.loaders.assignmentsOfPerson.load(personId);
    return Promise.all(assignments.map((a) => this.withServices(a)));
  }

  async withServices(assignment: RoleAssignment): Promise<AssignmentGrant> {
    const codes =
      assignment.role === "ACCESS_MANAGER" && assignment.capacityCode
        ? (this.catalog.capacities.get(assignment.capacityCode)?.onlineServiceCodes ?? [])
        : assignment.role === "USER"
          ? (await this.loaders.onlineServicesOfAssignment.load(assignment.id)).map((s) => s.onlineServiceCode)
          : [];
    return Object.assign(Object.create(Object.getPrototypeOf(assignment)) as RoleAssignment, assignment, {
      onlineServices: new Set(codes),
    });
  }

  /** The enterprise's state as the decisions read it, once per enterprise for the life of this access layer (as its loaders). */
  state(enterprise: Enterprise): Promise<EnterpriseState> {
    let state = this.states.get(enterprise.id);
    if (!state) this.states.set(enterprise.id, (state = this.readState(enterprise)));
    return state;
  }

  private async readState(enterprise: Enterprise): Promise<EnterpriseState> {
    const [capacities, eBox] = await Promise.all([
      this.loaders.capacitiesOfEnterprise.load(enterprise.id),
      this.loaders.eBoxOfEnterprise.load(enterprise.id),
    ]);
    return {
      id: enterprise.id,
      status: enterprise.status,
      activeCapacities: new Set(capacities.filter((c) => c.status === "ACTIVE").map((c) => c.capacityCode)),
      eBoxActive: eBox?.status === "ACTIVE",
    };
  }

  /** The decision for a task in an enterprise (and capacity), remembered for this request. */
  decide(enterprise: Enterprise, task: Task, capacity?: string | null): Promise<Decision<AssignmentGrant>> {
    const key = `${enterprise.id}:${task}:${capacity ?? ""}`;
    let decision = this.decisions.get(key);
    if (!decision) {
      decision = this.viewer
        ? Promise.all([this.grants(), this.state(enterprise)]).then(([grants, state]) =>
            decide({ task, enterprise: state, grants, capacity }),
          )
        : Promise.resolve(deny<AssignmentGrant>(task, "NOT_AUTHENTICATED"));
      this.decisions.set(key, decision);
    }
    return decision;
  }

  /**
   * `decide` for many tasks in one enterprise (myTasks): the viewer's grants and the enterprise's state are read once,
   * then each task is decided by the same function, and remembered as `decide` remembers it.
   */
  async decideAll(enterprise: Enterprise, tasks: readonly Task[]): Promise<Decision<AssignmentGrant>[]> {
    if (!this.viewer) return tasks.map((task) => deny<AssignmentGrant>(task, "NOT_AUTHENTICATED"));
    const [grants, state] = await Promise.all([this.grants(), this.state(enterprise)]);
    let settled = this.settled.get(enterprise.id);
    if (!settled) {
      settled = { own: grants.filter((g) => g.enterpriseId === enterprise.id), byTask: new Map() };
      this.settled.set(enterprise.id, settled);
    }
    const { own, byTask } = settled;
    return tasks.map((task) => {
      let decision = byTask.get(task);
      if (!decision) byTask.set(task, (decision = decide({ task, enterprise: state, grants: own, capacity: undefined })));
      return decision;
    });
  }

  /** Throws FORBIDDEN with the decision's reason unless the task is allowed. */
  async require(enterprise: Enterprise, task: Task, capacity?: string | null): Promise<Decision<AssignmentGrant>> {
    const decision = await this.decide(enterprise, task, capacity);
    if (!decision.allowed) throw new ForbiddenError(decision.reason, decision.explanation);
    return decision;
  }

  async decideOnlineService(enterprise: Enterprise, serviceCode: string): Promise<Decision<AssignmentGrant>> {
    if (!this.viewer) return deny("USE_ONLINE_SERVICES", "NOT_AUTHENTICATED");
    const service = this.catalog.onlineServices.get(serviceCode);
    if (!service) throw new BadUserInputError("onlineService", message("input.unknownOnlineService", { value: serviceCode }));
    const [grants, state, mandates] = await Promise.all([
      this.grants(),
      this.state(enterprise),
      this.loaders.mandatesAsClient.load(enterprise.id),
    ]);
    const mandateAccess: MandateAccess<AssignmentGrant>[] = await Promise.all(
      mandates
        .filter((m) => m.status === "ACTIVE")
        .map(async (m) => {
          const provider = await this.loaders.enterprise.load(m.providerId);
          return {
            capacityCode: m.capacityCode,
            provider: provider
              ? await this.state(provider)
              : { id: m.providerId, status: "ACCESS_DELETED" as const, activeCapacities: new Set<string>(), eBoxActive: false },
            providerGrants: grants.filter((g) => g.enterpriseId === m.providerId),
          };
        }),
    );
    return decideOnlineService({
      enterprise: state,
      grants,
      service: service.code,
      serviceCapacities: new Set(service.capacityCodes),
      providerCapacities,
      mandates: mandateAccess,
    });
  }

  /**
   * `decide` for an enterprise the caller named, which may not exist: an unknown enterprise answers like one where the
   * caller holds no role, so that its existence is not disclosed.
   */
  decideIn(enterprise: Enterprise | null, task: Task, capacity?: string | null): Promise<Decision<AssignmentGrant>> {
    return enterprise ? this.decide(enterprise, task, capacity) : Promise.resolve(deny<AssignmentGrant>(task, "NO_ROLE_IN_ENTERPRISE"));
  }

  /** `decideOnlineService` for an enterprise the caller named, which may not exist (as `decideIn`). */
  decideOnlineServiceIn(enterprise: Enterprise | null, serviceCode: string): Promise<Decision<AssignmentGrant>> {
    return enterprise
      ? this.decideOnlineService(enterprise, serviceCode)
      : Promise.resolve(deny<AssignmentGrant>("USE_ONLINE_SERVICES", "NO_ROLE_IN_ENTERPRISE"));
  }

  /** Holds the viewer a role in the enterprise that lets them read its audit trail? */
  async canReadAuditTrail(enterprise: Enterprise): Promise<boolean> {
    const grants = await this.grants();
    return grants.some((g) => g.enterpriseId === enterprise.id && auditReaderRoles.has(g.role));
  }

  /** Holds the viewer, now, a role in the enterprise that lets them ask what was true there at a past instant (`asOf`)? */
  async canReadHistory(enterprise: Enterprise): Promise<boolean> {
    const grants = await this.grants();
    return grants.some((g) => g.enterpriseId === enterprise.id && historyReaderRoles.has(g.role));
  }

  /**
   * The enterprises the viewer may see: those where they hold a role, and the clients of the
   * providers whose staff they are (ACCESS_MANAGER or USER in a provider capacity).
   */
  visibleEnterpriseIds(): Promise<Set<number>> {
    this.visible ??= this.findVisibleEnterpriseIds();
    return this.visible;
  }

  private async findVisibleEnterpriseIds(): Promise<Set<number>> {
    const { own, providers } = await this.enterpriseReach();
    const visible = new Set(own);
    const mandates = (await this.loaders.mandatesAsProvider.loadMany(providers)).flatMap((m) => (m instanceof Error ? [] : m));
    for (const m of mandates) if (m.status === "ACTIVE") visible.add(m.clientId);
    return visible;
  }

  /**
   * What `visibleEnterpriseIds` is made of, for a reader that pages through it in SQL (src/read/enterprise-pages.ts):
   * the enterprises where the viewer holds a current role (`own`), and the providers whose staff they are
   * (`providers`), whose clients under an ACTIVE mandate they see. Both sorted, without repeats.
   */
  async enterpriseReach(): Promise<EnterpriseReach> {
    const grants = await this.grants();
    const ids = (list: readonly AssignmentGrant[]) => [...new Set(list.map((g) => g.enterpriseId))].sort((a, b) => a - b);
    return { own: ids(grants), providers: ids(grants.filter(isProviderStaff)) };
  }

  /** What the viewer sees now, as the index of live subscribers keeps it: from the same reads as `visibleEnterpriseIds`. */
  async liveSight(): Promise<LiveSight> {
    const [visible, grants] = await Promise.all([this.visibleEnterpriseIds(), this.grants()]);
    return { visible, providerStaffOf: new Set(grants.filter(isProviderStaff).map((g) => g.enterpriseId)) };
  }

  /** What the viewer's own roles let them see of the enterprise (visibility.ts). */
  sight(enterpriseId: number): Promise<Sight> {
    let sight = this.sights.get(enterpriseId);
    if (!sight) {
      sight = this.grants().then((grants) => sightOf(grants, enterpriseId));
      this.sights.set(enterpriseId, sight);
    }
    return sight;
  }

  /** May the viewer see who the enterprise's legal representatives and main access manager are? */
  async seesLeadershipOf(enterpriseId: number): Promise<boolean> {
    return seesLeadership(await this.sight(enterpriseId));
  }

  /** May the viewer see the enterprise's own configuration (the e-Box's address and who activated it)? */
  async seesConfigurationOf(enterpriseId: number): Promise<boolean> {
    return seesEnterpriseConfiguration(await this.sight(enterpriseId));
  }

  /** The configurations of the enterprise's capacities that the viewer may see: those of the capacities they configure. */
  async visibleCapacityConfigurations<T extends { capacityCode: string }>(
    enterpriseId: number,
    configurations: readonly T[],
  ): Promise<T[]> {
    const sight = await this.sight(enterpriseId);
    return configurations.filter((c) => seesCapacityConfiguration(sight, c.capacityCode));
  }

  isViewer(personId: number): boolean {
    return this.viewer?.id === personId;
  }

  /**
   * What of the enterprise's expiring rights the viewer may list (Enterprise.expiringSoon): the people who may manage
   * them. Legal representatives and the main access manager: every assignment and the mandates as client; an access
   * manager: the assignments held in their own capacities, no mandate; anyone else: null (refused).
   */
  async expiringScope(enterpriseId: number): Promise<{ capacities: readonly string[] | null; mandates: boolean } | null> {
    if (!this.viewer) return null;
    const sight = await this.sight(enterpriseId);
    if (sight.full) return { capacities: null, mandates: true };
    if (sight.managedCapacities.size > 0) return { capacities: [...sight.managedCapacities].sort(), mandates: false };
    return null;
  }

  /** The current assignments of the enterprise that the viewer may list. */
  async assignmentScope(enterpriseId: number): Promise<AssignmentScope> {
    if (!this.viewer) return { kind: "none" };
    return assignmentScope(await this.sight(enterpriseId), this.viewer.id);
  }

  async canSeeAssignment(assignment: {
    enterpriseId: number;
    personId: number;
    role: Role;
    capacityCode: string | null;
  }): Promise<boolean> {
    if (this.isViewer(assignment.personId)) return true;
    return scopeIncludes(await this.assignmentScope(assignment.enterpriseId), assignment);
  }

  /**
   * May the viewer see this person where the enterprise names them (who granted, configured or activated something
   * there)? Themself; anyone to its legal representatives and main access manager; to other members, the people
   * whose current assignments there they may list. Never a person of the other party of a mandate.
   */
  async canSeePersonIn(enterpriseId: number, personId: number): Promise<boolean> {
    if (this.isViewer(personId)) return true;
    const scope = await this.assignmentScope(enterpriseId);
    if (scope.kind !== "some") return scope.kind === "all";
    const held = await this.loaders.assignmentsOfPerson.load(personId);
    return held.some((a) => a.enterpriseId === enterpriseId && scopeIncludes(scope, a));
  }

  /** The mandates of the enterprise's clients or service providers that the viewer may list (visibility.ts). */
  async mandateScope(enterpriseId: number, side: "clients" | "providers"): Promise<MandateScope> {
    if (!this.viewer) return { kind: "none" };
    const [own, grants] = await Promise.all([this.sight(enterpriseId), this.grants()]);
    return mandateScope(side, own, grants);
  }

  async canSeeMandate(mandate: Pick<ServiceProviderMandate, "clientId" | "providerId">): Promise<boolean> {
    const [client, provider] = await Promise.all([this.sight(mandate.clientId), this.sight(mandate.providerId)]);
    return seesMandate(client, provider);
  }

  /**
   * May the viewer see this person on their own, outside any enterprise (`node(id:)`)? A person has no enterprise
   * context, so the rule is the narrowest one the other fields allow: themself, or someone holding a current
   * assignment the viewer may list (what `roleAssignments` and `Person.roles` would show them). People the viewer
   * meets only as who granted, configured or appointed something stay reachable through those fields alone.
   */
  async canSeePerson(personId: number): Promise<boolean> {
    if (this.isViewer(personId)) return true;
    if (!this.viewer) return false;
    const held = await this.loaders.assignmentsOfPerson.load(personId);
    const verdicts = await Promise.all(held.map((a) => this.canSeeAssignment(a)));
    return verdicts.includes(true);
  }

  /** An e-Box message, as `enterprise(number) { eBox { messages } }` shows it: the enterprise visible and USE_EBOX there. */
  async canSeeEBoxMessage(message: Pick<EBoxMessage, "enterpriseId">): Promise<boolean> {
    const enterprise = await this.loaders.enterprise.load(message.enterpriseId);
    if (!enterprise || !(await this.canSee(enterprise))) return false;
    return (await this.decide(enterprise, "USE_EBOX")).allowed;
  }

  /**
   * An audit event, as `enterprise(number) { auditTrail }` shows it: the enterprise visible and the viewer one of its
   * audit readers. Events outside any enterprise (UPDATE_MY_ACCOUNT) are on no trail, so no one sees them this way.
   */
  async canSeeAuditEvent(event: Pick<AuditEvent, "enterpriseId">): Promise<boolean> {
    const enterprise = event.enterpriseId === null ? null : await this.loaders.enterprise.load(event.enterpriseId);
    if (!enterprise || !(await this.canSee(enterprise))) return false;
    return this.canReadAuditTrail(enterprise);
  }

  /**
   * May the viewer learn of this change (Subscription.accessChanged)? Asked per change by an access layer made for it,
   * so with the viewer's roles as they are now, not when they subscribed. A change of the viewer's own roles is theirs
   * to know, even where it ends their sight of the enterprise. Otherwise the enterprise must be visible to them, and
   * the change is seen as the queries show what it changed: an assignment by those who may list it, a mandate by those
   * who see it, status and capacities by whoever sees the enterprise, the e-Box and the register's legal
   * representatives by its members.
   */
  async seesChange(change: AccessChange): Promise<boolean> {
    if (!this.viewer) return false;
    if (this.isOwnChange(change)) return true;
    const enterprise = await this.loaders.enterprise.load(change.enterpriseId);
    if (!enterprise || !(await this.canSee(enterprise))) return false;
    switch (change.kind) {
      case "ASSIGNMENT":
        return change.assignment
          ? this.canSeeAssignment({ enterpriseId: change.enterpriseId, ...change.assignment, role: change.assignment.role as Role })
          : false;
      case "MANDATE":
        return change.mandate ? this.canSeeMandate(change.mandate) : false;
      case "CAPACITY":
      case "STATUS":
        return true;
      case "EBOX":
      case "REGISTER":
        return (await this.sight(change.enterpriseId)).member;
      // Someone else's request: to those who may decide it, as Enterprise.accessRequests lists it.
      case "ACCESS_REQUEST":
        return change.accessRequest ? this.decidesAccessRequests(enterprise, change.accessRequest.capacityCode) : false;
      // A review that started: to those who see it, as accessReview(id) shows it (its reviewers, the enterprise's leaders).
      case "ACCESS_REVIEW": {
        if (!change.accessReview) return false;
        const review = { reviewers: change.accessReview.reviewers as AccessReviewerKind, capacities: change.accessReview.capacities };
        return seesReview(await reviewItemSight(this, enterprise, review, [...this.catalog.capacities.keys()]));
      }
    }
  }

  /**
   * Does the change alter what the viewer may do (accessChanged without an enterprise)? Their own roles; a mandate of
   * a provider whose staff they are; the status, capacities or e-Box of an enterprise they see (their decisions there
   * depend on it). Ask `seesChange` first: this says what concerns them, not what they may see.
   */
  async changesOwnRights(change: AccessChange): Promise<boolean> {
    if (!this.viewer) return false;
    if (this.isOwnChange(change)) return true;
    switch (change.kind) {
      // Others' assignments are not the viewer's rights; the register's own changes (a name, a default capacity) change
      // no one's rights (its new legal representatives are ASSIGNMENT changes).
      case "ASSIGNMENT":
      case "REGISTER":
      case "ACCESS_REQUEST":
      case "ACCESS_REVIEW":
        return false;
      case "MANDATE":
        return change.mandate ? (await this.sight(change.mandate.providerId)).providerStaff : false;
      case "CAPACITY":
      case "STATUS":
      case "EBOX":
        return (await this.visibleEnterpriseIds()).has(change.enterpriseId);
    }
  }

  /**
   * A change of an enterprise the viewer saw before it (`formerly`, the sight the live index kept) and no longer sees:
   * may they learn of it, before Subscription.accessChanged(enterprise:) completes? What they saw of such a change
   * until then: the enterprise's status and capacities, and the mandate through which they saw it as its provider's
   * staff. Their own change is `seesChange`'s; others' assignments, the e-Box and the register are not told.
   */
  seesChangeThatEndedSight(change: AccessChange, formerly: LiveSight): boolean {
    if (!this.viewer || !formerly.visible.has(change.enterpriseId)) return false;
    switch (change.kind) {
      case "STATUS":
      case "CAPACITY":
        return true;
      case "MANDATE":
        return change.mandate?.clientId === change.enterpriseId && formerly.providerStaffOf.has(change.mandate.providerId);
      case "ASSIGNMENT":
      case "EBOX":
      case "REGISTER":
      case "ACCESS_REQUEST":
      case "ACCESS_REVIEW":
        return false;
    }
  }

  private isOwnChange(change: AccessChange): boolean {
    const id = this.viewer?.id;
    return id !== undefined && (change.assignment?.personId === id || (change.personIds?.includes(id) ?? false));
  }

  /**
   * May the viewer decide access requests of this capacity of the enterprise (and so learn that they exist)? Those
   * whose roles hold MANAGE_USERS in it: its access managers and the main access manager. The enterprise's state is
   * not asked here: a decider of an enterprise that is not active is refused for it (FORBIDDEN) by the task's
   * decision, where anyone else is answered as for a request that does not exist. The table grants no management task
   * through a mandate, so a provider's staff decide no request of its clients.
   */
  async decidesAccessRequests(enterprise: Enterprise, capacity: string): Promise<boolean> {
    const own = (await this.grants()).filter((g) => g.enterpriseId === enterprise.id);
    return holdingTask(own, "MANAGE_USERS", capacity).length > 0;
  }

  /** The capacities of the catalog whose access requests the viewer may decide in the enterprise (as `decidesAccessRequests`). */
  async accessRequestCapacities(enterprise: Enterprise): Promise<string[]> {
    const codes = [...this.catalog.capacities.keys()].sort();
    const verdicts = await Promise.all(codes.map((code) => this.decidesAccessRequests(enterprise, code)));
    return codes.filter((_, i) => verdicts[i]);
  }

  /**
   * May the viewer read the national number of an access request's requester? Their own; once approved (the requester
   * is then a user the decider may list); before that only the enterprise's legal representatives and main access manager.
   */
  async seesRequesterSsin(request: { personId: number; status: string }, enterpriseId: number | null): Promise<boolean> {
    if (this.isViewer(request.personId)) return true;
    if (request.status === "APPROVED") return true;
    return enterpriseId !== null && (await this.sight(enterpriseId)).full;
  }

  /**
   * May the viewer learn that this assignment exists, where a mutation names it by id? Whoever sees its enterprise
   * (they are then refused, if they are, for the task they lack), and its holder. Anyone else is answered as for an id
   * that does not exist, so that an id tells nothing of an enterprise they cannot see.
   */
  async knowsOfAssignment(assignment: Pick<RoleAssignment, "enterpriseId" | "personId">): Promise<boolean> {
    return this.isViewer(assignment.personId) || (await this.visibleEnterpriseIds()).has(assignment.enterpriseId);
  }

  /** May the viewer learn that this mandate exists (as `knowsOfAssignment`)? Whoever sees its client, and whoever sees the mandate itself. */
  async knowsOfMandate(mandate: Pick<ServiceProviderMandate, "clientId" | "providerId">): Promise<boolean> {
    return (await this.visibleEnterpriseIds()).has(mandate.clientId) || this.canSeeMandate(mandate);
  }

  /**
   * Whether `enterprise` is among `visibleEnterpriseIds`, without reading them all when they are not at hand: one of
   * the viewer's own, or a client under a mandate ACTIVE now of a provider whose staff they are, found among the
   * enterprise's own mandates as client (a few), not among the providers' (50,000 for a large social secretariat).
   */
  async canSee(enterprise: Enterprise): Promise<boolean> {
    if (this.visible) return (await this.visible).has(enterprise.id);
    const { own, providers } = await this.enterpriseReach();
    if (own.includes(enterprise.id)) return true;
    if (providers.length === 0) return false;
    const mandates = await this.loaders.mandatesAsClient.load(enterprise.id);
    return mandates.some((m) => m.status === "ACTIVE" && providers.includes(m.providerId));
  }

  /** The enterprise with this number if the viewer may see it; NOT_FOUND otherwise (existence is not disclosed). */
  async visibleEnterprise(number: string): Promise<Enterprise> {
    const enterprise = await this.loaders.enterpriseByNumber.load(number);
    if (!enterprise || !(await this.canSee(enterprise))) throw new NotFoundError(message("notFound.enterpriseNotVisible"));
    return enterprise;
  }
}
