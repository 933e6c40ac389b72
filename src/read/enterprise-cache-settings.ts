/**
 * The bounds of the enterprise read models kept across requests (src/read/enterprise-cache.ts), apart from the cache
 * itself so that reading the configuration loads none of the entities (`npm run token` stays quick).
 */
export interface EnterpriseCacheSettings {
  /** The most rows kept in all (least recently used models dropped first); 0 turns the cache off. */
  maxRows: number;
  /**
   * The most bytes kept in all, as estimated (src/read/weigh.ts): the models' rows and the answers kept with them.
   * Whichever bound is reached first drops the least recently used models.
   */
  maxBytes: number;
  /** An enterprise with more assignments than this is not kept: its pages are read with their own statements. */
  maxAssignmentsPerEnterprise: number;
}

/** 64 MB: with a process's own ~125 MB and the heap's headroom it fits a 512 MB container (docs/operations.md, Memory). */
export const defaultEnterpriseCacheSettings: EnterpriseCacheSettings = {
  maxRows: 200_000,
  maxBytes: 64 * 2 ** 20,
  maxAssignmentsPerEnterprise: 5_000,
};
