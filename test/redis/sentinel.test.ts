import { Redis } from 'ioredis';
import { createSentinel } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore, type RedisClientLike } from '../../adapters/redis/index.js';
import { createSessionManager, type SessionManager } from '../../src/index.js';
import { freshPrefix } from '../support/redis-clients.js';
import { requireSentinelBinaries, startSentinelGroup, type LocalSentinelGroup } from '../support/redis-sentinel.js';

const canStart = await requireSentinelBinaries();

const SERVERS = [7150, 7151] as const;
const SENTINELS = [7155, 7156, 7157] as const;
// Generous: this test is about what survives a failover, not how fast a replica acknowledges.
const DURABILITY = { replicas: 1, timeout: 5_000 } as const;

/** Retries `operation` until it succeeds, at most `timeoutMs`. */
async function eventually<T>(operation: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Polls `probe` until it returns true, at most `timeoutMs`; returns how long it took. */
async function within(probe: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await probe()) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`Not within ${timeoutMs} ms.`);
}

describe.skipIf(!canStart)(`redis store on Sentinel clients (servers ${SERVERS.join(', ')}, sentinels ${SENTINELS.join(', ')})`, () => {
  let group: LocalSentinelGroup;
  const closers: Array<() => unknown> = [];
  const sentinels = SENTINELS.map((port) => ({ host: '127.0.0.1', port }));

  beforeAll(async () => {
    group = await startSentinelGroup({ serverPorts: SERVERS, sentinelPorts: SENTINELS });
  }, 60_000);
  afterAll(async () => {
    for (const close of closers) await Promise.resolve(close()).catch(() => undefined);
    await group?.stop();
  }, 30_000);

  const clients = {
    ioredis: async (): Promise<RedisClientLike> => {
      const client = new Redis({ sentinels, name: group.name, lazyConnect: true, connectTimeout: 500, maxRetriesPerRequest: 1, enableOfflineQueue: false, autoResendUnfulfilledCommands: false, retryStrategy: () => 100, reconnectOnError: (error) => error.message.startsWith('READONLY') });
      client.on('error', () => undefined);
      await client.connect();
      closers.push(() => client.disconnect());
      return client;
    },
    'node-redis': async (): Promise<RedisClientLike> => {
      const client = createSentinel({ name: group.name, sentinelRootNodes: sentinels, nodeClientOptions: { socket: { connectTimeout: 500 }, disableOfflineQueue: true } });
      client.on('error', () => undefined);
      await client.connect();
      closers.push(() => client.destroy());
      return client;
    },
  };

  it('keeps working by itself across a failover: scripts loaded on the new primary, revocations still published, durability still kept', async () => {
    const prefix = freshPrefix('sent');
    const options = { accessTokens: { secret: 'x'.repeat(32) }, epochCacheTtl: 60_000 };
    const managers: Record<string, SessionManager> = {};
    for (const [name, connect] of Object.entries(clients)) {
      managers[name] = createSessionManager({ store: redisStore({ client: await connect(), prefix, durability: DURABILITY, onError: () => undefined }), ...options });
    }
    const { ioredis, 'node-redis': nodeRedis } = managers as Record<'ioredis' | 'node-redis', SessionManager>;
    try {
      // Before: each library signs in, revokes with durability, and hears the other's revocations.
      for (const [a, b] of [
        [ioredis, nodeRedis],
        [nodeRedis, ioredis],
      ] as const) {
        const { session } = await a.create({ userId: 'before' });
        const jwt = await a.issueAccessToken(session);
        expect((await b.verifyAccessToken(jwt)).ok).toBe(true);
        await a.revokeAll('before');
        // Pushed through pub/sub: the 60 s epoch cache would hold it far longer. (Bounded
        // loosely: on a loaded machine the subscription itself may take a moment to start.)
        await within(async () => !(await b.verifyAccessToken(jwt)).ok, 10_000);
      }
      const revokedBefore = (await ioredis.create({ userId: 'revoked-before' })).token;
      await nodeRedis.revokeAll('revoked-before');

      const [primary, replica] = SERVERS;
      await group.kill(primary);
      expect(await group.waitForFailover(primary, 30_000)).toBe(replica);
      await group.restart(primary);
      await group.waitForReplicas(replica, 1, 30_000);

      // After: the acknowledged revocation held; both libraries serve again by themselves
      // (the new primary had no scripts: NOSCRIPT, then loaded), and revocations still propagate.
      for (const [name, manager] of Object.entries(managers)) {
        const answer = await eventually(() => manager.validate(revokedBefore), 20_000);
        if (answer.ok || answer.reason !== 'revoked') expect.fail(`${name} answered ${JSON.stringify(answer)} for a session revoked before the failover.\n${await group.describe()}`);
      }
      for (const [a, b] of [
        [ioredis, nodeRedis],
        [nodeRedis, ioredis],
      ] as const) {
        const user = `after-${Math.random()}`;
        const { session, token } = await eventually(() => a.create({ userId: user }), 20_000);
        const jwt = await a.issueAccessToken(session);
        expect((await eventually(() => b.verifyAccessToken(jwt), 20_000)).ok).toBe(true);
        await eventually(() => a.revokeAll(user), 20_000);
        expect(await a.validate(token)).toEqual({ ok: false, reason: 'revoked' });
        // Pushed through the resubscribed channel: far sooner than the 60 s cache.
        await within(async () => !(await b.verifyAccessToken(jwt)).ok, 10_000);
      }
    } finally {
      for (const manager of Object.values(managers)) await manager.close();
    }
  }, 120_000);
});
