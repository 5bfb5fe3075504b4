import { afterAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { createSessionManager, type SessionManager, type SessionStore } from '../../src/index.js';
import { tempDatabases } from '../sqlite/temp.js';

const SECRET = 'erase-epoch-cache-secret-of-32-bytes!';
const files = tempDatabases();
afterAll(() => files.removeAll());

// A store whose notices never reach the erasing instance (SQLite; PostgreSQL without LISTEN): its instance's epoch cache
// must not keep what it read during the erase, or an access token of a session signed in meanwhile outlives the erasure.
describe('eraseUser() on a store without notices', () => {
  it('refuses, at once, the access token of a session signed in while the erase ran', async () => {
    const inner = sqliteStore({ filename: files.next() });
    let sessions!: SessionManager;
    let lateJwt: string | undefined;
    const store = new Proxy(inner, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (key !== 'apply') return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        return async (batch: Parameters<SessionStore['apply']>[0]) => {
          // Right before the erase's own batch: a sign-in, and its access token checked (which caches the user's epochs).
          if (lateJwt === undefined && batch.writes.some((write) => write.type === 'erase')) {
            const late = await sessions.create({ userId: 'ada' });
            lateJwt = await sessions.issueAccessToken(late.session);
            expect((await sessions.verifyAccessToken(lateJwt)).ok).toBe(true);
          }
          return target.apply(batch);
        };
      },
    });
    sessions = createSessionManager({ store, accessTokens: { secret: SECRET } });
    await sessions.create({ userId: 'ada' });
    await sessions.eraseUser('ada');
    expect(lateJwt).toBeDefined();
    expect(await sessions.verifyAccessToken(lateJwt!)).toEqual({ ok: false, reason: 'revoked' });
    await sessions.close();
  });
});
