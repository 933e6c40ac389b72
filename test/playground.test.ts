import type { Browser, Page } from "playwright-core";
import { tokenPlaceholder } from "../src/http/playground";
import { launchChromium } from "./support/browser";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { ssin } from "./support/identities";

const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const assets = ["react.js", "react-dom.js", "graphiql.js", "graphiql.css", "playground.js", "playground.css"];

/** Replaces the whole content of a CodeMirror editor as typed text. */
async function replaceEditorText(page: Page, editor: string, text: string): Promise<void> {
  await page.locator(`${editor} .CodeMirror`).click();
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(text);
}

/** Production needs an identity provider; these tests never present a token, so its key set is never fetched. */
const productionIdentity = { AUTH_ISSUER: "https://idp.example.be", AUTH_AUDIENCE: "secure-access-gateway", AUTH_JWKS_URL: "http://127.0.0.1:9/jwks.json" };

describe("the playground in a browser", () => {
  let gw: TestGateway;
  let browser: Browser;
  beforeAll(async () => {
    gw = await startTestGateway("sqlite");
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
  });

  it("loads only from this server, and runs a typed query with a pasted token, showing the result", async () => {
    const origin = new URL(gw.url).origin;
    const context = await browser.newContext();
    const page = await context.newPage();
    const requested: string[] = [];
    const problems: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));

    await page.goto(gw.url);
    await page.locator(".graphiql-container").waitFor();
    await expect(page.locator(".playground-hint").innerText()).resolves.toContain("npm run token -- SSIN");
    const headersEditor = ".graphiql-editor-tool .graphiql-editor:not(.hidden)";
    await expect(page.locator(headersEditor).innerText()).resolves.toContain(tokenPlaceholder);
    await expect(page.locator(".graphiql-tab").allInnerTexts()).resolves.toEqual(["MyEnterprises", "Can", "AppointMainAccessManager", "AccessManagerDashboard"]);
    // The schema loaded (introspection without a token): the documentation explorer lists the root types.
    await page.getByRole("button", { name: "Show Documentation Explorer" }).click();
    await page.locator(".graphiql-doc-explorer", { hasText: "mutation: Mutation" }).waitFor();

    const person = ssin();
    await replaceEditorText(page, ".graphiql-query-editor", "query Who { me { ssin } }");
    await replaceEditorText(page, headersEditor, JSON.stringify({ Authorization: `Bearer ${await gw.token(person)}` }));
    await page.locator(".graphiql-execute-button").click();

    const response = page.locator(".graphiql-response", { hasText: person });
    await response.waitFor();
    const shown = await response.locator(".CodeMirror").evaluate((editor) => (editor as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
    expect(JSON.parse(shown)).toEqual({ data: { me: { ssin: person } } });
    expect(requested.length).toBeGreaterThan(assets.length);
    expect(requested.filter((url) => new URL(url).origin !== origin)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe("the playground over HTTP", () => {
  it("serves a JSON client at /graphql as the API, not the page", async () => {
    const gw = await startTestGateway("sqlite");
    try {
      const response = await fetch(`${gw.url}?query=${encodeURIComponent("{ __typename }")}`, { headers: { accept: "application/json", "apollo-require-preflight": "true" } });
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      await expect(response.json()).resolves.toEqual({ data: { __typename: "Query" } });
    } finally {
      await gw.stop();
    }
  });

  it("is off in production: no page and no assets", async () => {
    const gw = await startTestGateway("sqlite", { NODE_ENV: "production", ...productionIdentity });
    try {
      const page = await fetch(gw.url, { headers: { accept: browserAccept } });
      await page.arrayBuffer();
      expect(page.headers.get("content-type")).not.toMatch(/text\/html/);
      for (const asset of assets) {
        const response = await fetch(new URL(`/playground/assets/${asset}`, gw.url));
        await response.arrayBuffer();
        expect(response.status).toBe(404);
      }
    } finally {
      await gw.stop();
    }
  });

  it("warns on its page that a gateway running only trusted documents refuses its queries", async () => {
    const gw = await startTestGateway("sqlite", { TRUSTED_DOCUMENTS: "only" });
    try {
      const page = await fetch(gw.url, { headers: { accept: browserAccept } });
      expect(await page.text()).toContain("TRUSTED_DOCUMENTS=only");
    } finally {
      await gw.stop();
    }
  });

  it("is on in production with PLAYGROUND=on, and its page allows no other host", async () => {
    const gw = await startTestGateway("sqlite", { NODE_ENV: "production", PLAYGROUND: "on", ...productionIdentity });
    try {
      const page = await fetch(gw.url, { headers: { accept: browserAccept } });
      expect(page.headers.get("content-type")).toMatch(/^text\/html/);
      expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
      expect(await page.text()).not.toMatch(/(src|href)="(https?:)?\/\//);
      for (const asset of assets) {
        const response = await fetch(new URL(`/playground/assets/${asset}`, gw.url));
        await response.arrayBuffer();
        expect(response.status).toBe(200);
      }
    } finally {
      await gw.stop();
    }
  });
});
