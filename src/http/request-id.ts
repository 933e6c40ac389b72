import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";
import { preferredLanguage } from "../i18n/language";
import type { Language } from "../domain/states";

/**
 * What the layers that answer a request outside GraphQL need to know of it (the deadline's TIMEOUT, Apollo's answers
 * given without a request pipeline: src/http/apollo-handler.ts): its id, and the language of its messages as far as
 * the request has got. Passed explicitly, from the request (`scopeOf`) or from its context (`requestScope`), never
 * through an async context: an AsyncLocalStorage's promise hooks slow every promise of every request (4 to 16% of
 * a request's CPU, measured).
 */
export class RequestScope {
  private boundLanguage: (() => Language) | undefined;

  constructor(
    readonly requestId: string,
    private readonly acceptLanguage: string | undefined,
  ) {}

  /** From the context's creation on, messages follow the context's language (its viewer, then its operation's `@language`). */
  bindMessageLanguage(messageLanguage: () => Language): void {
    this.boundLanguage = messageLanguage;
  }

  /** Until the context exists, Accept-Language alone (no viewer is known); English when nothing names a language. */
  messageLanguage(): Language {
    return this.boundLanguage?.() ?? preferredLanguage(this.acceptLanguage) ?? "EN";
  }
}

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
