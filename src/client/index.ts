/**
 * The typed client of the gateway, as the package `@secure-access/client` exports it (packages/client, built by
 * `npm run build:client`): a typed document and result types per operation of schema/operations, the
 * graphql-request SDK over them (`createSdk`, which reads its own writes through consistency tokens), the fetch that
 * sends trusted documents by hash, the fetch that retries safely with an Idempotency-Key per mutation, `accessChanges` over a graphql-ws client for live changes, `drainAccessDelta` for delta sync, and typed guards on the
 * gateway's errors (`isConflict(error, "ALREADY_ACTIVE")`).
 */
export * from "./generated/operations";
export { getSdk, type Sdk, type SdkFunctionWrapper } from "./generated/sdk";
export { createSdk, type CreateSdkOptions } from "./create-sdk";
export { ConsistencyTokens, consistencyTokenHeader } from "./consistency";
export { persistedQueryFetch } from "./persisted-fetch";
export { idempotencyKeyHeader, retryingFetch, type RetryOptions } from "./retries";
export { accessChanges, LiveChangesError, type LiveClient } from "./live";
export { drainAccessDelta, isSyncTokenExpired, type AccessDeltaChange, type DrainedDelta } from "./delta";
export {
  errorCode,
  gatewayErrors,
  hasError,
  inputErrors,
  isBadUserInput,
  isConflict,
  isForbidden,
  isNotFound,
  isTimeout,
  isUnauthenticated,
  isUnavailable,
  type GatewayError,
  type GatewayErrorExtensions,
} from "./errors";
