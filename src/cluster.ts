import cluster from "node:cluster";
import type { Logger } from "pino";

/**
 * The primary process of `WORKERS=N`: forks N workers that serve on one port (node:cluster hands connections out round
 * robin), replaces a worker that dies, and on SIGTERM or SIGINT lets every worker drain its requests before exiting.
 * Resolves with the port once every worker listens; a worker that dies before that fails the start.
 */
export function runWorkers({
  workers,
  logger,
  restartDelayMs = 1000,
  drainTimeoutMs = 15_000,
}: {
  workers: number;
  logger: Logger;
  restartDelayMs?: number;
  drainTimeoutMs?: number;
}): Promise<number> {
  let stopping = false;
  let started = false;
  let failed = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping the workers");
    setTimeout(() => process.exit(1), drainTimeoutMs).unref();
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));

  return new Promise((resolve, reject) => {
    const listening = new Set<number>();
    // What a worker that failed to start said (src/main.ts): the primary prints it once, for all of them.
    let startProblem: string | undefined;
    cluster.on("message", (_worker, message: { startProblem?: unknown }) => {
      if (!started && typeof message?.startProblem === "string") startProblem ??= message.startProblem;
    });
    cluster.on("listening", (worker, address) => {
      listening.add(worker.id);
      logger.info({ workerPid: worker.process.pid, port: address.port }, "worker listening");
      if (!started && listening.size === workers) {
        started = true;
        resolve(address.port);
      }
    });
    cluster.on("exit", (worker, code, signal) => {
      if (stopping) {
        // A failed start exits with its own code, once its line is written (src/main.ts).
        if (!failed && Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
        return;
      }
      if (!started) {
        failed = true;
        stop("SIGTERM");
        reject(new Error(startProblem ?? `a worker exited during start-up (code ${code ?? signal})`));
        return;
      }
      logger.error({ workerPid: worker.process.pid, code, signal }, "worker exited; starting another");
      setTimeout(() => cluster.fork(), restartDelayMs).unref();
    });
    for (let i = 0; i < workers; i++) cluster.fork();
  });
}
