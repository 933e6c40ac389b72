import type { ApolloServerPlugin } from "@apollo/server";
import type { Logger } from "pino";
import type { Context } from "../context";
import { Enterprise, Person } from "../domain/entities";
import { formatEnterpriseNumber } from "../domain/identifiers";
import { expireRightAction } from "../management/expire-rights";

/**
 * Ends a dry run (src/management/mutation.resolver.ts) once its answer has been read inside its transaction: adds
 * `extensions.dryRun` with the audit events the action would have written, then rolls the transaction back, before
 * the response leaves, whatever happened in between. The preview leaves no audit event, so it is logged instead, with
 * its viewer. What `extensions.dryRun` shows is judged by the rights the caller held before the preview:
 * - an expiry the action met, and the chain's head (`previousHash`, `hash`), only to those who read the enterprise's
 *   audit trail (an access manager would otherwise learn of rights outside their capacities, or see the chain move);
 *   never the head of the one chain of everyone's account changes (updateMyAccount);
 * - no database id (the answer's fields carry those the caller may see), and a person the caller could not see before
 *   under the names the caller sent, as the answer shows them.
 */
export function dryRuns({ logger }: { logger: Logger }): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          const dryRun = contextValue.dryRun;
          if (!dryRun) return;
          contextValue.dryRun = null;
          try {
            const em = contextValue.readManager;
            const enterprises = new Map<number, Enterprise | null>();
            for (const id of new Set(dryRun.auditEvents.map((e) => e.enterpriseId)))
              if (id !== null) enterprises.set(id, await em.findOneBy(Enterprise, { id }));
            logger.info(
              {
                requestId: contextValue.requestId,
                viewerId: contextValue.viewer?.id ?? null,
                mutations: [...new Set(dryRun.auditEvents.flatMap((e) => mutationOf(e.details)))],
                enterprises: [...enterprises.values()].flatMap((e) => (e ? [formatEnterpriseNumber(e.number)] : [])),
              },
              "dry run",
            );
            if (response.body.kind !== "single") return;
            const names = new Map(
              dryRun.standIns.map(({ shown }) => [shown.ssin, { givenName: shown.givenName, familyName: shown.familyName }]),
            );
            const auditEvents = [];
            // A bulk action's preview has an event per item, of one actor in one enterprise: each is read once.
            const actors = new Map<number, Promise<Person | null>>();
            const trails = new Map<number, Promise<boolean>>();
            for (const e of dryRun.auditEvents) {
              const enterprise = e.enterpriseId === null ? null : (enterprises.get(e.enterpriseId) ?? null);
              if (enterprise && !trails.has(enterprise.id)) trails.set(enterprise.id, dryRun.accessBefore.canReadAuditTrail(enterprise));
              const readsTrail = enterprise !== null && (await trails.get(enterprise.id)!);
              if (e.action === expireRightAction && !readsTrail) continue;
              if (e.actorId !== null && !actors.has(e.actorId)) actors.set(e.actorId, em.findOneBy(Person, { id: e.actorId }));
              const actor = e.actorId === null ? null : await actors.get(e.actorId)!;
              auditEvents.push({
                action: e.action,
                enterprise: enterprise ? formatEnterpriseNumber(enterprise.number) : null,
                actor: actor?.ssin ?? null,
                at: e.at.toISOString(),
                details: previewed(JSON.parse(e.details), names),
                ...(readsTrail ? { previousHash: e.previousHash, hash: e.hash } : {}),
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

function mutationOf(details: string): string[] {
  const { mutation } = JSON.parse(details) as { mutation?: unknown };
  return typeof mutation === "string" ? [mutation] : [];
}

/** An event's details as a preview shows them: without the database's ids (`id`, `personId`...), people under the names the caller sent. */
function previewed(value: unknown, names: ReadonlyMap<string, { givenName: string; familyName: string }>): unknown {
  if (Array.isArray(value)) return value.map((item) => previewed(item, names));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value).filter(([key]) => key !== "id" && !key.endsWith("Id"));
  const shown = Object.fromEntries(entries.map(([key, item]) => [key, previewed(item, names)]));
  const sent = typeof shown.ssin === "string" && "givenName" in shown ? names.get(shown.ssin) : undefined;
  return sent ? { ...shown, ...sent } : shown;
}
