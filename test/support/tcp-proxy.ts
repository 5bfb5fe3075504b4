import { createServer, Socket, type AddressInfo, type Server } from 'node:net';

/**
 * A local port nothing listens on, for a server that is down. It lies below the kernel's range for
 * outgoing connections, so neither another test's socket nor a self-connect can take it.
 */
export const CLOSED_PORT = 29_999;

/**
 * A TCP proxy a test owns, to make a real network partition between two servers on loopback:
 * while cut, it keeps every connection open but delivers nothing in either direction, like a
 * link whose packets are dropped. (Freezing a process is not a partition: the kernel still
 * accepts and delivers what was sent, and the peer sees it all on resume.)
 */
export interface TcpProxy {
  readonly port: number;
  /** Drops every byte from now on, both ways, on open and new connections; nothing is closed. */
  cut(): void;
  /** Forwards again. Connections open during the cut are reset, since bytes were lost in them. */
  heal(): void;
  /**
   * Connections opened from now on reach the target `ms` late: what their client sends is held
   * (in order, nothing lost) until `ms` after the connection opened. Connections already open
   * are not affected: a slow path for new connections only, such as a cancel request.
   */
  delayNewConnections(ms: number): void;
  /** Closes the listener and every connection. */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port` (0: one the system picks) and forwards each connection to 127.0.0.1:`target`. */
export async function startTcpProxy(port: number, target: number): Promise<TcpProxy> {
  let cut = false;
  let newConnectionDelayMs = 0;
  const pairs = new Set<[Socket, Socket]>();
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    // Forward by hand rather than pipe(): a cut must drop data, not buffer it for later.
    const forward = (chunk: Buffer): void => {
      if (!cut) upstream.write(chunk);
    };
    const delayMs = newConnectionDelayMs;
    if (delayMs === 0) {
      client.on('data', forward);
    } else {
      let held: Buffer[] | undefined = [];
      setTimeout(() => {
        for (const chunk of held ?? []) forward(chunk);
        held = undefined;
      }, delayMs);
      client.on('data', (chunk: Buffer) => {
        if (held === undefined) forward(chunk);
        else held.push(chunk);
      });
    }
    upstream.on('data', (chunk) => {
      if (!cut) client.write(chunk);
    });
    upstream.connect(target, '127.0.0.1');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      cut = true;
    },
    delayNewConnections(ms) {
      newConnectionDelayMs = ms;
    },
    heal() {
      cut = false;
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    async close() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
