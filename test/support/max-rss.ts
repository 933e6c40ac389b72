import { writeSync } from "node:fs";

/**
 * Preloaded into a child process (`-r`), it prints the process's peak resident memory on stderr as it exits, so that
 * a test can bound what a command held.
 */
process.on("exit", () => {
  writeSync(2, `\nmaxRSS=${process.resourceUsage().maxRSS}\n`);
});
