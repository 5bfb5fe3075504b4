import { BROWSERS, FORM_POST } from './client.js';
import { meStatuses, type FrameworkSuiteContext } from './context.js';

const CROSS_SITE = { json: { error: 'cross_site_request' } };

/** State-changing session routes, and the app's own routes behind `requireSameOrigin`, refuse requests made from another site. */
export function describeCrossSite({ describe, it, expect, scenario, expectReply }: FrameworkSuiteContext): void {
  describe('cross-site requests', () => {
    it('a cross-site POST or DELETE gets 403 and signs nobody out', async () => {
      const [laptop, phone] = await scenario().signedInOn('alice', BROWSERS.chromeMac, BROWSERS.safariIphone);
      // One per fact the wrapper hands over (each header, the scheme, a form body); the rule's Origins and routes are tested in test/http.
      const attacks: Record<string, string>[] = [
        { 'sec-fetch-site': 'cross-site' },
        // Same host name, other scheme: another origin, told apart by whether the connection is TLS.
        { origin: scenario().url.replace('http://', 'https://') },
        // A form post, which no preflight protects.
        { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      ];
      for (const headers of attacks) {
        const body = headers['content-type'] === undefined ? undefined : 'x=1';
        expectReply(await laptop.request('/sessions/sign-out-everywhere', { method: 'POST', headers, body }), 403, CROSS_SITE);
        expect((await laptop.request(`/sessions/${phone.sessionId}`, { method: 'DELETE', headers })).status).toBe(403);
      }
      expect(await meStatuses(laptop, phone)).toEqual([200, 200]);
    });

    it('a same-origin POST passes', async () => {
      const [laptop, phone] = await scenario().signedInOn('alice', BROWSERS.chromeMac, BROWSERS.safariIphone);
      expect((await laptop.request('/sessions/sign-out-others', { method: 'POST', headers: { origin: scenario().url, 'sec-fetch-site': 'same-origin' } })).status).toBe(200);
      expect((await phone.request('/api/me')).status).toBe(401);
    });

    it('a same-origin form on a page with Referrer-Policy: no-referrer (Origin: null) passes on Sec-Fetch-Site', async () => {
      const laptop = await scenario().signedIn('alice');
      const headers = { ...FORM_POST, origin: 'null', 'sec-fetch-site': 'same-origin' };
      expect((await laptop.request('/account', { method: 'POST', headers, body: 'x=1', browser: true })).status).toBe(200);
      expect((await laptop.request('/sessions/sign-out', { method: 'POST', headers, body: 'x=1', browser: true })).status).toBe(200);
    });

    it("a forged sign-in form (login CSRF) gets the session routes' 403 and sets no cookie", async () => {
      const headers = { ...FORM_POST, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' };
      const reply = await scenario().request('/login?user=mallory', { method: 'POST', headers, body: 'user=mallory', browser: true });
      expectReply(reply, 403, { ...CROSS_SITE, headers: { 'cache-control': 'no-store' }, cookies: 0 });
      expect(await scenario().sessions.list('mallory')).toEqual([]);
    });

    it("the app's own state-changing routes refuse a cross-site post even with a valid session, and take a same-origin one", async () => {
      const laptop = await scenario().signedIn('alice');
      const post = (headers: Record<string, string>) => laptop.request('/account', { method: 'POST', headers: { ...FORM_POST, ...headers }, body: 'x=1', browser: true });
      expectReply(await post({ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }), 403, CROSS_SITE);
      expect((await post({ origin: scenario().url, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
      const signIn = await scenario().device(BROWSERS.firefoxWindows).signIn('bob', { origin: scenario().url, 'sec-fetch-site': 'same-origin' });
      expectReply(signIn, 200, { cookies: 1 });
    });

    it('behind a trusted proxy, the origin is the one the proxy was reached at', async () => {
      const laptop = scenario().device(BROWSERS.chromeMac, '__Host-session');
      const proxy = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example' };
      await laptop.signIn('alice', proxy);
      expect((await laptop.request('/sessions/sign-out', { method: 'POST', headers: { ...proxy, origin: scenario().url } })).status).toBe(403);
      expect((await laptop.request('/account', { method: 'POST', headers: { ...proxy, origin: scenario().url } })).status).toBe(403);
      expect((await laptop.request('/account', { method: 'POST', headers: { ...proxy, origin: 'https://app.example' } })).status).toBe(200);
      expect((await laptop.request('/sessions/sign-out', { method: 'POST', headers: { ...proxy, origin: 'https://app.example' } })).status).toBe(200);
    });
  });
}
