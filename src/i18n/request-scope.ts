import type { Language } from "../domain/states";
import { preferredLanguage } from "./language";

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
