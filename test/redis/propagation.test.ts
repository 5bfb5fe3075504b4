import type { Redis } from 'ioredis';
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { createSessionManager, type SessionManager, type SessionStore } from '../../src/index.js';
import { connectIoredis, connectNodeRedis, deleteRunKeys, freshPrefix } from '../support/redis-clients.js';
import { requireService } from '../support/services.js';

const redisUp = await requireService('Redis', 6379);

const accessTokens = { secret: 'x'.repeat(32) };

/** Polls `check` until it is true; returns the ms it took, or throws after `timeoutMs`. */
async function msUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check()) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error(`Not seen within ${timeoutMs} ms.`);
}

describe.skipIf(!redisUp)('two instances on one Redis', () => {
  let nodeRedisA: RedisClientType;
  let nodeRedisB: RedisClientType;
  let ioredisB: Redis;

  beforeAll(async () => {
    nodeRedisA = await connectNodeRedis(6379);
    nodeRedisB = await connectNodeRedis(6379);
    ioredisB = await connectIoredis(6379);
  });
  afterAll(async () => {
    await deleteRunKeys(nodeRedisA);
    await Promise.all([nodeRedisA.close(), nodeRedisB.close(), ioredisB.quit()]);
  });

  /** Two managers sharing one prefix, each on its own client; closed when the test ends. */
  const pair = (b: () => RedisClientType | Redis, options: { subscribeB?: boolean } = {}) => {
    const prefix = freshPrefix('two');
    const first = createSessionManager({ store: redisStore({ client: nodeRedisA, prefix }), accessTokens, epochCacheTtl: 60_000 });
    const storeB = redisStore({ client: b(), prefix });
    // Without subscribe, the second instance can only learn of a revocation when its cache expires.
    const { subscribe: _subscribe, ...withoutSubscribe } = storeB;
    const second = createSessionManager({ store: options.subscribeB === false ? (withoutSubscribe as SessionStore) : storeB, accessTokens, epochCacheTtl: 60_000 });
    onTestFinished(async () => {
      await first.close();
      await second.close();
    });
    return { first, second, channel: `${prefix}revocations` };
  };

  // Both subscriber connections must be listening before a revocation is published.
  const bothSubscribed = (channel: string) =>
    msUntil(async () => {
      const reply = (await nodeRedisA.sendCommand(['PUBSUB', 'NUMSUB', channel])) as [string, number];
      return Number(reply[1]) >= 2;
    }, 5_000);

  it('a session revoked everywhere on one instance is refused by the other on its next request', async () => {
    const { first, second } = pair(() => nodeRedisB);
    const { token } = await first.create({ userId: 'alice' });
    expect((await second.validate(token)).ok).toBe(true);
    await first.revokeAll('alice');
    expect(await second.validate(token)).toEqual({ ok: false, reason: 'revoked' });
  });

  for (const [name, client] of [
    ['node-redis', () => nodeRedisB],
    ['ioredis', () => ioredisB],
  ] as const) {
    it(`the other instance's cached epochs are dropped by pub/sub, long before their 60 s TTL (${name})`, async () => {
      const { first, second, channel } = pair(client);
      await bothSubscribed(channel);
      const { session } = await first.create({ userId: 'bob' });
      const jwt = await first.issueAccessToken(session);
      // The second instance caches bob's epochs for 60 s on this first verification.
      expect((await second.verifyAccessToken(jwt)).ok).toBe(true);
      await first.revokeAll('bob');
      const elapsed = await msUntil(async () => !(await second.verifyAccessToken(jwt)).ok);
      expect(elapsed).toBeLessThan(10_000);
      expect(await second.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
    });

    it(`a single revoked session reaches the other instance's deny-list check by pub/sub, long before the TTL (${name})`, async () => {
      const { first, second, channel } = pair(client);
      await bothSubscribed(channel);
      const { session } = await first.create({ userId: 'carol' });
      const kept = await first.create({ userId: 'carol', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Foo/1.0' });
      const jwt = await first.issueAccessToken(session);
      const keptJwt = await first.issueAccessToken(kept.session);
      expect((await second.verifyAccessToken(jwt)).ok).toBe(true);
      await first.revoke(session.id);
      const elapsed = await msUntil(async () => !(await second.verifyAccessToken(jwt)).ok);
      expect(elapsed).toBeLessThan(10_000);
      expect((await second.verifyAccessToken(keptJwt)).ok).toBe(true);
    });
  }

  it('without a subscription, the cache TTL is what bounds the staleness', async () => {
    const { first, second }: { first: SessionManager; second: SessionManager } = pair(() => nodeRedisB, { subscribeB: false });
    const { session, token } = await first.create({ userId: 'dave' });
    const jwt = await first.issueAccessToken(session);
    expect((await second.verifyAccessToken(jwt)).ok).toBe(true);
    await first.revokeAll('dave');
    // Cookie sessions read the store on every request: refused at once.
    expect(await second.validate(token)).toEqual({ ok: false, reason: 'revoked' });
    // The access token is still accepted from the 60 s cache: the documented window.
    expect((await second.verifyAccessToken(jwt)).ok).toBe(true);
  });
});
