import type { RequestHandler } from "express";
import { inLanguage } from "./format-error";
import { headerLanguage } from "../i18n/language";
import { englishText, message } from "../i18n/messages";

/** How many operations a request body asks to run: the length of a batch (a JSON array), else one. */
export function operationsIn(body: unknown): number {
  return Array.isArray(body) ? body.length : 1;
}

/**
 * Once the body is read, with BATCHED_REQUESTS=on: a batch longer than `maxOperations` is refused as a whole, 400
 * BAD_REQUEST in the shape of the other refusals before GraphQL (src/http/http-errors.ts), before any of its operations
 * runs and before its operations are counted against the rate limits. Otherwise one request could carry any number of
 * operations, each a full request's work.
 */
export function batchLimit({ maxOperations }: { maxOperations: number }): RequestHandler {
  return (req, res, next) => {
    if (operationsIn(req.body as unknown) <= maxOperations) return next();
    const problem = message("http.batchTooLong", { max: maxOperations });
    const error = { message: englishText(problem), extensions: { code: "BAD_REQUEST", messageKey: problem.key, params: problem.params } };
    res.status(400).json({ errors: [inLanguage(error, headerLanguage(req.headers))] });
  };
}
