import type { Redis } from 'ioredis';
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import type { SessionStore } from '../../src/index.js';
import { describeStoreConformance, type StoreFaults } from '../../src/testing/index.js';
import { faultyRedis } from '../support/faults.js';
import { vitestRunner } from '../runner.js';
import { connectIoredis, connectNodeRedis, connectNodeRedisResp3, deleteRunKeys, freshPrefix } from '../support/redis-clients.js';
import { requireService } from '../support/services.js';

const redisUp = await requireService('Redis', 6379);

/**
 * The suite over one client library: each store gets a fresh prefix, and its sibling (a second
 * app server) is a store over a second client of the same library with that same prefix.
 */
function conformance(name: string, label: string, client: () => Parameters<typeof redisStore>[0]['client'], second: () => Parameters<typeof redisStore>[0]['client'], faults?: StoreFaults): void {
  let prefix = '';
  describeStoreConformance(name, (): SessionStore => redisStore({ client: client(), prefix: (prefix = freshPrefix(label)) }), {
    runner: vitestRunner,
    sibling: () => redisStore({ client: second(), prefix }),
    faults,
  });
}

describe.skipIf(!redisUp)('redis store on 127.0.0.1:6379', () => {
  let nodeRedis: RedisClientType;
  let nodeRedisResp3: Awaited<ReturnType<typeof connectNodeRedisResp3>>;
  let ioredis: Redis;
  // The sibling stores' own connections: two app servers never share one.
  let nodeRedis2: RedisClientType;
  let nodeRedisResp32: Awaited<ReturnType<typeof connectNodeRedisResp3>>;
  let ioredis2: Redis;

  beforeAll(async () => {
    [nodeRedis, nodeRedis2] = await Promise.all([connectNodeRedis(6379), connectNodeRedis(6379)]);
    [nodeRedisResp3, nodeRedisResp32] = await Promise.all([connectNodeRedisResp3(6379), connectNodeRedisResp3(6379)]);
    [ioredis, ioredis2] = await Promise.all([connectIoredis(6379), connectIoredis(6379)]);
  });
  afterAll(async () => {
    await deleteRunKeys(nodeRedis);
    await Promise.all([nodeRedis.close(), nodeRedis2.close(), nodeRedisResp3.close(), nodeRedisResp32.close()]);
    await Promise.all([ioredis.quit(), ioredis2.quit()]);
  });

  conformance('redis (node-redis)', 'n', () => nodeRedis, () => nodeRedis2);
  conformance('redis (node-redis, RESP3)', 'n3', () => nodeRedisResp3, () => nodeRedisResp32);
  // ioredis behind the fault hook: refused and unanswered commands, as a broken connection gives.
  let faulty: ReturnType<typeof faultyRedis<Redis>> | undefined;
  conformance('redis (ioredis)', 'i', () => (faulty ??= faultyRedis(ioredis)).client, () => ioredis2, {
    supports: ['refused', 'timeout'],
    inject: (store, fault) => faulty!.faults.inject(store, fault),
    heal: (store) => faulty!.faults.heal(store),
  });
});
