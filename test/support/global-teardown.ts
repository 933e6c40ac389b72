import { dropTemplateDatabase } from "./template-database";
import { leftoversOf, removeLeftovers } from "./test-run";

/** At most this many leftovers are named; the count says the rest. */
const shown = 40;

/**
 * Jest's global teardown (jest.config.js): the run must leave nothing behind. Whatever is left of it (a file or folder
 * in its TMPDIR, a database, a Redis key) fails the run, named one by one so that the suite that made it can be found;
 * then it is removed, so that the next run starts clean either way.
 */
export default async function globalTeardown(): Promise<void> {
  const run = process.env.TEST_RUN_ID;
  const directory = process.env.TEST_RUN_DIR;
  if (!run || !directory) return;
  await dropTemplateDatabase(run);
  const left = await leftoversOf(run, directory);
  await removeLeftovers(left, directory);
  const named = [
    ...left.files.map((name) => `a file or folder in the run's TMPDIR: ${name}`),
    ...left.databases.map((name) => `a database: ${name}`),
    ...left.redisKeys.map((key) => `a Redis key: ${key}`),
  ];
  if (named.length > 0)
    throw new Error(
      `The tests left ${named.length} things behind (removed now; each suite must remove what it makes):\n  ${named.slice(0, shown).join("\n  ")}${named.length > shown ? `\n  ... and ${named.length - shown} more` : ""}`,
    );
}
