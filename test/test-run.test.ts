import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { Redis } from "ioredis";
import { createConnection } from "mysql2/promise";
import { describeMysql, serverOptions } from "./support/databases";
import { describeWithRedis, testRedisUrl } from "./support/redis";
import { leftoversOf, newRunId, removeLeftovers, runDatabasePrefix, runDirectory, runRedisPrefix } from "./support/test-run";

/**
 * The check that ends every run (test/support/global-teardown.ts) finds what a run leaves: shown here on a run made
 * up for the purpose, which leaves one of each kind, beside this run's own.
 */
describeMysql("what a test run leaves behind [mysql]", () => {
  describeWithRedis("is found and removed by the end-of-run check", () => {
    it("names a file of its folder, a database and a Redis key of its run, and nothing of another run", async () => {
      const run = newRunId();
      const directory = runDirectory(run, tmpdir());
      mkdirSync(directory);
      writeFileSync(`${directory}/forgotten.txt`, "");
      const admin = await createConnection(serverOptions());
      const redis = new Redis(testRedisUrl);
      const anotherRun = `${runRedisPrefix(newRunId())}another-run`;
      try {
        await admin.query(`CREATE DATABASE \`${runDatabasePrefix(run)}forgotten\``);
        // A name the prefix matches only if LIKE's "_" were left unescaped.
        await admin.query(`CREATE DATABASE \`${runDatabasePrefix(run).slice(0, -1)}x${run}\``);
        await redis.set(`${runRedisPrefix(run)}forgotten`, "1");
        await redis.set(anotherRun, "1", "EX", 60);

        const left = await leftoversOf(run, directory);
        expect(left).toEqual({
          files: ["forgotten.txt"],
          databases: [`${runDatabasePrefix(run)}forgotten`],
          redisKeys: [`${runRedisPrefix(run)}forgotten`],
          unchecked: [],
        });
        await removeLeftovers(left, directory);
        await expect(leftoversOf(run, directory)).resolves.toEqual({ files: [], databases: [], redisKeys: [], unchecked: [] });
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS \`${runDatabasePrefix(run)}forgotten\``);
        await admin.query(`DROP DATABASE IF EXISTS \`${runDatabasePrefix(run).slice(0, -1)}x${run}\``);
        await admin.end();
        await redis.del(anotherRun);
        redis.disconnect();
      }
    });
  });
});
