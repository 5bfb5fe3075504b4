import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { createLayout } from '../../adapters/redis/keys.js';
import { createSessionManager } from '../../src/index.js';
import type { SessionStore, Write } from '../../src/store.js';
import { connectNodeRedis, deleteRunKeys, freshPrefix } from '../support/redis-clients.js';
import { requireService } from '../support/services.js';

const redisUp = await requireService('Redis', 6379);
const DAY = 24 * 60 * 60 * 1000;
// More users than one prune call visited queues (5,000 a lane): nearly every user has a bucket, so a queue, of its own.
const USERS = 6_000;

// Old activity and known devices are queued by bucket, and a prune call visited 5,000 queues of each whatever the time
// it took: past commandTimeout it failed (STORE_UNAVAILABLE) while its work went on unseen, and with time to spare it
// stopped anyway, so with no session due the hourly run left the rest for the next hour (28 runs for 200,000 users).
describe.skipIf(!redisUp)('Redis prune of old activity and devices in many buckets', () => {
  let client: RedisClientType;
  beforeAll(async () => {
    client = await connectNodeRedis(6379);
  });
  afterAll(async () => {
    await deleteRunKeys(client);
    await client.close();
  });

  // Each user: two activity entries and two devices, 100 days old, written by the store's own batches.
  const seed = async (store: SessionStore): Promise<void> => {
    const old = Date.now() - 100 * DAY;
    for (let start = 0; start < USERS; start += 200) {
      await Promise.all(
        Array.from({ length: 200 }, (_, offset) => {
          const userId = `aged-${start + offset}`;
          const writes: Write[] = [0, 1].flatMap((index) => [
            { type: 'activity', entry: { id: `00${old - index}-${userId}`, userId, type: 'session.created', at: old - index, reason: 'sign_in' } },
            { type: 'device', deviceHash: `${userId}-${index}`.padEnd(43, 'd'), lastSeenAt: old - index },
          ]);
          return store.apply({ owner: { userId }, writes });
        }),
      );
    }
  };
  const dueLeft = async (prefix: string): Promise<number[]> => {
    const before = String(Date.now() - 90 * DAY);
    return Promise.all(['y', 'w'].map(async (lane) => Number(await client.sendCommand(['ZCOUNT', createLayout(prefix).directory(lane), '-inf', before]))));
  };

  it('one run deletes the whole backlog when its deadline allows', async () => {
    const prefix = freshPrefix('aged');
    const store = redisStore({ client, prefix, commandTimeout: 10_000 });
    await seed(store);
    const sessions = createSessionManager({ store });
    try {
      expect(await sessions.prune()).toBe(0);
      expect(await dueLeft(prefix)).toEqual([0, 0]);
    } finally {
      await sessions.close();
    }
  }, 60_000);

  it("a call whose caller's deadline has gone starts no page, and the next call goes on", async () => {
    const prefix = freshPrefix('agedlate');
    const store = redisStore({ client, prefix, commandTimeout: 10_000 });
    await seed(store);
    const left = await dueLeft(prefix);
    const before = Date.now() - 90 * DAY;
    const prune = (due: number) => store.prune({ now: Date.now(), limit: 1_000, activityBefore: before, devicesBefore: before, due });
    expect(await prune(performance.now())).toBe(0);
    expect(await dueLeft(prefix)).toEqual(left);
    expect(await prune(performance.now() + 60_000)).toBe(0);
    expect(await dueLeft(prefix)).toEqual([0, 0]);
  }, 60_000);
});
