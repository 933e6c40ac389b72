import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";
import { pageWindow, type PageWindow } from "../read/read-models";

/** The descriptions of the backward arguments, the same on every connection. */
export const lastDescription =
  "How many items to return from the end of the list (or from just before `before`), 0 to 100: pages backward. Not with `first`.";
export const beforeDescription = "The `startCursor` of the page that follows: the items returned are those before it.";

/**
 * Whether the client wrote the argument with a value (a literal, or a variable it sent, not null) rather than left it
 * to its default: `first` has a default in the v1 contract (50), so only its absence tells that it was not asked.
 */
export function argumentGiven(info: GraphQLResolveInfo, name: string): boolean {
  const argument = info.fieldNodes[0]?.arguments?.find((a) => a.name.value === name);
  if (!argument || argument.value.kind === Kind.NULL) return false;
  if (argument.value.kind !== Kind.VARIABLE) return true;
  const value = info.variableValues[argument.value.name.value];
  return value !== null && value !== undefined;
}

/**
 * Whether the field being resolved selects `name` on its value (through fragments and inline fragments; under
 * `@skip`/`@include` too, on the safe side): a connection counts `totalCount` only when it is asked.
 */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  const seen = new Set<string>();
  const within = (selectionSet: SelectionSetNode | undefined): boolean =>
    (selectionSet?.selections ?? []).some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === name;
      if (selection.kind === Kind.INLINE_FRAGMENT) return within(selection.selectionSet);
      if (seen.has(selection.name.value)) return false;
      seen.add(selection.name.value);
      return within(info.fragments[selection.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((node) => within(node.selectionSet));
}

/**
 * The page a connection field's arguments ask for (`first`/`after` forward, `last`/`before` backward; see
 * `pageWindow`): BAD_USER_INPUT for `first` with `last`, a size outside 0 to 100 or a cursor this API did not return.
 */
export function pageWindowOf(
  args: {
    first: number | null | undefined;
    after: string | null | undefined;
    last: number | null | undefined;
    before: string | null | undefined;
  },
  info: GraphQLResolveInfo,
): PageWindow {
  return pageWindow({ ...args, firstGiven: argumentGiven(info, "first") });
}
