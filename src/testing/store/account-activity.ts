import { keepsActivity } from '../../activity/activity.js';
import { createSessionManager } from '../../manager/index.js';
import { capabilityTest } from '../runner.js';
import type { StoreSuiteContext } from './context.js';
import { CHROME_MAC, counting, FIREFOX_WINDOWS, freshUser, SAFARI_IPHONE } from './fixtures.js';

/** The manager's activity and new devices, kept by this store and read by another instance; what the manager writes there is tested once, on the memory store. */
export function describeAccountActivity(suite: StoreSuiteContext): void {
  const { describe, expect, raw, sibling } = suite;
  const withActivity = capabilityTest(suite, () => keepsActivity(raw()), 'the store lists no activity (listActivity)');
  describe('account activity and known devices, through the manager', () => {
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
      const first = await reader.activity(user, { limit: 4 });
      const second = await reader.activity(user, { limit: 4, before: first.at(-1)!.id });
      expect([...first, ...second].map((entry) => entry.id)).toEqual(entries.slice(0, 8).map((entry) => entry.id));
      expect(await reader.activity(freshUser('other'))).toEqual([]);
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
  });
}
