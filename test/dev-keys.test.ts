import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runProcess } from "./support/processes";

/**
 * A process that waits for the agreed moment, then loads or creates the key and prints its public part: so that all
 * of them reach the file system at once, however long each took to start.
 */
const worker = `
const { exportJWK } = require("jose");
const { loadOrCreateDevKeys } = require("./src/identity/dev-keys");
const [file, at] = process.argv.slice(-2);
setTimeout(async () => {
  const keys = await loadOrCreateDevKeys(file);
  const { x, y } = await exportJWK(keys.publicKey);
  process.stdout.write(x + "." + y);
}, Math.max(0, Number(at) - Date.now()));
`;

describe("the development signing key", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "dev-keys-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is one key for every process that starts at once on a fresh machine, and no process reads a half-written file", async () => {
    for (let round = 1; round <= 5; round++) {
      const file = join(dir, `round-${round}`, "dev-signing-key.json");
      const at = String(Date.now() + 2500);
      const finished = await Promise.all(
        Array.from({ length: 6 }, () => runProcess(process.execPath, ["-r", "@swc-node/register", "-e", worker, file, at], {})),
      );
      for (const { code, stderr } of finished) expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
      const keys = new Set(finished.map((f) => f.stdout));
      expect(keys.size).toBe(1);
      expect([...keys][0]).toMatch(/^[\w-]{43}\.[\w-]{43}$/);
      // The temporary files of the processes that lost are gone.
      expect(readdirSync(join(dir, `round-${round}`))).toEqual(["dev-signing-key.json"]);
    }
    // Thirty processes that each load the TypeScript register: seconds apiece on a busy machine.
  }, 240_000);
});
