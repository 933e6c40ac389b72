import { createServer, connect, type Server, type Socket } from "node:net";

/**
 * A TCP proxy in front of the database server, so a test can take the database away from a gateway and give it back:
 * `cut()` drops every open connection, `refuse()` also drops every new one at once (the server looks down),
 * `blackhole()` partitions (bytes and closes are lost both ways, new connections hang), `accept()` forwards again.
 */
export interface TcpProxy {
  port: number;
  /** Rewrites a mysql:// URL to go through the proxy. */
  via(url: string): string;
  cut(): void;
  refuse(): void;
  /**
   * A network partition: from now, or from the first client packet that matches `when` (that packet already lost),
   * nothing passes either way, closes included. `accept()` ends it and drops the connections that lived through it.
   */
  blackhole(options?: { when?: RegExp }): void;
  /**
   * A connection reset in flight: the first client packet for which `when` holds (read as latin1 text) is dropped and
   * its connection, both ways, destroyed at once; later packets pass. Resolves once it has happened.
   */
  resetOn(when: (packet: string) => boolean): Promise<void>;
  /** Whether the partition has begun. */
  blackholed(): boolean;
  accept(): void;
  close(): Promise<void>;
}

export async function startTcpProxy({ host, port }: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let refusing = false;
  const track = (socket: Socket) => {
    open.add(socket);
    socket.on("close", () => open.delete(socket));
    socket.on("error", () => socket.destroy());
  };
  let partitioned = false;
  let partitionWhen: RegExp | null = null;
  let resetWhen: { test: (packet: string) => boolean; done: () => void } | null = null;
  const forward = (from: Socket, to: Socket, fromClient: boolean) => {
    from.on("data", (chunk: Buffer) => {
      if (fromClient && resetWhen?.test(chunk.toString("latin1"))) {
        const { done } = resetWhen;
        resetWhen = null;
        from.destroy();
        to.destroy();
        done();
        return;
      }
      if (fromClient && partitionWhen?.test(chunk.toString("latin1"))) {
        partitioned = true;
        partitionWhen = null;
      }
      if (!partitioned) to.write(chunk);
    });
    from.on("close", () => {
      if (!partitioned) to.destroy();
    });
  };
  const server: Server = createServer((client) => {
    track(client);
    if (refusing) {
      client.destroy();
      return;
    }
    // Across a partition a new connection never reaches the server: the client waits.
    if (partitioned) return;
    const upstream = connect({ host, port });
    track(upstream);
    forward(client, upstream, true);
    forward(upstream, client, false);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const proxyPort = (server.address() as { port: number }).port;
  const cut = () => {
    for (const socket of open) socket.destroy();
  };
  return {
    port: proxyPort,
    via(url) {
      const parsed = new URL(url);
      parsed.hostname = "127.0.0.1";
      parsed.port = String(proxyPort);
      return parsed.toString();
    },
    cut,
    refuse() {
      refusing = true;
      cut();
    },
    blackhole({ when } = {}) {
      if (when) partitionWhen = when;
      else partitioned = true;
    },
    resetOn(when) {
      return new Promise<void>((done) => (resetWhen = { test: when, done }));
    },
    blackholed: () => partitioned,
    accept() {
      refusing = false;
      partitionWhen = null;
      if (partitioned) {
        partitioned = false;
        cut();
      }
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
