import { mkdtempSync, rmSync } from "node:fs";
import { createServer, connect, type Server } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, runScript, startScript, type Environment } from "./support/processes";

/** What a developer's shell has: none of the variables the test runner sets, so the defaults apply. */
const freshEnvironment: Environment = {
  NODE_ENV: undefined,
  HOST: undefined,
  DEV_KEY_FILE: undefined,
  LOG_LEVEL: undefined,
  DEMO_DATA: "off",
  RATE_LIMIT: undefined,
};

/** An IPv4 address of this machine that is not loopback. */
function networkAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry && entry.family === "IPv4" && !entry.internal)?.address;
  if (!address) throw new Error("this machine has no IPv4 address but loopback: the test needs one to reach the gateway from off loopback");
  return address;
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** One line, ending with a newline, and no stack frame in it. */
const oneLine = /^The gateway could not start: [^\n]+\n$/;

describe("a start that fails", () => {
  let dir: string;
  let holder: Server;
  let busyPort: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "start-failures-"));
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    busyPort = (holder.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => holder?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (env: Environment) =>
    runScript("src/main.ts", [], {
      ...freshEnvironment,
      DATABASE_URL: `sqlite:${join(dir, "access.sqlite")}`,
      DEV_KEY_FILE: join(dir, "dev-signing-key.json"),
      ...env,
    });

  it.each([
    ["one process", "1"],
    ["two workers", "2"],
  ])("on a busy port (%s) says so on one line of stderr, with what to do, and exits non-zero", async (_case, workers) => {
    const finished = await start({ PORT: String(busyPort), HOST: "127.0.0.1", WORKERS: workers });
    expect(finished.code).toBe(1);
    expect(finished.stderr).toBe(
      `The gateway could not start: 127.0.0.1:${busyPort} is already in use: stop the process that listens there, or set PORT to another port\n`,
    );
  });

  it.each([
    ["a setting it cannot read", { PORT: "eighty" }, /PORT must be a whole number/],
    ["a database it cannot reach", { DATABASE_URL: "mysql://root@127.0.0.1:9/access" }, /Cannot open the database of DATABASE_URL/],
    ["an address that is not this machine's", { HOST: "192.0.2.254" }, /HOST 192\.0\.2\.254 is no address of this machine/],
    ["a trusted-documents manifest that is missing", { TRUSTED_DOCUMENTS_MANIFEST: "/nonexistent/manifest.json" }, /manifest/i],
  ])("on %s says why on one line of stderr and exits non-zero", async (_case, env, why) => {
    const finished = await start({ PORT: String(await freePort()), ...env });
    expect(finished.code).toBe(1);
    expect(finished.stderr).toMatch(oneLine);
    expect(finished.stderr).toMatch(why);
  });
});

describe("the address a gateway listens on", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "listen-address-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const listensOn = async (env: Environment) => {
    const port = await freePort();
    const gateway = startScript("src/main.ts", [], {
      ...freshEnvironment,
      DATABASE_URL: `sqlite:${join(dir, "access.sqlite")}`,
      DEV_KEY_FILE: join(dir, "dev-signing-key.json"),
      PORT: String(port),
      ...env,
    });
    try {
      const [, url] = await gateway.waitForOutput(/Secure access gateway: (\S+)\n/);
      return { url, loopback: await accepts("127.0.0.1", port), network: await accepts(networkAddress(), port), port };
    } finally {
      await gateway.stop("SIGTERM");
    }
  };

  it("in development is 127.0.0.1: the demo API is not reachable from the network", async () => {
    const { url, loopback, network, port } = await listensOn({});
    expect({ url, loopback, network }).toEqual({ url: `http://127.0.0.1:${port}/graphql`, loopback: true, network: false });
  });

  it("is the one HOST names: 0.0.0.0 reaches every interface", async () => {
    const { url, loopback, network, port } = await listensOn({ HOST: "0.0.0.0" });
    expect({ url, loopback, network }).toEqual({ url: `http://localhost:${port}/graphql`, loopback: true, network: true });
  });
});
