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
  /**
   * A COMMIT whose answer is lost: on a connection that has sent a packet matching `after`, the first later client
   * packet matching `to` reaches the server, and the server's answer to it does not reach the client: both sides of the
   * connection are destroyed when it arrives. With `drop`, that packet itself is lost instead and the connection
   * destroyed at once (the server never sees it). Resolves once it has happened.
   */
  loseAnswer(options: { after: RegExp; to: RegExp; drop?: boolean }): Promise<void>;
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
  let loseWhen: { after: RegExp; to: RegExp; drop: boolean; marked: WeakSet<Socket>; done: () => void } | null = null;
  /** The client socket whose next answer from the server is lost, keyed by its upstream socket. */
  const losing = new WeakMap<Socket, { client: Socket; done: () => void }>();
  const forward = (from: Socket, to: Socket, fromClient: boolean) => {
    from.on("data", (chunk: Buffer) => {
      if (!fromClient && losing.has(from)) {
        const { client, done } = losing.get(from)!;
        losing.delete(from);
        client.destroy();
        from.destroy();
        done();
        return;
      }
      if (fromClient && loseWhen) {
        const packet = chunk.toString("latin1");
        if (loseWhen.marked.has(from) && loseWhen.to.test(packet)) {
          const { done, drop } = loseWhen;
          loseWhen = null;
          if (drop) {
            from.destroy();
            to.destroy();
            done();
            return;
          }
          losing.set(to, { client: from, done });
        } else if (loseWhen.after.test(packet)) loseWhen.marked.add(from);
      }
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
    loseAnswer({ after, to, drop = false }) {
      return new Promise<void>((done) => (loseWhen = { after, to, drop, marked: new WeakSet(), done }));
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
