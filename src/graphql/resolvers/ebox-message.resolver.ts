import { FieldResolver, ID, Resolver, Root } from "type-graphql";
import { EBoxMessage } from "../../domain/entities";
import { encodeGlobalId } from "../global-ids";
import { nodeIdDescription } from "../../domain/node.type";

@Resolver(() => EBoxMessage)
export class EBoxMessageResolver {
  @FieldResolver(() => ID, { description: nodeIdDescription })
  nodeId(@Root() m: EBoxMessage): string {
    return encodeGlobalId("EBoxMessage", m.id);
  }
}
