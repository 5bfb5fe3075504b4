import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type SessionManager, type SessionStore } from '../../src/index.js';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

describe('eraseUser() leaves no working credential', () => {
  it("refuses the access token of a session signed in while the erasure ran, whose row it erased too", async () => {
    const inner = memoryStore();
    let sessions!: SessionManager;
    let late: { token: string; jwt: string } | undefined;
    // A sign-in (another instance, another request) lands between the sign-out everywhere and the erasing batch.
    const store: SessionStore = {
      ...inner,
      async apply(batch) {
        if (late === undefined && batch.writes.some((write) => write.type === 'erase')) {
          const created = await sessions.create({ userId: 'ada' });
          late = { token: created.token, jwt: await sessions.issueAccessToken(created.session) };
        }
        return inner.apply(batch);
      },
    };
    sessions = createSessionManager({ store, accessTokens: { secret: SECRET }, epochCacheTtl: 0 });
    await sessions.create({ userId: 'ada' });
    expect(await sessions.eraseUser('ada')).toEqual({ deletedSessions: 2 });
    // No list shows the late session, and revoke(id) would find no row: nothing but the epochs can refuse its token.
    expect((await sessions.exportUser('ada')).sessions).toEqual([]);
    expect(await sessions.verifyAccessToken(late!.jwt)).toEqual({ ok: false, reason: 'revoked' });
    expect((await sessions.validate(late!.token)).ok).toBe(false);
  });
  it('a password change the erasure overtook signs no new session in for the erased user', async () => {
    // "Delete my account" on another device.
    const { changed, other } = await changeOvertakenBy((other) => other.eraseUser('ada'));
    expect(changed).toEqual({});
    expect((await other.exportUser('ada')).sessions).toEqual([]);
  });
  it("a password change that a sign-out everywhere overtook, of the user or of the tenant, keeps no device signed in", async () => {
    for (const overtaking of ['passwordReset', 'revokeTenant'] as const) {
      const { changed, other } = await changeOvertakenBy((other) => (overtaking === 'passwordReset' ? other.passwordReset('ada') : other.revokeTenant('acme')));
      expect([overtaking, changed]).toEqual([overtaking, {}]);
      expect(await other.list('ada')).toEqual([]);
    }
  });
});

/**
 * A password change from ada's laptop that `overtake`, run by another instance whose clock is a second on, overtakes:
 * after the change's own epoch, before it reads its session again.
 */
async function changeOvertakenBy(overtake: (other: SessionManager) => Promise<unknown>) {
  const inner = memoryStore();
  let now = 1_800_000_000_000;
  let armed = false;
  const store: SessionStore = {
    ...inner,
    async get(sessionId) {
      if (armed) {
        armed = false;
        now += 1_000;
        await overtake(other);
      }
      return inner.get(sessionId);
    },
  };
  const changing = createSessionManager({ store, clock: () => now });
  const other = createSessionManager({ store: inner, clock: () => now });
  const laptop = await changing.create({ userId: 'ada', tenantId: 'acme', userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/124.0.0.0 Safari/537.36', ip: '203.0.113.7' });
  now += 60_000;
  changing.on('user.session_invalidated', (event) => {
    if (event.reason === 'password_changed') armed = true;
  });
  return { changed: await changing.passwordChanged('ada', { currentSessionId: laptop.session.id }), other };
}
