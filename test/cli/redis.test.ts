import type { RedisClientType } from 'redis';
import { redisStore } from '../../adapters/redis/index.js';
import type { SessionStore } from '../../src/index.js';
import { connectNodeRedis, deleteRunKeys, freshPrefix } from '../support/redis-clients.js';
import { requireService } from '../support/services.js';
import { describeCliOnStore } from './scenarios.js';

const redisUp = await requireService('Redis', 6379);

describeCliOnStore('Redis', redisUp, async () => {
  const prefix = freshPrefix('cli');
  const client: RedisClientType = await connectNodeRedis(6379);
  let store: SessionStore | undefined;
  const nothing = /^Redis needs no migration: the store writes its keys \(prefix "[^"]+"\) as it goes\. Nothing to do\.\n$/;
  return {
    args: ['--store', 'redis://127.0.0.1:6379', '--prefix', prefix],
    migrated: [nothing, nothing],
    store: async () => (store ??= redisStore({ client, prefix })),
    async cleanup() {
      await store?.close?.();
      await deleteRunKeys(client, `${prefix}*`);
      await client.close();
    },
  };
}, { otherClient: 'redis' });
