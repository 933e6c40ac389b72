import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";
import type { Logger } from "pino";
import type { TimeoutError } from "../errors";
import { RequestDeadline } from "../database/request-deadline";
import { scopeOf } from "./request-id";
import { inLanguage } from "./format-error";

const deadlines = new WeakMap<IncomingMessage, RequestDeadline>();

/** The deadline of a request served within withRequestDeadline: the context carries it to the management actions. */
export function deadlineOf(req: IncomingMessage): RequestDeadline | undefined {
  return deadlines.get(req);
}

/**
 * Serves `handler` within the deadline. When time runs out first, the request answers TIMEOUT (HTTP 503), and what the
 * handler writes later is dropped: its first header write throws, which is expected, not an error.
 */
export function withRequestDeadline({ timeoutMs, logger }: { timeoutMs: number; logger: Logger }, handler: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const deadline = new RequestDeadline(timeoutMs);
    let answered = false;
    const timer = setTimeout(() => {
      deadline.expire();
      if (deadline.committing || res.headersSent) return;
      answered = true;
      // The request's language as far as it has got: its operation's once Apollo has read it, Accept-Language before.
      const scope = scopeOf(req);
      const { requestId } = scope;
      const error = deadline.signal.reason as TimeoutError;
      logger.warn({ requestId, timeoutMs }, "request deadline passed");
      const { messageKey, params } = error.extensions;
      res.status(503).json({
        errors: [
          inLanguage(
            { message: error.message, extensions: { code: "TIMEOUT", reason: error.reason, requestId, messageKey, params } },
            scope.messageLanguage(),
          ),
        ],
      });
    }, timeoutMs);
    res.once("close", () => clearTimeout(timer));
    deadlines.set(req, deadline);
    // Apollo's express handler is async and reports its failures through its promise, not through next.
    Promise.resolve(handler(req, res, next)).then(
      () => clearTimeout(timer),
      (error: unknown) => {
        clearTimeout(timer);
        if (!answered) next(error);
      },
    );
  };
}
