import { appCookieNames, BROWSERS, Device, NOT_STORED } from './client.js';
import type { FrameworkSuiteContext } from './context.js';

const THIRTY_DAYS_SECONDS = 30 * 24 * 60 * 60;

/** Signing in: the cookie, its attributes, and what the session remembers. */
export function describeSignIn({ describe, it, expect, scenario, expectReply }: FrameworkSuiteContext): void {
  describe('sign-in', () => {
    it('sets an HttpOnly, SameSite=Lax, Path=/ cookie until absolute expiry, without Domain, never cached', async () => {
      const device = scenario().device(BROWSERS.chromeMac);
      const reply = await device.signIn('alice');
      expectReply(reply, 200, { json: { sessionId: device.sessionId }, headers: NOT_STORED, cookies: 1 });
      const [cookie] = reply.cookies;
      expect(cookie?.name).toBe('session');
      expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
      const { httponly, samesite, path, domain, secure, 'max-age': maxAge } = cookie?.attributes ?? {};
      // Plain HTTP: a Secure cookie would never come back.
      expect([httponly, samesite?.toLowerCase(), path, maxAge, domain, secure]).toEqual(['', 'lax', '/', String(THIRTY_DAYS_SECONDS), undefined, undefined]);
    });

    it('lets the signed-in device into protected API routes and pages', async () => {
      const device = await scenario().signedIn('alice');
      expectReply(await device.request('/api/me'), 200, { json: { userId: 'alice', sessionId: device.sessionId } });
      expect((await device.request('/dashboard', { headers: { accept: 'text/html' } })).status).toBe(200);
      expect((await device.request('/api/public')).json).toEqual({ userId: 'alice', status: 'authenticated' });
    });

    it('over HTTPS behind a trusted proxy uses a Secure __Host-session cookie, and ignores a plain one there', async () => {
      const https = { 'x-forwarded-proto': 'https' };
      const device = scenario().device(BROWSERS.chromeMac, '__Host-session');
      const [cookie] = (await device.signIn('alice', https)).cookies;
      expect([cookie?.name, cookie?.attributes['secure'], cookie?.attributes['path'], cookie?.attributes['domain']]).toEqual(['__Host-session', '', '/', undefined]);
      expect((await device.request('/api/me', { headers: https })).status).toBe(200);
      // The same token under the plain-HTTP name (which anyone on HTTP could plant) is not read over HTTPS.
      expect((await device.request('/api/me', { headers: { ...https, cookie: `session=${device.token}` } })).status).toBe(401);
    });

    it('stores the User-Agent and the client IP (X-Forwarded-For behind a trusted proxy)', async () => {
      await scenario().device(BROWSERS.firefoxWindows).signIn('alice', { 'x-forwarded-for': '203.0.113.9, 10.0.0.1' });
      const [view] = await scenario().sessions.list('alice');
      expect([view?.deviceLabel, view?.ip]).toEqual(['Firefox on Windows', '203.0.113.9']);
    });

    it('without trustProxy, an X-Forwarded-For the client sent is not the address stored for its session', async () => {
      const app = await scenario().appWith({ trustProxy: false });
      await new Device(app.url, BROWSERS.firefoxWindows).signIn('alice', { 'x-forwarded-for': '198.51.100.7' });
      const [view] = await app.sessions.list('alice');
      // The socket's address, which a dual-stack server may write IPv4-mapped.
      expect(view?.ip?.replace(/^::ffff:/, '')).toBe('127.0.0.1');
    });

    it("one visitor's session cookie never reaches another through a cookie array or a Response object the app reuses", async () => {
      // The app's constant consent cookie (Node), or its shared 204 (Fetch runtimes), carries alice's cookie if written to.
      // What the app sets on every reply (its consent cookie on Node, nothing on Fetch runtimes) stays beside the session's cookie.
      const own = appCookieNames((await scenario().request('/api/public')).headers);
      const alice = scenario().device(BROWSERS.chromeMac);
      const signedIn = await alice.signIn('alice', {}, '&shared=1');
      // A 200 or the app's shared 204: never cached, as it sets a cookie.
      expect(Object.fromEntries(Object.keys(NOT_STORED).map((name) => [name, signedIn.headers.get(name)]))).toEqual(NOT_STORED);
      expect([signedIn.cookies.length, appCookieNames(signedIn.headers)]).toEqual([1, own]);
      for (const path of ['/api/public', '/api/me', '/dashboard']) expect((await scenario().request(path)).cookies).toEqual([]);
      // The next visitor to sign in gets a cookie of their own only, and is who they signed in as.
      const bob = scenario().device(BROWSERS.firefoxWindows);
      expect((await bob.signIn('bob', {}, '&shared=1')).cookies.map((cookie) => cookie.value)).toEqual([bob.token]);
      expect((await bob.request('/api/me')).json).toEqual({ userId: 'bob', sessionId: bob.sessionId });
    });

    it('signing in with a cookie already present revokes the old token', async () => {
      const device = await scenario().signedIn('alice');
      const oldToken = device.token;
      // Another browser name, so "one session per device" is not what revokes it.
      const other = scenario().device(BROWSERS.firefoxWindows);
      other.token = oldToken;
      await other.signIn('alice');
      expect(other.token).not.toBe(oldToken);
      expectReply(await device.request('/api/me'), 401, { json: { error: 'session_revoked' } });
      expect((await other.request('/api/me')).status).toBe(200);
    });
  });
}
