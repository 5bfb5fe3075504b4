import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type RedisClientType } from 'redis';
import { Redis } from 'ioredis';
import { redisStore, type RedisClientLike } from '../../adapters/redis/index.js';
import { storeOperations } from '../../src/storage/index.js';
import { freshUser, insert, newRecord } from '../../src/testing/store/fixtures.js';
import { requireService } from '../support/services.js';

const redisUp = await requireService('Redis', 6379);

// The empty prefix puts the store's keys at the top of a database of their own (here 7, which
// no other test uses, emptied before and after): every key name still starts with its hash tag.
const DATABASE = 7;

describe.skipIf(!redisUp)(`Redis store with the empty prefix (database ${DATABASE} on 127.0.0.1:6379)`, () => {
  let nodeRedis: RedisClientType;
  let ioredis: Redis;
  beforeAll(async () => {
    nodeRedis = createClient({ socket: { host: '127.0.0.1', port: 6379, connectTimeout: 1_000 }, database: DATABASE });
    nodeRedis.on('error', () => undefined);
    await nodeRedis.connect();
    ioredis = new Redis({ host: '127.0.0.1', port: 6379, db: DATABASE, lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, autoResendUnfulfilledCommands: false });
    ioredis.on('error', () => undefined);
    await ioredis.connect();
    await nodeRedis.flushDb();
  });
  afterAll(async () => {
    await nodeRedis?.flushDb();
    await nodeRedis?.close();
    ioredis?.disconnect();
  });

  const clients = { 'node-redis': () => nodeRedis as unknown as RedisClientLike, ioredis: () => ioredis as unknown as RedisClientLike };

  for (const [name, client] of Object.entries(clients)) {
    it(`judges every session by its tenant's epochs in validation, sign-in and revokeOthers (${name})`, async () => {
      const store = storeOperations(redisStore({ client: client(), prefix: '' }));
      const tenant = freshUser('tenant');
      const user = freshUser();
      const t = Date.now();
      const dead = await insert(store, user, { tenantId: tenant, createdAt: t });
      const live = await insert(store, user, { createdAt: t + 1 });
      await store.revokeTenant!(tenant, { kinds: ['browser'], at: t + 10 });
      // Validation reads the tenant's epochs with the row (twice: the first read and a later one).
      for (let read = 0; read < 2; read++) expect((await store.get(dead.id))!.tenantEpochs?.browser).toBe(t + 10);
      // A sign-in of the tenant with a cap of one: the row its tenant ended does not count.
      const created = await store.create(newRecord(store, user, { tenantId: tenant, createdAt: t + 20 }), { replaceDevice: false, limit: { max: 1, onLimit: 'refuse', idleBefore: 0 } });
      expect(created.evicted).toEqual([]);
      // Signing out the others ends the live rows, not the one its tenant ended already.
      const revoked = await store.revokeOthers(user, { keepSessionId: created.session.id, kinds: ['browser'], at: t + 30, reason: 'sign_out_others' });
      expect(revoked.map((row) => row.id)).toEqual([live.id]);
      expect((await store.get(dead.id))!.session.revokedAt).toBeUndefined();
    });
  }
});
