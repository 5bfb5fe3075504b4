import { BROWSERS, NAVIGATION, type Reply } from './client.js';
import type { FrameworkSuiteContext } from './context.js';

const DAY = 24 * 60 * 60 * 1000;

/** Whether a reply deletes the session cookie `name`. */
export function clearsCookie(reply: Reply, name = 'session'): boolean {
  return reply.cookies.some((cookie) => cookie.name === name && cookie.value === '' && cookie.attributes['max-age'] === '0');
}

/** A device whose session ended elsewhere is refused on its next request. */
export function describeRevocation({ runner, scenario }: FrameworkSuiteContext): void {
  const { describe, it, expect } = runner;
  describe('revoked and expired devices', () => {
    it('a revoked device gets 401 "session_revoked" on its next request, with the cookie cleared', async () => {
      const laptop = scenario().device(BROWSERS.chromeMac);
      const phone = scenario().device(BROWSERS.safariIphone);
      await laptop.signIn('alice');
      await phone.signIn('alice');
      expect((await phone.request('/api/me')).status).toBe(200);
      await scenario().sessions.revoke(phone.sessionId!);
      const refused = await phone.request('/api/me');
      expect(refused.status).toBe(401);
      expect(refused.json).toEqual({ error: 'session_revoked' });
      expect(refused.headers.get('cache-control')).toBe('no-store');
      expect(clearsCookie(refused)).toBe(true);
      expect((await laptop.request('/api/me')).status).toBe(200);
    });

    it('a revoked device loading a page is sent to the login page with reason=session_revoked, the cookie cleared', async () => {
      const device = scenario().device(BROWSERS.chromeMac);
      await device.signIn('alice');
      await scenario().sessions.revokeAll('alice');
      const reply = await device.request('/dashboard', { headers: NAVIGATION });
      expect(reply.status).toBe(303);
      expect(reply.headers.get('location')).toBe('/login?next=/dashboard&reason=session_revoked');
      expect(clearsCookie(reply)).toBe(true);
    });

    it('an expired session loading a page is sent to the login page with reason=session_expired', async () => {
      const device = scenario().device(BROWSERS.chromeMac);
      await device.signIn('alice');
      scenario().advance(30 * DAY + 1_000);
      const reply = await device.request('/dashboard?tab=2', { headers: NAVIGATION });
      expect(reply.status).toBe(303);
      expect(reply.headers.get('location')).toBe('/login?next=/dashboard%3Ftab%3D2&reason=session_expired');
      expect(clearsCookie(reply)).toBe(true);
    });

    it('a cookie the store does not know carries no reason: nothing was ended, there was no session', async () => {
      const device = scenario().device(BROWSERS.chromeMac);
      await device.signIn('alice');
      const unknown = `${'A'.repeat(device.token!.split('.')[0]!.length)}.${device.token!.split('.')[1]}`;
      const reply = await device.request('/dashboard', { headers: { ...NAVIGATION, cookie: `session=${unknown}` } });
      expect(reply.status).toBe(303);
      expect(reply.headers.get('location')).toBe('/login?next=/dashboard');
    });

    it('an expired session gets 401 "session_expired"', async () => {
      const device = scenario().device(BROWSERS.chromeMac);
      await device.signIn('alice');
      scenario().advance(30 * DAY + 1_000);
      const reply = await device.request('/api/me');
      expect(reply.status).toBe(401);
      expect(reply.json).toEqual({ error: 'session_expired' });
      expect(clearsCookie(reply)).toBe(true);
    });

    it('with the global-logout policy on, signing out signs out every device', async () => {
      scenario().policy.globalLogout = true;
      const laptop = scenario().device(BROWSERS.chromeMac);
      const phone = scenario().device(BROWSERS.safariIphone);
      await laptop.signIn('alice');
      await phone.signIn('alice');
      const reply = await laptop.request('/sessions/sign-out', { method: 'POST' });
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({ global: true });
      expect(clearsCookie(reply)).toBe(true);
      expect((await phone.request('/api/me')).json).toEqual({ error: 'session_revoked' });
      expect((await laptop.request('/api/me')).json).toEqual({ error: 'session_revoked' });
    });
  });
}
