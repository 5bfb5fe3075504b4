import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { createSessionManager } from '../../src/index.js';
import { storeOperations } from '../../src/storage/index.js';
import { connectNodeRedis, deleteRunKeys, freshPrefix } from '../support/redis-clients.js';
import { requireService } from '../support/services.js';

const redisUp = await requireService('Redis', 6379);

describe.skipIf(!redisUp)('Redis store: a session past its absolute expiry, in real time', () => {
  let client: RedisClientType;
  beforeAll(async () => {
    client = await connectNodeRedis(6379);
  });
  afterAll(async () => {
    await deleteRunKeys(client);
    await client.close();
  });

  it('reads as expired (not unknown) until pruning deletes it, and Redis drops it a day later at the latest', async () => {
    const prefix = freshPrefix('expiry');
    const store = redisStore({ client, prefix });
    const sessions = createSessionManager({ store, maxAge: 300 });
    const { token, session } = await sessions.create({ userId: 'late' });
    await new Promise((resolve) => setTimeout(resolve, 400));

    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'expired' });
    const keys = (await client.sendCommand(['KEYS', `${prefix}*:s:${session.id}`])) as string[];
    expect(keys).toHaveLength(1);
    // A day past its lifetime, counted on Redis's clock from the sign-in (the same clock here: within the test's own time).
    const dropAt = Number(await client.sendCommand(['PEXPIRETIME', keys[0]!]));
    expect(dropAt - session.expiresAt - 86_400_000).toBeGreaterThanOrEqual(0);
    expect(dropAt - session.expiresAt - 86_400_000).toBeLessThan(Date.now() - session.createdAt + 1);

    expect(await sessions.prune()).toBe(1);
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'not_found' });
    await sessions.close();
  });

  it('keeps keys (a token id acted on, the index of a provider sign-in) without a TTL, so no volatile-* policy evicts them; prune deletes them', async () => {
    const prefix = freshPrefix('keys');
    let now = Date.now();
    const store = redisStore({ client, prefix });
    const sessions = createSessionManager({ store, clock: () => now });
    await sessions.create({ userId: 'fed', federated: { iss: 'https://idp.example', sub: 'fed-at-idp', sid: 'idp-session' } });
    await storeOperations(store).claimKey('once:logout_token:issuer:jti-1', now + 60_000);
    const keys = (await client.sendCommand(['KEYS', `${prefix}*:k:*`])) as string[];
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const key of keys) expect([key, Number(await client.sendCommand(['PTTL', key]))]).toEqual([key, -1]);
    now += 32 * 86_400_000;
    await sessions.prune();
    expect(await client.sendCommand(['KEYS', `${prefix}*:k:*`])).toEqual([]);
    await sessions.close();
  });
});
