// A store's first SUBSCRIBE can be lost: the connection drops after it is sent and before it is
// acknowledged. The store must send it again, whatever the app's client does with the commands a
// drop left unanswered (ioredis, made with autoResendUnfulfilledCommands: false as the store
// requires, forgets them without settling them).
import { createServer, Socket } from 'node:net';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { describe, expect, it, onTestFinished } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { freshPrefix } from '../support/redis-clients.js';
import { eventually, ownRedisServer } from '../support/own-redis.js';
import { requireRedisBinaries } from '../support/redis-server.js';

const canStart = await requireRedisBinaries();
const PORT = 30050;

/** Forwards to the server; once armed, drops the next connection that sends a SUBSCRIBE, before it reaches the server. */
async function dropFirstSubscribe(target: number): Promise<{ port: number; arm(): void; dropped(): boolean; close(): Promise<void> }> {
  let armed = false;
  let dropped = false;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = new Socket();
    const end = (): void => void (client.destroy(), upstream.destroy());
    for (const socket of [client, upstream]) sockets.add(socket.on('error', end).on('close', end));
    client.on('data', (chunk: Buffer) => {
      if (armed && chunk.toString('latin1').toLowerCase().includes('subscribe')) return void ((armed = false), (dropped = true), end());
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => void client.write(chunk));
    upstream.connect(target, '127.0.0.1');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    arm: () => void (armed = true),
    dropped: () => dropped,
    close: () => new Promise<void>((resolve) => (sockets.forEach((socket) => socket.destroy()), server.close(() => resolve()))),
  };
}

describe.skipIf(!canStart)(`redis store whose first SUBSCRIBE is lost in a dropped connection (port ${PORT})`, () => {
  const admin = ownRedisServer(PORT, 'lost-subscribe');

  const ioredis = async (port: number, options: object) => {
    const client = new Redis({ host: '127.0.0.1', port, retryStrategy: () => 50, ...options });
    client.on('error', () => undefined);
    await new Promise((resolve) => client.once('ready', resolve));
    return { client, close: () => client.disconnect() };
  };
  const clients = {
    // The store takes an ioredis client made with both (its commands never run late).
    ioredis: (port: number) => ioredis(port, { enableOfflineQueue: false, autoResendUnfulfilledCommands: false }),
    'node-redis': async (port: number) => {
      const client = createClient({ socket: { host: '127.0.0.1', port, reconnectStrategy: () => 50 } });
      client.on('error', () => undefined);
      await client.connect();
      return { client, close: () => client.destroy() };
    },
  };

  for (const [name, connect] of Object.entries(clients)) {
    it(`${name}: hears notices after its first SUBSCRIBE was lost`, async () => {
      const proxy = await dropFirstSubscribe(PORT);
      onTestFinished(() => proxy.close());
      const app = new Redis({ host: '127.0.0.1', port: PORT });
      onTestFinished(() => app.disconnect());
      // The app's client goes through the proxy; so does the store's duplicate of it.
      const { client, close } = await connect(proxy.port);
      onTestFinished(close);
      const prefix = freshPrefix('lost');
      const channel = `${prefix}revocations`;
      const store = redisStore({ client, prefix, onError: () => undefined });
      const notices: string[] = [];
      proxy.arm();
      const stop = store.subscribe!((notice) => notices.push(notice.userId));
      onTestFinished(stop);
      expect(await eventually(async () => proxy.dropped())).toBe(true);
      const heard = await eventually(async () => (await app.call('PUBLISH', channel, 'after'), notices.includes('after')));
      expect(heard).toBe(true);
    }, 30_000);
  }
});
