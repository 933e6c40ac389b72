import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, FieldResolver, ID, Info, Int, Resolver, Root } from "type-graphql";
import { Brackets } from "typeorm";
import {
  reviewAsOf,
  reviewCapacities,
  reviewItemAsOf,
  reviewItemSight,
  seesReview,
  type ReviewItemSight,
} from "../../access/access-reviews";
import type { Context } from "../../context";
import { CatalogCapacity } from "../../domain/catalog";
import { AccessReview, AccessReviewItem, Enterprise, Person } from "../../domain/entities";
import { DateTimeScalar } from "../../domain/scalars";
import { keysetPage } from "../../read/keyset-page";
import type { Page } from "../../read/read-models";
import { asOf as past } from "./as-of";
import { encodeGlobalId } from "../global-ids";
import { nodeIdDescription } from "../../domain/node.type";
import { AccessReviewConnection, AccessReviewItemConnection } from "../types/connections";
import { beforeDescription, lastDescription, pageWindowOf } from "../page-arguments";

const firstDescription = "How many to return, 0 to 100.";
const afterDescription = "The `endCursor` of the previous page; omit it for the first page.";
const reviewAsOfDescription =
  "Answer as of this past instant: the reviews started by then, each with its status and items as they stood then (an item decided later is PENDING). Only for the enterprise's current legal representatives and main access manager (others: FORBIDDEN, reason NOT_HISTORY_READER); an instant in the future or before the gateway's records of the enterprise begin: BAD_USER_INPUT, field asOf.";

/** The instant a review was read as of (`asOf`): its items answer as of the same instant. */
const readAsOf = new WeakMap<AccessReview, Date>();

/** Each node of a page, as it stood then. */
function pageAsOf<T>(page: Page<T>, project: (node: T) => T): Page<T> {
  const edges = page.edges.map((edge) => ({ ...edge, node: project(edge.node) }));
  return { ...page, edges, nodes: edges.map((edge) => edge.node) };
}

/** The review as it stood at `at`, remembered with its instant for its items; null before it started. */
function reviewThen(review: AccessReview, at: Date): AccessReview | null {
  const then = reviewAsOf(review, at);
  if (then) readAsOf.set(then, at);
  return then;
}

/** The viewer's sight of a review's items, remembered for the request. */
async function sightOf(review: AccessReview, { access, catalog, loaders }: Context): Promise<ReviewItemSight | null> {
  const enterprise = await loaders.enterprise.load(review.enterpriseId);
  return enterprise ? reviewItemSight(access, enterprise, review, [...catalog.capacities.keys()]) : null;
}

/** The reviews of an enterprise, read under the review rules of src/access/access-reviews.ts. */
@Resolver(() => Enterprise)
export class EnterpriseAccessReviewsResolver {
  @FieldResolver(() => AccessReview, {
    nullable: true,
    description:
      "One access review of this enterprise, by id; null when there is none or the caller is not one of its reviewers (nor a legal representative or the main access manager).",
  })
  async accessReview(
    @Root() e: Enterprise,
    @Arg("id", () => ID, { description: "The review's id." }) id: string,
    @Arg("asOf", () => DateTimeScalar, { nullable: true, description: reviewAsOfDescription }) asOf: Date | null | undefined,
    @Ctx() context: Context,
  ) {
    // The instant is checked first: a bad `asOf` is refused whatever the id.
    const at = asOf ? (await past(context, e, asOf)).view.at : null;
    const number = Number(id);
    if (!Number.isSafeInteger(number) || number <= 0) return null;
    const review = await context.readManager.findOneBy(AccessReview, { id: number, enterpriseId: e.id });
    if (!review) return null;
    // The shield let only a current legal representative or main access manager ask `asOf`: they see every review.
    if (at) return reviewThen(review, at);
    const sight = await sightOf(review, context);
    return sight && seesReview(sight) ? review : null;
  }

  @FieldResolver(() => AccessReviewConnection, {
    description:
      "The enterprise's access reviews, newest first: all of them for its legal representatives and main access manager, those with items an access manager reviews for them; none for anyone else.",
  })
  async accessReviews(
    @Root() e: Enterprise,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50, description: firstDescription }) first: number | null | undefined,
    @Arg("after", () => String, { nullable: true, description: afterDescription }) after: string | null | undefined,
    @Arg("last", () => Int, { nullable: true, description: lastDescription }) last: number | null | undefined,
    @Arg("before", () => String, { nullable: true, description: beforeDescription }) before: string | null | undefined,
    @Arg("asOf", () => DateTimeScalar, { nullable: true, description: reviewAsOfDescription }) asOf: Date | null | undefined,
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<AccessReview>> {
    const { readManager, access, catalog } = context;
    const window = pageWindowOf({ first, after, last, before }, info);
    const query = readManager.createQueryBuilder(AccessReview, "row").where("row.enterprise_id = :id", { id: e.id });
    if (asOf) {
      // The shield let only a current legal representative or main access manager this far: they see every review.
      const { at } = (await past(context, e, asOf)).view;
      query.andWhere("row.started_at <= :at", { at });
      return pageAsOf(await keysetPage(query, { window, order: "DESC" }), (review) => reviewThen(review, at)!);
    }
    if (!(await access.seesConfigurationOf(e.id))) {
      // An access manager sees the reviews in which the users of a capacity they manage are reviewed by them.
      const capacities = [...catalog.capacities.keys()];
      const decided = await Promise.all(capacities.map((code) => access.decide(e, "MANAGE_USERS", code)));
      const managed = capacities.filter((_, i) => decided[i].allowed);
      if (managed.length === 0) query.andWhere("1 = 0");
      else
        query.andWhere("row.reviewers = 'CAPACITY_MANAGERS'").andWhere(
          new Brackets((q) => {
            q.where("row.capacities IS NULL");
            managed.forEach((code, i) => q.orWhere(`row.capacities LIKE :c${i}`, { [`c${i}`]: `%,${code},%` }));
          }),
        );
    }
    return keysetPage(query, { window, order: "DESC" });
  }
}

@Resolver(() => AccessReview)
export class AccessReviewResolver {
  @FieldResolver(() => ID, { description: nodeIdDescription })
  nodeId(@Root() r: AccessReview): string {
    return encodeGlobalId("AccessReview", r.id);
  }

  @FieldResolver(() => [CatalogCapacity], { description: "The capacities reviewed (every capacity of the catalog when none was named)." })
  capacities(@Root() r: AccessReview, @Ctx() { catalog }: Context): CatalogCapacity[] {
    return reviewCapacities(r, [...catalog.capacities.keys()]).map((code) => catalog.capacities.get(code)!);
  }

  @FieldResolver(() => AccessReviewItemConnection, {
    description:
      "The assignments under review that the caller may see: every item for the legal representatives and the main access manager, the items a reviewer may decide for the others (never their own). For a review read `asOf` a past instant, the items as they stood then.",
  })
  async items(
    @Root() r: AccessReview,
    @Arg("decided", () => Boolean, {
      nullable: true,
      description:
        "true: only items settled (KEPT, REMOVED, ALREADY_ENDED); false: only those PENDING; omit it for all. Of a review read `asOf`, settled or pending then.",
    })
    decided: boolean | null | undefined,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50, description: firstDescription }) first: number | null | undefined,
    @Arg("after", () => String, { nullable: true, description: afterDescription }) after: string | null | undefined,
    @Arg("last", () => Int, { nullable: true, description: lastDescription }) last: number | null | undefined,
    @Arg("before", () => String, { nullable: true, description: beforeDescription }) before: string | null | undefined,
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<AccessReviewItem>> {
    const sight = await sightOf(r, context);
    const query = context.readManager.createQueryBuilder(AccessReviewItem, "row").where("row.review_id = :id", { id: r.id });
    if (!sight) query.andWhere("1 = 0");
    else if (!sight.all) {
      if (sight.userCapacities.length === 0) query.andWhere("1 = 0");
      else
        query
          .andWhere("row.role = 'USER'")
          .andWhere("row.capacity_code IN (:...capacities)", { capacities: sight.userCapacities })
          .andWhere("row.person_id <> :viewer", { viewer: sight.exceptPersonId ?? 0 });
    }
    const window = pageWindowOf({ first, after, last, before }, info);
    const at = readAsOf.get(r);
    if (at) {
      // An item stands decided from its decision's instant on (ALREADY_ENDED too: found so at the review's completion).
      if (decided === true) query.andWhere("row.decided_at IS NOT NULL AND row.decided_at <= :at", { at });
      if (decided === false) query.andWhere("(row.decided_at IS NULL OR row.decided_at > :at)", { at });
      return pageAsOf(await keysetPage(query, { window, order: "ASC" }), (item) => reviewItemAsOf(item, at));
    }
    if (decided === true) query.andWhere("row.status <> 'PENDING'");
    if (decided === false) query.andWhere("row.status = 'PENDING'");
    return keysetPage(query, { window, order: "ASC" });
  }
}

@Resolver(() => AccessReviewItem)
export class AccessReviewItemResolver {
  @FieldResolver(() => ID, { description: nodeIdDescription })
  nodeId(@Root() i: AccessReviewItem): string {
    return encodeGlobalId("AccessReviewItem", i.id);
  }

  @FieldResolver(() => Person, { description: "Who holds the role under review." })
  person(@Root() i: AccessReviewItem, @Ctx() { loaders }: Context): Promise<Person> {
    return loaders.person.load(i.personId) as Promise<Person>;
  }

  @FieldResolver(() => CatalogCapacity, { description: "The capacity the role is held in." })
  capacity(@Root() i: AccessReviewItem, @Ctx() { catalog }: Context): CatalogCapacity {
    return catalog.capacities.get(i.capacityCode)!;
  }

  @FieldResolver(() => ID, { description: "The id of the role assignment under review (ended once REMOVED or ALREADY_ENDED)." })
  assignmentId(@Root() i: AccessReviewItem): string {
    return String(i.assignmentId);
  }
}
