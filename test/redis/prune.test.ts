import type { Redis } from 'ioredis';
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeRedisClientLike } from '../../adapters/redis/client.js';
import { redisStore } from '../../adapters/redis/index.js';
import { bucketOfSession, createLayout } from '../../adapters/redis/layout.js';
import { pruneBucketScript, settleScript } from '../../adapters/redis/scripts/prune.js';
import { isSessionError, type SessionStore } from '../../src/index.js';
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
    const { id, secretHash } = mintToken(store.sessionIdPrefix!(userId));
    return store.create({ id, userId, kind: 'browser', secretHash, createdAt, authenticatedAt: createdAt, maxAge }, { replaceDevice: false });
  };

  /** Signs in `users` users with one session each and `heavy` more with `perHeavy` each; returns the session keys. */
  const fill = async (store: SessionStore, prefix: string, base: number, users: number, heavy = 0, perHeavy = 0): Promise<string[]> => {
    const owners = [
      ...Array.from({ length: users }, (_, index) => `single-${index}`),
      ...Array.from({ length: heavy * perHeavy }, (_, index) => `heavy-${index % heavy}`),
    ];
    const layout = createLayout(prefix);
    const keys: string[] = [];
    for (let start = 0; start < owners.length; start += 50) {
      const created = await Promise.all(owners.slice(start, start + 50).map((owner) => insert(store, owner, base)));
      for (const { session } of created) keys.push(layout.session(bucketOfSession(session.id)!, session.id));
    }
    return keys;
  };
  const existing = async (keys: readonly string[]): Promise<number> => Number(await client.sendCommand(['EXISTS', ...keys]));
  const dueCount = async (prefix: string, now: number): Promise<number> =>
    Number(await client.sendCommand(['ZCOUNT', createLayout(prefix).directory.due, '-inf', String(now)]));

  /**
   * Wraps the node-redis client to watch the prune commands: how many bucket scripts and
   * settles are in flight, and at most how many bucket scripts at once. `failAt` loses the
   * reply of that bucket script (Redis ran it); `delayOthers` holds every other reply back.
   */
  const watched = (options: { failAt?: number; delayOthers?: number } = {}) => {
    const state = { inFlight: 0, mostBuckets: 0, bucketsInFlight: 0, sent: 0 };
    const scriptOf = (args: string[]) => [pruneBucketScript, settleScript].find((script) => args[1] === script.sha || args[1] === script.source);
    const wrapper: NodeRedisClientLike = {
      get isReady() {
        return client.isReady;
      },
      duplicate: () => client.duplicate(),
      async sendCommand(args, commandOptions) {
        const script = scriptOf(args);
        if (script === undefined) return client.sendCommand(args, commandOptions);
        const bucket = script === pruneBucketScript;
        const number = bucket ? ++state.sent : 0;
        state.inFlight++;
        if (bucket) state.mostBuckets = Math.max(state.mostBuckets, ++state.bucketsInFlight);
        try {
          const reply = await client.sendCommand(args, commandOptions);
          if (number === options.failAt) throw new Error('Socket closed unexpectedly');
          if (options.delayOthers !== undefined) await new Promise((resolve) => setTimeout(resolve, options.delayOthers));
          return reply;
        } finally {
          state.inFlight--;
          if (bucket) state.bucketsInFlight--;
        }
      },
    };
    return { state, client: wrapper };
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

  for (const [name, connect] of [
    ['node-redis', () => client],
    ['ioredis', () => ioredis],
  ] as const) {
    it(`never deletes more than a limit smaller than the buckets due, returns exactly what it removed, and empties every bucket (${name})`, async () => {
      const prefix = freshPrefix('limit');
      const store = redisStore({ client: connect(), prefix });
      const base = Date.now();
      const now = base + 2 * HOUR;
      // More buckets than one directory page (256), and a few buckets holding far more rows
      // than their share of a small limit.
      const keys = await fill(store, prefix, base, 300, 3, 40);
      let left = await existing(keys);
      expect(left).toBe(420);
      // Limits below, at and just above the buckets pruned at once, ones that do not divide,
      // and a fractional one (whole rows only: 2).
      const limits = [7, 1, 64, 65, 2.5, 100, 3, 250];
      for (let call = 0; left > 0 && call < 500; call++) {
        const limit = limits[call % limits.length]!;
        const deleted = await store.prune({ now, limit });
        const after = await existing(keys);
        expect(deleted).toBe(left - after);
        // Every bucket listed has a row due, so a call only stops short when nothing is left.
        expect(deleted).toBe(Math.min(Math.floor(limit), left));
        left = after;
      }
      expect(left).toBe(0);
      expect(await store.prune({ now, limit: 1_000 })).toBe(0);
      expect(await dueCount(prefix, now)).toBe(0);
    }, 60_000);
  }

  it('prunes up to 64 buckets at once, and never more at once than the room left under the limit', async () => {
    const prefix = freshPrefix('wave');
    const { state, client: wrapper } = watched();
    const store = redisStore({ client: wrapper, prefix });
    const base = Date.now();
    const now = base + 2 * HOUR;
    const keys = await fill(store, prefix, base, 150);
    expect(await store.prune({ now, limit: 5 })).toBe(5);
    expect(state.mostBuckets).toBe(5);
    expect(await store.prune({ now, limit: 1_000 })).toBe(145);
    expect(state.mostBuckets).toBe(64);
    expect(await existing(keys)).toBe(0);
    expect(state.inFlight).toBe(0);
  });

  it('rejects when one bucket of a wave fails, only after the others finished, and the next prune finds what it left', async () => {
    const prefix = freshPrefix('fail');
    // Redis runs the tenth bucket script but its reply is lost (rows gone, bucket not settled),
    // while the other buckets of its wave are still on their way.
    const { state, client: wrapper } = watched({ failAt: 10, delayOthers: 30 });
    const store = redisStore({ client: wrapper, prefix });
    const base = Date.now();
    const now = base + 2 * HOUR;
    const keys = await fill(store, prefix, base, 100, 2, 30);
    const failure = await store.prune({ now, limit: 1_000 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isSessionError(failure) && failure.code).toBe('STORE_UNAVAILABLE');
    expect(state.inFlight).toBe(0);
    expect(await client.sendCommand(['EXISTS', createLayout(prefix).directory.lock])).toBe(0);
    const left = await existing(keys);
    expect(left).toBeGreaterThan(0);
    let pruned = 0;
    for (let call = 0; call < 20; call++) {
      const deleted = await store.prune({ now, limit: 1_000 });
      pruned += deleted;
      if (deleted === 0) break;
    }
    expect(pruned).toBe(left);
    expect(await existing(keys)).toBe(0);
    expect(await dueCount(prefix, now)).toBe(0);
  });

  it('deletes old activity entries and devices of many users within one bound per call, and leaves the directories empty', async () => {
    const prefix = freshPrefix('lanes');
    const store = redisStore({ client, prefix });
    const now = Date.now();
    const old = now - 48 * HOUR;
    const users = Array.from({ length: 120 }, (_, index) => `lane-${index}`);
    for (let start = 0; start < users.length; start += 40) {
      await Promise.all(
        users.slice(start, start + 40).map(async (userId, index) => {
          await store.appendActivity!([
            { id: `o${index}`, userId, type: 'session.created', at: old, reason: 'sign_in' },
            { id: `n${index}`, userId, type: 'session.created', at: now, reason: 'sign_in' },
          ]);
          await store.rememberDevice!(userId, 'a'.repeat(43), old);
        }),
      );
    }
    const remaining = async (): Promise<number> => {
      let count = 0;
      for (const userId of users) count += (await store.listActivity!(userId, { limit: 10 })).length + (await store.listDevices!(userId)).length;
      return count;
    };
    expect(await remaining()).toBe(360);
    const cutoff = { activityBefore: now - HOUR, devicesBefore: now - HOUR };
    expect(await store.prune({ now, limit: 50, ...cutoff })).toBe(0);
    expect(await remaining()).toBe(310);
    for (let call = 0; call < 10; call++) await store.prune({ now, limit: 50, ...cutoff });
    expect(await remaining()).toBe(120);
    const layout = createLayout(prefix);
    expect(await client.sendCommand(['ZCARD', layout.lanes.v.due])).toBe(0);
    // Every user still has a new entry: their buckets stay listed, due only at that entry's time.
    const due = (await client.sendCommand(['ZRANGE', layout.lanes.a.due, '0', '-1', 'WITHSCORES'])) as string[];
    for (let index = 1; index < due.length; index += 2) expect(Number(due[index])).toBe(now);
  });
});
