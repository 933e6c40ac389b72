import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";
import { preferredLanguage } from "../i18n/language";
import type { Language } from "../model/states";

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

interface RequestScope {
  requestId: string;
  /** Until the context exists: Accept-Language alone. */
  acceptLanguage: Language | null;
  /** Once the context exists: the language of its messages (src/context.ts, messageLanguageFor). */
  messageLanguage?: () => Language;
}

const scope = new AsyncLocalStorage<RequestScope>();

/**
 * Serves the rest of the request inside its scope, so that code without the request at hand (the error masking and
 * wording, the log lines of a request, Apollo's context-creation failures) knows its id and language.
 */
export function requestScope(): RequestHandler {
  return (req, res, next) => {
    const requestId = requestIdOf(req);
    res.setHeader("x-request-id", requestId);
    scope.run({ requestId, acceptLanguage: preferredLanguage(req.headers["accept-language"]) }, next);
  };
}

/** From the context's creation on, messages follow the context's language (its viewer and operation are known). */
export function bindMessageLanguage(messageLanguage: () => Language): void {
  const store = scope.getStore();
  if (store) store.messageLanguage = messageLanguage;
}

/** The language of the messages of the request being served: English outside a request or when nothing names one. */
export function currentMessageLanguage(): Language {
  const store = scope.getStore();
  return store?.messageLanguage?.() ?? store?.acceptLanguage ?? "EN";
}

/** The id of the request being served, if any. */
export function currentRequestId(): string | undefined {
  return scope.getStore()?.requestId;
}
