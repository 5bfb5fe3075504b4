/**
 * Redis storage for sessions shared by many instances: one round trip per validated request,
 * Redis Cluster and Sentinel support, batches that survive a failover (`durability`) and
 * instant revocation across instances through pub/sub. Works with node-redis 5 or ioredis 5,
 * both optional peer dependencies: install the one your app uses.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { createSessionManager } from 'session-revocation';
 * import { redisStore } from 'session-revocation/redis';
 *
 * const client = createClient({ disableOfflineQueue: true });
 * client.on('error', (error) => console.error(error));
 * await client.connect();
 * const sessions = createSessionManager({ store: redisStore({ client }) });
 * ```
 *
 * @module session-revocation/redis
 */
export { redisStore } from './store.js';
export type { RedisDurability, RedisStoreOptions } from './options.js';
export type {
  IoRedisLike,
  IoRedisPipelineLike,
  IoRedisSubscriberLike,
  NodeRedisClientLike,
  NodeRedisClusterLike,
  NodeRedisPipelineLike,
  NodeRedisSentinelLike,
  NodeRedisSubscriberLike,
  RedisClientLike,
} from './client.js';
