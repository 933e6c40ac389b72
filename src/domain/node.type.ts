import { Field, ID, InterfaceType } from "type-graphql";

export const nodeIdDescription =
  "The object's global id: opaque, unique across all types; pass it to `node(id:)`. Not the `id` that mutations take.";

/**
 * Relay's object identification, on a field of its own. `id` keeps answering the database id as a string, as the v1
 * contract's clients and the mutations' `assignment`/`mandate`/`message` arguments expect; the global id is
 * `nodeId`, and Relay is told so with `schemaConfig.nodeInterfaceIdField: "nodeId"` (README, "Relay").
 */
@InterfaceType("Node", {
  description:
    'An object that can be fetched again by its global id alone, with `node(id:)` or `nodes(ids:)` (Relay\'s object identification). Relay: set `nodeInterfaceIdField: "nodeId"`.',
})
export abstract class Node {
  @Field(() => ID, { description: nodeIdDescription })
  nodeId: string;
}
