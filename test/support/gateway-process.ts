import { freePort, startScript } from "./processes";

export interface GatewayProcess {
  url: string;
  /** The process's id (of the primary when WORKERS > 1). */
  pid: number;
  /** Everything the process printed so far, stdout then stderr. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `src/main.ts` as its own process (what `npm start` runs) and waits until it prints its URL. */
export async function spawnGateway(env: Record<string, string>): Promise<GatewayProcess> {
  const port = await freePort();
  const gateway = startScript("src/main.ts", [], {
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    RATE_LIMIT: "off",
    DEMO_DATA: "off",
    HOST: "127.0.0.1",
    PORT: String(port),
    ...env,
  });
  await gateway.waitForOutput(/Secure access gateway:/);
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    pid: gateway.pid,
    output: () => gateway.stdout() + gateway.stderr(),
    stop: (signal = "SIGTERM") => gateway.stop(signal),
  };
}
