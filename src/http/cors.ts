import type { RequestHandler } from "express";

/** CORS_ORIGINS: the origins whose pages may call the API ("*": any, development only); empty: same-origin only. */
export type CorsOrigins = readonly string[] | "*";

/**
 * Headers a page on an allowed origin may read: the request id to quote, the rate-limit state to back off by, the
 * consistency token to send back, and whether an answer was replayed for its Idempotency-Key.
 */
const exposedHeaders = [
  "X-Request-Id",
  "RateLimit-Limit",
  "RateLimit-Remaining",
  "RateLimit-Reset",
  "RateLimit-Policy",
  "Retry-After",
  "Consistency-Token",
  "Idempotent-Replayed",
];
/** What the GraphQL clients send (graphql-request, urql, Apollo Client and its persisted-queries link, our SDK). */
const allowedHeaders = [
  "Authorization",
  "Content-Type",
  "Accept",
  "Accept-Language",
  "Apollo-Require-Preflight",
  "X-Apollo-Operation-Name",
  "Apollographql-Client-Name",
  "Apollographql-Client-Version",
  "X-Request-Id",
  "Consistency-Token",
  "Idempotency-Key",
];
/** Chromium caps a cached preflight at two hours; Firefox would keep it a day. */
export const preflightMaxAgeSeconds = 7200;

/**
 * Cross-origin access for browser apps on other origins, without credentials (the API authenticates by bearer token,
 * never by cookie). A request from an origin that is not allowed gets no CORS headers and is otherwise handled as
 * before, so the browser keeps its answer from the page; a server-side client sends no Origin and is not concerned.
 */
export function cors({ origins }: { origins: CorsOrigins }): RequestHandler {
  const allowed = origins === "*" ? null : new Set(origins);
  return (req, res, next) => {
    if (origins !== "*" && allowed!.size === 0) return next();
    // The answer depends on the Origin header whenever a list decides, so a shared cache must key on it.
    if (origins !== "*") res.vary("Origin");
    const origin = req.headers.origin;
    if (origin === undefined || (allowed !== null && !allowed.has(origin))) return next();
    res.setHeader("Access-Control-Allow-Origin", origins === "*" ? "*" : origin);
    res.setHeader("Access-Control-Expose-Headers", exposedHeaders.join(", "));
    if (req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined) {
      res.setHeader("Access-Control-Allow-Methods", "GET, POST");
      res.setHeader("Access-Control-Allow-Headers", allowedHeaders.join(", "));
      res.setHeader("Access-Control-Max-Age", String(preflightMaxAgeSeconds));
      res.status(204).end();
      return;
    }
    next();
  };
}

/** Parses CORS_ORIGINS: exact origins (scheme, host, port), or "*" where `wildcardAllowed`; throws a message naming the bad entry. */
export function parseCorsOrigins(value: string | undefined, { wildcardAllowed }: { wildcardAllowed: boolean }): CorsOrigins {
  const entries = (value ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  if (entries.includes("*")) {
    if (entries.length > 1) throw new Error(`CORS_ORIGINS is either "*" or a list of origins (got "${value}")`);
    if (!wildcardAllowed) throw new Error('CORS_ORIGINS="*" is for development: name the origins in production');
    return "*";
  }
  for (const entry of entries) {
    let origin: string | null = null;
    try {
      origin = new URL(entry).origin;
    } catch {
      origin = null;
    }
    // A browser sends the origin without path or trailing slash, lower-case: anything else would never match.
    if (origin !== entry || !/^https?:/.test(entry))
      throw new Error(
        `CORS_ORIGINS entries are origins such as https://portal.example.be, without path or trailing slash (got "${entry}")`,
      );
  }
  return entries;
}
