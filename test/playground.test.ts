import type { Browser, Page } from "playwright-core";
import { gunzipSync } from "node:zlib";
import { headersStorageKey, tokenPlaceholder } from "../src/http/playground";
import { launchChromium } from "./support/browser";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { ssin } from "./support/identities";

const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const assets = [
  "react.js",
  "react-dom.js",
  "graphiql.js",
  "graphiql.css",
  "graphql-ws.js",
  "explorer.js",
  "explorer.css",
  "playground.js",
  "playground.css",
];

/** Replaces the whole content of a CodeMirror editor as typed text. */
async function replaceEditorText(page: Page, editor: string, text: string): Promise<void> {
  await page.locator(`${editor} .CodeMirror`).click();
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(text);
}

/** The page is drawn and what is typed into the headers from now on is shared between tabs (src/http/playground.ts). */
async function playgroundReady(page: Page): Promise<void> {
  await page.locator(".graphiql-container").waitFor();
  await page.locator("html[data-shared-headers=ready]").waitFor({ state: "attached" });
}

/** Production needs an identity provider; these tests never present a token, so its key set is never fetched. */
const productionIdentity = {
  AUTH_ISSUER: "https://idp.example.be",
  AUTH_AUDIENCE: "secure-access-gateway",
  AUTH_JWKS_URL: "http://127.0.0.1:9/jwks.json",
};

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
    await playgroundReady(page);
    await expect(page.locator(".playground-hint").innerText()).resolves.toContain("npm run token -- SSIN");
    const headersEditor = ".graphiql-editor-tool .graphiql-editor:not(.hidden)";
    await expect(page.locator(headersEditor).innerText()).resolves.toContain(tokenPlaceholder);
    await expect(page.locator(".graphiql-tab").allInnerTexts()).resolves.toEqual([
      "MyEnterprises",
      "Can",
      "AppointMainAccessManager",
      "AccessManagerDashboard",
      "AccessChanged",
    ]);
    // The schema loaded (introspection without a token): the documentation explorer lists the root types.
    await page.getByRole("button", { name: "Show Documentation Explorer" }).click();
    await page.locator(".graphiql-doc-explorer", { hasText: "mutation: Mutation" }).waitFor();

    const person = ssin();
    await replaceEditorText(page, ".graphiql-query-editor", "query Who { me { ssin } }");
    await replaceEditorText(page, headersEditor, JSON.stringify({ Authorization: `Bearer ${await gw.token(person)}` }));
    await page.locator(".graphiql-execute-button").click();

    const response = page.locator(".graphiql-response", { hasText: person });
    await response.waitFor();
    const shown = await response
      .locator(".CodeMirror")
      .evaluate((editor) => (editor as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
    // The answer as the playground shows it, with what it cost (docs/clients.md, "Cost and budget").
    expect(JSON.parse(shown)).toEqual({
      data: { me: { ssin: person } },
      extensions: { cost: expect.objectContaining({ requested: 1, actual: 1 }) },
    });
    expect(requested.length).toBeGreaterThan(assets.length);
    expect(requested.filter((url) => new URL(url).origin !== origin)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("runs a subscription over WebSocket that receives the change a mutation makes, and opens the explorer panel", async () => {
    const e = await gw.seed.enterprise().withMainAccessManager().active().build();
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    const sockets: string[] = [];
    page.on("websocket", (socket) => sockets.push(socket.url()));
    try {
      await page.goto(gw.url);
      await playgroundReady(page);
      const headersEditor = ".graphiql-editor-tool .graphiql-editor:not(.hidden)";
      await replaceEditorText(page, headersEditor, JSON.stringify({ Authorization: `Bearer ${await gw.token(e.legalRepresentative)}` }));
      await replaceEditorText(
        page,
        ".graphiql-query-editor",
        `subscription Live { accessChanged(enterprise: "${e.number}") { enterprise kind at } }`,
      );
      await page.locator(".graphiql-tab-active", { hasText: "Live" }).waitFor();
      await page.locator(".graphiql-execute-button").click();
      for (let waited = 0; gw.gateway.changes.subscribers() < 1; waited += 50) {
        if (waited > 15_000) throw new Error(`the playground's subscription did not start: ${problems.join("; ")}`);
        await page.waitForTimeout(50);
      }
      // One change of one kind (GraphiQL shows a subscription's latest event): the e-Box activated.
      await (
        await gw.client(e.legalRepresentative)
      ).request(
        `mutation ($e: EnterpriseNumber!) { activateEBox(input: { enterprise: $e, notificationEmail: "ebox@example.be" }) { status } }`,
        { e: e.number },
      );
      await page.locator(".graphiql-response", { hasText: e.display }).waitFor();
      await page.locator(".graphiql-response", { hasText: "EBOX" }).waitFor();
      expect(sockets).toEqual([`${gw.url.replace(/^http/, "ws")}`]);

      await page.getByRole("button", { name: "Show GraphiQL Explorer" }).click();
      // The explorer shows the operation in the editor as a tree built from the schema: the subscription's field and what it selects.
      await page.locator(".graphiql-explorer-root", { hasText: "accessChanged" }).waitFor();
      const tree = await page.locator(".graphiql-explorer-root").innerText();
      expect(tree).toMatch(/subscription[\s\S]*accessChanged[\s\S]*enterprise[\s\S]*kind/);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe("the playground's headers in a browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const headersEditor = ".graphiql-editor-tool .graphiql-editor:not(.hidden)";
  const headersShown = (page: Page) =>
    page
      .locator(`${headersEditor} .CodeMirror`)
      .evaluate((editor) => (editor as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
  const stored = (page: Page) =>
    page.evaluate(
      (key) => (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem(key),
      headersStorageKey,
    );
  /** GraphiQL restores its tabs after the first render: waits until the headers editor shows what is expected. */
  const headersBecome = async (page: Page, expected: (shown: string) => boolean) => {
    for (let attempt = 0; attempt < 50 && !expected(await headersShown(page)); attempt++) await page.waitForTimeout(100);
    return headersShown(page);
  };
  const openTab = async (page: Page, index: number) => {
    await page.locator(".graphiql-tab").nth(index).locator(".graphiql-tab-button").click();
    await page.locator(".graphiql-tab-active").nth(0).waitFor();
  };

  it("shares a token pasted in one tab with every tab and keeps it across reloads in development, compressed assets and all", async () => {
    const gw = await startTestGateway("sqlite");
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const encodings = new Map<string, string | undefined>();
      page.on("response", (response) => {
        if (response.url().includes("/playground/assets/"))
          encodings.set(response.url().split("/").at(-1)!, response.headers()["content-encoding"]);
      });
      await page.goto(gw.url);
      await playgroundReady(page);
      const person = ssin();
      const headers = JSON.stringify({ Authorization: `Bearer ${await gw.token(person)}` });
      await replaceEditorText(page, headersEditor, headers);
      await openTab(page, 2);
      await expect(headersShown(page)).resolves.toBe(headers);

      await page.reload();
      await playgroundReady(page);
      await expect(headersBecome(page, (shown) => shown === headers)).resolves.toBe(headers);
      await expect(stored(page)).resolves.toBe(headers);
      await openTab(page, 1);
      await expect(headersShown(page)).resolves.toBe(headers);
      await replaceEditorText(page, ".graphiql-query-editor", "query Who { me { ssin } }");
      // GraphiQL parses the document after a pause; the tab's title shows the operation it will send.
      await page.locator(".graphiql-tab-active", { hasText: "Who" }).waitFor();
      const answered = page.waitForResponse(
        (response) => response.request().method() === "POST" && (response.request().postData() ?? "").includes("Who"),
      );
      await page.locator(".graphiql-execute-button").click();
      await expect((await answered).json()).resolves.toEqual({
        data: { me: { ssin: person } },
        extensions: { cost: expect.objectContaining({ requested: 1, actual: 1 }) },
      });
      await page.locator(".graphiql-response", { hasText: person }).waitFor();

      expect(Object.fromEntries(encodings)).toEqual(Object.fromEntries(assets.map((asset) => [asset, "gzip"])));
    } finally {
      await context.close();
      await gw.stop();
    }
  });

  it("shares the headers between tabs but does not store them in production", async () => {
    const gw = await startTestGateway("sqlite", { NODE_ENV: "production", PLAYGROUND: "on", ...productionIdentity });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(gw.url);
      await playgroundReady(page);
      const headers = JSON.stringify({ Authorization: "Bearer a-provider-token" });
      await replaceEditorText(page, headersEditor, headers);
      await openTab(page, 3);
      await expect(headersShown(page)).resolves.toBe(headers);
      await expect(stored(page)).resolves.toBeNull();
      await page.reload();
      await playgroundReady(page);
      await expect(headersBecome(page, (shown) => shown.includes(tokenPlaceholder))).resolves.toContain(tokenPlaceholder);
    } finally {
      await context.close();
      await gw.stop();
    }
  });
});

describe("the playground over HTTP", () => {
  it("serves a JSON client at /graphql as the API, not the page", async () => {
    const gw = await startTestGateway("sqlite");
    try {
      const response = await fetch(`${gw.url}?query=${encodeURIComponent("{ __typename }")}`, {
        headers: { accept: "application/json", "apollo-require-preflight": "true" },
      });
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      await expect(response.json()).resolves.toEqual({
        data: { __typename: "Query" },
        extensions: { cost: expect.objectContaining({ requested: 0, actual: 0 }) },
      });
    } finally {
      await gw.stop();
    }
  });

  it("sends its assets gzip-compressed to a client that accepts it, and plain to one that does not", async () => {
    const gw = await startTestGateway("sqlite");
    try {
      for (const asset of assets) {
        const url = new URL(`/playground/assets/${asset}`, gw.url);
        const plain = await fetch(url, { headers: { "accept-encoding": "identity" } });
        const body = Buffer.from(await plain.arrayBuffer());
        expect(plain.headers.get("content-encoding")).toBeNull();
        // Node's fetch decompresses on its own: ask with a raw request to see the bytes on the wire.
        const compressed = await new Promise<{ encoding?: string; vary?: string; bytes: Buffer }>((resolve, reject) => {
          void import("node:http").then(({ get }) =>
            get(url, { headers: { "accept-encoding": "gzip, deflate, br" } }, (response) => {
              const chunks: Buffer[] = [];
              response.on("data", (chunk: Buffer) => chunks.push(chunk));
              response.on("end", () =>
                resolve({ encoding: response.headers["content-encoding"], vary: response.headers.vary, bytes: Buffer.concat(chunks) }),
              );
            }).on("error", reject),
          );
        });
        expect({ asset, encoding: compressed.encoding, vary: compressed.vary }).toEqual({
          asset,
          encoding: "gzip",
          vary: "Accept-Encoding",
        });
        expect(gunzipSync(compressed.bytes).equals(body)).toBe(true);
        // graphiql.css is mostly inlined fonts, which compress little; the scripts shrink to a fraction.
        expect(compressed.bytes.length).toBeLessThan(asset.endsWith(".js") && body.length > 10_000 ? body.length / 2 : body.length);
      }
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
