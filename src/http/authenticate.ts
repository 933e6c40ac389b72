import type { DataSource } from "typeorm";
import { asReadFailure } from "../database/driver-errors";
import { UnauthenticatedError } from "../errors";
import { message } from "../i18n/messages";
import type { Identity, TokenVerifier } from "../identity/tokens";
import { viewerFor, type ViewerRows } from "../identity/viewer";

/**
 * The refusal of an Authorization value that is not "Bearer <token>": the same UNAUTHENTICATED error for both
 * transports (HTTP answers it, the WebSocket words it as its close reason: src/http/live-connections.ts).
 */
export const malformedHeader = () => new UnauthenticatedError("TOKEN_INVALID", message("auth.headerMalformed"));

export const isMalformedHeader = (error: unknown): boolean =>
  error instanceof UnauthenticatedError && error.localized.key === "auth.headerMalformed";

const bearer = /^Bearer\s+(\S+)\s*$/i;

/** The token of an Authorization value ("Bearer <token>", the scheme in any case); throws `malformedHeader()` otherwise. */
export function bearerToken(header: unknown): string {
  const match = typeof header === "string" ? bearer.exec(header) : null;
  if (!match) throw malformedHeader();
  return match[1];
}

/**
 * What a transport lets through between the token's verification and the database: the HTTP request's share of the
 * viewer's rate limit, the WebSocket's cap on a viewer's connections. It throws to refuse; `on` is the transport's
 * request (or connection), so that the admission is made once per gateway rather than once per request.
 */
export type Admission<On> = (identity: Identity, on: On) => Promise<void> | void;

/** The viewer's rows, and the identity their token gave (`validUntil`: when a transport must stop trusting it). */
export type Authenticated = ViewerRows & { identity: Identity };

/**
 * `reader`, when given, says where the viewer is read from (src/database/fresh-reads.ts: where a consistency token
 * sends the request); it is asked only once the transport has admitted the identity.
 */
export type Authenticate = <On>(
  header: unknown,
  admit: Admission<On>,
  on: On,
  reader?: () => Promise<DataSource>,
) => Promise<Authenticated>;

/**
 * The front door, the same for HTTP and the WebSocket: the bearer token of an Authorization value, verified (a token
 * seen lately is not verified again: src/identity/tokens.ts), admitted by the transport (refused before it costs the
 * database anything), then the viewer looked up, with their assignments not ended and those enterprises in the same
 * statement (src/identity/viewer.ts; a person seen for the first time is created). Throws UnauthenticatedError for a
 * value that is not "Bearer <token>" or a token that is not good, whatever the admission throws, and the lookup's
 * failure (UnavailableError when the database cannot be used, TimeoutError when it did not answer in time).
 */
export function authenticator({ verifier, dataSource }: { verifier: TokenVerifier; dataSource: DataSource }): Authenticate {
  return async (header, admit, on, reader) => {
    const identity = await verifier.verify(bearerToken(header));
    await admit(identity, on);
    try {
      return { ...(await viewerFor(dataSource, identity, reader ? await reader() : undefined)), identity };
    } catch (error) {
      // The database refused, lost or not ready: UNAVAILABLE (503, Retry-After); no answer within its bound: TIMEOUT
      // (503). Not a masked 500.
      throw asReadFailure(error) ?? error;
    }
  };
}
