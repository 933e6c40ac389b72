import type { Logger } from "pino";
import { createLogger } from "../../src/logger";

export interface CapturedLogs {
  logger: Logger;
  /** Every line written so far, parsed. */
  lines(): Record<string, unknown>[];
  /** Every line written so far, as written. */
  text(): string;
}

/** A gateway logger whose lines the test reads instead of stdout. */
export function captureLogs(level = "info"): CapturedLogs {
  const written: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void written.push(line) } });
  return {
    logger,
    lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => written.join(""),
  };
}
