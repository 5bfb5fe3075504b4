import type { Redis } from 'ioredis';
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { connectIoredis, connectNodeRedis, connectNodeRedisResp3, deleteRunKeys, freshPrefix } from '../support/redis-clients.js';
import { requireService } from '../support/services.js';
import { describeCapabilities } from './capabilities.js';

const redisUp = await requireService('Redis', 6379);

describe.skipIf(!redisUp)('Redis store capabilities on 127.0.0.1:6379', () => {
  let nodeRedis: RedisClientType;
  let nodeRedisResp3: Awaited<ReturnType<typeof connectNodeRedisResp3>>;
  let ioredis: Redis;
  beforeAll(async () => {
    nodeRedis = await connectNodeRedis(6379);
    nodeRedisResp3 = await connectNodeRedisResp3(6379);
    ioredis = await connectIoredis(6379);
  });
  afterAll(async () => {
    await deleteRunKeys(nodeRedis);
    await Promise.all([nodeRedis.close(), nodeRedisResp3.close(), ioredis.quit()]);
  });

  describeCapabilities('node-redis', () => redisStore({ client: nodeRedis, prefix: freshPrefix('cap') }));
  describeCapabilities('node-redis, RESP3', () => redisStore({ client: nodeRedisResp3, prefix: freshPrefix('cap3') }));
  describeCapabilities('ioredis', () => redisStore({ client: ioredis, prefix: freshPrefix('capi') }));
});
