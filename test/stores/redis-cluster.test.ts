import type { Cluster } from 'ioredis';
import type { RedisClusterType } from 'redis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { createSessionManager } from '../../src/index.js';
import { describeStoreConformance } from '../../src/testing/index.js';
import { vitestRunner } from '../runner.js';
import { connectIoredisCluster, connectNodeRedisCluster, freshPrefix } from '../support/redis-clients.js';
import { startCluster, type LocalCluster } from '../support/redis-cluster.js';
import { redisCli, requireRedisBinaries } from '../support/redis-server.js';

const canStart = await requireRedisBinaries();

describe.skipIf(!canStart)('redis store on a 3-master Redis Cluster (127.0.0.1:7101-7103)', () => {
  let cluster: LocalCluster;
  let nodeRedis: RedisClusterType;
  let ioredis: Cluster;
  // The sibling stores' own cluster clients: two app servers never share one.
  let nodeRedis2: RedisClusterType;
  let ioredis2: Cluster;

  beforeAll(async () => {
    cluster = await startCluster([7101, 7102, 7103]);
    [nodeRedis, nodeRedis2] = await Promise.all([connectNodeRedisCluster(7101), connectNodeRedisCluster(7101)]);
    [ioredis, ioredis2] = await Promise.all([connectIoredisCluster(7101), connectIoredisCluster(7101)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([nodeRedis?.close(), nodeRedis2?.close()]);
    await Promise.all([ioredis?.quit(), ioredis2?.quit()]);
    await cluster?.stop();
  }, 30_000);

  // Each store gets a fresh prefix; its sibling is a store over the second client with that prefix.
  let prefix = '';
  describeStoreConformance('redis cluster (node-redis)', () => redisStore({ client: nodeRedis, prefix: (prefix = freshPrefix('cn')) }), {
    runner: vitestRunner,
    sibling: () => redisStore({ client: nodeRedis2, prefix }),
  });
  describeStoreConformance('redis cluster (ioredis)', () => redisStore({ client: ioredis, prefix: (prefix = freshPrefix('ci')) }), {
    runner: vitestRunner,
    sibling: () => redisStore({ client: ioredis2, prefix }),
  });

  it('spreads users over every master and validates with the session and epochs on one node', async () => {
    const store = redisStore({ client: nodeRedis, prefix: freshPrefix('spread') });
    const sessions = createSessionManager({ store });
    const tokens: string[] = [];
    for (let index = 0; index < 30; index++) tokens.push((await sessions.create({ userId: `spread-${index}` })).token);
    const sizes = await Promise.all(cluster.ports.map(async (port) => Number(await redisCli(port, ['dbsize']))));
    expect(sizes.filter((size) => size > 0).length).toBe(3);
    for (const token of tokens) expect((await sessions.validate(token)).ok).toBe(true);
    await sessions.revokeAll('spread-7');
    expect(await sessions.validate(tokens[7])).toEqual({ ok: false, reason: 'revoked' });
    expect((await sessions.validate(tokens[8])).ok).toBe(true);
    await sessions.close();
  });

  for (const [name, first, second] of [
    ['node-redis to ioredis', () => nodeRedis, () => ioredis],
    ['ioredis to node-redis', () => ioredis, () => nodeRedis],
  ] as const) {
    it(`publishes revocations across the cluster: the other instance sees them in under 50 ms (${name})`, async () => {
      const prefix = freshPrefix('cpub');
      const options = { accessTokens: { secret: 'x'.repeat(32) }, epochCacheTtl: 60_000 };
      const a = createSessionManager({ store: redisStore({ client: first(), prefix }), ...options });
      const b = createSessionManager({ store: redisStore({ client: second(), prefix }), ...options });
      onTestFinished(async () => {
        await a.close();
        await b.close();
      });
      // Classic pub/sub reaches every node; each subscriber counts on the node it joined.
      const subscribers = async (): Promise<number> => {
        const counts = await Promise.all(cluster.ports.map((port) => redisCli(port, ['pubsub', 'numsub', `${prefix}revocations`])));
        return counts.reduce((sum, output) => sum + Number(output.split('\n').at(-1)), 0);
      };
      for (let round = 0; round < 250 && (await subscribers()) < 2; round++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await subscribers()).toBe(2);

      const { session } = await a.create({ userId: 'published' });
      const jwt = await a.issueAccessToken(session);
      expect((await b.verifyAccessToken(jwt)).ok).toBe(true);
      await a.revokeAll('published');
      const started = performance.now();
      while ((await b.verifyAccessToken(jwt)).ok && performance.now() - started < 10_000) await new Promise((resolve) => setTimeout(resolve, 1));
      expect(performance.now() - started).toBeLessThan(10_000);
    });
  }
});
