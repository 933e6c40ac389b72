import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { PersistedQueryOptions } from "@apollo/server";
import { InMemoryLRUCache, PrefixingKeyValueCache, type KeyValueCache } from "@apollo/utils.keyvaluecache";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { ConfigError } from "../config";
import { BadUserInputError, PersistedQueryOnlyError, UnauthenticatedError } from "../errors";

/** sha256 (hex) -> document: the format codegen writes (codegen/persisted-documents.js). */
export type TrustedDocumentManifest = ReadonlyMap<string, string>;

export const sha256Hex = (text: string): string => createHash("sha256").update(text).digest("hex");

/** Reads a manifest and checks that every key is the hash of its document, so no entry can smuggle another text. */
export function loadManifest(file: string): TrustedDocumentManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(`TRUSTED_DOCUMENTS_MANIFEST: cannot read ${file} (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ConfigError(`TRUSTED_DOCUMENTS_MANIFEST: ${file} is not a JSON object of hash to document`);
  const manifest = new Map<string, string>();
  for (const [hash, document] of Object.entries(parsed)) {
    if (typeof document !== "string" || sha256Hex(document) !== hash) throw new ConfigError(`TRUSTED_DOCUMENTS_MANIFEST: the entry ${hash.slice(0, 80)} of ${file} is not the sha256 of its document`);
    manifest.set(hash, document);
  }
  return manifest;
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
  if (operations.some((op) => typeof op === "object" && op !== null && "query" in op && op.query !== undefined && op.query !== null)) return true;
  return new URL(req.originalUrl, "http://gateway").searchParams.has("query");
}

/** The operations of a request, from a JSON body (single or batched) or a GET query string. */
function operationsOf(req: Request): { query?: unknown; extensions?: unknown }[] {
  if (req.method !== "GET") return (Array.isArray(req.body) ? req.body : [req.body]).filter((op): op is object => typeof op === "object" && op !== null);
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

function refuse(res: Response, status: number, { message, extensions }: { message: string; extensions: Record<string, unknown> }): void {
  res.status(status).json({ errors: [{ message, extensions: { ...extensions, http: undefined } }] });
}

export interface TrustedDocuments {
  /** For ApolloServer's `persistedQueries`. */
  persistedQueries: PersistedQueryOptions;
  /**
   * Mounted after the JSON body parser of /graphql: with TRUSTED_DOCUMENTS=only, refuses any document sent as text;
   * otherwise refuses APQ registrations without a bearer token or over the size bound.
   */
  guard: RequestHandler;
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
  manifestFile,
  apqCacheBytes,
  maxDocumentBytes,
  ttlSeconds,
  sharedCache,
}: {
  mode: "only" | "off";
  manifestFile: string;
  apqCacheBytes: number;
  maxDocumentBytes: number;
  ttlSeconds: number;
  /** Where APQ registrations go when several processes must share them (Redis); else a bounded in-memory LRU. */
  sharedCache?: KeyValueCache<string>;
}): TrustedDocuments {
  const manifest = loadManifest(manifestFile);
  const registered = mode === "only" ? null : (sharedCache ?? new InMemoryLRUCache<string>({ maxSize: apqCacheBytes }));
  // The cache is ours alone, so Apollo's "apq:" key prefix is unnecessary, and without it the keys are the manifest's hashes.
  const cache = PrefixingKeyValueCache.cacheDangerouslyDoesNotNeedPrefixesForIsolation(new TrustedDocumentCache(manifest, registered));
  const guard: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    if (mode === "only") return carriesDocumentText(req) ? refuse(res, 400, new PersistedQueryOnlyError()) : next();
    const documents = registrations(req, manifest);
    if (documents.length === 0) return next();
    if (req.headers.authorization === undefined) {
      return refuse(res, 401, new UnauthenticatedError("Registering a persisted query needs a bearer token; send the document without extensions.persistedQuery"));
    }
    if (documents.some((document) => Buffer.byteLength(document, "utf8") > maxDocumentBytes)) {
      return refuse(res, 400, new BadUserInputError("query", `A persisted query may be at most ${maxDocumentBytes} bytes; send a larger document without extensions.persistedQuery`));
    }
    next();
  };
  return { persistedQueries: { cache, ttl: ttlSeconds }, guard };
}
