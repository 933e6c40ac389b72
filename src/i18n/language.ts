import { languages, type Language } from "../domain/states";

/** The first supported language of an Accept-Language header, by quality (RFC 9110 12.5.4); `*` names none. */
export function preferredLanguage(header: string | undefined): Language | null {
  if (!header) return null;
  const ranked = header
    .split(",")
    .slice(0, 20)
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { language: tag.trim().slice(0, 2).toUpperCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0 && (languages as readonly string[]).includes(entry.language))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return (ranked[0]?.language as Language | undefined) ?? null;
}

/** What a request says about its language, strongest first. */
export interface LanguageChoice {
  /** A field's own `language` argument (a catalog name, `Decision.message`). */
  argument?: Language | null;
  /** The operation's `@language(code:)` directive. */
  operation?: Language | null;
  /** The best supported language of Accept-Language. */
  acceptLanguage?: Language | null;
  /** The signed-in person's own language. */
  viewer?: Language | null;
}

/**
 * The one language negotiation of the gateway: names of the catalog and every message follow it. The fallback
 * differs: names fall back to the portal's default (NL), messages to English, the language of the codes.
 */
export function chooseLanguage({ argument, operation, acceptLanguage, viewer }: LanguageChoice, fallback: Language): Language {
  return argument ?? operation ?? acceptLanguage ?? viewer ?? fallback;
}

/** The language of a refusal answered before the request has a context (no viewer known): Accept-Language, else English. */
export function headerLanguage(headers: { "accept-language"?: string }): Language {
  return preferredLanguage(headers["accept-language"]) ?? "EN";
}
