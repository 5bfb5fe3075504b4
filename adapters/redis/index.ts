/**
 * Redis storage for sessions shared by many instances: one round trip per validated request,
 * Redis Cluster and Sentinel, revocations that survive a failover (`durability`) and instant
 * revocation across instances through pub/sub. Works with node-redis 5 or ioredis 5, both
 * optional peer dependencies: install the one your app uses. See {@link redisStore}.
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
