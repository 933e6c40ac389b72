/**
 * Safe retries of changes (Stripe's `Idempotency-Key`, the IETF httpapi Idempotency-Key header draft): a mutation sent
 * with the header runs once for its viewer and key; its answer is stored in the transaction of its change
 * (src/database/idempotent-requests.ts), and the same request sent again within IDEMPOTENCY_TTL_HOURS gets that answer,
 * marked `extensions.idempotentReplay: true` and `Idempotent-Replayed: true`, without running again. How it goes:
 * - the front door checks the header (requestedIdempotencyKey): 1 to 255 printable ASCII characters, not on a batch;
 * - once the operation is known (didResolveOperation), the key is armed for a mutation that is not a dry run and has a
 *   viewer (a query, a dry run or an anonymous request commit nothing: the key is ignored), with the hash of the body;
 * - before it runs (responseForOperation), a stored answer of the viewer's key is replayed, or refused (422 CONFLICT
 *   IDEMPOTENCY_KEY_REUSED) when it answered another body;
 * - the mutation resolver claims the key as the first write of the action's transaction and holds the transaction
 *   open while the answer is read inside it; a request that met the key claimed by another one waits for it and
 *   replays what it stored;
 * - once the answer is formatted (executionDidEnd), it is written into the claimed row and the transaction commits: the
 *   change and its answer commit together or not at all. An answer the database could not give (UNAVAILABLE, TIMEOUT)
 *   is not stored: the change is rolled back, as such an answer says, and the retry runs.
 * A refused change (BAD_USER_INPUT, CONFLICT, FORBIDDEN, NOT_FOUND) commits nothing and stores nothing: the retry runs
 * again and answers from the state it then finds (docs/clients.md, "Safe retries").
 */
import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContext, type GraphQLResponse } from "@apollo/server";
import {
  getArgumentValues,
  Kind,
  print,
  type DocumentNode,
  type FieldNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import type { Logger } from "pino";
import { refreshAfterWrite, type Context, type IdempotentRequest } from "../context";
import { formatConsistencyToken, latestState, parseConsistencyToken } from "../database/consistency-token";
import { saveAnswer, saveConsistencyToken, sha256, storedRequest, type StoredRequest } from "../database/idempotent-requests";
import { primaryReader } from "../database/readers";
import { BadUserInputError, ConflictError, LocalizedError, UnavailableError } from "../errors";
import { message } from "../i18n/messages";
import { formatError } from "./format-error";
import { withPartialErrors } from "./partial-errors";
import { logUnavailable } from "./unavailable";

export const idempotencyKeyHeader = "Idempotency-Key";
/** Stripe's name for the header of a replayed answer. */
export const idempotentReplayHeader = "Idempotent-Replayed";

/** 1 to 255 printable ASCII characters (space to tilde), the key's whole alphabet. */
const keyPattern = /^[\x20-\x7E]{1,255}$/;

/**
 * The key a request sent, null when it sent none; refused with BAD_USER_INPUT naming the header (400, before anything
 * runs) when it is not 1 to 255 printable ASCII characters, or comes with a batch: the key names one request, and a
 * batch's operations run at once on one context, which one held transaction cannot serve.
 */
export function requestedIdempotencyKey(value: unknown, { batched }: { batched: boolean }): string | null {
  if (value === undefined) return null;
  if (typeof value !== "string" || !keyPattern.test(value))
    throw new BadUserInputError(idempotencyKeyHeader, message("input.idempotencyKey"), { httpStatus: 400 });
  if (batched) throw new BadUserInputError(idempotencyKeyHeader, message("input.idempotencyKeyInBatch"), { httpStatus: 400 });
  return value;
}

/**
 * The plugin: arms the key, replays or refuses before the operation runs, and stores the answer in the change's
 * transaction before committing it, once the execution has ended and before any plugin's willSendResponse reads the
 * answer or the commit's consistency token.
 */
export function idempotentRequests({ ttlHours, logger }: { ttlHours: number; logger: Logger }): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, contextValue, schema }) {
          const idempotency = contextValue.idempotency;
          if (!idempotency) return;
          const viewer = contextValue.viewer;
          if (operation?.operation !== "mutation" || !viewer || isDryRun(schema, document, operation, request.variables ?? {})) {
            contextValue.idempotency = null;
            return;
          }
          if (rootFields(document, operation.selectionSet).filter((field) => !field.name.value.startsWith("__")).length > 1)
            throw new BadUserInputError(idempotencyKeyHeader, message("input.idempotencyKeyOneChange"), { httpStatus: 400 });
          const requestHash = sha256(
            canonicalJson({ document: print(document), operationName: request.operationName ?? null, variables: request.variables ?? {} }),
          );
          const expiresAt = new Date(contextValue.clock.now().getTime() + ttlHours * 3_600_000);
          idempotency.armed = { requestHash, expiresAt };
        },
        async responseForOperation({ contextValue }) {
          const idempotency = contextValue.idempotency;
          if (!idempotency?.armed) return null;
          const place = { viewerId: contextValue.viewer!.id, key: idempotency.key };
          const stored = await storedRequest(primaryReader(contextValue.dataSource).manager, place, contextValue.clock.now());
          if (!stored?.answer) return null;
          contextValue.idempotency = null;
          return answerOf(stored, idempotency.armed.requestHash, contextValue);
        },
        async executionDidStart({ contextValue, response }) {
          const idempotency = contextValue.idempotency;
          if (!idempotency?.armed) return;
          return {
            // Awaited after the answer is formatted and before any willSendResponse, which all run at once: the change
            // and its answer commit (or the answer is replaced) before any plugin reads the answer or its token.
            async executionDidEnd(error) {
              contextValue.idempotency = null;
              if (idempotency.replay) {
                contextValue.partialErrors = [];
                replace(response, answerOf(idempotency.replay, idempotency.armed!.requestHash, contextValue));
                return;
              }
              if (!idempotency.held) return;
              if (error) return idempotency.held.end();
              await store(idempotency, response, contextValue, logger);
            },
          };
        },
        async willSendResponse({ contextValue }) {
          // Whatever ended the request before its execution did: the transaction is not left open.
          await contextValue.idempotency?.held?.end();
        },
      };
    },
  };
}

/** The response becomes `answer` whole: its body, status and headers. */
function replace(response: InProgress, answer: GraphQLResponse): void {
  response.body = answer.body;
  response.http.status = answer.http?.status;
  for (const [name, value] of answer.http?.headers ?? []) response.http.headers.set(name, value);
}

/**
 * Writes the answer (with the refusals of nested fields src/http/partial-errors.ts adds) into the claimed row and
 * commits it with the change; a failure to do so becomes the answer instead.
 */
async function store(idempotency: IdempotentRequest, response: InProgress, context: Context, logger: Logger): Promise<void> {
  const held = idempotency.held!;
  if (response.body?.kind !== "single") return held.end();
  const result = response.body.singleResult;
  const errors = withPartialErrors(result.errors, context.partialErrors);
  // The answer says nothing was committed and to send it again: so it must be.
  if (errors?.some((error) => transientCodes.has(String(error.extensions?.code)))) return held.end();
  const place = { viewerId: context.viewer!.id, key: idempotency.key };
  const answer = JSON.stringify({ data: result.data ?? null, ...(errors ? { errors } : {}) });
  try {
    await saveAnswer(held.em, place, { status: response.http.status ?? 200, answer });
    await held.commit(async (em) => {
      if (context.committedState) await saveConsistencyToken(em, place, formatConsistencyToken(context.committedState));
    });
    // Whatever reads for the request from here on reads committed rows, not the transaction's closed connection.
    refreshAfterWrite(context);
  } catch (caught) {
    await held.end();
    const error = caught instanceof LocalizedError ? caught : new UnavailableError("DATABASE_UNREACHABLE", caught);
    if (error instanceof UnavailableError) logUnavailable(logger, error, context.requestId);
    const path = result.errors?.[0]?.path ?? Object.keys(result.data ?? {}).slice(0, 1);
    context.partialErrors = [];
    const http = (error.extensions.http ?? {}) as { status?: number; headers?: Map<string, string> };
    replace(response, {
      body: { kind: "single", singleResult: { data: null, errors: [formatted(error, path)] } },
      http: { status: http.status, headers: new HeaderMap([...(http.headers ?? [])]) },
    });
  }
}

type InProgress = GraphQLRequestContext<Context>["response"];

/** Answers the database could not give: never stored, so that the retry runs. */
const transientCodes = new Set(["UNAVAILABLE", "TIMEOUT"]);

/** The stored answer, marked as replayed and carrying its commit's consistency token; or 422 for another body. */
function answerOf(stored: StoredRequest, requestHash: string, context: Context): GraphQLResponse {
  if (stored.requestHash !== requestHash) {
    const error = new ConflictError("IDEMPOTENCY_KEY_REUSED", message("conflict.idempotencyKeyReused"), { httpStatus: 422 });
    return { body: { kind: "single", singleResult: { errors: [formatted(error)] } }, http: { status: 422, headers: new HeaderMap() } };
  }
  const body = JSON.parse(stored.answer!) as { data: Record<string, unknown> | null; errors?: GraphQLFormattedError[] };
  // A token the commit could not record is `latest`: the replay's reads then go to the primary, which has the change.
  context.committedState = (stored.consistencyToken && parseConsistencyToken(stored.consistencyToken)) || latestState;
  return {
    body: { kind: "single", singleResult: { ...body, extensions: { idempotentReplay: true } } },
    http: { status: stored.status ?? 200, headers: new HeaderMap([[idempotentReplayHeader.toLowerCase(), "true"]]) },
  };
}

function formatted(error: LocalizedError, path?: readonly (string | number)[]): GraphQLFormattedError {
  return formatError({ ...error.toJSON(), ...(path?.length ? { path } : {}) }, error);
}

/** The operation's root fields, through its fragments. */
function rootFields(document: DocumentNode, selectionSet: SelectionSetNode): FieldNode[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFields(document, selection.selectionSet);
    const fragment = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value);
    return fragment?.kind === Kind.FRAGMENT_DEFINITION ? rootFields(document, fragment.selectionSet) : [];
  });
}

/** Whether a root field of the mutation is a dry run (`dryRun: true`, written or from a variable). */
function isDryRun(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>) {
  const fields = schema.getMutationType()?.getFields() ?? {};
  return rootFields(document, operation.selectionSet).some((node) => {
    const field = fields[node.name.value];
    if (!field?.args.some((arg) => arg.name === "dryRun")) return false;
    try {
      return getArgumentValues(field, node, variables).dryRun === true;
    } catch {
      return false;
    }
  });
}

/** JSON with every object's keys in order: the same body hashes the same whatever order its client wrote. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(",")}}`;
  return JSON.stringify(value) ?? "null";
}
