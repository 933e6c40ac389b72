import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, FieldResolver, Info, Int, Resolver, Root } from "type-graphql";
import type { Context } from "../../context";
import { EBoxMessage, Person, type EBox } from "../../domain/entities";
import { EBoxStatusEnum } from "../../domain/enums";
import { EBoxModel, type Page } from "../../read/read-models";
import { DateTimeScalar, type DateTime } from "../../domain/scalars";
import { EBoxMessageConnection } from "../types/connections";
import type { EBoxStatus } from "../../domain/states";
import { keysetPage } from "../../read/keyset-page";
import { beforeDescription, lastDescription, pageWindowOf } from "../page-arguments";

/** The e-Box's row when it is active and the viewer may see the enterprise's configuration. */
async function configuration(b: EBoxModel, { access }: Context): Promise<EBox | null> {
  return b.row?.status === "ACTIVE" && (await access.seesConfigurationOf(b.enterpriseId)) ? b.row : null;
}

@Resolver(() => EBoxModel)
export class EBoxResolver {
  @FieldResolver(() => EBoxStatusEnum, { description: "Whether the e-Box is activated." })
  status(@Root() b: EBoxModel): EBoxStatus {
    return b.row?.status ?? "NOT_ACTIVATED";
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true, description: "When it was activated; null while NOT_ACTIVATED." })
  activatedAt(@Root() b: EBoxModel): DateTime | null {
    return b.row?.status === "ACTIVE" ? b.row.activatedAt : null;
  }

  @FieldResolver(() => Person, {
    nullable: true,
    description: "Who activated it; only legal representatives and the main access manager see it, null to others.",
  })
  async activatedBy(@Root() b: EBoxModel, @Ctx() context: Context): Promise<Person | null> {
    const row = await configuration(b, context);
    return row?.activatedById ? context.loaders.person.load(row.activatedById) : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "Where new messages are announced; only legal representatives and the main access manager see it, null to others.",
  })
  async notificationEmail(@Root() b: EBoxModel, @Ctx() context: Context): Promise<string | null> {
    return (await configuration(b, context))?.notificationEmail ?? null;
  }

  // Newest first, as an inbox reads.
  @FieldResolver(() => EBoxMessageConnection, {
    description: "The messages, newest first. Readable with USE_EBOX once the e-Box is active.",
  })
  messages(
    @Root() b: EBoxModel,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50, description: "How many messages to return, 0 to 100." })
    first: number | null | undefined,
    @Arg("after", () => String, { nullable: true, description: "The `endCursor` of the previous page; omit it for the first page." })
    after: string | null | undefined,
    @Arg("last", () => Int, { nullable: true, description: lastDescription }) last: number | null | undefined,
    @Arg("before", () => String, { nullable: true, description: beforeDescription }) before: string | null | undefined,
    @Ctx() { readManager }: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<EBoxMessage>> {
    return keysetPage(readManager.createQueryBuilder(EBoxMessage, "row").where("row.enterprise_id = :id", { id: b.enterpriseId }), {
      window: pageWindowOf({ first, after, last, before }, info),
      order: "DESC",
    });
  }
}
