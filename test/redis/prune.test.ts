import type { Redis } from 'ioredis';
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { createLayout } from '../../adapters/redis/keys.js';
import { storeOperations } from '../../src/storage/index.js';
import type { SessionStore } from '../../src/store.js';
import { userBucket } from '../../src/store-records.js';
import { mintToken } from '../../src/token.js';
import { connectIoredis, connectNodeRedis, deleteRunKeys, freshPrefix } from '../support/redis-clients.js';
import { requireService } from '../support/services.js';

const redisUp = await requireService('Redis', 6379);
const HOUR = 60 * 60 * 1000;

describe.skipIf(!redisUp)('Redis pruning across buckets', () => {
  let client: RedisClientType;
  let ioredis: Redis;
  beforeAll(async () => {
    client = await connectNodeRedis(6379);
    ioredis = await connectIoredis(6379);
  });
  afterAll(async () => {
    await deleteRunKeys(client);
    await client.close();
    ioredis?.disconnect();
  });

  const keysUnder = async (prefix: string): Promise<string[]> => {
    const found: string[] = [];
    let cursor = '0';
    for (let round = 0; round < 10_000; round++) {
      const [next, keys] = (await client.sendCommand(['SCAN', cursor, 'MATCH', `${prefix}*`, 'COUNT', '1000'])) as [string, string[]];
      found.push(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
    return found;
  };
  const insert = (store: SessionStore, userId: string, createdAt: number, maxAge = HOUR) => {
    const { id, secretHash } = mintToken(userBucket(userId));
    return storeOperations(store).create({ id, userId, kind: 'browser', secretHash, createdAt, authenticatedAt: createdAt, maxAge }, { replaceDevice: false });
  };
  const dueNow = async (prefix: string, now: number): Promise<number> => Number(await client.sendCommand(['ZCOUNT', createLayout(prefix).directory('x'), '-inf', String(now)]));

  it('misses nothing when sign-ins race with pruning, and leaves no session, index or queue behind', async () => {
    const prefix = freshPrefix('race');
    const store = redisStore({ client, prefix });
    const base = Date.now();
    const later = base + 2 * HOUR;
    const users = Array.from({ length: 40 }, (_, index) => `racer-${index}`);
    let pruned = 0;
    let signingIn = true;
    const pruner = (async () => {
      for (let round = 0; round < 2_000 && signingIn; round++) pruned += await store.prune({ now: later, limit: 7 });
    })();
    await Promise.all(
      Array.from({ length: 10 }, async (_, worker) => {
        for (let index = worker; index < 400; index += 10) await insert(store, users[index % users.length]!, base + (index % 13));
      }),
    );
    signingIn = false;
    await pruner;
    for (let round = 0; round < 100; round++) {
      const deleted = await store.prune({ now: later, limit: 50 });
      pruned += deleted;
      if (deleted === 0) break;
    }
    expect(pruned).toBe(400);
    for (const user of users) expect((await store.readUser(user)).sessions).toEqual([]);
    // What stays: each user's version hash.
    expect((await keysUnder(prefix)).filter((key) => !key.endsWith(':m'))).toEqual([]);
  }, 60_000);

  it('returns 0 at once while another instance holds the prune lock', async () => {
    const prefix = freshPrefix('lock');
    const store = redisStore({ client, prefix });
    const base = Date.now();
    await insert(store, 'locked-out', base);
    const { lock } = createLayout(prefix);
    await client.sendCommand(['SET', lock, 'another-instance', 'PX', '10000']);
    expect(await store.prune({ now: base + 2 * HOUR, limit: 10 })).toBe(0);
    await client.sendCommand(['DEL', lock]);
    expect(await store.prune({ now: base + 2 * HOUR, limit: 10 })).toBe(1);
    expect(await client.sendCommand(['EXISTS', lock])).toBe(0);
  });

  it('visits only buckets with something due', async () => {
    const prefix = freshPrefix('due');
    const store = redisStore({ client, prefix });
    const base = Date.now();
    for (let index = 0; index < 30; index++) await insert(store, `later-${index}`, base, 10 * HOUR);
    await insert(store, 'soon', base, HOUR);
    expect(await dueNow(prefix, base + 2 * HOUR)).toBe(1);
    expect(await store.prune({ now: base + 2 * HOUR, limit: 100 })).toBe(1);
    expect(await dueNow(prefix, base + 2 * HOUR)).toBe(0);
  });

  for (const [name, connect] of [
    ['node-redis', () => client],
    ['ioredis', () => ioredis],
  ] as const) {
    it(`never deletes more than its limit, returns exactly what it removed, and empties every bucket (${name})`, async () => {
      const prefix = freshPrefix('limit');
      const store = redisStore({ client: connect(), prefix });
      const base = Date.now();
      const now = base + 2 * HOUR;
      // More buckets than one directory page, and a few buckets holding far more rows than a small limit.
      const owners = [...Array.from({ length: 150 }, (_, index) => `single-${index}`), ...Array.from({ length: 90 }, (_, index) => `heavy-${index % 3}`)];
      for (let start = 0; start < owners.length; start += 50) await Promise.all(owners.slice(start, start + 50).map((owner) => insert(store, owner, base)));
      let left = owners.length;
      // Limits that do not divide, and a fractional one (whole rows only: 2).
      const limits = [7, 1, 64, 65, 2.5, 100, 3, 120];
      for (let call = 0; left > 0 && call < 500; call++) {
        const limit = limits[call % limits.length]!;
        const deleted = await store.prune({ now, limit });
        expect(deleted).toBe(Math.min(Math.floor(limit), left));
        left -= deleted;
      }
      expect(left).toBe(0);
      expect(await store.prune({ now, limit: 1_000 })).toBe(0);
      expect(await dueNow(prefix, now)).toBe(0);
    }, 60_000);
  }
});
