import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";
import { RequestScope } from "../i18n/request-scope";

export { RequestScope } from "../i18n/request-scope";

const scopes = new WeakMap<IncomingMessage, RequestScope>();

/**
 * The request's scope. Its id is the caller's X-Request-Id when it is a sane token (so traces join up across services),
 * else a fresh UUID; the same request always gets the same scope, whichever layer asks first.
 */
export function scopeOf(req: IncomingMessage): RequestScope {
  let scope = scopes.get(req);
  if (scope === undefined) {
    const given = req.headers["x-request-id"];
    const id = typeof given === "string" && /^[A-Za-z0-9._:-]{8,64}$/.test(given) ? given : randomUUID();
    scope = new RequestScope(id, req.headers["accept-language"]);
    scopes.set(req, scope);
  }
  return scope;
}

export function requestIdOf(req: IncomingMessage): string {
  return scopeOf(req).requestId;
}

/** Returns the request's id in X-Request-Id, whichever layer ends up answering. */
export function requestIdHeader(): RequestHandler {
  return (req, res, next) => {
    res.setHeader("x-request-id", requestIdOf(req));
    next();
  };
}
