/**
 * The rate limits of every gateway the benchmarks measure: on, as in production (nothing weaker than what is served),
 * with quotas that the benchmarks' one viewer never reaches. Fifty connections answer at most a few thousand requests
 * a second, a few hundred thousand in the one-minute window, well below a million; the 1,000-row page costs a few
 * thousand points, a thousand requests of it a few million, well below a billion. So the limiter's lookups and
 * records run on every request, and no request is refused.
 */
export const benchRateLimits = {
  RATE_LIMIT: "on",
  RATE_LIMIT_PER_VIEWER: "1000000",
  RATE_LIMIT_PER_CLIENT: "1000000",
  RATE_LIMIT_COST_POINTS: "1000000000",
} as const;
