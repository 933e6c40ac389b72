import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startScript, type ProcessOptions } from "./processes";

export interface GatewayProcess {
  url: string;
  /** The process's id (of the primary when WORKERS > 1). */
  pid: number;
  /** Everything the process printed so far, stdout then stderr. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `src/main.ts` as its own process (what `npm run dev` runs; `entry` names another, such as a build's
 * `dist/main.js`, what `npm start` runs) and waits until it prints its URL. Without a DEV_KEY_FILE in `env`, its
 * signing key lives in a folder of its own, removed when it stops.
 */
export async function spawnGateway(
  env: Record<string, string>,
  { entry = "src/main.ts", ...options }: ProcessOptions & { entry?: string } = {},
): Promise<GatewayProcess> {
  const port = await freePort();
  const keyDirectory = env.DEV_KEY_FILE ? null : mkdtempSync(join(tmpdir(), "gateway-keys-"));
  const gateway = startScript(
    entry,
    [],
    {
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      RATE_LIMIT: "off",
      DEMO_DATA: "off",
      HOST: "127.0.0.1",
      PORT: String(port),
      ...(keyDirectory ? { DEV_KEY_FILE: join(keyDirectory, "dev-signing-key.json") } : {}),
      ...env,
    },
    options,
  );
  const removeKeys = () => {
    if (keyDirectory) rmSync(keyDirectory, { recursive: true, force: true });
  };
  try {
    await gateway.waitForOutput(/Secure access gateway:/);
  } catch (error) {
    removeKeys();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    pid: gateway.pid,
    output: () => gateway.stdout() + gateway.stderr(),
    stop: async (signal = "SIGTERM") => {
      const code = await gateway.stop(signal);
      removeKeys();
      return code;
    },
  };
}
