import type { ApolloServerPlugin } from "@apollo/server";
import { decideOnPrimary, type Context } from "../context";

/**
 * Once the operation is known and before anything of it runs: a mutation's request reads from the primary
 * (src/context.ts, decideOnPrimary), so that the shield's decision before the action (the viewer's roles, the
 * target's enterprise) reads where the action runs, never a replica behind it. The front door looked the viewer up
 * before the operation was parsed; the viewer's roles are read again, on the primary.
 */
export function mutationsDecideOnPrimary(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (operation?.operation === "mutation") decideOnPrimary(contextValue);
        },
      };
    },
  };
}
