/**
 * The bounds of the enterprise read models kept across requests (src/read/enterprise-cache.ts), apart from the cache
 * itself so that reading the configuration loads none of the entities (`npm run token` stays quick).
 */
export interface EnterpriseCacheSettings {
  /** The most rows kept in all (least recently used models dropped first); 0 turns the cache off. */
  maxRows: number;
  /** An enterprise with more assignments than this is not kept: its pages are read with their own statements. */
  maxAssignmentsPerEnterprise: number;
}

export const defaultEnterpriseCacheSettings: EnterpriseCacheSettings = { maxRows: 200_000, maxAssignmentsPerEnterprise: 5_000 };
