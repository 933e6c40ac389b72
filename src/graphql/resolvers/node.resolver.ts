import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import type { Access } from "../../access/access";
import { isCurrentAt } from "../../domain/validity";
import type { Context } from "../../context";
import { BadUserInputError } from "../../errors";
import {
  AccessReview,
  AccessReviewItem,
  AuditEvent,
  EBoxMessage,
  Enterprise,
  Person,
  RoleAssignment,
  ServiceProviderMandate,
} from "../../domain/entities";
import { reviewItemSight, seesReview, seesReviewItem } from "../../access/access-reviews";
import { decodeGlobalId, type NodeTypeName } from "../global-ids";
import type { Loaders } from "../../read/loaders";
import { asInstance } from "../../read/row-reader";
import { Node } from "../../domain/node.type";
import { message } from "../../i18n/messages";

/** The most ids one `nodes` call resolves: each id may cost a few look-ups, like an item of a page of 100. */
export const maxNodeIds = 100;

type Found = Enterprise | Person | RoleAssignment | ServiceProviderMandate | EBoxMessage | AuditEvent | AccessReview | AccessReviewItem;

/** A review and the viewer's sight of its items, as `Enterprise.accessReview(id)` decides it (src/access/access-reviews.ts). */
async function reviewSight({ access, loaders, catalog }: Context, review: AccessReview | null) {
  const enterprise = review && (await loaders.enterprise.load(review.enterpriseId));
  return enterprise ? reviewItemSight(access, enterprise, review, [...catalog.capacities.keys()]) : null;
}

/**
 * For each Node type: how to load its row, and the question the access layer answers for the field the global id
 * stands for (an Enterprise as `enterprise(number)` shows it, a RoleAssignment as `roleAssignments` does...).
 */
const fetchers: {
  [T in NodeTypeName]: (id: number, loaders: Loaders, access: Access, now: Date, context: Context) => Promise<Found | null>;
} = {
  Enterprise: async (id, loaders, access) => {
    const enterprise = await loaders.enterprise.load(id);
    return enterprise && (await access.canSee(enterprise)) ? enterprise : null;
  },
  Person: async (id, loaders, access) => ((await access.canSeePerson(id)) ? loaders.person.load(id) : null),
  RoleAssignment: async (id, loaders, access, now) => {
    const assignment = await loaders.assignment.load(id);
    // Only current assignments are listed anywhere (an expired one is ended); ended ones live on in the audit trail.
    return assignment && isCurrentAt(assignment, now) && (await access.canSeeAssignment(assignment)) ? assignment : null;
  },
  ServiceProviderMandate: async (id, loaders, access) => {
    const mandate = await loaders.mandate.load(id);
    return mandate && (await access.canSeeMandate(mandate)) ? mandate : null;
  },
  EBoxMessage: async (id, loaders, access) => {
    const message = await loaders.eBoxMessage.load(id);
    return message && (await access.canSeeEBoxMessage(message)) ? message : null;
  },
  AuditEvent: async (id, loaders, access) => {
    const event = await loaders.auditEvent.load(id);
    return event && (await access.canSeeAuditEvent(event)) ? event : null;
  },
  // As Enterprise.accessReview(id) shows it: to those who see at least one capacity's items of it.
  AccessReview: async (id, _loaders, _access, _now, context) => {
    const review = await context.readManager.findOneBy(AccessReview, { id });
    const sight = await reviewSight(context, review);
    return sight && seesReview(sight) ? review : null;
  },
  // As AccessReview.items lists it: every item to those who see every one, a reviewer's own capacities' users to them.
  AccessReviewItem: async (id, _loaders, _access, _now, context) => {
    const item = await context.readManager.findOneBy(AccessReviewItem, { id });
    const review = item && (await context.readManager.findOneBy(AccessReview, { id: item.reviewId }));
    const sight = await reviewSight(context, review);
    return item && sight && seesReview(sight) && seesReviewItem(sight, item) ? item : null;
  },
};

/** The class of each Node type: the loaders answer plain rows, and the interface's type is resolved by class. */
const classes: { [T in NodeTypeName]: abstract new () => Found } = {
  Enterprise,
  Person,
  RoleAssignment,
  ServiceProviderMandate,
  EBoxMessage,
  AuditEvent,
  AccessReview,
  AccessReviewItem,
};

/** Unknown, malformed and invisible ids all answer null, so that an answer never tells which it was. */
async function fetchNode(globalId: string, context: Context): Promise<Found | null> {
  const { access, loaders, now } = context;
  const decoded = decodeGlobalId(globalId);
  return decoded ? asInstance(classes[decoded.type], await fetchers[decoded.type](decoded.id, loaders, access, now, context)) : null;
}

/** Relay's refetch entry points. Who may call them is in src/graphql/shield.ts; what each id shows is asked of the access layer. */
@Resolver()
export class NodeResolver {
  @Query(() => Node, {
    nullable: true,
    description:
      "The object with this global id (`nodeId`), if the caller may see it where the API lists it; null for an unknown, malformed or invisible id alike.",
  })
  node(
    @Arg("id", () => ID, { description: "A global id, as `nodeId` returned it." }) id: string,
    @Ctx() context: Context,
  ): Promise<Found | null> {
    return fetchNode(id, context);
  }

  @Query(() => [Node], {
    nullable: "items",
    description: `The objects with these global ids, in the order asked, as \`node(id:)\` answers each (null where it would be null). At most ${maxNodeIds} ids.`,
  })
  nodes(
    @Arg("ids", () => [ID], { description: `Global ids, as \`nodeId\` returned them; at most ${maxNodeIds}.` }) ids: string[],
    @Ctx() context: Context,
  ): Promise<(Found | null)[]> {
    if (ids.length > maxNodeIds) throw new BadUserInputError("ids", message("input.tooManyIds", { max: maxNodeIds }));
    return Promise.all(ids.map((id) => fetchNode(id, context)));
  }
}
