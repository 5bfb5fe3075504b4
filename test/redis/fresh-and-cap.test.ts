import { randomBytes } from 'node:crypto';
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import type { NewSessionRecord, SessionStore } from '../../src/store.js';
import { connectNodeRedis, deleteRunKeys, freshPrefix } from '../support/redis-clients.js';
import { requireService } from '../support/services.js';

const redisUp = await requireService('Redis', 6379);

const DAY = 86_400_000;

function record(store: SessionStore, userId: string, id: string, at: number, overrides: Partial<NewSessionRecord> = {}): NewSessionRecord {
  return { id: `${store.sessionIdPrefix!(userId)}${id}`, userId, kind: 'browser', secretHash: randomBytes(32), createdAt: at, authenticatedAt: at, maxAge: 30 * DAY, ...overrides };
}

describe.skipIf(!redisUp)('Redis store: authenticatedAt in the hash, and the order of eviction', () => {
  let client: RedisClientType;
  beforeAll(async () => {
    client = await connectNodeRedis(6379);
  });
  afterAll(async () => {
    await deleteRunKeys(client);
    await client.close();
  });

  const hashOf = async (prefix: string, sessionId: string): Promise<Record<string, string>> => {
    const [key] = (await client.sendCommand(['KEYS', `${prefix}*:s:${sessionId}`])) as string[];
    const flat = (await client.sendCommand(['HGETALL', key!])) as string[];
    return Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, index) => [flat[2 * index]!, flat[2 * index + 1]!]));
  };

  it('reads a row written before authenticatedAt existed as authenticated at its creation, and reauthenticates it', async () => {
    const prefix = freshPrefix('legacy');
    const store = redisStore({ client, prefix });
    const at = Date.now();
    const { session } = await store.create(record(store, 'legacy-user', 'legacy-row-0000000000', at, { authenticatedAt: at - 60_000 }), { replaceDevice: false });
    expect((await hashOf(prefix, session.id))['a']).toBe(String(at - 60_000));
    // Take the field away: the hash is now what the previous version wrote.
    const [key] = (await client.sendCommand(['KEYS', `${prefix}*:s:${session.id}`])) as string[];
    await client.sendCommand(['HDEL', key!, 'a']);
    const legacy = (await store.get(session.id))!.session;
    expect(legacy.authenticatedAt).toBe(legacy.createdAt);
    expect(legacy.persistent).toBeUndefined();
    expect(await store.reauthenticate(session.id, legacy.createdAt + 1_000)).toBe(true);
    expect((await store.get(session.id))!.session.authenticatedAt).toBe(legacy.createdAt + 1_000);
    await store.close?.();
  });

  it('writes no authenticatedAt field when it equals createdAt: validation reads one field less', async () => {
    const prefix = freshPrefix('lean');
    const store = redisStore({ client, prefix });
    const { session } = await store.create(record(store, 'lean-user', 'lean-row-000000000000', Date.now()), { replaceDevice: false });
    expect(Object.keys(await hashOf(prefix, session.id)).sort()).toEqual(['c', 'e', 'k', 'l', 'p', 'u']);
    await store.close?.();
  });

  it('breaks a tie on last use and sign-in time by id in byte order (upper case before lower case)', async () => {
    const store = redisStore({ client, prefix: freshPrefix('order') });
    const at = Date.now();
    // In byte order "B" (0x42) comes before "a" (0x61); a case-insensitive collation puts "a" first.
    const lower = await store.create(record(store, 'order-user', 'a-tie-00000000000000', at), { replaceDevice: false });
    const upper = await store.create(record(store, 'order-user', 'B-tie-00000000000000', at), { replaceDevice: false });
    const result = await store.create(record(store, 'order-user', 'new-000000000000000', at + 1), { replaceDevice: false, limit: { max: 2, onLimit: 'evict-oldest', idleBefore: 0 } });
    expect(result.evictedIds).toEqual([upper.session.id]);
    expect((await store.get(lower.session.id))!.session.revokedAt).toBeUndefined();
    await store.close?.();
  });
});
