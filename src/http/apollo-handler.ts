import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from "@apollo/server";
import type { Request, RequestHandler, Response } from "express";
import type { GraphQLFormattedError } from "graphql";
import { forRequest } from "./format-error";
import { scopeOf, type RequestScope } from "./request-id";

function httpGraphQLRequestOf(req: Request): HTTPGraphQLRequest {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
  }
  const query = req.url.indexOf("?");
  return { method: req.method.toUpperCase(), headers, search: query === -1 ? "" : req.url.slice(query), body: req.body };
}

/** An answer Apollo gave without a pipeline, its errors given for the request. A batch's answer comes from its pipelines. */
function bodyForRequest(body: string, scope: RequestScope): string {
  const answer = JSON.parse(body) as { errors?: GraphQLFormattedError[] } | unknown[];
  if (Array.isArray(answer) || !answer.errors) return body;
  const request = { requestId: scope.requestId, language: scope.messageLanguage() };
  return `${JSON.stringify({ ...answer, errors: answer.errors.map((error) => forRequest(error, request)) })}\n`;
}

/**
 * Apollo Server on Express, as @as-integrations/express5's expressMiddleware serves it, except for the answers Apollo
 * builds without a request pipeline: before the context exists (a CSRF refusal), when building it fails (a bad token,
 * the viewer's rate limit, the database gone while the viewer is looked up), and when processing the request fails
 * unexpectedly (500). Apollo formats their errors without saying which request they belong to and no plugin sees
 * them, so they get the request's language and id here; such answers are a few hundred bytes. Every other answer is
 * given for its request by src/http/operation-language.ts (a 500 among them is given again, to the same effect).
 */
export function apolloHandler<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  { context }: { context: (args: { req: Request; res: Response }) => Promise<TContext> },
): RequestHandler {
  apollo.assertStarted("apolloHandler()");
  return async (req, res) => {
    if (!("body" in req)) {
      res.status(500).send("`req.body` is not set: the JSON body parser must run before the Apollo Server handler.");
      return;
    }
    let contextBuilt = false;
    const answer = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: httpGraphQLRequestOf(req),
      context: async () => {
        const value = await context({ req, res });
        contextBuilt = true;
        return value;
      },
    });
    for (const [key, value] of answer.headers) res.setHeader(key, value);
    res.statusCode = answer.status || 200;
    if (answer.body.kind === "complete") {
      const maybeWithoutPipeline = (!contextBuilt || res.statusCode === 500) && /json/.test(answer.headers.get("content-type") ?? "");
      res.send(maybeWithoutPipeline ? bodyForRequest(answer.body.string, scopeOf(req)) : answer.body.string);
      return;
    }
    for await (const chunk of answer.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
