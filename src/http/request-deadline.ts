import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";
import type { Logger } from "pino";
import { TimeoutError } from "../errors";
import { scopeOf } from "./request-id";
import { message } from "../i18n/messages";
import { inLanguage } from "./format-error";

/**
 * The time a request has (REQUEST_TIMEOUT_MS). When it runs out the signal aborts: a management action still running
 * gives up its transaction (src/management/action.ts), and the request answers TIMEOUT at once, unless a COMMIT is
 * already on its way to the database: then the commit's outcome is the answer, so that a request answered TIMEOUT
 * never commits afterwards.
 */
export class RequestDeadline {
  private readonly controller = new AbortController();
  private commits = 0;

  constructor(readonly timeoutMs: number) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get committing(): boolean {
    return this.commits > 0;
  }

  expire(): void {
    this.controller.abort(new TimeoutError("REQUEST_TIMEOUT", message("timeout.request", { timeoutMs: this.timeoutMs })));
  }

  /** Runs a COMMIT after a last look at the deadline; while it is in flight the deadline does not answer for the request. */
  async commit<T>(run: () => Promise<T>): Promise<T> {
    this.signal.throwIfAborted();
    this.commits++;
    try {
      return await run();
    } finally {
      this.commits--;
    }
  }
}

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
      res.status(503).json({ errors: [inLanguage({ message: error.message, extensions: { code: "TIMEOUT", reason: error.reason, requestId, messageKey, params } }, scope.messageLanguage())] });
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
