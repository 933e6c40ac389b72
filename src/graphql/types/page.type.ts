import { Field, Int, ObjectType, type ClassType } from "type-graphql";
import type { Edge, Page } from "../../read/read-models";

@ObjectType({
  description:
    "Where a page of a list stands: ask for the next page with `after: endCursor` while `hasNextPage` is true, or for the previous one with `last` and `before: startCursor` while `hasPreviousPage` is true. Both are exact whichever way one pages. Complete for Relay's `@connection`.",
  simpleResolvers: true,
})
export class PageInfo {
  @Field(() => Boolean, { description: "Whether items follow this page (after its last item), whichever way one pages." })
  hasNextPage: boolean;

  @Field(() => Boolean, { description: "Whether items precede this page (before its first item), whichever way one pages." })
  hasPreviousPage: boolean;

  @Field(() => String, {
    nullable: true,
    description: "The cursor of the first item of this page, to pass as `before`; null when the page is empty.",
  })
  startCursor: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The cursor of the last item of this page, to pass as `after`; null when the page is empty.",
  })
  endCursor: string | null;
}

type ConnectionPart = "edge" | "cursor" | "node" | "connection" | "edges" | "nodes" | "pageInfo" | "totalCount";

/**
 * The edge and connection types of a paginated list of `node` (`${name}Edge`, `${name}Connection`): one class per
 * GraphQL type, made by one function so that every list pages alike.
 */
export function connectionTypes<T extends object>(
  node: ClassType<T>,
  { name, items, described = {} }: { name: string; items: string; described?: Partial<Record<ConnectionPart, string>> },
): ClassType<Page<T>> {
  const description = (part: ConnectionPart, otherwise: string) => described[part] ?? otherwise;

  @ObjectType(`${name}Edge`, { description: description("edge", `One of the ${items} of a page, with its cursor.`), simpleResolvers: true })
  class EdgeType implements Edge<T> {
    @Field(() => String, {
      description: description(
        "cursor",
        "An opaque position in the list: pass it as `after` to get the items that follow this one, as `before` for those before it.",
      ),
    })
    cursor: string;

    @Field(() => node, { description: description("node", `One of the ${items}.`) })
    node: T;
  }

  @ObjectType(`${name}Connection`, {
    description: description("connection", `A page of the ${items}, with the total count across all pages.`),
    simpleResolvers: true,
  })
  class ConnectionType implements Page<T> {
    @Field(() => [EdgeType], { description: description("edges", `The ${items} of this page, in list order.`) })
    edges: EdgeType[];

    @Field(() => [node], { description: description("nodes", `The ${items} of this page, as in \`edges\` without their cursors.`) })
    nodes: T[];

    @Field(() => PageInfo, {
      description: description("pageInfo", "Whether there are pages after and before this one, and the cursors to ask for them."),
    })
    pageInfo: PageInfo;

    @Field(() => Int, {
      description: description(
        "totalCount",
        `How many ${items} there are across all pages. Counting costs the length of the list, a page only its size: select it when you need it (on the first page), not on every page.`,
      ),
    })
    totalCount: number;
  }

  return ConnectionType;
}
