import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import { randomBytes } from "node:crypto";
import { mergeConsistencyTokens, type ConsistencyToken } from "../database/consistency-token";
import { primaryReader } from "../database/readers";
import { messageLanguageFor, readInsideDryRun, refreshAfterWrite, type Context, type StandIn } from "../context";
import { BadUserInputError, ConflictError, type ConflictReason } from "../errors";
import { BulkUsersResult } from "../graphql/types/bulk-result.type";
import type { BulkOutcome } from "./bulk-items";
import {
  AccessRequest,
  AccessReview,
  AccessReviewItem,
  defaultLanguage,
  EBoxMessage,
  Enterprise,
  Person,
  RoleAssignment,
  ServiceProviderMandate,
  StructuredMessagingConfig,
} from "../domain/entities";
import { EBoxModel, EnterpriseCapacityModel } from "../read/read-models";
import { DateTimeScalar, EnterpriseNumberScalar } from "../domain/scalars";
import { holdAction, previewAction, runAction } from "./action";
import { claimKey, type StoredRequest } from "../database/idempotent-requests";
import {
  ActivateEBoxInput,
  AddUserInput,
  AddUsersInput,
  RemoveUsersInput,
  AppointAccessManagerInput,
  AppointMainAccessManagerInput,
  AppointServiceProviderInput,
  ConfigureStructuredMessagingInput,
  DeleteEnterpriseAccessInput,
  SetUserOnlineServicesInput,
  SetUsersOnlineServicesInput,
  StartAccessReviewInput,
  UpdateMyAccountInput,
  RequestAccessInput,
} from "./mutation.inputs";
import { AccessReviewDecisionEnum } from "../domain/enums";
import type { AccessReviewDecision } from "../domain/states";
import { mutationActions } from "./registry";
import type { MutationAction } from "./mutation-action";
import { formatMessage, message } from "../i18n/messages";
import { peopleBySsin } from "./upsert-person";
import { validPerson, type PersonInput } from "./valid-input";
import type { Access } from "../access/access";
import type { EntityManager } from "typeorm";

/**
 * Runs a management action for the caller; the shield has already checked the task, the action checks it again under
 * lock. A dry run does the same, but its transaction stays open while the answer is read inside it, and is rolled
 * back before the response leaves (src/http/dry-run.ts), which then carries the audit event it would have written.
 */
async function run<I, T>(
  context: Context,
  declared: MutationAction<I, T>,
  input: I,
  dryRun: boolean | null | undefined,
  {
    person,
    people,
  }: {
    person?: PersonInput;
    /** A bulk call's people: all those sent, and those of the items it did (a preview stands in for those only). */
    people?: { sent: readonly PersonInput[]; done: (result: T) => readonly PersonInput[] };
  } = {},
): Promise<T> {
  const action = (scope: Parameters<typeof declared>[0]) => declared(scope, input);
  const options = {
    dataSource: context.dataSource,
    viewer: context.viewer!,
    catalog: context.catalog,
    requestId: context.requestId,
    deadline: context.deadline,
    clock: context.clock,
    changes: context.changes,
    accessRequests: context.accessRequests,
    committed: (state: ConsistencyToken) => {
      context.committedState = mergeConsistencyTokens(context.committedState, state);
    },
  };
  // A later action of the same operation would wait for the dry run's open transaction, which ends only with the response.
  if (context.dryRun) throw new BadUserInputError("dryRun", message("input.dryRunNotLast"));
  if (dryRun && context.batched) throw new BadUserInputError("dryRun", message("input.dryRunInBatch"));
  const idempotency = context.idempotency;
  if (!dryRun && idempotency?.armed) {
    // Refused before the operation ran (src/http/idempotency.ts); kept here because a second action would wait for ever.
    if (idempotency.held || idempotency.replay) throw new BadUserInputError("Idempotency-Key", message("input.idempotencyKeyOneChange"));
    const { requestHash, expiresAt } = idempotency.armed;
    const place = { viewerId: context.viewer!.id, key: idempotency.key };
    const claim = async (em: EntityManager) => {
      const stored = await claimKey(em, place, { requestHash, now: context.clock.now(), expiresAt });
      if (stored) throw new KeyClaimed(stored);
    };
    let held;
    try {
      held = await holdAction({ ...options, claim }, action);
    } catch (error) {
      if (!(error instanceof KeyClaimed)) throw error;
      // src/http/idempotency.ts answers the stored request instead of this error, which only a failure there would show.
      idempotency.replay = error.stored;
      throw new ConflictError("CONCURRENT_UPDATE", message("conflict.concurrentUpdate"));
    }
    // Set before anything else can fail: src/http/idempotency.ts commits or ends the transaction whatever happens next.
    idempotency.held = held;
    // The answer is read inside the transaction it is stored in: what the change left, before anyone else's.
    await readInsideDryRun(context, held.em);
    return held.result;
  }
  if (!dryRun) {
    const result = await runAction(options, action);
    refreshAfterWrite(context);
    return result;
  }
  // Whether the person existed is asked of the primary (a replica behind would call them new); whom the caller saw, of
  // the request's own access layer (behind, it sees fewer: more stand-ins, never fewer).
  const before = { access: context.access, reader: primaryReader(context.dataSource).manager };
  // Who existed is read before the preview writes: on SQLite the reader shares the preview's one connection.
  const known = await peopleBySsin(before.reader, person ? [person.ssin] : (people?.sent.map((p) => p.ssin) ?? []));
  const preview = await previewAction(options, action);
  // Set before anything else can fail: src/http/dry-run.ts ends the transaction whatever happens next.
  context.dryRun = { auditEvents: preview.auditEvents, end: preview.end, accessBefore: before.access, standIns: [] };
  const sent = person ? [validPerson(person, "input.person")] : (people?.done(preview.result) ?? []);
  context.dryRun.standIns = await standInsFor(before.access, preview.em, { sent, known }, context.now);
  await readInsideDryRun(context, preview.em, context.dryRun.standIns);
  return preview.result;
}

/** Another request with the same key committed first, while this one's claim waited for it: its stored request. */
class KeyClaimed extends Error {
  constructor(readonly stored: StoredRequest) {
    super("The Idempotency-Key was claimed by another request");
  }
}

/**
 * A preview that names someone by national number must not tell, without a trace, who exists nor their names: a person
 * who existed before it and whom the caller could not see (Access.canSeePerson, as `node(id:)` reads a person:
 * themself, or someone holding an assignment the caller may list) is shown as someone new would be, with the names
 * the caller sent and an id no one has (a row inserted for it in the transaction that is rolled back: the id a new
 * person would get, on either database). The real action answers the stored names and id: the person then holds a
 * role the caller sees, and its audit event says who asked.
 */
async function standInsFor(
  access: Access,
  em: EntityManager,
  { sent, known }: { sent: readonly PersonInput[]; known: ReadonlyMap<string, Person> },
  now: Date,
): Promise<StandIn[]> {
  const hidden = await Promise.all(
    sent.map(async (person) => {
      const existing = known.get(person.ssin);
      return existing && !(await access.canSeePerson(existing.id)) ? { person, existing } : null;
    }),
  );
  const standIns: StandIn[] = [];
  for (const found of hidden) {
    if (!found) continue;
    const { person, existing } = found;
    const names = { givenName: person.givenName, familyName: person.familyName };
    // Eleven characters like a national number, never one (a letter), unique among concurrent previews.
    const placeholder = `p${randomBytes(5).toString("hex")}`;
    const { identifiers } = await em.insert(Person, {
      ssin: placeholder,
      ...names,
      email: null,
      phone: null,
      language: defaultLanguage,
      createdAt: now,
    });
    standIns.push({ personId: existing.id, shown: em.create(Person, { ...existing, ...names, id: Number(identifiers[0].id) }) });
  }
  return standIns;
}

const dryRunArg = {
  nullable: true,
  defaultValue: false,
  description:
    "Preview: run the same checks and writes, answer the same, with the audit event it would write in extensions.dryRun, then roll everything back. Refused exactly as the real action would be.",
};

const atomicArg = {
  nullable: true,
  defaultValue: true,
  description:
    "true (the default): all or nothing, the first refused item refuses the call (its `index` and `field` in the error's extensions) and nothing is written. false: each refused item is answered with its error, the others are done.",
};

/** A bulk action's outcome as the API answers it: errors worded in the request's language. */
function bulkResult(context: Context, { atomic, items }: BulkOutcome<RoleAssignment>): BulkUsersResult {
  const language = messageLanguageFor(context, null);
  const results = items.map(({ index, result, error }) => ({
    index,
    assignment: result,
    error: error && {
      code: error.code,
      reason: (error.extensions.reason as ConflictReason | undefined) ?? null,
      field: String(error.extensions.field),
      messageKey: error.localized.key,
      message: formatMessage(error.localized, language),
    },
  }));
  const refused = results.filter((item) => item.error).length;
  return { atomic, done: results.length - refused, refused, items: results };
}

/** The people a bulk addition sent, of the items it did: a preview shows those the caller could not see as someone new. */
const peopleOf = (input: AddUsersInput) => ({
  sent: input.users.map((user) => user.person),
  done: ({ items }: BulkOutcome<RoleAssignment>): PersonInput[] =>
    items.flatMap(({ index, result }) => (result ? [validPerson(input.users[index].person, `input.users[${index}].person`)] : [])),
});

const enterpriseArg = { description: "The enterprise to act in, by its enterprise number." };
const assignmentArg = { description: "The role assignment's id." };
const accessRequestArg = { description: "The access request's id." };

/**
 * One mutation per management action: the GraphQL declaration (arguments, descriptions) of each action of
 * src/management/registry.ts, which calls it with its arguments and returns its result. What each one needs, the task
 * and where, is in the action's own declaration; the shield's rule and the action's decision are both built from it.
 */
@Resolver()
export class MutationResolver {
  @Mutation(() => RoleAssignment, {
    description:
      "Legal representative: appoint the enterprise's main access manager, replacing the current one. A REGISTERED enterprise becomes PENDING_ACTIVATION.",
  })
  appointMainAccessManager(
    @Arg("input", () => AppointMainAccessManagerInput, { description: "Where and whom." }) input: AppointMainAccessManagerInput,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return run(ctx, mutationActions.appointMainAccessManager, input, dryRun, { person: input.person });
  }

  @Mutation(() => ServiceProviderMandate, {
    description: "Legal representative: let another enterprise's staff act for this one in a capacity.",
  })
  appointServiceProvider(
    @Arg("input", () => AppointServiceProviderInput, { description: "Client, provider and capacity." }) input: AppointServiceProviderInput,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return run(ctx, mutationActions.appointServiceProvider, input, dryRun);
  }

  @Mutation(() => ServiceProviderMandate, { description: "Legal representative of the client: end a service-provider mandate." })
  endServiceProviderMandate(
    @Arg("mandate", () => ID, { description: "The mandate's id." }) mandate: string,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return run(ctx, mutationActions.endServiceProviderMandate, { mandate }, dryRun);
  }

  @Mutation(() => EBoxModel, { description: "Legal representative: activate the enterprise's e-Box, once; it receives a welcome message." })
  activateEBox(
    @Arg("input", () => ActivateEBoxInput, { description: "The enterprise and its notification address." }) input: ActivateEBoxInput,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return run(ctx, mutationActions.activateEBox, input, dryRun);
  }

  @Mutation(() => Enterprise, {
    description: "Legal representative: delete the enterprise's access. Nothing is physically deleted: history stays in the audit trail.",
  })
  deleteEnterpriseAccess(
    @Arg("input", () => DeleteEnterpriseAccessInput, { description: "The enterprise and the reason." }) input: DeleteEnterpriseAccessInput,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return run(ctx, mutationActions.deleteEnterpriseAccess, input, dryRun);
  }

  @Mutation(() => Enterprise, {
    description: "Main access manager: activate the enterprise's account (PENDING_ACTIVATION becomes ACTIVE) and its default capacity.",
  })
  activateEnterpriseAccount(
    @Arg("enterprise", () => EnterpriseNumberScalar, enterpriseArg) enterprise: string,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return run(ctx, mutationActions.activateEnterpriseAccount, { enterprise }, dryRun);
  }

  @Mutation(() => EnterpriseCapacityModel, { description: "Main access manager: activate a capacity of the catalog for the enterprise." })
  activateCapacity(
    @Arg("enterprise", () => EnterpriseNumberScalar, enterpriseArg) enterprise: string,
    @Arg("capacity", () => String, { description: "The capacity code to activate, from Query.capacities." }) capacity: string,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return run(ctx, mutationActions.activateCapacity, { enterprise, capacity }, dryRun);
  }

  @Mutation(() => RoleAssignment, { description: "Main access manager: appoint an access manager of an active capacity." })
  appointAccessManager(
    @Arg("input", () => AppointAccessManagerInput, { description: "Where, in which capacity, and whom." }) input: AppointAccessManagerInput,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return run(ctx, mutationActions.appointAccessManager, input, dryRun, { person: input.person });
  }

  @Mutation(() => RoleAssignment, { description: "Main access manager: revoke an access manager; answers the ended assignment." })
  revokeAccessManager(
    @Arg("assignment", () => ID, assignmentArg) assignment: string,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return run(ctx, mutationActions.revokeAccessManager, { assignment }, dryRun);
  }

  @Mutation(() => RoleAssignment, {
    description: "Main access manager or access manager of the capacity: add a user with the online services granted.",
  })
  addUser(
    @Arg("input", () => AddUserInput, { description: "Where, in which capacity, whom, and which online services." }) input: AddUserInput,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return run(ctx, mutationActions.addUser, input, dryRun, { person: input.person });
  }

  @Mutation(() => RoleAssignment, {
    description: "Main access manager or access manager of the capacity: replace the online services granted to a user.",
  })
  setUserOnlineServices(
    @Arg("input", () => SetUserOnlineServicesInput, { description: "The user's assignment and the online services." })
    input: SetUserOnlineServicesInput,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return run(ctx, mutationActions.setUserOnlineServices, input, dryRun);
  }

  @Mutation(() => RoleAssignment, {
    description: "Main access manager or access manager of the capacity: remove a user; answers the ended assignment.",
  })
  removeUser(
    @Arg("assignment", () => ID, assignmentArg) assignment: string,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return run(ctx, mutationActions.removeUser, { assignment }, dryRun);
  }

  @Mutation(() => BulkUsersResult, {
    description:
      "Main access manager or access manager of the capacity: add up to 1,000 users to one capacity at once, each as addUser would (one audit event each, MANAGE_USERS decided once).",
  })
  async addUsers(
    @Arg("input", () => AddUsersInput, { description: "Where, in which capacity, and whom with which online services." })
    input: AddUsersInput,
    @Arg("atomic", () => Boolean, atomicArg) atomic: boolean | null,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ): Promise<BulkUsersResult> {
    return bulkResult(ctx, await run(ctx, mutationActions.addUsers, { ...input, atomic }, dryRun, { people: peopleOf(input) }));
  }

  @Mutation(() => BulkUsersResult, {
    description:
      "Main access manager or access manager of the capacity: replace the online services of up to 1,000 users of one capacity at once, each as setUserOnlineServices would.",
  })
  async setUsersOnlineServices(
    @Arg("input", () => SetUsersOnlineServicesInput, {
      description: "Where, in which capacity, and which users with which online services.",
    })
    input: SetUsersOnlineServicesInput,
    @Arg("atomic", () => Boolean, atomicArg) atomic: boolean | null,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ): Promise<BulkUsersResult> {
    return bulkResult(ctx, await run(ctx, mutationActions.setUsersOnlineServices, { ...input, atomic }, dryRun));
  }

  @Mutation(() => BulkUsersResult, {
    description:
      "Main access manager or access manager of the capacity: remove up to 1,000 users of one capacity at once, each as removeUser would; answers the ended assignments.",
  })
  async removeUsers(
    @Arg("input", () => RemoveUsersInput, { description: "Where, in which capacity, and which users." }) input: RemoveUsersInput,
    @Arg("atomic", () => Boolean, atomicArg) atomic: boolean | null,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ): Promise<BulkUsersResult> {
    return bulkResult(ctx, await run(ctx, mutationActions.removeUsers, { ...input, atomic }, dryRun));
  }

  @Mutation(() => AccessReview, {
    description:
      "Main access manager (APPOINT_ACCESS_MANAGER): start a review of every current user and access manager below the main access manager in the capacities named; answers the review.",
  })
  startAccessReview(
    @Arg("input", () => StartAccessReviewInput, { description: "Where, which capacities, the due date and the default decision." })
    input: StartAccessReviewInput,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return run(ctx, mutationActions.startAccessReview, input, dryRun);
  }

  @Mutation(() => AccessReviewItem, {
    description:
      "A reviewer (MANAGE_USERS in the item's capacity for a user, APPOINT_ACCESS_MANAGER for an access manager; never one's own role): keep or remove the role under review; REMOVE ends it at once as removeUser or revokeAccessManager would.",
  })
  decideAccessReviewItem(
    @Arg("id", () => ID, { description: "The item's id (AccessReview.items)." }) id: string,
    @Arg("decision", () => AccessReviewDecisionEnum, { description: "KEEP or REMOVE." }) decision: AccessReviewDecision,
    @Arg("validUntil", () => DateTimeScalar, {
      nullable: true,
      description:
        "With KEEP: a new expiry of the role, after now and at most 5 years ahead; omit it to leave the expiry as it is. Ignored with REMOVE.",
    })
    validUntil: Date | null | undefined,
    @Arg("note", () => String, {
      nullable: true,
      description: "Why, in plain text, at most 500 characters; kept with the item and in the audit trail.",
    })
    note: string | null | undefined,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return run(ctx, mutationActions.decideAccessReviewItem, { id, decision, validUntil, note }, dryRun);
  }

  @Mutation(() => AccessReview, {
    description:
      "Main access manager (APPOINT_ACCESS_MANAGER): complete an open review before its due date; the default decision applies to every item still pending, and a recurring review starts the next.",
  })
  completeAccessReview(
    @Arg("id", () => ID, { description: "The review's id." }) id: string,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return run(ctx, mutationActions.completeAccessReview, { id }, dryRun);
  }

  @Mutation(() => StructuredMessagingConfig, {
    description: "Access manager: configure the structured messages of a capacity; the sender number is assigned once and kept.",
  })
  configureStructuredMessaging(
    @Arg("input", () => ConfigureStructuredMessagingInput, { description: "Where, for which capacity, and how." })
    input: ConfigureStructuredMessagingInput,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return run(ctx, mutationActions.configureStructuredMessaging, input, dryRun);
  }

  @Mutation(() => EBoxMessage, { description: "User or access manager with USE_EBOX: mark an e-Box message read." })
  markEBoxMessageRead(
    @Arg("enterprise", () => EnterpriseNumberScalar, enterpriseArg) enterprise: string,
    @Arg("message", () => ID, { description: "The message's id." }) message: string,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return run(ctx, mutationActions.markEBoxMessageRead, { enterprise, message }, dryRun);
  }

  @Mutation(() => Person, { description: "Any authenticated person: change their own e-mail, phone or language." })
  updateMyAccount(
    @Arg("input", () => UpdateMyAccountInput, { description: "What to change." }) input: UpdateMyAccountInput,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return run(ctx, mutationActions.updateMyAccount, input, dryRun);
  }

  @Mutation(() => AccessRequest, {
    description:
      "Any authenticated person: ask for online services of a capacity of an enterprise. Answers the request, PENDING, whether or not the enterprise exists or anyone can decide it; while one is open for the same enterprise and capacity, answers that one unchanged. At most ACCESS_REQUESTS_PER_DAY a day (RATE_LIMITED).",
  })
  requestAccess(
    @Arg("input", () => RequestAccessInput, { description: "Which enterprise, capacity and online services, and a message." })
    input: RequestAccessInput,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return run(ctx, mutationActions.requestAccess, input, dryRun);
  }

  @Mutation(() => RoleAssignment, {
    description:
      "Main access manager or access manager of the request's capacity: approve an open access request, adding its requester as a user exactly as addUser would. Answers the new assignment. A request they may not decide is NOT_FOUND.",
  })
  approveAccessRequest(
    @Arg("id", () => ID, accessRequestArg) id: string,
    @Arg("onlineServices", () => [String], {
      nullable: true,
      description: "The online service codes granted, each of the request's capacity; omit it to grant those asked for.",
    })
    onlineServices: string[] | null,
    @Arg("validUntil", () => DateTimeScalar, {
      nullable: true,
      description: "The user's expiry: after now and at most 5 years ahead; omit it to keep the one asked for (if still ahead).",
    })
    validUntil: Date | null,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return run(ctx, mutationActions.approveAccessRequest, { id, onlineServices, validUntil }, dryRun);
  }

  @Mutation(() => AccessRequest, {
    description:
      "Main access manager or access manager of the request's capacity: deny an open access request. A request they may not decide is NOT_FOUND.",
  })
  denyAccessRequest(
    @Arg("id", () => ID, accessRequestArg) id: string,
    @Arg("reason", () => String, {
      nullable: true,
      description: "Why, for the requester: plain text, at most 500 characters. Omit it for none.",
    })
    reason: string | null,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return run(ctx, mutationActions.denyAccessRequest, { id, reason }, dryRun);
  }

  @Mutation(() => AccessRequest, {
    description: "The requester: withdraw their own open access request. Anyone else's request is NOT_FOUND.",
  })
  withdrawAccessRequest(
    @Arg("id", () => ID, accessRequestArg) id: string,
    @Arg("dryRun", () => Boolean, dryRunArg) dryRun: boolean | null,
    @Ctx() ctx: Context,
  ) {
    return run(ctx, mutationActions.withdrawAccessRequest, { id }, dryRun);
  }
}
