import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { ConfigError, loadConfig } from "../src/config";
import { preflightMaxAgeSeconds } from "../src/http/cors";
import { launchChromium } from "./support/browser";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { send } from "./support/http";
import { ssin } from "./support/identities";

const production = { AUTH_ISSUER: "https://idp.example.be", AUTH_AUDIENCE: "gateway", AUTH_JWKS_URL: "https://idp.example.be/jwks" };
const me = "query Me { me { ssin } }";
const corsHeaderNames = [
  "access-control-allow-origin",
  "access-control-expose-headers",
  "access-control-allow-methods",
  "access-control-allow-headers",
  "access-control-max-age",
  "access-control-allow-credentials",
];
const corsHeadersOf = (headers: Headers) => corsHeaderNames.filter((name) => headers.has(name));

/** A page server on its own port of 127.0.0.1: a second origin for the browser. */
async function startPageServer(): Promise<{ origin: string; server: Server }> {
  const server = createServer((_req, res) =>
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("<!doctype html><title>portal</title><p>portal</p>"),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
const close = (server: Server | undefined) => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));

describe("CORS_ORIGINS", () => {
  it("is same-origin only when unset, takes a list of exact origins, and takes * in development only", () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: "http://localhost:5173, https://portal.example.be" }).corsOrigins).toEqual([
      "http://localhost:5173",
      "https://portal.example.be",
    ]);
    expect(loadConfig({ CORS_ORIGINS: "*" }).corsOrigins).toBe("*");
    expect(loadConfig({ ...production, CORS_ORIGINS: "https://portal.example.be" }).corsOrigins).toEqual(["https://portal.example.be"]);
    expect(() => loadConfig({ ...production, CORS_ORIGINS: "*" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, CORS_ORIGINS: "*" })).toThrow(/CORS_ORIGINS/);
  });

  it.each([
    "https://portal.example.be/",
    "https://portal.example.be/app",
    "portal.example.be",
    "ftp://portal.example.be",
    "*, https://portal.example.be",
    "HTTPS://Portal.example.be",
  ])("refuses %s at start-up, naming it", (value) => {
    expect(() => loadConfig({ CORS_ORIGINS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ CORS_ORIGINS: value })).toThrow(/CORS_ORIGINS/);
  });
});

describe("CORS over HTTP", () => {
  const portal = "http://portal.example.be";
  let closed: TestGateway;
  let open: TestGateway;
  let anyOrigin: TestGateway;
  let person: string;
  /** Each gateway signs with its own development key. */
  const bearer = async (gw: TestGateway) => `Bearer ${await gw.token(person)}`;
  beforeAll(async () => {
    closed = await startTestGateway("sqlite");
    open = await startTestGateway("sqlite", { CORS_ORIGINS: `${portal},http://localhost:5173` }, { database: closed.database });
    anyOrigin = await startTestGateway("sqlite", { CORS_ORIGINS: "*" }, { database: closed.database });
    person = ssin();
    await closed.seed.person(person);
  });
  afterAll(async () => {
    await anyOrigin?.stop();
    await open?.stop();
    await closed?.stop();
  });

  const preflight = (url: string, origin: string, method = "POST") =>
    send(url, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": method, "access-control-request-headers": "authorization,content-type" },
    });

  it("answers a preflight of an allowed origin for POST and GET, cached, without credentials", async () => {
    for (const method of ["POST", "GET"]) {
      const answer = await preflight(open.url, portal, method);
      expect(answer.status).toBe(204);
      expect(answer.headers.get("access-control-allow-origin")).toBe(portal);
      expect(answer.headers.get("access-control-allow-methods")).toBe("GET, POST");
      expect(answer.headers.get("access-control-allow-headers")?.toLowerCase()).toEqual(expect.stringContaining("authorization"));
      expect(answer.headers.get("access-control-allow-headers")?.toLowerCase()).toEqual(expect.stringContaining("content-type"));
      expect(answer.headers.get("access-control-max-age")).toBe(String(preflightMaxAgeSeconds));
      expect(answer.headers.get("access-control-allow-credentials")).toBeNull();
      expect(answer.headers.get("vary")).toContain("Origin");
    }
  });

  it("lets an allowed origin send a consistency token back", async () => {
    const answer = await preflight(open.url, portal);
    expect(answer.headers.get("access-control-allow-headers")?.toLowerCase()).toEqual(expect.stringContaining("consistency-token"));
  });

  it("lets an allowed origin send an Idempotency-Key", async () => {
    const answer = await preflight(open.url, portal);
    expect(answer.headers.get("access-control-allow-headers")?.toLowerCase()).toEqual(expect.stringContaining("idempotency-key"));
  });

  it("exposes the request id, the rate-limit headers, the consistency token and the replay mark to an allowed origin", async () => {
    const answer = await send(open.url, {
      body: { query: me },
      headers: { origin: "http://localhost:5173", authorization: await bearer(open) },
    });
    expect(answer.json?.data).toEqual({ me: { ssin: person } });
    expect(answer.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(answer.headers.get("access-control-expose-headers")?.split(", ")).toEqual([
      "X-Request-Id",
      "RateLimit-Limit",
      "RateLimit-Remaining",
      "RateLimit-Reset",
      "RateLimit-Policy",
      "Retry-After",
      "Consistency-Token",
      "Idempotent-Replayed",
    ]);
  });

  it("gives an origin that is not allowed no CORS headers and otherwise the same answer", async () => {
    const stranger = "http://evil.example.org";
    const refusedPreflight = await preflight(open.url, stranger);
    expect(corsHeadersOf(refusedPreflight.headers)).toEqual([]);
    const withoutOrigin = await send(open.url, { body: { query: me }, headers: { authorization: await bearer(open) } });
    const fromStranger = await send(open.url, { body: { query: me }, headers: { origin: stranger, authorization: await bearer(open) } });
    expect(fromStranger.json?.data).toEqual({ me: { ssin: person } });
    expect(corsHeadersOf(fromStranger.headers)).toEqual([]);
    expect({ status: fromStranger.status, body: fromStranger.json }).toEqual({ status: withoutOrigin.status, body: withoutOrigin.json });
    // A prefix or a variant of an allowed origin is another origin.
    for (const lookalike of [`${portal}.evil.example.org`, "https://portal.example.be", `${portal}:8080`]) {
      expect(corsHeadersOf((await preflight(open.url, lookalike)).headers)).toEqual([]);
    }
  });

  it("sends no CORS headers at all when CORS_ORIGINS is unset", async () => {
    expect(corsHeadersOf((await preflight(closed.url, portal)).headers)).toEqual([]);
    const answer = await send(closed.url, { body: { query: me }, headers: { origin: portal, authorization: await bearer(closed) } });
    expect(answer.json?.data).toEqual({ me: { ssin: person } });
    expect(corsHeadersOf(answer.headers)).toEqual([]);
  });

  it("allows every origin with * in development, answering * and not varying by origin", async () => {
    const answer = await preflight(anyOrigin.url, "http://localhost:3000");
    expect(answer.status).toBe(204);
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    expect(answer.headers.get("vary") ?? "").not.toContain("Origin");
  });
});

describe("CORS in a browser", () => {
  let browser: Browser;
  let allowedPage: { origin: string; server: Server };
  let otherPage: { origin: string; server: Server };
  let gw: TestGateway;
  let person: string;
  beforeAll(async () => {
    allowedPage = await startPageServer();
    otherPage = await startPageServer();
    gw = await startTestGateway("sqlite", { CORS_ORIGINS: allowedPage.origin, RATE_LIMIT: "on" });
    person = ssin();
    await gw.seed.person(person);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    await close(allowedPage?.server);
    await close(otherPage?.server);
  });

  /** Loads a page of `origin` and lets its script call the API with fetch and a bearer token, by POST and by GET. */
  async function callFrom(origin: string) {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(origin);
      return await page.evaluate(
        async ({ url, token, query }) => {
          const call = async (method: "GET" | "POST") => {
            try {
              const headers = { authorization: `Bearer ${token}`, accept: "application/graphql-response+json, application/json" };
              const response =
                method === "POST"
                  ? await fetch(url, {
                      method,
                      headers: { ...headers, "content-type": "application/json" },
                      body: JSON.stringify({ query }),
                    })
                  : await fetch(`${url}?query=${encodeURIComponent(query)}`, { headers });
              return {
                ok: true,
                status: response.status,
                body: await response.json(),
                requestId: response.headers.get("x-request-id"),
                remaining: response.headers.get("ratelimit-remaining"),
              };
            } catch (error) {
              return { ok: false, error: String(error) };
            }
          };
          return { post: await call("POST"), get: await call("GET") };
        },
        { url: gw.url, token: await gw.token(person), query: me },
      );
    } finally {
      await context.close();
    }
  }

  it("lets a page of the allowed origin call the API, reading the request id and rate-limit headers", async () => {
    const { post, get } = await callFrom(allowedPage.origin);
    for (const answer of [post, get]) {
      expect(answer).toMatchObject({ ok: true, status: 200, body: { data: { me: { ssin: person } } } });
      expect(answer.requestId).toMatch(/\S+/);
      expect(Number(answer.remaining)).toBeGreaterThan(0);
    }
  });

  it("keeps the answer from a page of another origin", async () => {
    const { post, get } = await callFrom(otherPage.origin);
    expect(post).toMatchObject({ ok: false, error: expect.stringContaining("Failed to fetch") });
    expect(get).toMatchObject({ ok: false, error: expect.stringContaining("Failed to fetch") });
  });
});
