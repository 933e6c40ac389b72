import { Arg, Ctx, Int, Query, Resolver } from "type-graphql";
import { isProviderStaff } from "../../access/visibility";
import type { Context } from "../../context";
import { dialectOf } from "../../database/dialect";
import { Enterprise } from "../../domain/entities";
import type { Role } from "../../domain/roles";
import { EnterpriseNumberScalar } from "../../domain/scalars";
import { BadUserInputError } from "../../errors";
import { message } from "../../i18n/messages";
import { accessDeltaPage, maxDeltaEnterprises, maxDeltaPageSize, type DeltaItem, type DeltaSight } from "../../read/access-delta";
import { pageSize } from "../../read/read-models";
import { AccessDelta, AccessDeltaRemoval, type AccessDeltaItem } from "../types/access-delta.type";

/** The access layer of the request, as the delta asks it (src/read/access-delta.ts): its rules, not a copy. */
function sightOf({ access, viewer }: Context): DeltaSight {
  return {
    viewerId: viewer!.id,
    visibleEnterpriseIds: () => access.visibleEnterpriseIds(),
    ownAssignments: () => access.grants(),
    isProviderStaffRole: (a) => isProviderStaff({ role: a.role as Role, capacityCode: a.capacityCode }),
    providerStaff: async (id) => (await access.sight(id)).providerStaff,
    assignmentsVisible: async (id) => {
      const scope = await access.assignmentScope(id);
      return scope.kind === "none" ? "none" : scope.kind === "all" ? null : { personId: scope.personId, capacities: scope.capacities };
    },
    canSeeAssignment: (a) => access.canSeeAssignment(a),
    canSeeMandate: (m) => access.canSeeMandate(m),
  };
}

function itemOf(item: DeltaItem): typeof AccessDeltaItem {
  if (item.kind !== "REMOVED") return item.value;
  return Object.assign(new AccessDeltaRemoval(), { kind: item.removed.kind, id: String(item.removed.id) });
}

@Resolver()
export class AccessDeltaResolver {
  @Query(() => AccessDelta, {
    description:
      "Delta sync for back-ends (as Microsoft Graph's delta query). Without `token`: a full sync of what you may see (enterprises, their capacities and e-Box, mandates, the role assignments `roleAssignments` shows you), page by page while `nextToken` is set, then a `deltaToken`. With a token: the changes since (CREATED, UPDATED, REMOVED), page by page, then a new `deltaToken`. An expired, altered or foreign token answers SYNC_TOKEN_EXPIRED: start over without one.",
  })
  async accessDelta(
    @Arg("enterprises", () => [EnterpriseNumberScalar], {
      nullable: true,
      description: `Only these enterprises (at most ${maxDeltaEnterprises}); all you see when omitted. With a token, omit it or send the same list.`,
    })
    enterprises: string[] | null | undefined,
    @Arg("token", () => String, {
      nullable: true,
      description: "A `nextToken` or `deltaToken` of a previous answer; omit it for a full sync.",
    })
    token: string | null | undefined,
    @Arg("first", () => Int, {
      nullable: true,
      defaultValue: maxDeltaPageSize,
      description: `How many items a page holds at most, 0 to ${maxDeltaPageSize}.`,
    })
    first: number | null | undefined,
    @Ctx() context: Context,
  ): Promise<AccessDelta> {
    const size = pageSize(first ?? maxDeltaPageSize);
    const named = enterprises ? [...new Set(enterprises)] : null;
    if (named && named.length > maxDeltaEnterprises)
      throw new BadUserInputError("enterprises", message("input.deltaEnterprises", { max: maxDeltaEnterprises }));
    // An enterprise that does not exist is named like one the caller cannot see: it lists nothing.
    const enterpriseIds = named
      ? (await context.loaders.enterpriseByNumber.loadMany(named))
          .filter((e): e is Enterprise => e instanceof Enterprise || (e !== null && !(e instanceof Error)))
          .map((e) => e.id)
          .sort((a, b) => a - b)
      : null;
    const page = await accessDeltaPage(
      {
        manager: context.readManager,
        dialect: dialectOf(context.dataSource),
        loaders: context.loaders,
        roleAssignmentPages: context.roleAssignmentPages,
        sight: sightOf(context),
        now: context.now,
        retentionDays: context.delta.retentionDays,
        settleSeconds: context.delta.settleSeconds,
      },
      { token: token ?? null, enterpriseIds, size },
    );
    if (token && enterpriseIds && JSON.stringify(enterpriseIds) !== JSON.stringify(page.enterpriseIds))
      throw new BadUserInputError("enterprises", message("input.deltaEnterprises", { max: maxDeltaEnterprises }));
    return Object.assign(new AccessDelta(), {
      changes: page.changes.map((c) => ({ change: c.change, at: c.at, enterprise: c.enterprise.number, item: itemOf(c.item) })),
      nextToken: page.nextToken,
      deltaToken: page.deltaToken,
    });
  }
}
