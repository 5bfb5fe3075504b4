import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { createSessionManager } from '../../src/index.js';
import { UA } from '../support/clock.js';
import { connectIoredis, connectNodeRedis, deleteRunKeys, freshPrefix, RUN_PREFIX } from '../support/redis-clients.js';
import { requireService } from '../support/services.js';

const redisUp = await requireService('Redis', 6379);

/**
 * A proxy in front of 127.0.0.1:6379 that, once armed, lets the next reply through only up to
 * its first line and then closes the client's connection: the client has MULTI's answer and
 * none of the others.
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

describe.skipIf(!redisUp)('Redis store with ioredis: a transaction cut by a lost connection', () => {
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
    const client = new Redis({ host: '127.0.0.1', port: proxy.port, lazyConnect: true, connectTimeout: 1_000, retryStrategy: () => 20 });
    client.on('error', () => undefined);
    await client.connect();
    onTestFinished(() => client.disconnect());
    return client;
  };

  // ioredis sends again, on its new connection, the commands the lost one left unanswered: the
  // reads and EXEC, without the MULTI that was answered. EXEC then finds no transaction.
  it('validates after the connection was lost between MULTI and EXEC, by script on the new connection', async () => {
    const client = await connectThroughProxy();
    const sessions = createSessionManager({ store: redisStore({ client, prefix: freshPrefix('cut') }) });
    onTestFinished(() => sessions.close());
    const { token } = await sessions.create({ userId: 'cut-user', userAgent: UA.chromeMac });
    // First sight by script; the store now knows the session's user and reads by transaction.
    expect((await sessions.validate(token)).ok).toBe(true);
    const before = proxy.connections();

    proxy.cutAfterFirstLine();
    const result = await sessions.validate(token);

    expect(proxy.connections()).toBe(before + 1);
    expect(result.ok).toBe(true);
    // And the next validation on the new connection is answered too.
    expect((await sessions.validate(token)).ok).toBe(true);
  });

  // Connected again but not yet ready (its ready check, or Redis loading its data), ioredis
  // writes MULTI and EXEC at once and queues the reads: an empty transaction, then the reads.
  it('validates a session seen before while ioredis is connected but not yet ready', async () => {
    const client = await connectThroughProxy();
    const sessions = createSessionManager({ store: redisStore({ client, prefix: freshPrefix('notready') }) });
    onTestFinished(() => sessions.close());
    const { token } = await sessions.create({ userId: 'not-ready-user', userAgent: UA.chromeMac });
    expect((await sessions.validate(token)).ok).toBe(true);
    expect((await sessions.validate(token)).ok).toBe(true);

    const during = new Promise<{ status: string; result: Promise<{ ok: boolean }> }>((resolve) => {
      client.once('connect', () => resolve({ status: client.status, result: sessions.validate(token) }));
    });
    (client as unknown as { stream: Socket }).stream.destroy();
    const { status, result } = await during;

    expect(status).toBe('connect');
    expect((await result).ok).toBe(true);
  });
});

describe.skipIf(!redisUp)('Redis store: the app WATCHes a key on the client it shares with the store', () => {
  afterAll(async () => {
    const admin = await connectNodeRedis(6379);
    await deleteRunKeys(admin);
    await admin.close();
  });

  const flavours = [
    {
      name: 'ioredis',
      open: async () => {
        const client = await connectIoredis(6379);
        return { client, watch: (key: string) => client.watch(key), close: () => client.disconnect() };
      },
    },
    {
      name: 'node-redis',
      open: async () => {
        const client = await connectNodeRedis(6379);
        return { client, watch: (key: string) => client.sendCommand(['WATCH', key]), close: () => client.destroy() };
      },
    },
  ] as const;

  for (const flavour of flavours) {
    // The store's EXEC then answers null (Redis discarded the transaction): the read goes by
    // script, never reads as no session.
    it(`validates when a key the app watches changed (${flavour.name})`, async () => {
      const { client, watch, close } = await flavour.open();
      onTestFinished(close);
      const other = await connectNodeRedis(6379);
      onTestFinished(() => other.destroy());
      const sessions = createSessionManager({ store: redisStore({ client, prefix: freshPrefix('watched') }) });
      onTestFinished(() => sessions.close());
      const { token } = await sessions.create({ userId: 'watching-user', userAgent: UA.chromeMac });
      expect((await sessions.validate(token)).ok).toBe(true);

      const key = `${RUN_PREFIX}watched-by-app`;
      await watch(key);
      await other.sendCommand(['SET', key, 'changed']);

      expect((await sessions.validate(token)).ok).toBe(true);
      expect((await sessions.validate(token)).ok).toBe(true);
    });
  }
});
