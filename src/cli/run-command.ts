/**
 * Runs a command; a failure prints its message alone (no stack) and exits non-zero. Exits once stdout and stderr have
 * flushed: writes to a pipe are asynchronous, and exiting at once cut `audit:verify | grep` after ~1,700 of 21,000 lines.
 */
export function runCommand(main: () => Promise<void>): void {
  const exit = (code: number) => process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
  main().then(
    () => exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      exit(1);
    },
  );
}
