import type { Router } from "express";
import express from "express";
import type { DataSource } from "typeorm";
import { primaryReader } from "../database/readers";
import { versionsLost } from "../database/enterprise-versions";
import { galeraNotReady, replicaStates, type ReplicaState } from "../database/node-state";

/** The answer of a check that did not come within `ms`. */
function within<T>(ms: number, check: Promise<T>): Promise<T> {
  return Promise.race([
    check,
    new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error("database check timed out")), ms).unref()),
  ]);
}

/**
 * /healthz: the process answers. /readyz: the database answers too (a load balancer takes the process out while it does
 * not), and a Galera node (`wsrep_on`) is ready for it: `wsrep_ready` ON and `wsrep_local_state_comment` Synced (a
 * joining or donor node, or one outside the primary component, answers 503 with the reason). While the enterprise
 * versions are not trusted (src/database/enterprise-versions.ts) a gateway that keeps read models is still ready, with
 * `degraded` saying why: it answers correctly, reading everything with its own statements, only slower, and the state
 * is the database's, so every gateway reports it at once; answering 503 would take every gateway out of the balancer
 * together, an outage for what is a loss of speed. With read replicas (DATABASE_REPLICA_URLS) the answer names each
 * one's state (`replicas`: reachable, lag); a replica down does not make the gateway unready (its reads go to the
 * others, or answer UNAVAILABLE), the primary down does.
 */
export function healthRoutes({
  dataSource,
  keepsModels = false,
  timeoutMs = 2000,
}: {
  dataSource: DataSource;
  keepsModels?: boolean;
  timeoutMs?: number;
}): Router {
  const router = express.Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const replicas = within(timeoutMs, replicaStates(dataSource)).catch(() => null);
    const withReplicas = async (body: Record<string, unknown>) => {
      const states: ReplicaState[] | null = await replicas;
      return states === null
        ? { ...body, replicas: "unknown: the check timed out" }
        : states.length > 0
          ? { ...body, replicas: states }
          : body;
    };
    const manager = primaryReader(dataSource).manager;
    let notReady: string | null;
    try {
      notReady = await within(timeoutMs, galeraNotReady(manager, dataSource));
    } catch {
      res.status(503).json(await withReplicas({ status: "unavailable", reason: "database unreachable" }));
      return;
    }
    if (notReady) {
      res.status(503).json(await withReplicas({ status: "unavailable", reason: notReady }));
      return;
    }
    let lost: Awaited<ReturnType<typeof versionsLost>>;
    try {
      lost = await within(timeoutMs, versionsLost(manager));
    } catch {
      res.status(503).json(await withReplicas({ status: "unavailable", reason: "database unreachable" }));
      return;
    }
    if (keepsModels && lost) {
      const since = lost.at ? ` since ${lost.at.toISOString()}` : "";
      res.json(
        await withReplicas({
          status: "ready",
          degraded: { enterpriseReadModels: `off: enterprise versions not trusted${since} (${lost.reason})` },
        }),
      );
      return;
    }
    res.json(await withReplicas({ status: "ready" }));
  });
  return router;
}
