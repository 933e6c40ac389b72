import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { PersistedQueryOptions } from "@apollo/server";
import { InMemoryLRUCache, PrefixingKeyValueCache, type KeyValueCache } from "@apollo/utils.keyvaluecache";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { ConfigError } from "../config";
import { PersistedQueryOnlyError } from "../errors";

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

export interface TrustedDocuments {
  /** For ApolloServer's `persistedQueries`. */
  persistedQueries: PersistedQueryOptions;
  /** Mounted after the JSON body parser of /graphql: with TRUSTED_DOCUMENTS=only, refuses any document sent as text. */
  guard: RequestHandler;
}

/**
 * Trusted documents (TRUSTED_DOCUMENTS=only): clients send `extensions.persistedQuery.sha256Hash` of a manifest
 * document and nothing else runs; text is refused (PERSISTED_QUERY_ONLY), an unknown hash is Apollo's
 * PERSISTED_QUERY_NOT_FOUND, and nothing can be registered. Otherwise (off): any document runs, manifest hashes
 * work without registration, and automatic persisted queries register into a cache bounded to `apqCacheBytes`.
 */
export function trustedDocuments({
  mode,
  manifestFile,
  apqCacheBytes,
  sharedCache,
}: {
  mode: "only" | "off";
  manifestFile: string;
  apqCacheBytes: number;
  /** Where APQ registrations go when several processes must share them (Redis); else a bounded in-memory LRU. */
  sharedCache?: KeyValueCache<string>;
}): TrustedDocuments {
  const manifest = loadManifest(manifestFile);
  const registered = mode === "only" ? null : (sharedCache ?? new InMemoryLRUCache<string>({ maxSize: apqCacheBytes }));
  // The cache is ours alone, so Apollo's "apq:" key prefix is unnecessary, and without it the keys are the manifest's hashes.
  const cache = PrefixingKeyValueCache.cacheDangerouslyDoesNotNeedPrefixesForIsolation(new TrustedDocumentCache(manifest, registered));
  const guard: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    if (mode === "off" || !carriesDocumentText(req)) return next();
    const error = new PersistedQueryOnlyError();
    res.status(400).json({ errors: [{ message: error.message, extensions: error.extensions }] });
  };
  return { persistedQueries: { cache }, guard };
}
