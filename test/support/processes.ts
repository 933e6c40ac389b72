import { execFile, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";

export const projectRoot = join(__dirname, "..", "..");

export type Environment = Record<string, string | undefined>;

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Where a process runs: the project directory unless `cwd` says otherwise (a scratch package of the build, say). */
export interface ProcessOptions {
  cwd?: string;
}

/**
 * The arguments that run an entry point: a TypeScript file of src/ through the register (`npm run dev`, and the
 * tests), a compiled one of dist/ as it is (`npm start` and the commands).
 */
const scriptArguments = (script: string, args: readonly string[]) =>
  script.endsWith(".ts") ? ["-r", "@swc-node/register", script, ...args] : [script, ...args];

/** Runs a command in the project directory and waits for it to exit (an `undefined` in `env` removes that variable). */
export function runProcess(
  command: string,
  args: readonly string[],
  env: Environment,
  { cwd = projectRoot }: ProcessOptions = {},
): Promise<Finished> {
  return new Promise((resolve) => {
    execFile(command, [...args], { cwd, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr });
    });
  });
}

export function runScript(script: string, args: readonly string[], env: Environment, options: ProcessOptions = {}): Promise<Finished> {
  return runProcess(process.execPath, scriptArguments(script, args), env, options);
}

export interface RunningProcess {
  /** The operating system's id of the process, e.g. to read /proc/PID/status. */
  pid: number;
  /** Resolves with the first match of `pattern` in stdout; rejects when the process exits before printing it. */
  waitForOutput(pattern: RegExp): Promise<RegExpMatchArray>;
  stdout(): string;
  stderr(): string;
  /** Sends the signal and resolves with the exit code (null when a signal ended it). */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/** Starts a long-running entry point (the gateway) as its own process. */
export function startScript(
  script: string,
  args: readonly string[],
  env: Environment,
  { cwd = projectRoot }: ProcessOptions = {},
): RunningProcess {
  const child = spawn(process.execPath, scriptArguments(script, args), {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const waiters = new Set<() => void>();
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    for (const wake of waiters) wake();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return {
    pid: child.pid!,
    waitForOutput(pattern) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = stdout.match(pattern);
          if (!match) return;
          waiters.delete(check);
          resolve(match);
        };
        waiters.add(check);
        check();
        void exited.then((code) => {
          if (waiters.delete(check)) reject(new Error(`${script} exited (${code}) before printing ${pattern}:\n${stdout}\n${stderr}`));
        });
      });
    },
    stdout: () => stdout,
    stderr: () => stderr,
    async stop(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** A TCP port that was free a moment ago: for a process that must be told its port in advance. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
