import { createServer, connect, type Server, type Socket } from "node:net";

/**
 * A TCP proxy in front of the database server, so a test can take the database away from a gateway and give it back:
 * `cut()` drops every open connection, `refuse()` also drops every new one at once (the server looks down), `accept()`
 * forwards again.
 */
export interface TcpProxy {
  port: number;
  /** Rewrites a mysql:// URL to go through the proxy. */
  via(url: string): string;
  cut(): void;
  refuse(): void;
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
  const server: Server = createServer((client) => {
    track(client);
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = connect({ host, port });
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
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
    accept() {
      refusing = false;
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
