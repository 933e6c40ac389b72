import { InMemoryLRUCache } from "@apollo/utils.keyvaluecache";
import type { DocumentNode } from "graphql";

/**
 * Apollo's cache of parsed and validated documents, bounded by DOCUMENT_CACHE_MB instead of Apollo's fixed 30 MB.
 * Sizes are Apollo's own measure of an entry (the length of the document's JSON); the parsed document and what the
 * request path keeps of it weigh about five times that in the heap (docs/operations.md, Memory). `bytes` is what the cache holds now, by that measure.
 */
export function documentStore(maxBytes: number): { store: InMemoryLRUCache<DocumentNode>; bytes: () => number } {
  let bytes = 0;
  const store = new InMemoryLRUCache<DocumentNode>({
    maxSize: maxBytes,
    sizeCalculation: (document: DocumentNode) => {
      const size = InMemoryLRUCache.sizeCalculation(document);
      bytes += size;
      return size;
    },
    // Evicted, deleted or replaced: the entry's size leaves the count (measured again, the rare path).
    dispose: (document: DocumentNode) => {
      bytes -= InMemoryLRUCache.sizeCalculation(document);
    },
  });
  return { store, bytes: () => bytes };
}
