import type { ApolloServerPlugin } from "@apollo/server";
import type { RequestHandler } from "express";

const graphqlResponseJson = "application/graphql-response+json";
const json = "application/json";

interface MediaRange {
  type: string;
  subtype: string;
  /** Its parameters but `q`, names in lower case. */
  parameters: Record<string, string>;
  q: number;
  /** Its position in the Accept header. */
  order: number;
}

function parseAccept(accept: string): MediaRange[] {
  return accept.split(",").flatMap((range, order): MediaRange[] => {
    const [name = "", ...parts] = range.split(";").map((part) => part.trim());
    const slash = name.indexOf("/");
    if (slash <= 0) return [];
    const parameters: Record<string, string> = {};
    let q = 1;
    for (const part of parts) {
      const equals = part.indexOf("=");
      if (equals < 0) continue;
      const key = part.slice(0, equals).trim().toLowerCase();
      const value = part
        .slice(equals + 1)
        .trim()
        .replace(/^"(.*)"$/, "$1");
      if (key === "q") q = Number.parseFloat(value);
      else parameters[key] = value;
    }
    return [{ type: name.slice(0, slash).toLowerCase(), subtype: name.slice(slash + 1).toLowerCase(), parameters, q, order }];
  });
}

/** The media types the gateway answers in, in the order Apollo Server offers them, each with the charset it is sent in. */
const offered = [json, graphqlResponseJson] as const;

/**
 * How well the Accept header's ranges match `type` (sent as `type; charset=utf-8`): the most specific matching range
 * (type 4, subtype 2, parameters 1), then the higher q, then the later one; null when none matches.
 */
function priority(ranges: readonly MediaRange[], type: string): { s: number; q: number; order: number } | null {
  const [major, minor] = type.split("/");
  let best: { s: number; q: number; order: number } | null = null;
  for (const range of ranges) {
    let s = 0;
    if (range.type === major) s |= 4;
    else if (range.type !== "*") continue;
    if (range.subtype === minor) s |= 2;
    else if (range.subtype !== "*") continue;
    const keys = Object.keys(range.parameters);
    if (keys.length > 0) {
      if (!keys.every((key) => range.parameters[key] === "*" || range.parameters[key].toLowerCase() === (key === "charset" ? "utf-8" : "")))
        continue;
      s |= 1;
    }
    if (!best || s > best.s || (s === best.s && (range.q > best.q || (range.q === best.q && range.order > best.order))))
      best = { s, q: range.q, order: range.order };
  }
  return best;
}

/**
 * The media type a GraphQL answer goes out in, chosen as Apollo Server chooses it (with the `negotiator` package): the
 * client's highest quality, then the most specific range, then the type the client lists first (the GraphQL-over-HTTP
 * spec: "the highest priority media type listed"), then application/json. So Apollo Client 4's
 * `application/graphql-response+json,application/json;q=0.9`, and urql's and graphql-request's lists that name
 * application/graphql-response+json first with the same quality, get application/graphql-response+json; the wildcard
 * range alone (what fetch sends by default, and so Relay's network layer) and no Accept header get application/json;
 * null when the client accepts neither (Apollo then answers 406).
 */
export function negotiatedMediaType(accept: string | undefined): typeof json | typeof graphqlResponseJson | null {
  if (!accept) return json;
  const ranges = parseAccept(accept);
  const ranked = offered
    .map((type, index) => ({ type, index, priority: priority(ranges, type) }))
    .filter((candidate) => candidate.priority !== null && candidate.priority.q > 0)
    .sort(
      (a, b) =>
        b.priority!.q - a.priority!.q || b.priority!.s - a.priority!.s || a.priority!.order - b.priority!.order || a.index - b.index,
    );
  return ranked[0]?.type ?? null;
}

/** Sets `header` just before the head of the response is written, when `decide` returns a value for the final status. */
function beforeHead(res: Parameters<RequestHandler>[1], decide: (status: number) => [string, string] | null): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: typeof res, ...args: Parameters<typeof writeHead>) {
    const status = typeof args[0] === "number" ? args[0] : res.statusCode;
    const header = decide(status);
    if (header && !res.headersSent && !res.hasHeader(header[0])) res.setHeader(header[0], header[1]);
    return writeHead.apply(this, args);
  } as typeof writeHead;
}

/**
 * HTTP semantics every /graphql answer shares, whichever layer answers (CORS, rate limit, body parser, trusted
 * documents, Apollo):
 * - a refusal is in the media type the client asked for: the Content-Type is set up front from Accept (Apollo sets
 *   the same on its own answers), so Apollo Client reads an error as GraphQL errors rather than "status code 400";
 * - answers depend on the token and the language: `Vary: Authorization, Accept-Language`, and an answer to a request
 *   with a token is `Cache-Control: private, no-store` (no shared cache or browser disk keeps one person's data);
 * - a 401 carries `WWW-Authenticate` (RFC 6750): `Bearer realm=...` when no token was sent, with
 *   `error="invalid_token"` when the one sent was refused.
 */
export function responseHeaders({ realm }: { realm: string }): RequestHandler {
  return (req, res, next) => {
    const mediaType = negotiatedMediaType(req.headers.accept);
    if (mediaType) res.setHeader("Content-Type", `${mediaType}; charset=utf-8`);
    res.vary("Authorization");
    res.vary("Accept-Language");
    const withToken = req.headers.authorization !== undefined;
    if (withToken) res.setHeader("Cache-Control", "private, no-store");
    beforeHead(res, (status) =>
      status === 401
        ? ["WWW-Authenticate", withToken ? `Bearer realm="${realm}", error="invalid_token"` : `Bearer realm="${realm}"`]
        : null,
    );
    next();
  };
}

/** The request errors that the GraphQL-over-HTTP spec answers with 200 to a legacy client (one that accepts only application/json). */
const requestErrorCodes = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT", "OPERATION_RESOLUTION_FAILURE"]);

/**
 * Errors that make the whole answer a refusal with a status of its own: 401 (the caller must sign in) and 503 (the
 * database could not serve it, nothing was committed: send it again). Such an answer carries `data: null`, never
 * partial data: the spec allows no status but 2xx beside non-null data, and the request is to be sent again whole.
 * (An error in execution that nulls the root otherwise gets 200, as the spec recommends: a refused root field.)
 */
const wholeAnswerCodes = new Set(["UNAUTHENTICATED", "UNAVAILABLE", "TIMEOUT"]);

/**
 * The status and media type of a GraphQL answer, by the GraphQL-over-HTTP spec, decided once from the Accept header
 * (negotiatedMediaType) for both:
 * - the answer is sent in the negotiated media type (Apollo would choose the same; set here, it cannot differ);
 * - an answer with data is 200, whatever its errors (a refused or invalid nested field, a masked failure), unless an
 *   error makes it a refusal of the whole request (wholeAnswerCodes): then its data is null and its status stays;
 * - application/graphql-response+json: a document that does not parse, validate or resolve its operation, or
 *   variables that do not coerce, keep Apollo's 400;
 * - application/json (the legacy watershed): the same request errors are 200, since a legacy client reads the body,
 *   not the status.
 * Refusals of the gateway's own (limits, rate limit, CSRF, persisted queries, authentication) keep their status either way.
 */
export function responseStatus<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ request }) {
      const mediaType = negotiatedMediaType(request.http?.headers.get("accept"));
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== "single") return;
          if (mediaType && !response.http.headers.has("content-type"))
            response.http.headers.set("content-type", `${mediaType}; charset=utf-8`);
          const result = response.body.singleResult;
          const { data, errors } = result;
          if (data && errors?.some((error) => wholeAnswerCodes.has(String(error.extensions?.code)))) result.data = null;
          if (mediaType !== json || response.http.status !== 400 || data !== undefined || !errors?.length) return;
          if (errors.every((error) => requestErrorCodes.has(String(error.extensions?.code)))) response.http.status = 200;
        },
      };
    },
  };
}
