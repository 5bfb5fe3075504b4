import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { createSessionManager } from '../../src/index.js';
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
    const dropAt = Number(await client.sendCommand(['PEXPIRETIME', keys[0]!]));
    expect(dropAt - session.expiresAt).toBe(86_400_000);

    expect(await sessions.prune()).toBe(1);
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'not_found' });
    await sessions.close();
  });
});
