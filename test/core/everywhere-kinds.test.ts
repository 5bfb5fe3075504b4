import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type SessionManager } from '../../src/index.js';

describe('the kinds "sign out everywhere" covers by default', () => {
  it('are every kind but api, so an app kind not listed anywhere does not outlive a sign-out everywhere or a password reset', async () => {
    const sessions = createSessionManager({ kinds: { mobile: {} } });
    const liveAfter = async (revoke: () => Promise<unknown>): Promise<Record<string, boolean>> => {
      const made = {
        browser: await sessions.create({ userId: 'ada' }),
        remember: await sessions.create({ userId: 'ada', kind: 'remember' }),
        mobile: await sessions.create({ userId: 'ada', kind: 'mobile' }),
        api: await sessions.create({ userId: 'ada', kind: 'api' }),
      };
      await revoke();
      const live: Record<string, boolean> = {};
      for (const [kind, { token }] of Object.entries(made)) live[kind] = (await sessions.validate(token)).ok;
      return live;
    };
    expect(await liveAfter(() => sessions.revokeAll('ada'))).toEqual({ browser: false, remember: false, mobile: false, api: true });
    expect(await liveAfter(() => sessions.passwordReset('ada'))).toEqual({ browser: false, remember: false, mobile: false, api: true });
  });

  it('leave out an app kind the app leaves out by listing the others', async () => {
    const sessions = createSessionManager({ kinds: { kiosk: {} }, everywhereKinds: ['browser', 'remember'] });
    const kiosk = await sessions.create({ userId: 'ada', kind: 'kiosk' });
    const browser = await sessions.create({ userId: 'ada' });
    await sessions.revokeAll('ada');
    expect((await sessions.validate(browser.token)).ok).toBe(false);
    expect((await sessions.validate(kiosk.token)).ok).toBe(true);
  });

  for (const [name, end] of [
    ['sign out everywhere', (sessions: SessionManager) => sessions.revokeAll('ada')],
    ['a password reset', (sessions: SessionManager) => sessions.passwordReset('ada')],
  ] as const) {
    it(`always include support sessions, also when the list leaves them out: ${name} ends one`, async () => {
      const sessions = createSessionManager({ everywhereKinds: ['browser', 'remember'] });
      const admin = await sessions.create({ userId: 'root' });
      const support = await sessions.impersonate(admin.session, 'ada');
      const own = await sessions.create({ userId: 'ada' });
      await end(sessions);
      expect(await sessions.validate(own.token)).toEqual({ ok: false, reason: 'revoked' });
      expect(await sessions.validate(support.token)).toEqual({ ok: false, reason: 'revoked' });
      expect((await sessions.validate(admin.token)).ok).toBe(true);
    });
  }
});

describe('"all"', () => {
  it('also ends the kinds another instance declares, or that this one no longer does: every kind the user or tenant has sessions of', async () => {
    const store = memoryStore();
    const withMobile = createSessionManager({ store, kinds: { mobile: {} } });
    const without = createSessionManager({ store });
    const phone = await withMobile.create({ userId: 'ada', kind: 'mobile' });
    const tablet = await withMobile.create({ userId: 'bob', kind: 'mobile', tenantId: 'acme' });
    const kiosk = await withMobile.create({ userId: 'cy', kind: 'mobile', tenantId: 'acme' });
    expect((await without.validate(phone.token)).ok).toBe(true);

    const { epochs } = await without.revokeAll('ada', { kinds: 'all' });
    expect(Object.keys(epochs).sort()).toEqual(['api', 'browser', 'impersonation', 'mobile', 'remember']);
    expect((await withMobile.validate(phone.token)).ok).toBe(false);

    // A tenant admin's sign-out of one user, session by session; then the whole tenant's, by epochs.
    expect(await without.revokeAll('bob', { kinds: 'all', tenantId: 'acme' })).toMatchObject({ revokedIds: [tablet.session.id] });
    expect((await withMobile.validate(tablet.token)).ok).toBe(false);
    expect((await withMobile.validate(kiosk.token)).ok).toBe(true);
    await without.revokeTenant('acme', { kinds: 'all' });
    expect((await withMobile.validate(kiosk.token)).ok).toBe(false);
  });
});
