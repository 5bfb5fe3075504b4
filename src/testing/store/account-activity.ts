import { keepsActivity } from '../../activity/activity.js';
import { createSessionManager } from '../../manager/index.js';
import type { SessionEvent } from '../../events.js';
import { capabilityTest } from '../runner.js';
import type { StoreSuiteContext } from './context.js';
import { CHROME_MAC, counting, DAY, FIREFOX_WINDOWS, freshUser, SAFARI_IPHONE, SECRET } from './fixtures.js';

/** The manager's activity, new-device, tenant and support-access promises, kept by this store. */
export function describeAccountActivity(suite: StoreSuiteContext): void {
  const { describe, it, expect, raw, sibling } = suite;
  const withActivity = capabilityTest(suite, () => keepsActivity(raw()), 'the store lists no activity (listActivity)');
  describe('account activity and organizations, through the manager', () => {
    withActivity('every acknowledged revocation has its entry, newest first, and a new manager on the same data reads them all', async () => {
      let now = Date.now();
      const sessions = createSessionManager({ store: raw(), clock: () => now, maxSessions: { browser: 3 } });
      const user = freshUser();
      const laptop = await sessions.create({ userId: user, userAgent: CHROME_MAC, ip: '203.0.113.7' });
      now += 1;
      const laptopAgain = await sessions.create({ userId: user, userAgent: CHROME_MAC, ip: '203.0.113.7' });
      now += 1;
      const phone = await sessions.create({ userId: user, userAgent: SAFARI_IPHONE });
      now += 1;
      const pc = await sessions.create({ userId: user, userAgent: FIREFOX_WINDOWS });
      now += 1;
      await sessions.create({ userId: user, kind: 'remember', userAgent: FIREFOX_WINDOWS });
      now += 1;
      expect(await sessions.revoke(phone.session.id, { by: 'support-7' })).toBe(true);
      now += 1;
      await sessions.revokeOthers(user, laptopAgain.session.id);
      now += 1;
      await sessions.passwordChanged(user, { currentSessionId: laptopAgain.session.id });
      now += 1;
      await sessions.revokeAll(user);
      const other = await sibling();
      const reader = createSessionManager({ store: other });
      const entries = await reader.activity(user);
      expect(entries.map((entry) => `${entry.type} ${entry.reason}`)).toEqual([
        'user.session_invalidated sign_out_everywhere',
        'session.created password_changed',
        'user.session_invalidated password_changed',
        'user.session_invalidated sign_out_others',
        'session.revoked revoked',
        'session.created sign_in',
        'session.created sign_in',
        'session.created sign_in',
        'session.revoked replaced',
        'session.created sign_in',
        'session.created sign_in',
      ]);
      const signIn = entries.at(-1)!;
      expect([signIn.sessionId, signIn.deviceLabel, signIn.ip]).toEqual([laptop.session.id, 'Chrome on Mac OS', '203.0.113.7']);
      const byAdmin = entries.find((entry) => entry.reason === 'revoked');
      expect([byAdmin?.sessionId, byAdmin?.by, byAdmin?.deviceLabel]).toEqual([phone.session.id, 'support-7', 'Safari on iOS']);
      expect(entries.find((entry) => entry.reason === 'replaced')?.sessionId).toBe(laptop.session.id);
      expect(entries.filter((entry) => entry.sessionId === pc.session.id).map((entry) => entry.type)).toEqual(['session.created']);
      // Pages: the second starts where the first ended.
      const first = await reader.activity(user, { limit: 4 });
      const second = await reader.activity(user, { limit: 4, before: first.at(-1)!.id });
      expect([...first, ...second].map((entry) => entry.id)).toEqual(entries.slice(0, 8).map((entry) => entry.id));
      // Another user sees none of it.
      expect(await reader.activity(freshUser('other'))).toEqual([]);
    });

    withActivity('the session cap\'s evictions are in the activity', async () => {
      const sessions = createSessionManager({ store: raw(), maxSessions: { browser: 1 } });
      const user = freshUser();
      const first = await sessions.create({ userId: user, userAgent: CHROME_MAC });
      await sessions.create({ userId: user, userAgent: SAFARI_IPHONE });
      const evicted = (await sessions.activity(user)).find((entry) => entry.reason === 'session_limit');
      expect(evicted?.sessionId).toBe(first.session.id);
    });

    withActivity('prunes activity older than activityRetention and devices not seen in knownDeviceWindow, keeps the rest', async () => {
      const start = Date.now();
      let now = start;
      const sessions = createSessionManager({ store: raw(), clock: () => now, activityRetention: 10 * DAY, knownDeviceWindow: 10 * DAY, maxAge: 60 * DAY });
      const user = freshUser();
      await sessions.create({ userId: user, userAgent: CHROME_MAC });
      now = start + 6 * DAY;
      const phone = await sessions.create({ userId: user, userAgent: SAFARI_IPHONE });
      now = start + 11 * DAY;
      await sessions.prune();
      expect((await sessions.activity(user)).map((entry) => entry.sessionId)).toEqual([phone.session.id]);
      const created: SessionEvent[] = [];
      sessions.on('session.created', (event) => void created.push(event));
      await sessions.create({ userId: user, userAgent: CHROME_MAC });
      await sessions.create({ userId: user, userAgent: SAFARI_IPHONE });
      expect(created.map((event) => event.type === 'session.created' && event.newDevice)).toEqual([true, false]);
    });

    it('session.created says whether the device is new to the user: browser, OS and network within knownDeviceWindow', async () => {
      const start = Date.now();
      let now = start;
      const sessions = createSessionManager({ store: raw(), clock: () => now, knownDeviceWindow: 5 * DAY });
      const created: { newDevice: boolean; ip?: string | undefined }[] = [];
      sessions.on('session.created', (event) => void created.push({ newDevice: event.newDevice, ip: event.ip }));
      const user = freshUser();
      await sessions.create({ userId: user, userAgent: CHROME_MAC, ip: '198.51.100.4' });
      await sessions.create({ userId: user, userAgent: CHROME_MAC, ip: '198.51.100.99' });
      await sessions.create({ userId: user, userAgent: FIREFOX_WINDOWS, ip: '198.51.100.4' });
      await sessions.create({ userId: user, userAgent: CHROME_MAC, ip: '192.0.2.1' });
      await sessions.create({ userId: freshUser('other'), userAgent: CHROME_MAC, ip: '198.51.100.4' });
      now = start + 5 * DAY;
      await sessions.create({ userId: user, userAgent: FIREFOX_WINDOWS, ip: '198.51.100.4' });
      const expected = keepsActivity(raw()) ? [true, false, true, true, true, true] : [false, false, false, false, false, false];
      expect([created.map((event) => event.newDevice), created[0]!.ip]).toEqual([expected, '198.51.100.4']);
    });

    withActivity('a sign-in remembers its device in its own batch: of two servers signing a user in from a new device at once, one is told it is new', async () => {
      const { store: counted, calls } = counting(raw());
      const servers = [createSessionManager({ store: counted }), createSessionManager({ store: await sibling() })];
      const created: boolean[] = [];
      for (const server of servers) server.on('session.created', (event) => void created.push(event.newDevice));
      const user = freshUser();
      // Uncontended, the device rides in the sign-in's batch: one read, one batch.
      await servers[0]!.create({ userId: user, userAgent: CHROME_MAC, ip: '203.0.113.7' });
      expect([calls.get('readUser'), calls.get('apply'), created]).toEqual([1, 1, [true]]);
      for (const device of [SAFARI_IPHONE, FIREFOX_WINDOWS, CHROME_MAC]) {
        await Promise.all(servers.map((server) => server.create({ userId: user, userAgent: device, ip: '203.0.113.7' })));
      }
      expect([created.length, created.filter(Boolean).length]).toEqual([7, 3]);
    });

    withActivity('eraseUser leaves no activity or device; exportUser lists them without a secret', async () => {
      const sessions = createSessionManager({ store: raw() });
      const user = freshUser();
      const { session } = await sessions.create({ userId: user, userAgent: CHROME_MAC, ip: '203.0.113.9' });
      await sessions.revoke(session.id);
      const link = await sessions.issueRevocationLink((await sessions.create({ userId: user })).session.id);
      const exported = await sessions.exportUser(user);
      expect(exported.activity.map((entry) => entry.type)).toEqual(['session.created', 'session.revoked', 'session.created']);
      expect(exported.devices).toHaveLength(2);
      expect(JSON.stringify(exported)).not.toContain(link!.split('.')[1]!);
      await sessions.eraseUser(user);
      const after = await sessions.exportUser(user);
      expect([after.activity, after.devices, after.sessions]).toEqual([[], [], []]);
      expect(await sessions.redeemRevocationLink(link)).toBeNull();
    });

    it('revokeTenant signs out every session and access token of the tenant, no one else, and a sign-in right after works', async () => {
      const sessions = createSessionManager({ store: raw(), accessTokens: { secret: SECRET }, epochCacheTtl: 60_000 });
      const tenant = freshUser('tenant');
      const ada = await sessions.create({ userId: freshUser('ada'), tenantId: tenant, userAgent: CHROME_MAC });
      const bob = await sessions.create({ userId: freshUser('bob'), tenantId: tenant, kind: 'api' });
      const outsider = await sessions.create({ userId: freshUser('eve'), tenantId: freshUser('tenant') });
      const loner = await sessions.create({ userId: freshUser('solo') });
      const jwt = await sessions.issueAccessToken(bob.session);
      expect((await sessions.verifyAccessToken(jwt)).ok).toBe(true);
      const events: SessionEvent[] = [];
      sessions.on('tenant.sessions_invalidated', (event) => void events.push(event));
      const { epochs } = await sessions.revokeTenant(tenant, { kinds: 'all', by: 'owner-1' });
      expect(Object.keys(epochs).sort()).toEqual(['api', 'browser', 'impersonation', 'remember']);
      expect(events.map((event) => event.type === 'tenant.sessions_invalidated' && [event.tenantId, event.by, event.reason])).toEqual([[tenant, 'owner-1', 'admin']]);
      for (const { token } of [ada, bob]) expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'revoked' });
      // The cached state of the token's user was dropped at once.
      expect(await sessions.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
      for (const { token } of [outsider, loner]) expect((await sessions.validate(token)).ok).toBe(true);
      expect(await sessions.list(ada.session.userId)).toEqual([]);
      const again = await sessions.create({ userId: ada.session.userId, tenantId: tenant });
      expect((await sessions.validate(again.token)).ok).toBe(true);
      expect((await sessions.verifyAccessToken(await sessions.issueAccessToken(again.session))).ok).toBe(true);
      // Another instance sees the tenant epoch on its first read.
      const other = createSessionManager({ store: await sibling() });
      expect((await other.validate(ada.token)).ok).toBe(false);
      expect((await other.validate(again.token)).ok).toBe(true);
      if (keepsActivity(raw())) {
        const entries = await sessions.activity(ada.session.userId, { tenantId: tenant });
        expect(entries.map((entry) => [entry.type, entry.reason, entry.by])).toEqual([
          ['session.created', 'sign_in', undefined],
          ['tenant.sessions_invalidated', 'admin', 'owner-1'],
          ['session.created', 'sign_in', undefined],
        ]);
      }
    });

    it('a support session is the user\'s, never fresh, listed as support access, and ended by the user\'s sign out everywhere', async () => {
      const sessions = createSessionManager({ store: raw() });
      const admin = await sessions.create({ userId: freshUser('admin'), userAgent: CHROME_MAC });
      const user = freshUser();
      const own = await sessions.create({ userId: user, userAgent: SAFARI_IPHONE });
      const events: SessionEvent[] = [];
      sessions.on('*', (event) => void events.push(event));
      const support = await sessions.impersonate(admin.session, user);
      expect([support.session.kind, support.session.userId, support.session.impersonatorId]).toEqual(['impersonation', user, admin.session.userId]);
      expect(support.session.expiresAt - support.session.createdAt).toBe(60 * 60 * 1000);
      const validated = await sessions.validate(support.token);
      expect(validated.ok && validated.session.impersonatorId).toBe(admin.session.userId);
      expect(validated.ok && sessions.isFresh(validated.session)).toBe(false);
      expect(await sessions.reauthenticated(support.session.id)).toBeNull();
      expect((await sessions.list(user, { currentSessionId: own.session.id })).map((view) => [view.kind, view.deviceLabel, view.impersonatorId])).toEqual([
        ['browser', 'Safari on iOS', undefined],
        ['impersonation', `Support access by ${admin.session.userId}`, admin.session.userId],
      ]);
      expect(events.map((event) => event.type === 'session.created' && [event.reason, event.by, event.newDevice])).toEqual([['impersonation', admin.session.userId, false]]);
      // The admin's browser is not one of the user's devices.
      if (keepsActivity(raw())) expect((await sessions.exportUser(user)).devices).toHaveLength(1);
      await sessions.revokeAll(user);
      expect((await sessions.validate(support.token)).ok).toBe(false);
      // A support session cannot start another one, and a dead admin session starts none.
      const second = await sessions.impersonate(admin.session, user);
      const chained = await sessions.impersonate(second.session, freshUser()).catch((error: { code?: string }) => error.code);
      expect(chained).toBe('UNAUTHENTICATED');
      await sessions.revoke(admin.session.id);
      expect(await sessions.impersonate(admin.session, user).catch((error: { code?: string }) => error.code)).toBe('UNAUTHENTICATED');
    });
  });
}
