import { afterAll, describe, expect, it } from 'vitest';
import type { RedisClientType } from 'redis';
import { postgresStore } from '../../adapters/postgres/index.js';
import { redisStore } from '../../adapters/redis/index.js';
import { createSessionManager, memoryStore, type SessionStore } from '../../src/index.js';
import { MINUTE, TestClock, UA } from '../support/clock.js';
import { dropSchemas, freshSchema, postgresUp, testPool } from '../support/postgres-database.js';
import { connectNodeRedis, deleteRunKeys, freshPrefix as freshRedisPrefix } from '../support/redis-clients.js';
import { requireService } from '../support/services.js';

// Two app instances on one store. Instance A runs reauthenticated() (the "Confirm it's you" form);
// while it is between its readUser and its batch, instance B validates a request of the same
// session (another tab of the user), which touches lastUsedAt: a touch changes no version.
function instanceA(raw: SessionStore, onRead: () => (() => Promise<void>) | undefined): SessionStore {
  return new Proxy(raw, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (key === 'readUser') {
        return async (...args: Parameters<SessionStore['readUser']>) => {
          const answer = await target.readUser(...args);
          await onRead()?.();
          return answer;
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const KINDS = { browser: { idleTimeout: 30 * MINUTE } };

function cases(name: string, up: boolean, open: () => Promise<SessionStore>) {
  describe.skipIf(!up)(`${name}: reauthenticated() racing a touch on another instance`, () => {
    it('keeps the lastUsedAt the touch wrote: the session used meanwhile does not turn idle early', async () => {
      const clock = new TestClock();
      let hook: (() => Promise<void>) | undefined;
      const raw = await open();
      const a = createSessionManager({ store: instanceA(raw, () => { const h = hook; hook = undefined; return h; }), clock: clock.read, kinds: KINDS, epochCacheTtl: 0 });
      const b = createSessionManager({ store: await open(), clock: clock.read, kinds: KINDS, epochCacheTtl: 0 });
      const user = `reauth-${Math.random().toString(36).slice(2)}`;
      const { token, session } = await b.create({ userId: user, userAgent: UA.chromeMac });
      clock.advance(20 * MINUTE);
      // Another tab's request on B, landing between A's read and A's batch.
      hook = async () => void expect((await b.validate(token)).ok).toBe(true);
      expect(await a.reauthenticated(session.id)).not.toBeNull();
      const usedAt = clock.now;
      const stored = (await b.list(user))[0]!;
      // 25 minutes after that use (idleTimeout 30 min), the session is still live.
      clock.advance(25 * MINUTE);
      const later = await b.validate(token);
      expect({ lastUsedAt: stored.lastUsedAt, later: later.ok ? 'ok' : later.reason }).toEqual({ lastUsedAt: usedAt, later: 'ok' });
    });
  });
}

cases('memory', true, (() => { const shared = memoryStore(); return async () => shared; })());

const pgUp = await postgresUp();
const pool = testPool();
const schema = freshSchema('rtr');
let pgMigrated: Promise<void> | undefined;
cases('postgres', pgUp, async () => {
  const store = postgresStore({ pool, schema, listen: false });
  pgMigrated ??= store.migrate();
  await pgMigrated;
  return store;
});

const redisUp = await requireService('Redis', 6379);
let client: RedisClientType | undefined;
const rprefix = freshRedisPrefix('rtr');
cases('redis', redisUp, async () => {
  client ??= await connectNodeRedis(6379);
  return redisStore({ client, prefix: rprefix });
});

afterAll(async () => {
  await dropSchemas(pool, [schema]);
  await pool.end();
  if (client !== undefined) {
    await deleteRunKeys(client);
    await client.close();
  }
});
