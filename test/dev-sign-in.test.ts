import { request as httpRequest } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { actAsPath } from "../src/http/act-as";
import { loadOrCreateDevKeys, signDevToken } from "../src/identity/dev-keys";
import { formatMessage } from "../src/i18n/messages";
import { launchChromium } from "./support/browser";
import { describeEachDatabase } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { graphql, send } from "./support/http";
import { ssin } from "./support/identities";
import { subscribe } from "./support/live";
import type { SeededEnterprise } from "./support/seed";

const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const headersEditor = ".graphiql-editor-tool .graphiql-editor:not(.hidden)";

/** An IPv4 address of this machine that is not loopback: a request to it comes from a peer that is not loopback either. */
function networkAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry && entry.family === "IPv4" && !entry.internal)?.address;
  if (!address) throw new Error("this machine has no IPv4 address but loopback: the test needs one to call the gateway from off loopback");
  return address;
}

/** A GET with any Host header (fetch will not send another host's name to this address). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode!);
    })
      .on("error", reject)
      .end();
  });
}

const askToken = (gw: TestGateway, body: unknown, headers: Record<string, string> = {}) =>
  send(new URL(actAsPath, gw.url).href, { body, headers });

const editorText = (page: Page, selector: string) =>
  page
    .locator(`${selector} .CodeMirror`)
    .evaluate((editor) => (editor as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describeEachDatabase("development sign-in", (dialect) => {
  let gw: TestGateway;
  let e: SeededEnterprise;
  let representative: string;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    representative = ssin();
    await gw.seed.person(representative, { givenName: "Ines", familyName: "Claes" });
    e = await gw.seed.enterprise({ name: "Brouwerij Claes", legalRepresentative: representative }).withMainAccessManager().active().build();
    // Someone known to the database but holding no role: not offered.
    await gw.seed.person(ssin(), { givenName: "Nobody", familyName: "Roleless" });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it("lists the people with a current role, with their names, roles and enterprises, from the database", async () => {
    const answer = await send(new URL(actAsPath, gw.url).href, { method: "GET" });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    const enterprise = { number: e.display, name: "Brouwerij Claes" };
    expect(answer.json).toEqual({
      people: [
        {
          ssin: representative,
          givenName: "Ines",
          familyName: "Claes",
          roles: [{ role: "LEGAL_REPRESENTATIVE", roleName: "Legal representative", capacity: null, enterprise }],
        },
        {
          ssin: e.mainAccessManager,
          givenName: expect.any(String),
          familyName: expect.any(String),
          roles: [
            { role: "MAIN_ACCESS_MANAGER", roleName: "Main access manager", capacity: null, enterprise },
            { role: "ACCESS_MANAGER", roleName: "Access manager", capacity: "EMPLOYER_NSSO", enterprise },
          ],
        },
      ],
    });
  });

  it("signs a development token for one of them, which the gateway accepts with their names", async () => {
    const answer = await askToken(gw, { ssin: representative });
    expect(answer.status).toBe(200);
    const { token } = answer.json as unknown as { token: string };
    const me = await graphql(gw.url, "{ me { ssin givenName familyName } }", { token });
    expect(me.json).toEqual({ data: { me: { ssin: representative, givenName: "Ines", familyName: "Claes" } } });
  });

  it("signs no token for a national number without a current role, nor for a body that is not JSON", async () => {
    expect((await askToken(gw, { ssin: ssin() })).status).toBe(404);
    expect((await askToken(gw, { ssin: "12345678901" })).status).toBe(400);
    // What a form or a page of another origin can send without a preflight.
    const text = await askToken(gw, JSON.stringify({ ssin: representative }), { "content-type": "text/plain" });
    expect(text.status).toBe(400);
    expect(text.text).not.toMatch(/eyJ/);
  });

  it("answers 404 to a request that does not come from a browser on this machine: a proxy's, or to another host name", async () => {
    const url = new URL(actAsPath, gw.url).href;
    expect((await send(url, { method: "GET", headers: { "x-forwarded-for": "203.0.113.7" } })).status).toBe(404);
    expect((await send(url, { method: "GET", headers: { forwarded: "for=203.0.113.7" } })).status).toBe(404);
    expect((await askToken(gw, { ssin: representative }, { "x-forwarded-for": "203.0.113.7" })).status).toBe(404);
    // A site whose name an attacker points at 127.0.0.1 (DNS rebinding) is that site's origin to the browser.
    expect(await getWithHost(url, "attacker.example")).toBe(404);
    expect(await getWithHost(url, `localhost:${new URL(gw.url).port}`)).toBe(200);
  });

  it("in the playground, acts as a person chosen from the list: every tab's headers carry their token and queries run as them", async () => {
    const context = await browser.newContext();
    const problems: string[] = [];
    try {
      const page = await context.newPage();
      page.on("pageerror", (error) => problems.push(error.message));
      await page.goto(gw.url);
      await page.locator(".graphiql-container").waitFor();
      const actAs = page.locator("#act-as:not([disabled])");
      await actAs.waitFor();
      const options = await page.locator("#act-as option").allInnerTexts();
      expect(options).toEqual([
        "a person with a role...",
        `Ines Claes (${representative}): Legal representative of Brouwerij Claes (${e.display})`,
        expect.stringMatching(
          new RegExp(
            `\\(${e.mainAccessManager}\\): Main access manager of Brouwerij Claes \\(${e.display.replace(/\./g, "\\.")}\\); Access manager of Brouwerij Claes`,
          ),
        ),
      ]);

      await actAs.selectOption(e.mainAccessManager!);
      await page.locator("#act-as-status", { hasText: "now carry" }).waitFor();
      const headers = JSON.parse(await editorText(page, headersEditor)) as { Authorization: string };
      expect(headers.Authorization).toMatch(/^Bearer eyJ/);

      await page.locator(".graphiql-tab").nth(1).locator(".graphiql-tab-button").click();
      await expect(editorText(page, headersEditor).then((text) => JSON.parse(text))).resolves.toEqual(headers);
      await page.locator(".graphiql-query-editor .CodeMirror").click();
      await page.keyboard.press("Control+A");
      await page.keyboard.insertText("query Who { me { ssin } }");
      await page.locator(".graphiql-tab-active", { hasText: "Who" }).waitFor();
      const answered = page.waitForResponse(
        (response) => response.request().method() === "POST" && (response.request().postData() ?? "").includes("Who"),
      );
      await page.locator(".graphiql-execute-button").click();
      await expect((await answered).json()).resolves.toEqual({
        data: { me: { ssin: e.mainAccessManager } },
        extensions: { cost: expect.any(Object) },
      });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("answers a development token of another database with a message that says so and what to do, over HTTP and WebSocket", async () => {
    const otherKeys = mkdtempSync(join(tmpdir(), "other-database-"));
    try {
      const token = await signDevToken(await loadOrCreateDevKeys(join(otherKeys, "dev-signing-key.json")), { ssin: representative });
      for (const language of ["EN", "NL", "FR", "DE"] as const) {
        const answer = await graphql(gw.url, "{ me { ssin } }", { token, headers: { "accept-language": language.toLowerCase() } });
        expect(answer.status).toBe(401);
        expect(answer.json?.errors?.[0]).toMatchObject({
          message: formatMessage({ key: "auth.devTokenOfAnotherDatabase", params: {} }, language),
          extensions: { code: "UNAUTHENTICATED", reason: "TOKEN_INVALID", messageKey: "auth.devTokenOfAnotherDatabase" },
        });
      }
      const socket = subscribe(gw, token);
      await expect(socket.closed).resolves.toEqual({
        code: 4401,
        reason: `Unauthorized: ${formatMessage({ key: "auth.devTokenOfAnotherDatabase", params: {} }, "EN")}`,
      });
      await socket.dispose();

      // A token of this gateway's key that was altered after signing is merely invalid.
      const own = await gw.token(representative);
      const [header, payload, signature] = own.split(".");
      const altered = `${header}.${payload}.${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`;
      const refused = await graphql(gw.url, "{ me { ssin } }", { token: altered });
      expect(refused.json?.errors?.[0].extensions).toMatchObject({ code: "UNAUTHENTICATED", messageKey: "auth.tokenInvalid" });
    } finally {
      rmSync(otherKeys, { recursive: true, force: true });
    }
  });
});

describe("development sign-in off this machine and in production", () => {
  it("is not offered to a browser on another machine: its page says where it is, its routes answer 404", async () => {
    const gw = await startTestGateway("sqlite", { HOST: "0.0.0.0" });
    try {
      const remote = new URL(gw.url);
      remote.hostname = networkAddress();
      const page = await send(remote.href, { method: "GET", headers: { accept: browserAccept } });
      expect(page.text).toContain("npm run token -- SSIN");
      expect(page.text).toContain("A browser on the gateway's own machine can also act as");
      expect(page.text).not.toContain('id="act-as"');
      expect((await send(new URL(actAsPath, remote).href, { method: "GET" })).status).toBe(404);
      expect((await send(new URL(actAsPath, remote).href, { body: { ssin: ssin() } })).status).toBe(404);
      const local = await send(gw.url, { method: "GET", headers: { accept: browserAccept } });
      expect(local.text).toContain('id="act-as"');
    } finally {
      await gw.stop();
    }
  });

  it("does not exist in production, even with the playground on", async () => {
    const gw = await startTestGateway("sqlite", {
      NODE_ENV: "production",
      PLAYGROUND: "on",
      AUTH_ISSUER: "https://idp.example.be",
      AUTH_AUDIENCE: "secure-access-gateway",
      AUTH_JWKS_URL: "http://127.0.0.1:9/jwks.json",
    });
    try {
      const url = new URL(actAsPath, gw.url).href;
      expect((await send(url, { method: "GET" })).status).toBe(404);
      expect((await send(url, { body: { ssin: ssin() } })).status).toBe(404);
      const page = await send(gw.url, { method: "GET", headers: { accept: browserAccept } });
      expect(page.status).toBe(200);
      expect(page.text).not.toContain("act-as");
      expect(page.text).not.toContain("Development mode");
    } finally {
      await gw.stop();
    }
  });

  it("does not exist in development with the playground off", async () => {
    const gw = await startTestGateway("sqlite", { PLAYGROUND: "off" });
    try {
      expect((await send(new URL(actAsPath, gw.url).href, { method: "GET" })).status).toBe(404);
    } finally {
      await gw.stop();
    }
  });
});
