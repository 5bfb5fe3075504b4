import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type CreatedSession, type SessionManager, type SessionStore } from '../../src/index.js';

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
  it("a password change that the owner's password reset overtook before the change's own sign-out everywhere keeps no device signed in, whatever the clocks", async () => {
    for (const lag of [0, 2_000]) await expectNoDeviceLeft({ where: 'read', lag });
  });
  it("a password change that the owner's password reset overtook right before the device's new sign-in keeps no device signed in", async () => {
    for (const lag of [0, 2_000]) await expectNoDeviceLeft({ where: 'signIn', lag });
  });
  it('a password change that an erasure overtook right before the device\'s new sign-in signs nobody in', async () => {
    const { changed, other } = await changeOvertakenBy((other) => other.eraseUser('ada'), { where: 'signIn' });
    expect(changed).toEqual({});
    expect((await other.exportUser('ada')).sessions).toEqual([]);
  });
  it("a password change that the tenant's admin's sign-out of the user in that tenant overtook keeps no device signed in", async () => {
    // That sign-out passes over sessions already ended: the change's sign-out everywhere and its new sign-in are one batch, so none is between.
    for (const where of ['read', 'signIn'] as const) {
      const { changed, other } = await changeOvertakenBy((other) => other.revokeAll('ada', { tenantId: 'acme' }), { where });
      expect([where, changed]).toEqual([where, {}]);
      expect([where, await other.list('ada')]).toEqual([where, []]);
    }
  });
  it("an API token's change that a sign-out everywhere of every kind overtook right before its new sign-in keeps no token working", async () => {
    const { changed, other, laptop } = await changeOvertakenBy((other) => other.revokeAll('ada', { kinds: 'all' }), { where: 'signIn', kind: 'api' });
    expect(changed).toEqual({});
    expect((await other.validate(laptop.token)).ok).toBe(false);
    expect(await other.list('ada')).toEqual([]);
  });
  it("an API token's change whose token its owner ended after the change found it live hands out no new token", async () => {
    const { changed, other, laptop } = await changeOvertakenBy((other, laptop) => other.revoke(laptop.session.id), { kind: 'api' });
    expect(changed).toEqual({});
    expect((await other.validate(laptop.token)).ok).toBe(false);
    expect(await other.list('ada')).toEqual([]);
  });
});

/** The owner's password reset overtakes a password change as `how` says: the laptop's old token and any new one are refused. */
async function expectNoDeviceLeft(how: { where: 'read' | 'signIn'; lag: number }) {
  const { changed, other, laptop } = await changeOvertakenBy((other) => other.passwordReset('ada'), how);
  expect([how, changed]).toEqual([how, {}]);
  expect([how, (await other.validate(laptop.token)).ok]).toEqual([how, false]);
  expect([how, await other.list('ada')]).toEqual([how, []]);
}

/**
 * A password change from ada's laptop that `overtake`, run by another instance whose clock is a second on (less `lag`), overtakes:
 * after the change found its session live, at the read of its batch (`read`), or right before that batch is applied (`signIn`).
 */
async function changeOvertakenBy(overtake: (other: SessionManager, laptop: CreatedSession) => Promise<unknown>, how: { where?: 'read' | 'signIn'; lag?: number; kind?: string } = {}) {
  const { where = 'read', lag = 0, kind } = how;
  const inner = memoryStore();
  let now = 1_800_000_000_000;
  let armed = false;
  let overtook = false;
  const overtaken = async (at: 'read' | 'signIn') => {
    if (!armed || at !== where) return;
    armed = false;
    overtook = true;
    now += 1_000;
    await overtake(other, laptop);
  };
  const store: SessionStore = {
    ...inner,
    async readUser(userId, tenantId, sessionId) {
      await overtaken('read');
      return inner.readUser(userId, tenantId, sessionId);
    },
    async apply(batch) {
      if (batch.writes.some((write) => write.type === 'insert')) await overtaken('signIn');
      return inner.apply(batch);
    },
  };
  const changing = createSessionManager({ store, clock: () => now });
  const other = createSessionManager({ store: inner, clock: () => now - lag });
  const laptop = await changing.create({ userId: 'ada', tenantId: 'acme', kind, userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/124.0.0.0 Safari/537.36', ip: '203.0.113.7' });
  const phone = await changing.create({ userId: 'ada', userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Version/18.1 Mobile/15E148 Safari/604.1' });
  now += 60_000;
  armed = true;
  const changed = await changing.passwordChanged('ada', { currentSessionId: laptop.session.id });
  expect(overtook).toBe(true);
  // However it was overtaken, the change signed the other devices out.
  expect((await other.validate(phone.token)).ok).toBe(false);
  return { changed, other, laptop };
}
