import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";

const assigned = new WeakMap<IncomingMessage, string>();

/**
 * The caller's X-Request-Id when it is a sane token (so traces join up across services), else a fresh UUID. The same
 * request always gets the same id, whichever layer asks first. Code that serves the request passes it on explicitly
 * (the GraphQL context's `requestId`): no AsyncLocalStorage on the request path.
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

/** Answers every request of the route with its id, whatever answers it later. */
export function requestIdHeader(): RequestHandler {
  return (req, res, next) => {
    res.setHeader("x-request-id", requestIdOf(req));
    next();
  };
}

const ofErrors = new WeakMap<object, string>();

/**
 * Marks an error thrown while serving a request with the request's id, for the code that later sees the error alone:
 * Apollo reports a failure of context creation to its plugins and to formatError without the request.
 */
export function tagWithRequestId<E>(error: E, requestId: string): E {
  if (typeof error === "object" && error !== null) ofErrors.set(error, requestId);
  return error;
}

/** The request id an error was tagged with (or the error it wraps: Apollo wraps what the context function threw). */
export function requestIdOfError(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  return ofErrors.get(error) ?? requestIdOfError((error as { originalError?: unknown }).originalError ?? null);
}
