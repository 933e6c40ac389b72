import type { Router } from "express";
import express from "express";
import type { DataSource } from "typeorm";
import { primaryReader } from "../database/readers";
import { versionsLost } from "../database/enterprise-versions";

/**
 * /healthz: the process answers. /readyz: the database answers too (a load balancer takes the process out while it does
 * not). While the enterprise versions are not trusted (src/database/enterprise-versions.ts) a gateway that keeps read
 * models is still ready, with `degraded` saying why: it answers correctly, reading everything with its own
 * statements, only slower, and the state is the database's, so every gateway reports it at once; answering 503 would
 * take every gateway out of the balancer together, an outage for what is a loss of speed.
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
    let lost: Awaited<ReturnType<typeof versionsLost>>;
    try {
      lost = await Promise.race([
        versionsLost(primaryReader(dataSource).manager),
        new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error("database check timed out")), timeoutMs).unref()),
      ]);
    } catch {
      res.status(503).json({ status: "unavailable", reason: "database unreachable" });
      return;
    }
    if (keepsModels && lost) {
      const since = lost.at ? ` since ${lost.at.toISOString()}` : "";
      res.json({ status: "ready", degraded: { enterpriseReadModels: `off: enterprise versions not trusted${since} (${lost.reason})` } });
      return;
    }
    res.json({ status: "ready" });
  });
  return router;
}
