import type { ApolloServerPlugin } from "@apollo/server";
import type { Context } from "../context";
import { Enterprise, Person } from "../model/entities";
import { formatEnterpriseNumber } from "../model/identifiers";
import { expireRightAction } from "../management/expire-rights";

/**
 * Ends a dry run (src/management/mutation.resolver.ts) once its answer has been read inside its transaction: adds
 * `extensions.dryRun` with the audit events the action would have written (an expiry it met only to those who read the
 * enterprise's audit trail), then rolls the transaction back, before
 * the response leaves, whatever happened in between.
 */
export function dryRuns(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          const dryRun = contextValue.dryRun;
          if (!dryRun) return;
          contextValue.dryRun = null;
          try {
            if (response.body.kind !== "single") return;
            const em = contextValue.readManager;
            const auditEvents = [];
            for (const e of dryRun.auditEvents) {
              const enterprise = e.enterpriseId === null ? null : await em.findOneBy(Enterprise, { id: e.enterpriseId });
              // The expiries the action met are written down for the whole enterprise, whoever acts: only its audit
              // readers may see them (an access manager would otherwise learn of rights outside their capacities).
              if (e.action === expireRightAction && !(enterprise && (await contextValue.access.canReadAuditTrail(enterprise)))) continue;
              const actor = e.actorId === null ? null : await em.findOneBy(Person, { id: e.actorId });
              auditEvents.push({
                action: e.action,
                enterprise: enterprise ? formatEnterpriseNumber(enterprise.number) : null,
                actor: actor?.ssin ?? null,
                at: e.at.toISOString(),
                details: JSON.parse(e.details) as unknown,
                previousHash: e.previousHash,
                hash: e.hash,
              });
            }
            const result = response.body.singleResult;
            result.extensions = { ...result.extensions, dryRun: { rolledBack: true, auditEvents } };
          } finally {
            await dryRun.end();
          }
        },
      };
    },
  };
}
