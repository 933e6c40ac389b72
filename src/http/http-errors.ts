import type { ErrorRequestHandler } from "express";
import type { Logger } from "pino";
import { maskedMessage } from "./format-error";
import { requestIdOf } from "./request-id";

/** body-parser's failure types, as a client should read them. */
const bodyProblems: Record<string, string> = {
  "entity.parse.failed": "The request body is not valid JSON",
  "charset.unsupported": "The request body must be UTF-8 JSON",
  "encoding.unsupported": "The request body's Content-Encoding is not supported",
  "request.aborted": "The request body was incomplete",
  "request.size.invalid": "The request body was incomplete",
};

/**
 * The last Express handler: failures before Apollo (the body parser's: too large, malformed, wrong charset) answer in
 * the GraphQL error shape with their 4xx status; anything else is masked as INTERNAL_SERVER_ERROR and logged in full
 * with the request id.
 */
export function httpErrors({ bodyLimit, logger }: { bodyLimit: string; logger: Logger }): ErrorRequestHandler {
  return (error: { status?: number; type?: string }, req, res, _next) => {
    const requestId = requestIdOf(req);
    res.setHeader("x-request-id", requestId);
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) {
      logger.error({ requestId, err: error }, "unexpected error");
      res.status(500).json({ errors: [{ message: maskedMessage, extensions: { code: "INTERNAL_SERVER_ERROR", requestId } }] });
      return;
    }
    const code = status === 413 ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST";
    const message = status === 413 ? `The request body is larger than ${bodyLimit}` : (bodyProblems[error.type ?? ""] ?? "The request could not be read");
    res.status(status).json({ errors: [{ message, extensions: { code } }] });
  };
}
