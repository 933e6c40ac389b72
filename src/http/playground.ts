import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import express, { type Request, type Response, type Router } from "express";
import { print } from "graphql";
import {
  AccessChangedDocument,
  AccessManagerDashboardDocument,
  AppointMainAccessManagerDocument,
  CanDocument,
  MyEnterprisesDocument,
} from "../client/generated/operations";
import type { Config } from "../config";
import { actAsPath, fromThisMachine } from "./act-as";

const endpoint = "/graphql";
const assetPath = "/playground/assets";
export const tokenPlaceholder = "Bearer <paste a token>";
/** Where the development playground keeps the headers across reloads (localStorage of the gateway's origin). */
export const headersStorageKey = "secure-access-gateway:playground:headers";

const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** The IDE's files, served from node_modules: the page loads nothing from another host (STACK, "Apollo landing page"). */
const packagedAssets: Record<string, string> = {
  "react.js": join(packageDir("react"), "umd", "react.production.min.js"),
  "react-dom.js": join(packageDir("react-dom"), "umd", "react-dom.production.min.js"),
  "graphiql.js": join(packageDir("graphiql"), "graphiql.min.js"),
  "graphiql.css": join(packageDir("graphiql"), "graphiql.min.css"),
  // graphql-ws's browser client, for subscriptions (GraphiQL's fetcher takes it as `wsClient`).
  "graphql-ws.js": join(packageDir("graphql-ws"), "umd", "graphql-ws.min.js"),
  // The query builder panel; its UMD build reads React and GraphiQL from the page's globals.
  "explorer.js": join(packageDir("@graphiql/plugin-explorer"), "dist", "index.umd.js"),
  "explorer.css": join(packageDir("@graphiql/plugin-explorer"), "dist", "style.css"),
};

/**
 * Starts GraphiQL from the JSON config in the page. The placeholder Authorization header is left out of requests, so
 * that the schema (docs, completion) loads before a token is pasted, and a query without one is plainly UNAUTHENTICATED.
 * The headers are one value shared by every tab (GraphiQL keeps them per tab): an edit in any tab becomes every tab's
 * headers, and in development (config.persistHeaders) they are kept in localStorage across reloads. Production does
 * not store them: a token in localStorage outlives the session and is readable by any script of the origin.
 */
const playgroundScript = `"use strict";
(() => {
  const config = JSON.parse(document.getElementById("playground-config").textContent);
  const placeholderHeaders = JSON.stringify({ Authorization: config.tokenPlaceholder }, null, 2);
  const storage = {
    read() {
      try { return config.persistHeaders ? window.localStorage.getItem(config.headersStorageKey) : null; } catch { return null; }
    },
    write(value) {
      try { if (config.persistHeaders) window.localStorage.setItem(config.headersStorageKey, value); } catch { /* storage full or denied: the headers stay for this page */ }
    },
  };
  let sharedHeaders = storage.read() || placeholderHeaders;
  /** What shows the shared headers (the editor of the active tab, once GraphiQL has made it). */
  const headerViews = new Set();
  /** Replaces the shared headers from outside the editor ("Act as"): every tab's, the stored ones, and the editor's. */
  const setSharedHeaders = (value) => {
    sharedHeaders = value;
    storage.write(value);
    for (const show of headerViews) show(value);
  };
  /** The Authorization of the shared headers, unless it is still the placeholder. */
  const authorization = () => {
    try {
      const headers = JSON.parse(sharedHeaders || "{}");
      const value = Object.entries(headers).find(([name]) => name.toLowerCase() === "authorization")?.[1];
      return typeof value === "string" && value !== config.tokenPlaceholder ? value : undefined;
    } catch {
      return undefined;
    }
  };
  /**
   * Subscriptions go over graphql-ws to this same origin and path. The token travels in connectionParams, read when a
   * connection opens: the client connects for the first subscription and closes after the last (lazy), so a token
   * pasted later is the one the next subscription uses.
   */
  const wsClient = graphqlWs.createClient({
    url: (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + config.endpoint,
    connectionParams: () => {
      const value = authorization();
      return value ? { authorization: value } : {};
    },
    retryAttempts: 0,
  });
  const send = GraphiQL.createFetcher({ url: config.endpoint, wsClient });
  const explorer = GraphiQLPluginExplorer.explorerPlugin({ showAttribution: false });
  const fetcher = (params, options = {}) => {
    const headers = Object.fromEntries(Object.entries(options.headers ?? {}).filter(([, value]) => value !== config.tokenPlaceholder));
    return send(params, { ...options, headers });
  };
  /**
   * Inside GraphiQL's providers: takes what the user types into the headers editor (not GraphiQL's own setValue when it
   * switches tabs, nor its debounced onEditHeaders, which would report the old tab's headers after a switch), and shows
   * the shared headers in whichever tab becomes active or is restored.
   */
  const SharedHeaders = () => {
    const { headerEditor, activeTabIndex } = GraphiQL.React.useEditorContext({ nonNull: true });
    React.useEffect(() => {
      if (!headerEditor) return undefined;
      const onChange = (editor, change) => {
        if (change.origin === "setValue") return;
        sharedHeaders = editor.getValue();
        storage.write(sharedHeaders);
      };
      headerEditor.on("change", onChange);
      // What is typed from now on is shared; a page driven by a script waits for this mark before it types.
      document.documentElement.dataset.sharedHeaders = "ready";
      return () => {
        headerEditor.off("change", onChange);
        delete document.documentElement.dataset.sharedHeaders;
      };
    }, [headerEditor]);
    React.useEffect(() => {
      if (headerEditor && headerEditor.getValue() !== sharedHeaders) headerEditor.setValue(sharedHeaders);
    }, [headerEditor, activeTabIndex]);
    React.useEffect(() => {
      if (!headerEditor) return undefined;
      const show = (value) => {
        if (headerEditor.getValue() !== value) headerEditor.setValue(value);
      };
      headerViews.add(show);
      return () => headerViews.delete(show);
    }, [headerEditor]);
    return null;
  };
  /**
   * "Act as" (development, in a browser on the gateway's machine): the people with a current role, read from the
   * database when the page loads; choosing one asks the gateway for a fresh development token and puts it in the
   * headers of every tab.
   */
  const actAs = document.getElementById("act-as");
  if (actAs) {
    const status = document.getElementById("act-as-status");
    const roleText = (held) => held.roleName + " of " + held.enterprise.name + " (" + held.enterprise.number + ")";
    fetch(config.actAsPath, { headers: { accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error("HTTP " + response.status))))
      .then(({ people }) => {
        for (const person of people) {
          const option = document.createElement("option");
          option.value = person.ssin;
          const name = (person.givenName + " " + person.familyName).trim() || "(no name)";
          option.textContent = name + " (" + person.ssin + "): " + person.roles.map(roleText).join("; ");
          actAs.append(option);
        }
        actAs.disabled = false;
        status.textContent = people.length === 0 ? "no one holds a role yet" : "";
      })
      .catch((error) => {
        status.textContent = "the list could not be read (" + error.message + ")";
      });
    actAs.addEventListener("change", () => {
      if (!actAs.value) return;
      status.textContent = "signing in...";
      fetch(config.actAsPath, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ssin: actAs.value }) })
        .then((response) => (response.ok ? response.json() : Promise.reject(new Error("HTTP " + response.status))))
        .then(({ token }) => {
          setSharedHeaders(JSON.stringify({ Authorization: "Bearer " + token }, null, 2));
          status.textContent = "the headers of every tab now carry their token";
        })
        .catch((error) => {
          status.textContent = "no token (" + error.message + ")";
        });
    });
  }
  /**
   * GraphiQL puts a tab's own stored headers into the editor inside its tab-state updater, which React may run again
   * after the effect above (an update rebased on a later one, such as its debounced record of the headers just set by
   * "Act as"); it calls onTabChange right after, in the same updater, so the shared headers go back in at that point.
   */
  const onTabChange = () => {
    for (const show of headerViews) show(sharedHeaders);
  };
  const defaultTabs = config.examples.map((example) => ({ query: example.query, variables: example.variables, headers: sharedHeaders }));
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(
      GraphiQL,
      {
        fetcher,
        defaultTabs,
        defaultHeaders: sharedHeaders,
        defaultEditorToolsVisibility: "headers",
        shouldPersistHeaders: false,
        plugins: [explorer],
        onTabChange,
      },
      React.createElement(GraphiQL.Footer, null, React.createElement(SharedHeaders)),
    ),
  );
})();
`;

const playgroundStyle = `html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
#graphiql { flex: 1; min-height: 0; }
.playground-hint { padding: 8px 16px; background: #fff8e1; border-bottom: 1px solid #e0c97f; font-size: 14px; color: #3d3200; }
.playground-hint.warning { background: #fdecea; border-color: #e0a39c; color: #5f1d15; }
.playground-hint code { background: rgba(0, 0, 0, 0.06); padding: 1px 4px; border-radius: 3px; }
.playground-hint select { max-width: 60em; font: inherit; }
#act-as-status { margin-left: 8px; color: #5c5000; }
`;

const demoEnterprise = "0123.456.749";

/** The example tabs: documents of the SDK's operations (schema/operations), with variables for the demo register. */
const examples = [
  { comment: "My enterprises, and the tasks I may perform in each.", document: MyEnterprisesDocument, variables: null },
  {
    comment: "May I appoint a main access manager here? A decision says why, and never throws FORBIDDEN.",
    document: CanDocument,
    variables: { enterprise: demoEnterprise, task: "APPOINT_MAIN_ACCESS_MANAGER" },
  },
  {
    comment: "A legal representative appoints (or replaces) the main access manager.",
    document: AppointMainAccessManagerDocument,
    variables: { input: { enterprise: demoEnterprise, person: { ssin: "90011512363", givenName: "Pieter", familyName: "Peeters" } } },
  },
  {
    comment: "An access manager's view of an enterprise.",
    document: AccessManagerDashboardDocument,
    variables: { enterprise: demoEnterprise },
  },
  {
    comment:
      "Live changes (a subscription, over WebSocket): run it, then change something in another tab. Without `enterprise`: changes of your own rights.",
    document: AccessChangedDocument,
    variables: { enterprise: demoEnterprise },
  },
].map(({ comment, document, variables }) => ({
  query: `# ${comment}\n# Paste a token into Headers below, then run (Ctrl-Enter).\n${print(document)}\n`,
  variables: variables ? JSON.stringify(variables, null, 2) : null,
}));

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON inside a script element: `<` escaped, so no string in it can close the element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

function page({
  hints,
  persistHeaders,
  actAs,
}: {
  hints: { text: string; warning?: boolean }[];
  persistHeaders: boolean;
  /** The page holds the "Act as" list (development, a browser on the gateway's machine). */
  actAs: boolean;
}): string {
  const banner = hints.map((hint) => `<p class="playground-hint${hint.warning ? " warning" : ""}">${hint.text}</p>`).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Secure access gateway: GraphQL playground</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assetPath}/graphiql.css">
<link rel="stylesheet" href="${assetPath}/explorer.css">
<link rel="stylesheet" href="${assetPath}/playground.css">
</head>
<body>
${banner}
<div id="graphiql">Loading the playground...</div>
<script id="playground-config" type="application/json">${scriptJson({ endpoint, ...(actAs ? { actAsPath } : {}), tokenPlaceholder, headersStorageKey, persistHeaders, examples })}</script>
<script src="${assetPath}/react.js"></script>
<script src="${assetPath}/react-dom.js"></script>
<script src="${assetPath}/graphiql.js"></script>
<script src="${assetPath}/graphql-ws.js"></script>
<script src="${assetPath}/explorer.js"></script>
<script src="${assetPath}/playground.js"></script>
</body>
</html>
`;
}

/**
 * Only what this server serves: scripts and styles from here, requests to here, fonts inlined by GraphiQL's CSS.
 * `connect-src 'self'` also covers the subscriptions' WebSocket to this origin (ws: or wss: to the same host, CSP
 * Level 3), and no other.
 */
const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** A browser asking for a page (Accept: text/html first), not a GraphQL client asking for JSON. */
/**
 * Sends an asset gzip-compressed to a client that accepts it (every browser): GraphiQL's script is about 2.5 MB as it
 * ships and a fifth of that compressed. Each asset is compressed once, on first request, and kept.
 */
function compressedAssets() {
  const compressed = new Map<string, Promise<{ plain: Buffer; gzipped: Buffer }>>();
  return async (
    req: Request,
    res: Response,
    { name, load, type, cacheControl }: { name: string; load: () => Promise<Buffer>; type: string; cacheControl: string },
  ) => {
    let entry = compressed.get(name);
    if (!entry) {
      entry = load().then(async (plain) => ({ plain, gzipped: await promisify(gzip)(plain) }));
      compressed.set(name, entry);
    }
    const { plain, gzipped } = await entry;
    res.type(type).set({ "cache-control": cacheControl, "x-content-type-options": "nosniff" }).vary("Accept-Encoding");
    if (req.acceptsEncodings("gzip", "identity") === "gzip") res.set("content-encoding", "gzip").send(gzipped);
    else res.send(plain);
  };
}

const prefersHtml = (req: Request) => req.accepts(["application/json", "application/graphql-response+json", "text/html"]) === "text/html";

/**
 * The GraphQL playground: GET /graphql from a browser serves GraphiQL with its assets under /playground/assets, all
 * from this server. Mount before the /graphql API; every other request to /graphql passes through. Off (no routes)
 * unless `config.playground` (PLAYGROUND; on by default outside production).
 */
export function playgroundRoutes({ config }: { config: Pick<Config, "playground" | "oidc" | "trustedDocuments"> }): Router {
  const router = express.Router();
  if (!config.playground) return router;
  const pageWith = (development: string | null, { actAs = false } = {}) => {
    const hints: { text: string; warning?: boolean }[] = development === null ? [] : [{ text: `Development mode: ${development}` }];
    if (config.trustedDocuments === "only") {
      hints.push({
        text: "This gateway runs only trusted documents (TRUSTED_DOCUMENTS=only): it refuses the queries this playground sends as text.",
        warning: true,
      });
    }
    // Development only: a token kept in the browser outlives the session (see playgroundScript).
    return page({ hints, persistHeaders: config.oidc === null, actAs });
  };
  const pasteHint = `<code>npm run token -- SSIN</code> prints a token for that person (<code>npm start</code> prints one for a demo legal representative): paste it into Headers below, replacing ${escapeHtml("<paste a token>")}.`;
  const production = pageWith(null);
  // In development the gateway serves "Act as" (src/http/act-as.ts) to a browser on its own machine only.
  const actAsHere = pageWith(
    `act as <select id="act-as" disabled><option value="">a person with a role...</option></select><span id="act-as-status"></span>, or ${pasteHint}`,
    { actAs: true },
  );
  const actAsElsewhere = pageWith(`${pasteHint} A browser on the gateway's own machine can also act as a person of its database.`);
  const htmlFor = (req: Request) => {
    if (config.oidc !== null) return production;
    return fromThisMachine(req) ? actAsHere : actAsElsewhere;
  };
  const sendAsset = compressedAssets();

  router.get(endpoint, (req, res, next) => {
    if (!prefersHtml(req)) return next();
    res
      .set({ "content-security-policy": contentSecurityPolicy, "x-content-type-options": "nosniff", "cache-control": "no-cache" })
      .type("html")
      .send(htmlFor(req));
  });
  router.get(`${assetPath}/playground.js`, (req, res, next) => {
    sendAsset(req, res, {
      name: "playground.js",
      load: async () => Buffer.from(playgroundScript),
      type: "js",
      cacheControl: "no-cache",
    }).catch(next);
  });
  router.get(`${assetPath}/playground.css`, (req, res, next) => {
    sendAsset(req, res, {
      name: "playground.css",
      load: async () => Buffer.from(playgroundStyle),
      type: "css",
      cacheControl: "no-cache",
    }).catch(next);
  });
  router.get(`${assetPath}/:name`, (req, res, next) => {
    const name = req.params.name;
    const file = Object.hasOwn(packagedAssets, name) ? packagedAssets[name] : undefined;
    if (!file) return next();
    sendAsset(req, res, {
      name,
      load: () => readFile(file),
      type: name.endsWith(".css") ? "css" : "js",
      cacheControl: "public, max-age=86400",
    }).catch(next);
  });
  return router;
}
