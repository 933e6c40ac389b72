import pino, { type DestinationStream, type Logger, type LoggerOptions } from "pino";

/** National numbers never reach the logs whole: any 11-digit run keeps its first two digits. */
export function maskSsins(text: string): string {
  return text.replace(/\b(\d{2})[.\-\s]?\d{2}[.\-\s]?\d{2}[.\-\s]?\d{3}[.\-\s]?\d{2}\b/g, "$1*********");
}

const maxMaskDepth = 8;

/**
 * A copy of a log value with every string masked, however deep: error messages and stacks, SQL and its parameters
 * (TypeORM's QueryFailedError carries both), nested objects. Errors become pino's serialized form first.
 */
export function maskDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return maskSsins(value);
  if (typeof value !== "object" || value === null) return value;
  if (depth >= maxMaskDepth || seen.has(value)) return "[omitted]";
  seen.add(value);
  if (value instanceof Error) return maskDeep(pino.stdSerializers.err(value), depth + 1, seen);
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, depth + 1, seen));
  if (value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskDeep(item, depth + 1, seen)]));
}

/**
 * Structured JSON logs. A line written for a request names it: the caller passes its `requestId` (nothing finds the
 * request by itself: no AsyncLocalStorage on the path of every request). National numbers are masked in the message
 * and in every string of the logged object; tokens and Authorization headers are redacted. `destination` is stdout
 * unless given (the tests read the lines they cause).
 */
export function createLogger({ level, destination }: { level: string; destination?: DestinationStream }): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: "secure-access-gateway", pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ["req.headers.authorization", "authorization", "token"], censor: "[redacted]" },
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => maskDeep(object) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        // pino takes the message of `logger.error({ err })` from the error itself, past the formatters: mask it here.
        const [first] = args;
        const implicitMessage =
          args.length === 1 && typeof first === "object" && first !== null && (first as { err?: unknown }).err instanceof Error;
        const masked = args.map((a) => (typeof a === "string" ? maskSsins(a) : a));
        if (implicitMessage) masked.push(maskSsins((first as { err: Error }).err.message));
        method.apply(this, masked as Parameters<typeof method>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
