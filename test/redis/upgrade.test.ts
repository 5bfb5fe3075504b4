import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import type { RevocationNotice } from '../../src/store.js';
import { freshUser, insert, newRecord } from '../../src/testing/store/fixtures.js';
import { mintToken } from '../../src/token.js';
import { connectNodeRedis, deleteRunKeys, freshPrefix } from '../support/redis-clients.js';
import { requireService } from '../support/services.js';

const redisUp = await requireService('Redis', 6379);

describe.skipIf(!redisUp)('Redis store: data and messages of the previous version', () => {
  let client: RedisClientType;
  beforeAll(async () => {
    client = await connectNodeRedis(6379);
  });
  afterAll(async () => {
    await deleteRunKeys(client);
    await client.close();
  });

  it('checks the tenant of a row written before the tenant had its own field, on first sight and after', async () => {
    const prefix = freshPrefix('old-row');
    const store = redisStore({ client, prefix });
    const userId = freshUser('old-row');
    const row = await insert(store, userId, { tenantId: 'acme' });
    // The previous version kept the tenant only among the packed fields.
    await client.sendCommand(['HDEL', `${prefix}{${row.id.slice(0, 3)}}:s:${row.id}`, 't']);
    const epochs = await store.revokeTenant!('acme', { kinds: ['browser'], at: row.createdAt + 5 });
    for (const reader of [redisStore({ client, prefix }), store]) {
      for (let round = 0; round < 2; round++) {
        const lookup = await reader.get(row.id);
        expect(lookup?.session.tenantId).toBe('acme');
        expect({ ...lookup?.tenantEpochs }).toEqual({ ...epochs });
      }
    }
    expect((await store.listByUser(userId)).tenantEpochs?.['acme']).toEqual(epochs);
  });

  it('replaces and caps a row written before the tenant had its own field within its tenant only', async () => {
    const prefix = freshPrefix('old-row-device');
    const store = redisStore({ client, prefix });
    const userId = freshUser('old-row-device');
    const chromeMac = { deviceKey: 'Chrome|Mac OS', browser: 'Chrome', os: 'Mac OS' };
    const limit = { max: 1, onLimit: 'refuse' as const, idleBefore: 0 };
    const { session: old } = await store.create(newRecord(store, userId, { ...chromeMac, tenantId: 'acme' }), { replaceDevice: true });
    await client.sendCommand(['HDEL', `${prefix}{${old.id.slice(0, 3)}}:s:${old.id}`, 't']);
    // A sign-in without a tenant from the same browser: the old row is acme's, not its own.
    const alone = await store.create(newRecord(store, userId, chromeMac), { replaceDevice: true, limit });
    expect([alone.replacedIds, alone.evictedIds]).toEqual([[], []]);
    // Back in acme: the old row is replaced.
    const back = await store.create(newRecord(store, userId, { ...chromeMac, tenantId: 'acme' }), { replaceDevice: true, limit });
    expect([back.replacedIds, back.evictedIds]).toEqual([[old.id], []]);
    expect((await store.get(alone.session.id))?.session.revokedAt).toBeUndefined();
  });

  it("uses a link the previous version saved (no device), and the previous version uses this one's links", async () => {
    const prefix = freshPrefix('old-link');
    const store = redisStore({ client, prefix });
    const userId = freshUser('old-link');
    const keyOf = (id: string) => `${prefix}{${id.slice(0, 3)}}:l:${id}`;
    const hash = Buffer.alloc(32, 7);
    const expiresAt = Date.now() + 60_000;
    // The previous version's save wrote these four fields; its use read them back.
    const saved = mintToken();
    await client.sendCommand(['HSET', keyOf(saved.id), 'h', hash.toString('base64'), 'u', userId, 's', 'S'.repeat(22), 'e', String(expiresAt)]);
    const earlier = await store.consumeRevocationLink!(saved.id, hash, Date.now());
    expect(earlier).toMatchObject({ userId, sessionId: 'S'.repeat(22), expiresAt });
    expect([earlier?.deviceKey, earlier?.tenantId]).toEqual([undefined, undefined]);
    const carried = mintToken();
    await store.saveRevocationLink!({ id: carried.id, secretHash: hash, userId, sessionId: 'T'.repeat(22), expiresAt, deviceKey: 'Chrome|Mac OS', tenantId: 'acme' });
    const previousUse = `local row = redis.call('HMGET', KEYS[1], 'h', 'u', 's', 'e')
if not row[1] or row[1] ~= ARGV[1] or tonumber(row[4]) <= tonumber(ARGV[2]) then return false end
redis.call('DEL', KEYS[1])
return row`;
    expect(await client.sendCommand(['EVAL', previousUse, '1', keyOf(carried.id), hash.toString('base64'), String(Date.now())])).toEqual([
      hash.toString('base64'),
      userId,
      'T'.repeat(22),
      String(expiresAt),
    ]);
  });

  it('reads a message of the previous version as a user id, and a tenant notice as a tenant', async () => {
    const prefix = freshPrefix('old-message');
    const store = redisStore({ client, prefix });
    const notices: RevocationNotice[] = [];
    let ready!: () => void;
    const subscribed = new Promise<void>((resolve) => (ready = resolve));
    const stop = store.subscribe!((notice) => notices.push(notice), () => ready());
    onTestFinished(async () => {
      stop();
      await store.close?.();
    });
    await subscribed;
    for (const message of ['alice', 't:acme', 'tacme', '\u0000tacme']) await client.sendCommand(['PUBLISH', `${prefix}revocations`, message]);
    const deadline = Date.now() + 5_000;
    while (notices.length < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(notices).toEqual([{ userId: 'alice' }, { userId: 't:acme' }, { userId: 'tacme' }, { userId: '', tenantId: 'acme' }]);
  });
});
