/**
 * Redis storage for sessions shared by many instances (Cluster and Sentinel too), on node-redis 5 or
 * ioredis 5, both optional peer dependencies. See {@link redisStore}.
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
