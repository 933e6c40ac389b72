import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The folders this test file made: removed after its tests (below). */
const made: string[] = [];

/**
 * A folder of the test file's own (for a key file, a register, a manifest, a scratch project), under the run's
 * TMPDIR, removed once all the file's tests are done, so that nothing of it outlives the run.
 */
export function scratchDirectory(prefix: string): string {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  made.push(directory);
  return directory;
}

// Registered in the root block of every test file that imports this module: it runs after all of its tests.
afterAll(() => {
  for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
});
