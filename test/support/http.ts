import { maskedMessage } from "../../src/http/format-error";
import { formatMessage } from "../../src/i18n/messages";
import type { Language } from "../../src/domain/states";
export interface GraphQLErrorBody {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The body as sent, to look for what must never leak. */
  text: string;
  /**
   * The body as JSON, or null when it is not JSON; without `extensions.cost`, which every answer of the pipeline
   * carries: suites that compare whole answers compare what the operation answered, and read the cost in `cost`.
   */
  json: { data?: Record<string, unknown> | null; errors?: GraphQLErrorBody[]; extensions?: Record<string, unknown> } | null;
  /** The answer's `extensions.cost` (src/http/cost-budget.ts, test/cost.test.ts), undefined when it has none. */
  cost: { requested: number; actual: number; limit: number | null; remaining: number | null; resetAt: string | null } | undefined;
}

/** `extensions.cost` taken out of an answer (`extensions` dropped when nothing else is left in it). */
function withoutCost(json: HttpAnswer["json"]): { json: HttpAnswer["json"]; cost: HttpAnswer["cost"] } {
  if (json === null || typeof json !== "object" || Array.isArray(json) || !json.extensions || !("cost" in json.extensions))
    return { json, cost: undefined };
  const { cost, ...extensions } = json.extensions;
  const { extensions: _, ...rest } = json;
  return { json: Object.keys(extensions).length > 0 ? { ...rest, extensions } : rest, cost: cost as HttpAnswer["cost"] };
}

/** Sends a request to the gateway exactly as given (any body: an object as JSON, a string or bytes as they are; JSON content type unless overridden). */
export async function send(
  url: string,
  { body, headers = {}, method = "POST" }: { body?: unknown; headers?: Record<string, string>; method?: string } = {},
): Promise<HttpAnswer> {
  const raw = body === undefined || typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
  const contentType: Record<string, string> = raw === undefined ? {} : { "content-type": "application/json" };
  const response = await fetch(url, { method, headers: { ...contentType, ...headers }, body: raw as string | Uint8Array | undefined });
  const text = await response.text();
  let json: HttpAnswer["json"] = null;
  try {
    json = JSON.parse(text) as HttpAnswer["json"];
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, ...withoutCost(json) };
}

/** A GraphQL request as a client sends it: `{ query, variables }`, with the viewer's token when given. */
export function graphql(
  url: string,
  query: string,
  { variables, token, headers = {} }: { variables?: Record<string, unknown>; token?: string; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  return send(url, { body: { query, variables }, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
}

/** What must never reach a client: SQL, driver and ORM names, stack frames, file paths. */
const leakMarkers: [string, RegExp][] = [
  ["SQL", /\b(SELECT|INSERT INTO|UPDATE `|DELETE FROM)\b/],
  ["driver", /SQLITE_|\bER_[A-Z_]+|mysql2|better-sqlite3|QueryFailedError|TypeORM/],
  ["stack frame", /\bat [\w.<>$]+ \(|\(?[\w/.-]+\.[jt]s:\d+:\d+\)?/],
  ["path", /\/work\/|node_modules|\/usr\/|\/tmp\//],
  ["stacktrace", /"stacktrace"/],
];

/** The kinds of internals a response body shows, ignoring any text the request itself contained. */
export function leaksIn(body: string, request = ""): string[] {
  return leakMarkers.filter(([, pattern]) => pattern.test(body) && !pattern.test(request)).map(([name]) => name);
}

/** The masked answer to an unexpected failure, worded in `language` (the viewer's, else Accept-Language, else English). */
export function maskedError({
  requestId,
  path,
  language = "EN",
}: {
  requestId: string | null;
  path?: (string | number)[];
  language?: Language;
}): GraphQLErrorBody {
  return {
    message: formatMessage({ key: "http.internal", params: {} }, language),
    ...(path ? { path } : {}),
    extensions: { code: "INTERNAL_SERVER_ERROR", requestId, messageKey: "http.internal", params: {}, englishMessage: maskedMessage },
  };
}
