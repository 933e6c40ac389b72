import type { Router } from "express";
import express from "express";
import type { DataSource } from "typeorm";

/** /healthz: the process answers. /readyz: the database answers too (a load balancer takes the process out while it does not). */
export function healthRoutes({ dataSource, timeoutMs = 2000 }: { dataSource: DataSource; timeoutMs?: number }): Router {
  const router = express.Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    try {
      await Promise.race([
        dataSource.query("SELECT 1"),
        new Promise((_resolve, reject) => setTimeout(() => reject(new Error("database check timed out")), timeoutMs).unref()),
      ]);
      res.json({ status: "ready" });
    } catch {
      res.status(503).json({ status: "unavailable", reason: "database unreachable" });
    }
  });
  return router;
}
