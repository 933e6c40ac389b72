import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** The caller's X-Request-Id when it is a sane token (so traces join up across services), else a fresh UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && /^[A-Za-z0-9._:-]{8,64}$/.test(given) ? given : randomUUID();
}
