import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";

const assigned = new WeakMap<IncomingMessage, string>();

/**
 * The caller's X-Request-Id when it is a sane token (so traces join up across services), else a fresh UUID. The same
 * request always gets the same id, whichever layer asks first.
 */
export function requestIdOf(req: IncomingMessage): string {
  let id = assigned.get(req);
  if (id === undefined) {
    const given = req.headers["x-request-id"];
    id = typeof given === "string" && /^[A-Za-z0-9._:-]{8,64}$/.test(given) ? given : randomUUID();
    assigned.set(req, id);
  }
  return id;
}

const scope = new AsyncLocalStorage<{ requestId: string }>();

/**
 * Serves the rest of the request inside its scope, so that code without the request at hand (the error masking, the
 * log lines of a request, Apollo's context-creation failures) knows its id.
 */
export function requestScope(): RequestHandler {
  return (req, res, next) => {
    const requestId = requestIdOf(req);
    res.setHeader("x-request-id", requestId);
    scope.run({ requestId }, next);
  };
}

/** The id of the request being served, if any. */
export function currentRequestId(): string | undefined {
  return scope.getStore()?.requestId;
}
