import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { PersistedQueryOptions } from "@apollo/server";
import { Kind, parse, type DocumentNode } from "graphql";
import { InMemoryLRUCache, PrefixingKeyValueCache, type KeyValueCache } from "@apollo/utils.keyvaluecache";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { ConfigError } from "../config";
import { BadUserInputError, PersistedQueryNotFoundError, PersistedQueryOnlyError, UnauthenticatedError } from "../errors";
import { message } from "../i18n/messages";
import { headerLanguage } from "../i18n/language";
import { inLanguage } from "./format-error";
import { scopeOf } from "./request-id";
import { noteOutcome } from "./request-observing";

/** sha256 (hex) -> document: the union of every trusted manifest. */
export type TrustedDocumentManifest = ReadonlyMap<string, string>;

export const sha256Hex = (text: string): string => createHash("sha256").update(text).digest("hex");

/** The entries of one manifest, before they are checked: where they came from, for the error that names them. */
interface ManifestEntry {
  /** How the error names the entry: the hash of our format, the operation name and id of Apollo's. */
  label: string;
  hash: unknown;
  document: unknown;
  /** Apollo's format says which operation the body holds; the body must hold it. */
  operation?: { name: unknown; type: unknown };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The entries of a manifest in either format: Apollo's (`@apollo/generate-persisted-query-manifest`, what Apollo
 * Client's persisted-queries link and GraphOS use) or ours (`{ "<sha256>": "<document>" }`, codegen's).
 */
function manifestEntries(parsed: unknown, fail: (problem: string) => never): ManifestEntry[] {
  if (!isRecord(parsed)) return fail("neither an Apollo persisted-query manifest nor a JSON object of sha256 to document");
  if ("format" in parsed) {
    if (parsed.format !== "apollo-persisted-query-manifest" || parsed.version !== 1 || !Array.isArray(parsed.operations)) {
      return fail(
        `format ${JSON.stringify(parsed.format)} version ${JSON.stringify(parsed.version)} is not understood; only "apollo-persisted-query-manifest" version 1 with an operations list is understood`,
      );
    }
    return parsed.operations.map((operation: unknown, index) => {
      if (!isRecord(operation)) return fail(`the operation #${index} is not an object`);
      return {
        label: `operation #${index} (${String(operation.name)}, id ${String(operation.id).slice(0, 80)})`,
        hash: operation.id,
        document: operation.body,
        operation: { name: operation.name, type: operation.type },
      };
    });
  }
  return Object.entries(parsed).map(([hash, document]) => ({ label: `entry ${hash.slice(0, 80)}`, hash, document }));
}

/** Why an entry cannot be trusted, or null: its key must be the sha256 of a document that parses and holds its operation. */
function entryProblem({ hash, document, operation }: ManifestEntry): string | null {
  if (typeof document !== "string") return "has no document text";
  // Apollo's link sends the manifest's id as the hash; a key that is not the text's own hash could stand for another text.
  if (typeof hash !== "string" || sha256Hex(document) !== hash) return "is not keyed by the sha256 of its document";
  let parsed: DocumentNode;
  try {
    parsed = parse(document, { noLocation: true });
  } catch (error) {
    return `does not parse (${error instanceof Error ? error.message : String(error)})`;
  }
  const operations = parsed.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (operations.length === 0) return "holds no operation";
  if (operation && !operations.some((definition) => definition.name?.value === operation.name && definition.operation === operation.type)) {
    return `does not hold the ${String(operation.type)} ${String(operation.name)} it names`;
  }
  return null;
}

/** Reads one manifest (either format) and checks every entry, so no entry can smuggle another text. */
export function loadManifest(file: string): TrustedDocumentManifest {
  const fail = (problem: string): never => {
    throw new ConfigError(`TRUSTED_DOCUMENTS_MANIFEST: ${file}: ${problem}`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    return fail(`cannot read it (${error instanceof Error ? error.message : String(error)})`);
  }
  const manifest = new Map<string, string>();
  for (const entry of manifestEntries(parsed, fail)) {
    const problem = entryProblem(entry);
    if (problem) fail(`the ${entry.label} ${problem}`);
    manifest.set(entry.hash as string, entry.document as string);
  }
  return manifest;
}

/**
 * The union of several manifests (a web app's and a mobile app's): a hash names one text, so two manifests can only
 * agree on an entry they share.
 */
export function loadManifests(files: readonly string[]): TrustedDocumentManifest {
  const union = new Map<string, string>();
  for (const file of files) for (const [hash, document] of loadManifest(file)) union.set(hash, document);
  return union;
}

/**
 * Apollo's persisted-query cache: the manifest first, then (unless only trusted documents run) a bounded LRU of the
 * documents that clients registered through automatic persisted queries. Manifest entries are never evicted.
 */
class TrustedDocumentCache implements KeyValueCache<string> {
  constructor(
    private readonly manifest: TrustedDocumentManifest,
    private readonly registered: KeyValueCache<string> | null,
  ) {}

  async get(hash: string): Promise<string | undefined> {
    return this.manifest.get(hash) ?? (await this.registered?.get(hash));
  }

  async set(hash: string, document: string): Promise<void> {
    if (!this.manifest.has(hash)) await this.registered?.set(hash, document);
  }

  async delete(hash: string): Promise<boolean> {
    return (await this.registered?.delete(hash)) ?? false;
  }
}

/** A request that carries document text, in a JSON body (single or batched) or a GET query string. */
function carriesDocumentText(req: Request): boolean {
  const operations: unknown[] = Array.isArray(req.body) ? req.body : [req.body];
  if (operations.some((op) => typeof op === "object" && op !== null && "query" in op && op.query !== undefined && op.query !== null))
    return true;
  return new URL(req.originalUrl, "http://gateway").searchParams.has("query");
}

/** The operations of a request, from a JSON body (single or batched) or a GET query string. */
function operationsOf(req: Request): { query?: unknown; extensions?: unknown }[] {
  if (req.method !== "GET")
    return (Array.isArray(req.body) ? req.body : [req.body]).filter((op): op is object => typeof op === "object" && op !== null);
  const params = new URL(req.originalUrl, "http://gateway").searchParams;
  let extensions: unknown;
  try {
    extensions = JSON.parse(params.get("extensions") ?? "null");
  } catch {
    // Apollo refuses the malformed parameter itself.
  }
  return [{ query: params.get("query") ?? undefined, extensions }];
}

/**
 * The documents a request would register as automatic persisted queries: text sent with the sha256 of that very
 * text (a mismatch is Apollo's BAD_REQUEST, and a manifest document is never stored).
 */
function registrations(req: Request, manifest: TrustedDocumentManifest): string[] {
  const documents: string[] = [];
  for (const { query, extensions } of operationsOf(req)) {
    const hash = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | null | undefined)?.persistedQuery?.sha256Hash;
    if (typeof query === "string" && typeof hash === "string" && !manifest.has(hash) && sha256Hex(query) === hash) documents.push(query);
  }
  return documents;
}

/**
 * A refusal in the media type the client asked for (GraphQL over HTTP): `application/graphql-response+json` when it
 * prefers that (Apollo Client 4, urql), else `application/json`; a client sent the other one shows only "status 400".
 */
function refuse(
  req: Request,
  res: Response,
  status: number,
  { message, extensions }: { message: string; extensions: Record<string, unknown> },
): void {
  noteOutcome(scopeOf(req), extensions.code);
  const mediaType = req.accepts(["application/json", "application/graphql-response+json"]) || "application/json";
  // Before the context: no viewer is known, so Accept-Language alone.
  const refusal = inLanguage({ message, extensions: { ...extensions, http: undefined } }, headerLanguage(req.headers));
  res
    .status(status)
    .type(`${mediaType}; charset=utf-8`)
    .send(JSON.stringify({ errors: [refusal] }));
}

export interface TrustedDocuments {
  /** For ApolloServer's `persistedQueries`. */
  persistedQueries: PersistedQueryOptions;
  /**
   * Mounted after the JSON body parser of /graphql: with TRUSTED_DOCUMENTS=only, refuses any document sent as text;
   * otherwise refuses APQ registrations without a bearer token or over the size bound.
   */
  guard: RequestHandler;
  /**
   * For operations outside HTTP (subscriptions over graphql-ws): the document to run, from the text sent or the hash
   * in `extensions.persistedQuery` (of a manifest document: the WebSocket registers nothing); with
   * TRUSTED_DOCUMENTS=only, a manifest document or PERSISTED_QUERY_ONLY. A hash alone that names no such document is
   * PERSISTED_QUERY_NOT_FOUND, as over HTTP.
   */
  documentOf(payload: { query?: unknown; extensions?: unknown }): string | PersistedQueryOnlyError | PersistedQueryNotFoundError;
  /** The names of the manifests' operations: the only operation names a metric or a span may carry (src/http/request-observing.ts). */
  operationNames: ReadonlySet<string>;
}

/** The operation names the manifests' documents hold (each entry was parsed when its manifest was loaded). */
function operationNamesOf(manifest: TrustedDocumentManifest): Set<string> {
  const names = new Set<string>();
  for (const document of manifest.values()) {
    for (const definition of parse(document, { noLocation: true }).definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) names.add(definition.name.value);
    }
  }
  return names;
}

/**
 * Trusted documents (TRUSTED_DOCUMENTS=only): clients send `extensions.persistedQuery.sha256Hash` of a manifest
 * document and nothing else runs; text is refused (PERSISTED_QUERY_ONLY), an unknown hash is Apollo's
 * PERSISTED_QUERY_NOT_FOUND, and nothing can be registered. Otherwise (off): any document runs, manifest hashes
 * work without registration, and automatic persisted queries register into a cache bounded to `apqCacheBytes`,
 * each entry for `ttlSeconds`. Only a caller with a bearer token registers (an invalid token is refused as
 * UNAUTHENTICATED while the context is built, before Apollo stores anything), and only documents up to
 * `maxDocumentBytes`: an anonymous client could otherwise fill the shared cache with documents of its own.
 */
export function trustedDocuments({
  mode,
  manifestFiles,
  apqCacheBytes,
  maxDocumentBytes,
  ttlSeconds,
  sharedCache,
}: {
  mode: "only" | "off";
  /** Every manifest to trust (TRUSTED_DOCUMENTS_MANIFEST, comma-separated), in either format. */
  manifestFiles: readonly string[];
  apqCacheBytes: number;
  maxDocumentBytes: number;
  ttlSeconds: number;
  /** Where APQ registrations go when several processes must share them (Redis); else a bounded in-memory LRU. */
  sharedCache?: KeyValueCache<string>;
}): TrustedDocuments {
  const manifest = loadManifests(manifestFiles);
  const registered = mode === "only" ? null : (sharedCache ?? new InMemoryLRUCache<string>({ maxSize: apqCacheBytes }));
  // The cache is ours alone, so Apollo's "apq:" key prefix is unnecessary, and without it the keys are the manifest's hashes.
  const cache = PrefixingKeyValueCache.cacheDangerouslyDoesNotNeedPrefixesForIsolation(new TrustedDocumentCache(manifest, registered));
  const guard: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    if (mode === "only") return carriesDocumentText(req) ? refuse(req, res, 400, new PersistedQueryOnlyError()) : next();
    const documents = registrations(req, manifest);
    if (documents.length === 0) return next();
    if (req.headers.authorization === undefined) {
      return refuse(req, res, 401, new UnauthenticatedError("TOKEN_MISSING", message("auth.registrationNeedsToken")));
    }
    if (documents.some((document) => Buffer.byteLength(document, "utf8") > maxDocumentBytes)) {
      return refuse(req, res, 400, new BadUserInputError("query", message("input.persistedQueryTooLarge", { max: maxDocumentBytes })));
    }
    next();
  };
  const documentOf = ({ query, extensions }: { query?: unknown; extensions?: unknown }) => {
    const hash = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | null | undefined)?.persistedQuery?.sha256Hash;
    const text = typeof query === "string" && query.length > 0 ? query : undefined;
    const fromManifest = manifest.get(typeof hash === "string" ? hash : text !== undefined ? sha256Hex(text) : "");
    const unknownHash = text === undefined && typeof hash === "string";
    if (mode === "only") return fromManifest ?? (unknownHash ? new PersistedQueryNotFoundError() : new PersistedQueryOnlyError());
    return text ?? fromManifest ?? (unknownHash ? new PersistedQueryNotFoundError() : "");
  };
  return { persistedQueries: { cache, ttl: ttlSeconds }, guard, documentOf, operationNames: operationNamesOf(manifest) };
}
