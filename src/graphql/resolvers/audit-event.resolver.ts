import { Ctx, FieldResolver, ID, Resolver, Root } from "type-graphql";
import type { Context } from "../../context";
import { AuditEvent, Enterprise, Person } from "../../domain/entities";
import { encodeGlobalId } from "../global-ids";
import { nodeIdDescription } from "../../domain/node.type";

@Resolver(() => AuditEvent)
export class AuditEventResolver {
  @FieldResolver(() => ID, { description: nodeIdDescription })
  nodeId(@Root() e: AuditEvent): string {
    return encodeGlobalId("AuditEvent", e.id);
  }

  @FieldResolver(() => Person, {
    nullable: true,
    description: "Who performed the action; null for the system (the register import) and to those who may not see that person.",
  })
  async actor(@Root() e: AuditEvent, @Ctx() { access, loaders }: Context): Promise<Person | null> {
    return e.actorId && e.enterpriseId && (await access.canSeePersonIn(e.enterpriseId, e.actorId)) ? loaders.person.load(e.actorId) : null;
  }

  @FieldResolver(() => Enterprise, {
    nullable: true,
    description: "The enterprise acted on; null for actions outside any enterprise (e.g. UPDATE_MY_ACCOUNT).",
  })
  async enterprise(@Root() e: AuditEvent, @Ctx() { loaders }: Context): Promise<Enterprise | null> {
    return e.enterpriseId ? loaders.enterprise.load(e.enterpriseId) : null;
  }
}
