import { FieldResolver, ID, Resolver, Root } from "type-graphql";
import { EBoxMessage } from "../entities";
import { encodeGlobalId } from "../global-ids";
import { nodeIdDescription } from "../types/node.type";

@Resolver(() => EBoxMessage)
export class EBoxMessageResolver {
  @FieldResolver(() => ID, { description: nodeIdDescription })
  nodeId(@Root() m: EBoxMessage): string {
    return encodeGlobalId("EBoxMessage", m.id);
  }
}
