import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../../adapters/redis/index.js';
import { createSessionManager, isSessionError } from '../../src/index.js';
import { connectNodeRedis } from '../support/redis-clients.js';
import { launchRedis, makeServerDir, redisCli, removeServerDir, requireRedisBinaries, stopRedis } from '../support/redis-server.js';

// Epochs, high-water marks and the deny-list have no TTL and must outlive every session they refuse: a Redis that may evict
// any key under memory pressure could drop them and let a signed-out cookie back in.

const PORT = 6393;
const canStart = await requireRedisBinaries();

describe.skipIf(!canStart)(`Redis store on a server that may evict any key (own server on 127.0.0.1:${PORT})`, () => {
  let dir: string;
  let pid: number;
  let client: RedisClientType;
  beforeAll(async () => {
    dir = await makeServerDir('eviction');
    pid = await launchRedis(PORT, dir, ['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru']);
    client = await connectNodeRedis(PORT);
  }, 30_000);
  afterAll(async () => {
    await client?.close();
    if (pid !== undefined) await stopRedis(pid, PORT);
    if (dir !== undefined) await removeServerDir(dir);
  }, 30_000);

  it('takes an INFO hidden from it (NOPERM, an unknown command) at its word and says so once, and asks again after any other error reply', async () => {
    // The app's client, whose INFO is answered by the reply given (once), as a hosted Redis or a loading server answers it.
    const answering = (reply: string) => {
      let sent = false;
      return new Proxy(client, {
        get: (target, name) =>
          name === 'sendCommand'
            ? (args: string[], ...rest: unknown[]) => (args[0] === 'INFO' && !sent ? ((sent = true), Promise.reject(new Error(reply))) : (target.sendCommand as (...all: unknown[]) => Promise<unknown>)(args, ...rest))
            : Reflect.get(target, name, target),
      });
    };
    const full = createSessionManager({ store: redisStore({ client: answering('ERR max number of clients reached'), prefix: 'evict-full:' }) });
    const loading = createSessionManager({ store: redisStore({ client: answering('LOADING Redis is loading the dataset in memory'), prefix: 'evict-loading:' }) });
    const notices: string[] = [];
    const hidden = createSessionManager({ store: redisStore({ client: answering("ERR unknown command 'INFO'"), prefix: 'evict-hidden:', onError: (error) => notices.push((error as Error).message) }) });
    try {
      // Each fails its batch, and the next batch asks again: the policy refuses it.
      for (const [sessions, outage] of [[loading, /loading/], [full, /max number of clients/]] as const) {
        const answers = [];
        for (let attempt = 0; attempt < 2; attempt++) answers.push(await sessions.create({ userId: 'ada' }).then(() => 'written', (error: unknown) => (isSessionError(error) ? error.message : error)));
        expect(answers).toEqual([expect.stringMatching(outage), expect.stringMatching(/maxmemory-policy allkeys-lru/)]);
      }
      // Written, and the operator told once that the policy could not be checked.
      expect((await hidden.create({ userId: 'ada' })).session.userId).toBe('ada');
      expect((await hidden.create({ userId: 'ben' })).session.userId).toBe('ben');
      expect(notices).toEqual(["Redis hid INFO from the store (ERR unknown command 'INFO'): make sure maxmemory-policy is noeviction or volatile-*."]);
      // A failing onError is no reason to refuse a write.
      const throwing = createSessionManager({ store: redisStore({ client: answering('NOPERM User has no permissions to run the \'info\' command'), prefix: 'evict-hidden:', onError: () => { throw new Error('logger down'); } }) });
      expect((await throwing.create({ userId: 'cy' }).finally(() => throwing.close())).session.userId).toBe('cy');
    } finally {
      await Promise.all([loading.close(), full.close(), hidden.close()]);
      await client.del(await client.keys('evict-hidden:*'));
    }
  });

  it('refuses every write while the policy is allkeys-*, signing nobody in or out, and writes once Redis may evict only keys with a TTL', async () => {
    const sessions = createSessionManager({ store: redisStore({ client, prefix: 'evict:' }) });
    try {
      for (const attempt of [1, 2]) {
        const refused = await sessions.create({ userId: 'ada' }).catch((error: unknown) => error);
        expect(isSessionError(refused) && [attempt, refused.code, refused.message]).toEqual([
          attempt,
          'STORE_ERROR',
          'Redis may evict any key (maxmemory-policy allkeys-lru), which would bring revoked sessions back: set maxmemory-policy to noeviction, or to a volatile-* policy.',
        ]);
      }
      expect(await client.keys('evict:*')).toEqual([]);
      for (const policy of ['volatile-lru', 'noeviction']) {
        await redisCli(PORT, ['CONFIG', 'SET', 'maxmemory-policy', policy]);
        const { token } = await sessions.create({ userId: 'ada' });
        expect((await sessions.validate(token)).ok).toBe(true);
        await sessions.revokeAll('ada');
        expect((await sessions.validate(token)).ok).toBe(false);
      }
    } finally {
      await sessions.close();
    }
  });
});
