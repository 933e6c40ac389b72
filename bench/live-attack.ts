import "reflect-metadata";
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { createClient, type Client } from "graphql-ws";
import { createConnection } from "mysql2/promise";
import WebSocket from "ws";
import { openDatabase } from "../src/database/data-source";
import { loadOrCreateDevKeys } from "../src/identity/dev-keys";
import { signDevToken } from "../src/identity/tokens";
import { Catalog } from "../src/domain/catalog";
import { ssin } from "../test/support/identities";
import { Seed } from "../test/support/seed";

/**
 * What a flood of subscriptions from a person with no role does to everyone else:
 *   node -r @swc-node/register bench/live-attack.ts [sqlite|mysql]
 * A gateway in its own process (bench/server.ts) on a fresh database; from this process, a simple query
 * (`myEnterprises { number name }`, LIVE_ATTACK_CONNECTIONS=4 connections) measured for LIVE_ATTACK_SECONDS (10) in
 * four phases: idle; while an access manager makes unrelated changes one after the other; then, while a person with
 * no role holds 90 sockets of 20 `accessChanged` subscriptions (as many as the caps let through), idle and with the
 * same changes. It
 * prints p50/p99, req/s, the changes made and the gateway's RSS per phase. LIVE_ATTACK_CHECKOUT: another checkout
 * (with its node_modules) whose gateway is measured instead, to compare with the code before a change.
 */
const dialect = process.argv[2] === "mysql" ? "mysql" : "sqlite";
const seconds = Number(process.env.LIVE_ATTACK_SECONDS ?? 10);
const connections = Number(process.env.LIVE_ATTACK_CONNECTIONS ?? 4);
const checkout = process.env.LIVE_ATTACK_CHECKOUT ?? join(__dirname, "..");
const mysqlServer = process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
const work = mkdtempSync(join(tmpdir(), "gateway-live-attack-"));
const keyFile = join(work, "dev-signing-key.json");

async function databaseUrl(): Promise<string> {
  if (dialect === "sqlite") return `sqlite:${join(work, "access.sqlite")}`;
  const server = new URL(mysqlServer);
  const admin = await createConnection({
    host: server.hostname,
    port: Number(server.port || 3306),
    user: server.username || "root",
    password: server.password,
  });
  await admin.query("DROP DATABASE IF EXISTS gateway_live_attack");
  await admin.query("CREATE DATABASE gateway_live_attack CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  await admin.end();
  return `mysql://${server.username || "root"}:${server.password}@${server.hostname}:${server.port || 3306}/gateway_live_attack`;
}

async function startGatewayProcess(url: string): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(join(checkout, "bench", "server.ts"), ["gateway", url, "on"], {
    cwd: checkout,
    execArgv: ["-r", "@swc-node/register"],
    env: { ...process.env, DEV_KEY_FILE: keyFile, EXPIRY_SWEEP_SECONDS: "0" },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const ready = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`the gateway exited with ${code}`)));
  });
  return { url: ready, child };
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

async function main(): Promise<void> {
  const url = await databaseUrl();
  const dataSource = await openDatabase({ url });
  const seed = new Seed(dataSource, await Catalog.load(dataSource));
  const reader = ssin();
  for (let i = 0; i < 3; i++) await seed.enterprise({ legalRepresentative: reader }).withMainAccessManager().active().build();
  const changed = await seed.enterprise().withMainAccessManager().active().build();
  await dataSource.destroy();

  const gateway = await startGatewayProcess(url);
  const keys = await loadOrCreateDevKeys(keyFile);
  const token = (who: string) => signDevToken(keys, { ssin: who });
  const readerToken = await token(reader);
  const managerToken = await token(changed.mainAccessManager!);

  const load = async () => {
    const result = await autocannon({
      url: gateway.url,
      method: "POST",
      connections,
      duration: seconds,
      headers: { "content-type": "application/json", authorization: `Bearer ${readerToken}` },
      body: JSON.stringify({ query: "{ myEnterprises { number name } }" }),
    });
    return {
      p50: result.latency.p50,
      p99: result.latency.p99,
      requestsPerSecond: Math.round(result.requests.average),
      failed: result.non2xx + result.errors,
    };
  };

  /** Unrelated changes, one after the other, until stopped: each adds a user to an enterprise the attacker never sees. */
  const changes = () => {
    let running = true;
    let made = 0;
    const done = (async () => {
      while (running) {
        const answer = await fetch(gateway.url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${managerToken}` },
          body: JSON.stringify({
            query: "mutation ($input: AddUserInput!) { addUser(input: $input) { id } }",
            variables: {
              input: {
                enterprise: changed.number,
                capacity: "EMPLOYER_NSSO",
                onlineServices: ["DIMONA"],
                person: { ssin: ssin(), givenName: "New", familyName: `User ${made}` },
              },
            },
          }),
        });
        if (!answer.ok || ((await answer.json()) as { errors?: unknown }).errors) throw new Error("a change failed");
        made++;
      }
    })();
    return async () => {
      running = false;
      await done;
      return made;
    };
  };

  const phases: Record<string, unknown>[] = [];
  const measure = async (name: string, withChanges: boolean) => {
    const stop = withChanges ? changes() : null;
    const result = await load();
    const made = stop ? await stop() : 0;
    phases.push({
      phase: name,
      ...result,
      changes: made,
      changesPerSecond: Math.round((made / seconds) * 10) / 10,
      gatewayRssMb: Math.round(rssMb(gateway.child.pid!)),
    });
  };

  await load(); // warm-up
  await measure("idle", false);
  await measure("changes", true);

  const attacker = await token(ssin());
  const sockets: Client[] = [];
  let acknowledged = 0;
  await Promise.all(
    Array.from({ length: 90 }, async () => {
      const client = createClient({
        url: gateway.url.replace(/^http/, "ws"),
        webSocketImpl: WebSocket,
        lazy: false,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${attacker}` },
        onNonLazyError: () => undefined,
      });
      sockets.push(client);
      const opened = await new Promise<boolean>((resolve) => {
        client.on("connected", () => resolve(true));
        client.on("closed", () => resolve(false));
      });
      if (!opened) return;
      acknowledged++;
      for (let i = 0; i < 20; i++) {
        client.subscribe(
          { query: "subscription { accessChanged { enterprise kind at } }" },
          { next: () => undefined, error: () => undefined, complete: () => undefined },
        );
      }
    }),
  );
  // The refusals (and the subscriptions that listen) have arrived by then.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  await measure("idle under the attack", false);
  await measure("changes under the attack", true);

  process.stdout.write(`${dialect}, ${checkout}: ${acknowledged} of 90 attacking sockets accepted, 20 subscriptions asked on each\n`);
  process.stdout.write(
    "| phase | p50 ms | p99 ms | req/s | failed | changes made (/s) | gateway RSS MB |\n|---|---|---|---|---|---|---|\n",
  );
  for (const p of phases)
    process.stdout.write(
      `| ${p.phase} | ${p.p50} | ${p.p99} | ${p.requestsPerSecond} | ${p.failed} | ${p.changes} (${p.changesPerSecond}) | ${p.gatewayRssMb} |\n`,
    );
  await Promise.all(sockets.map((s) => s.dispose()));
  gateway.child.kill("SIGINT");
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
