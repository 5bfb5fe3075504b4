import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { createSessionManager } from '../../src/index.js';
import { storeOperations } from '../../src/storage/index.js';
import { connectNodeRedis, deleteRunKeys, freshPrefix } from '../support/redis-clients.js';
import { requireService } from '../support/services.js';

const redisUp = await requireService('Redis', 6379);

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0';

describe.skipIf(!redisUp)('Redis store: a user erased', () => {
  let client: RedisClientType;
  beforeAll(async () => {
    client = await connectNodeRedis(6379);
  });
  afterAll(async () => {
    await deleteRunKeys(client);
    await client.close();
  });

  // Every key under the prefix, with every member or field of it, as text.
  const dump = async (prefix: string): Promise<string[]> => {
    const lines: string[] = [];
    for (const key of ((await client.sendCommand(['KEYS', `${prefix}*`])) as string[]).sort()) {
      const type = (await client.sendCommand(['TYPE', key])) as string;
      const content =
        type === 'hash' ? await client.sendCommand(['HGETALL', key]) : type === 'zset' ? await client.sendCommand(['ZRANGE', key, '0', '-1']) : type === 'set' ? await client.sendCommand(['SMEMBERS', key]) : await client.sendCommand(['GET', key]);
      lines.push(`${key} ${type} ${JSON.stringify(content)}`);
    }
    return lines;
  };

  it('leaves nothing of the user in the database but its version and epochs', async () => {
    const prefix = freshPrefix('erase');
    const raw = redisStore({ client, prefix });
    const store = storeOperations(raw);
    const sessions = createSessionManager({ store: raw });
    const user = 'erased-user@example.com';
    const laptop = await sessions.create({ userId: user, userAgent: CHROME, ip: '203.0.113.7', data: { plan: 'pro' } });
    const desktop = await sessions.create({ userId: user, userAgent: FIREFOX });
    await sessions.revoke(desktop.session.id);
    await sessions.create({ userId: 'bystander', userAgent: CHROME });
    // Activity (the sign-ins remembered their devices) and "This wasn't me" links (one-time keys on their own slots).
    const now = Date.now();
    await store.appendActivity!([{ id: 'e001', userId: user, type: 'session.reauthenticated', at: now, reason: 'password', ip: '203.0.113.7', sessionId: laptop.session.id }]);
    const hash = new Uint8Array(32);
    await store.saveRevocationLink!({ id: `${laptop.session.id.slice(0, 3)}linklinklinklinklink`, secretHash: hash, userId: user, sessionId: laptop.session.id, expiresAt: now + 60_000 });
    await store.saveRevocationLink!({ id: 'zzzlinklinklinklinklin', secretHash: hash, userId: user, sessionId: laptop.session.id, expiresAt: now + 60_000 });
    expect((await dump(prefix)).filter((line) => line.includes(user)).length).toBeGreaterThan(7);

    expect(await sessions.eraseUser(user)).toEqual({ deletedSessions: 2 });
    const left = (await dump(prefix)).filter(
      (line) => line.includes(user) || line.includes(laptop.session.id) || line.includes(desktop.session.id) || line.includes('203.0.113.7') || line.includes('linklink'),
    );
    expect(left.map((line) => line.split(' ')[0]!.replace(/^.*:u:erased-user@example\.com:/, 'u:'))).toEqual(['u:m']);
    expect((await sessions.validate(laptop.token)).ok).toBe(false);
    expect((await sessions.list('bystander')).length).toBe(1);
  });
});
