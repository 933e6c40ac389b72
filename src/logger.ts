import pino, { type Logger } from "pino";

/** National numbers never reach the logs whole: any 11-digit run keeps its first six digits (the birth date part is masked too). */
export function maskSsins(text: string): string {
  return text.replace(/\b(\d{2})[.\-\s]?\d{2}[.\-\s]?\d{2}[.\-\s]?\d{3}[.\-\s]?\d{2}\b/g, "$1*********");
}

export function createLogger({ level }: { level: string }): Logger {
  return pino({
    level,
    base: { service: "secure-access-gateway", pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ["req.headers.authorization", "authorization", "token"], censor: "[redacted]" },
    formatters: { level: (label) => ({ level: label }) },
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((a) => (typeof a === "string" ? maskSsins(a) : a)) as Parameters<typeof method>,
        );
      },
    },
  });
}
