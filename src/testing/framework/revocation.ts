import { BROWSERS, NAVIGATION } from './client.js';
import { meStatuses, type FrameworkSuiteContext } from './context.js';
import { DAY } from '../store/fixtures.js';

/** A device whose session ended elsewhere is refused on its next request. */
export function describeRevocation({ describe, it, expect, scenario, expectReply }: FrameworkSuiteContext): void {
  describe('revoked and expired devices', () => {
    it('a revoked device gets 401 "session_revoked" on its next request, with the cookie cleared', async () => {
      const [laptop, phone] = await scenario().signedInOn('alice', BROWSERS.chromeMac, BROWSERS.safariIphone);
      expect((await phone.request('/api/me')).status).toBe(200);
      await scenario().sessions.revoke(phone.sessionId!);
      expectReply(await phone.request('/api/me'), 401, { json: { error: 'session_revoked' }, headers: { 'cache-control': 'no-store' }, clearsCookie: true });
      expect((await laptop.request('/api/me')).status).toBe(200);
    });

    it('a revoked device loading a page is sent to the login page with reason=session_revoked, the cookie cleared', async () => {
      const device = await scenario().signedIn('alice');
      await scenario().sessions.revokeAll('alice');
      expectReply(await device.request('/dashboard', { headers: NAVIGATION }), 303, { headers: { location: '/login?next=/dashboard&reason=session_revoked' }, clearsCookie: true });
    });

    it('an expired session loading a page is sent to the login page with reason=session_expired', async () => {
      const device = await scenario().signedIn('alice');
      scenario().advance(30 * DAY + 1_000);
      const reply = await device.request('/dashboard?tab=2', { headers: NAVIGATION });
      expectReply(reply, 303, { headers: { location: '/login?next=/dashboard%3Ftab%3D2&reason=session_expired' }, clearsCookie: true });
    });

    it('a cookie the store does not know carries no reason: nothing was ended, there was no session', async () => {
      const device = await scenario().signedIn('alice');
      const unknown = `${'A'.repeat(device.token!.split('.')[0]!.length)}.${device.token!.split('.')[1]}`;
      expectReply(await device.request('/dashboard', { headers: { ...NAVIGATION, cookie: `session=${unknown}` } }), 303, { headers: { location: '/login?next=/dashboard' } });
    });

    it('an expired session gets 401 "session_expired"', async () => {
      const device = await scenario().signedIn('alice');
      scenario().advance(30 * DAY + 1_000);
      expectReply(await device.request('/api/me'), 401, { json: { error: 'session_expired' }, clearsCookie: true });
    });

    it('with the global-logout policy on, signing out signs out every device', async () => {
      scenario().policy.globalLogout = true;
      const [laptop, phone] = await scenario().signedInOn('alice', BROWSERS.chromeMac, BROWSERS.safariIphone);
      expectReply(await laptop.request('/sessions/sign-out', { method: 'POST' }), 200, { json: { global: true }, clearsCookie: true });
      expect(await meStatuses(phone, laptop)).toEqual(['session_revoked', 'session_revoked']);
    });

    it('a global-logout policy that fails ends nothing (503, the cookie kept): signing out again signs out every device', async () => {
      scenario().policy.globalLogout = 'failing';
      const [laptop, phone] = await scenario().signedInOn('alice', BROWSERS.chromeMac, BROWSERS.safariIphone);
      expectReply(await laptop.request('/sessions/sign-out', { method: 'POST' }), 503, { cookies: 0 });
      expect(await meStatuses(phone, laptop)).toEqual([200, 200]);
      scenario().policy.globalLogout = true;
      expectReply(await laptop.request('/sessions/sign-out', { method: 'POST' }), 200, { json: { global: true }, clearsCookie: true });
      expect(await meStatuses(phone, laptop)).toEqual(['session_revoked', 'session_revoked']);
    });
  });
}
