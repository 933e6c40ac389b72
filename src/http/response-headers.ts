import type { ApolloServerPlugin } from "@apollo/server";
import type { RequestHandler } from "express";

const graphqlResponseJson = "application/graphql-response+json";
const json = "application/json";

/** The quality a client's Accept header gives a media type (its most specific matching range), 0 when none matches. */
function quality(accept: string, type: string): number {
  const [major] = type.split("/");
  let best = { specificity: -1, q: 0 };
  for (const range of accept.split(",")) {
    const [name = "", ...parameters] = range.split(";").map((part) => part.trim().toLowerCase());
    const specificity = name === type ? 2 : name === `${major}/*` ? 1 : name === "*/*" ? 0 : -1;
    if (specificity <= best.specificity) continue;
    const qParameter = parameters.find((p) => p.startsWith("q="));
    const q = qParameter ? Number(qParameter.slice(2)) : 1;
    best = { specificity, q: Number.isFinite(q) ? q : 0 };
  }
  return best.q;
}

/**
 * The media type a GraphQL answer goes out in, chosen as Apollo Server chooses it: application/json without an
 * Accept header and on a tie (the legacy default), application/graphql-response+json when the client prefers it,
 * null when it accepts neither (Apollo then answers 406).
 */
export function negotiatedMediaType(accept: string | undefined): typeof json | typeof graphqlResponseJson | null {
  if (!accept) return json;
  const forJson = quality(accept, json);
  const forGraphql = quality(accept, graphqlResponseJson);
  if (forJson === 0 && forGraphql === 0) return null;
  return forGraphql > forJson ? graphqlResponseJson : json;
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
 * GraphQL over HTTP, "application/json" (legacy watershed): a document that does not parse, validate or resolve its
 * operation, or variables that do not coerce, is a GraphQL response with errors and no data, sent as 200 to a client
 * that reads application/json (it looks at the body, not the status); a client that accepts
 * application/graphql-response+json keeps Apollo's 400. Refusals of the gateway's own (limits, rate limit, CSRF,
 * persisted queries, authentication) keep their status either way.
 */
export function legacyJsonStatus<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ request }) {
      if (negotiatedMediaType(request.http?.headers.get("accept")) !== json) return;
      return {
        async willSendResponse({ response }) {
          if (response.http.status !== 400 || response.body.kind !== "single") return;
          const { data, errors } = response.body.singleResult;
          if (data !== undefined || !errors?.length) return;
          if (errors.every((error) => requestErrorCodes.has(String(error.extensions?.code)))) response.http.status = 200;
        },
      };
    },
  };
}
