import { BROWSERS } from './client.js';
import type { FrameworkSuiteContext } from './context.js';

const THIRTY_DAYS_SECONDS = 30 * 24 * 60 * 60;

/** Signing in: the cookie, its attributes, and what the session remembers. */
export function describeSignIn({ runner, scenario }: FrameworkSuiteContext): void {
  const { describe, it, expect } = runner;
  describe('sign-in', () => {
    it('sets an HttpOnly, SameSite=Lax, Path=/ cookie until absolute expiry, without Domain, never cached', async () => {
      const device = scenario().device(BROWSERS.chromeMac);
      const reply = await device.signIn('alice');
      expect(reply.status).toBe(200);
      expect(reply.headers.get('cache-control')).toBe('no-store');
      expect(reply.cookies).toHaveLength(1);
      const [cookie] = reply.cookies;
      expect(cookie?.name).toBe('session');
      expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
      expect(cookie?.attributes['httponly']).toBe('');
      expect(cookie?.attributes['samesite']?.toLowerCase()).toBe('lax');
      expect(cookie?.attributes['path']).toBe('/');
      expect(cookie?.attributes['max-age']).toBe(String(THIRTY_DAYS_SECONDS));
      expect(cookie?.attributes['domain']).toBeUndefined();
      // Plain HTTP: a Secure cookie would never come back.
      expect(cookie?.attributes['secure']).toBeUndefined();
      expect(reply.json).toEqual({ sessionId: device.sessionId });
    });

    it('lets the signed-in device into protected API routes and pages', async () => {
      const device = scenario().device(BROWSERS.chromeMac);
      await device.signIn('alice');
      const me = await device.request('/api/me');
      expect(me.status).toBe(200);
      expect(me.json).toEqual({ userId: 'alice', sessionId: device.sessionId });
      const page = await device.request('/dashboard', { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      const open = await device.request('/api/public');
      expect(open.json).toEqual({ userId: 'alice', status: 'authenticated' });
    });

    it('over HTTPS behind a trusted proxy uses a Secure __Host-session cookie, and ignores a plain one there', async () => {
      const https = { 'x-forwarded-proto': 'https' };
      const device = scenario().device(BROWSERS.chromeMac, '__Host-session');
      const reply = await device.signIn('alice', https);
      const [cookie] = reply.cookies;
      expect(cookie?.name).toBe('__Host-session');
      expect(cookie?.attributes['secure']).toBe('');
      expect(cookie?.attributes['path']).toBe('/');
      expect(cookie?.attributes['domain']).toBeUndefined();
      expect((await device.request('/api/me', { headers: https })).status).toBe(200);
      // The same token under the plain-HTTP name (which anyone on HTTP could plant) is not read over HTTPS.
      const planted = await device.request('/api/me', { headers: { ...https, cookie: `session=${device.token}` } });
      expect(planted.status).toBe(401);
    });

    it('stores the User-Agent and the client IP (X-Forwarded-For behind a trusted proxy)', async () => {
      const device = scenario().device(BROWSERS.firefoxWindows);
      await device.signIn('alice', { 'x-forwarded-for': '203.0.113.9, 10.0.0.1' });
      const [view] = await scenario().sessions.list('alice');
      expect(view?.deviceLabel).toBe('Firefox on Windows');
      expect(view?.ip).toBe('203.0.113.9');
    });

    it('signing in with a cookie already present revokes the old token', async () => {
      const device = scenario().device(BROWSERS.chromeMac);
      await device.signIn('alice');
      const oldToken = device.token;
      // Another browser name, so "one session per device" is not what revokes it.
      const other = scenario().device(BROWSERS.firefoxWindows);
      other.token = oldToken;
      await other.signIn('alice');
      expect(other.token).not.toBe(oldToken);
      const refused = await device.request('/api/me');
      expect(refused.status).toBe(401);
      expect(refused.json).toEqual({ error: 'session_revoked' });
      expect((await other.request('/api/me')).status).toBe(200);
    });
  });
}
