import { once } from 'node:events';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { createSessionManager } from '../../src/index.js';
import { UA } from '../support/clock.js';
import { connectNodeRedis, deleteRunKeys, freshPrefix } from '../support/redis-clients.js';
import { requireService } from '../support/services.js';

const redisUp = await requireService('Redis', 6379);

/**
 * A proxy in front of 127.0.0.1:6379 that, once armed, lets the next reply through only up to
 * its first line and then closes the client's connection: the client holds the start of a
 * reply it will never see the end of.
 */
async function startCuttingProxy(): Promise<{ port: number; cutAfterFirstLine(): void; connections(): number; close(): Promise<void> }> {
  let armed = false;
  let accepted = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    accepted++;
    const upstream = new Socket();
    upstream.connect(6379, '127.0.0.1');
    sockets.add(client).add(upstream);
    for (const socket of [client, upstream]) {
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      if (!armed) {
        client.write(chunk);
        return;
      }
      armed = false;
      const lineEnd = chunk.indexOf('\r\n');
      client.end(chunk.subarray(0, lineEnd + 2), () => client.destroy());
      upstream.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cutAfterFirstLine: () => {
      armed = true;
    },
    connections: () => accepted,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe.skipIf(!redisUp)('Redis store with ioredis: a validation in flight when the connection is lost', () => {
  let proxy: Awaited<ReturnType<typeof startCuttingProxy>>;

  beforeAll(async () => {
    proxy = await startCuttingProxy();
  });
  afterAll(async () => {
    const admin = await connectNodeRedis(6379);
    await deleteRunKeys(admin);
    await admin.close();
    await proxy.close();
  });

  // An ioredis client through the proxy that reconnects at once, closed when the test ends.
  const connectThroughProxy = async (): Promise<Redis> => {
    const client = new Redis({ host: '127.0.0.1', port: proxy.port, lazyConnect: true, connectTimeout: 1_000, enableOfflineQueue: false, autoResendUnfulfilledCommands: false, retryStrategy: () => 20 });
    client.on('error', () => undefined);
    await client.connect();
    onTestFinished(() => client.disconnect());
    return client;
  };

  // The store's ioredis client never sends a command again after a reconnect, and leaves the cut
  // one unanswered: at the store's deadline it is an outage (503, the cookie kept), never half a reply read as no session.
  it('answers a validation whose reply was cut as an outage, and the next one on the new connection', async () => {
    const client = await connectThroughProxy();
    const sessions = createSessionManager({ store: redisStore({ client, prefix: freshPrefix('cut'), commandTimeout: 300 }) });
    onTestFinished(() => sessions.close());
    const { token } = await sessions.create({ userId: 'cut-user', userAgent: UA.chromeMac });
    // Replies come in order: once this one is in, what sign-in sent before it has been answered,
    // and the cut falls on the next validation's reply.
    expect((await sessions.validate(token)).ok).toBe(true);
    const before = proxy.connections();

    proxy.cutAfterFirstLine();
    await expect(sessions.validate(token)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });

    // The next validation, on the new connection, is answered.
    expect((await sessions.validate(token)).ok).toBe(true);
    expect(proxy.connections()).toBe(before + 1);
  });

  // Connected again but not yet ready (its ready check, or Redis loading its data), ioredis
  // without an offline queue refuses a command at once: an outage, never one held back to run late.
  it('answers a validation while ioredis is connected but not yet ready as an outage, and validates once it is ready', async () => {
    const client = await connectThroughProxy();
    const sessions = createSessionManager({ store: redisStore({ client, prefix: freshPrefix('notready') }) });
    onTestFinished(() => sessions.close());
    const { token } = await sessions.create({ userId: 'not-ready-user', userAgent: UA.chromeMac });
    expect((await sessions.validate(token)).ok).toBe(true);

    const during = new Promise<{ status: string; result: Promise<unknown> }>((resolve) => {
      client.once('connect', () => resolve({ status: client.status, result: sessions.validate(token).catch((error: unknown) => error) }));
    });
    (client as unknown as { stream: Socket }).stream.destroy();
    const { status, result } = await during;

    expect(status).toBe('connect');
    expect(await result).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    if (client.status !== 'ready') await once(client, 'ready');
    expect((await sessions.validate(token)).ok).toBe(true);
  });
});
