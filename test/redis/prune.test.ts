import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { createLayout } from '../../adapters/redis/layout.js';
import type { SessionStore } from '../../src/index.js';
import { mintToken } from '../../src/token.js';
import { connectNodeRedis, deleteRunKeys, freshPrefix } from '../support/redis-clients.js';
import { requireService } from '../support/services.js';

const redisUp = await requireService('Redis', 6379);
const HOUR = 60 * 60 * 1000;

describe.skipIf(!redisUp)('Redis pruning across buckets', () => {
  let client: RedisClientType;

  beforeAll(async () => {
    client = await connectNodeRedis(6379);
  });
  afterAll(async () => {
    await deleteRunKeys(client);
    await client.close();
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
    const { id, secretHash } = mintToken(store.sessionIdPrefix!(userId));
    return store.create({ id, userId, kind: 'browser', secretHash, createdAt, maxAge }, { replaceDevice: false });
  };

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
    for (const user of users) expect((await store.listByUser(user)).sessions).toEqual([]);
    const left = await keysUnder(prefix);
    // What stays: each user's high-water marks (they expire with the newest session) and the
    // directory's version counters.
    const layout = createLayout(prefix);
    expect(left.filter((key) => !key.endsWith(':h') && key !== layout.directory.versions)).toEqual([]);
  }, 60_000);

  it('returns 0 at once while another instance holds the prune lock', async () => {
    const prefix = freshPrefix('lock');
    const store = redisStore({ client, prefix });
    const base = Date.now();
    await insert(store, 'locked-out', base);
    const { lock } = createLayout(prefix).directory;
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
    const { due } = createLayout(prefix).directory;
    const dueNow = async (): Promise<number> => Number(await client.sendCommand(['ZCOUNT', due, '-inf', String(base + 2 * HOUR)]));
    expect(await dueNow()).toBe(1);
    expect(await store.prune({ now: base + 2 * HOUR, limit: 100 })).toBe(1);
    expect(await dueNow()).toBe(0);
  });
});
