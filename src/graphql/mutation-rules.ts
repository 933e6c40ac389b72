import { mutationActions } from "../management/registry";
import { isAuthenticated, performs, type MutationRules } from "./shield";

/**
 * The shield's rule of each mutation, built from the action's one declaration (src/management/registry.ts): its
 * declared task where its target says it acts, or, without a task, a signed-in caller. Here, on the GraphQL surface,
 * because the shield belongs to it and the actions below know nothing of it.
 */
export const mutationRules: MutationRules = Object.fromEntries(
  Object.values(mutationActions).map((action) => [
    action.mutation,
    action.target ? performs(action.task!, action.target) : isAuthenticated,
  ]),
);
