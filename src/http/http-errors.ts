import type { ErrorRequestHandler } from "express";
import type { Logger } from "pino";
import { inLanguage, maskedMessage } from "./format-error";
import { requestIdOf } from "./request-id";
import { headerLanguage } from "../i18n/language";
import { englishText, message, type Message } from "../i18n/messages";

/** body-parser's failure types, as a client should read them. */
const bodyProblems: Record<string, Message> = {
  "entity.parse.failed": message("http.bodyNotJson"),
  "charset.unsupported": message("http.bodyCharset"),
  "encoding.unsupported": message("http.bodyEncoding"),
  "request.aborted": message("http.bodyIncomplete"),
  "request.size.invalid": message("http.bodyIncomplete"),
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
    const language = headerLanguage(req.headers);
    if (status === 500) {
      logger.error({ requestId, err: error }, "unexpected error");
      res.status(500).json({
        errors: [
          inLanguage(
            { message: maskedMessage, extensions: { code: "INTERNAL_SERVER_ERROR", requestId, messageKey: "http.internal" } },
            language,
          ),
        ],
      });
      return;
    }
    const code = status === 413 ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST";
    const problem =
      status === 413
        ? message("http.bodyTooLarge", { limit: bodyLimit })
        : (bodyProblems[error.type ?? ""] ?? message("http.bodyUnreadable"));
    res.status(status).json({
      errors: [
        inLanguage({ message: englishText(problem), extensions: { code, messageKey: problem.key, params: problem.params } }, language),
      ],
    });
  };
}
