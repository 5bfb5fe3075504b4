import { BROWSERS, NAVIGATION } from './client.js';
import { meStatuses, type FrameworkSuiteContext } from './context.js';

const TEN_MINUTES = 10 * 60 * 1000;

/** Sensitive actions (`requireFresh`, re-authentication) and session-only cookies. */
export function describeFreshness({ describe, it, expect, scenario, expectReply }: FrameworkSuiteContext): void {
  describe('sensitive actions and session-only cookies', () => {
    it('lets a session signed in moments ago through requireFresh, on API routes and pages', async () => {
      const device = await scenario().signedIn('alice');
      scenario().advance(TEN_MINUTES - 1);
      expectReply(await device.request('/api/sensitive'), 200, { json: { userId: 'alice' } });
      expect((await device.request('/security', { headers: NAVIGATION })).status).toBe(200);
    });

    it('asks an older session to prove who it is: 403 for an API call, 303 to the re-authentication page, still signed in', async () => {
      const device = await scenario().signedIn('alice');
      scenario().advance(TEN_MINUTES);
      const api = await device.request('/api/sensitive');
      expectReply(api, 403, { json: { error: 'reauthentication_required' }, headers: { 'cache-control': 'no-store' }, cookies: 0 });
      expectReply(await device.request('/security?tab=devices', { headers: NAVIGATION }), 303, { headers: { location: '/login?reauth=1&next=/security%3Ftab%3Ddevices' }, cookies: 0 });
      // Not fresh is not signed out.
      expect((await device.request('/api/me')).status).toBe(200);
    });

    it('re-authenticating the same session makes it fresh again, with no new session or cookie', async () => {
      const device = await scenario().signedIn('alice');
      scenario().advance(2 * TEN_MINUTES);
      expect((await device.request('/api/sensitive')).status).toBe(403);
      expectReply(await device.request('/reauthenticate', { method: 'POST' }), 200, { json: { fresh: true, authenticatedAt: scenario().now() }, cookies: 0 });
      expect((await device.request('/api/sensitive')).status).toBe(200);
      expect((await scenario().sessions.list('alice')).map((view) => view.id)).toEqual([device.sessionId]);
    });

    it('takes a route maxAge over the manager freshAge', async () => {
      const device = await scenario().signedIn('alice');
      scenario().advance(30 * 60 * 1000);
      expect((await device.request('/api/sensitive')).status).toBe(403);
      expect((await device.request('/api/sensitive-hour')).status).toBe(200);
      scenario().advance(30 * 60 * 1000);
      expect((await device.request('/api/sensitive-hour')).status).toBe(403);
    });

    it('with the global-logout policy on, a stale session signs out this device only: ending the others needs a fresh one', async () => {
      scenario().policy.globalLogout = true;
      const [laptop, phone] = await scenario().signedInOn('alice', BROWSERS.chromeMac, BROWSERS.safariIphone);
      scenario().advance(TEN_MINUTES);
      expect((await laptop.request('/sessions/sign-out-everywhere', { method: 'POST' })).json).toEqual({ error: 'reauthentication_required' });
      const stale = await laptop.request('/sessions/sign-out', { method: 'POST' });
      expectReply(stale, 200, { json: { global: false } });
      expect(stale.cookies.map((cookie) => cookie.value)).toEqual(['']);
      expect(await meStatuses(laptop, phone)).toEqual(['session_revoked', 200]);
      // A session that just proved who it is still ends every device, as the policy says.
      const tablet = await scenario().signedIn('alice', BROWSERS.firefoxWindows);
      expect((await tablet.request('/sessions/sign-out', { method: 'POST' })).json).toEqual({ global: true });
      expect((await phone.request('/api/me')).json).toEqual({ error: 'session_revoked' });
    });

    it("a cross-site or stale POST /sign-out-others is 403 and the app's handler never runs: the other device stays signed in", async () => {
      const [laptop, phone] = await scenario().signedInOn('alice', BROWSERS.chromeMac, BROWSERS.safariIphone);
      const crossSite = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' };
      expectReply(await laptop.request('/sign-out-others', { method: 'POST', headers: crossSite }), 403, { json: { error: 'cross_site_request' } });
      scenario().advance(TEN_MINUTES);
      expectReply(await laptop.request('/sign-out-others', { method: 'POST' }), 403, { json: { error: 'reauthentication_required' } });
      // No wait: a handler run after a refusal starts before the refusal is written, and the store answers within that turn.
      expect(await meStatuses(laptop, phone)).toEqual([200, 200]);
      // The route does sign the others out once the session is fresh.
      expect((await laptop.request('/reauthenticate', { method: 'POST' })).status).toBe(200);
      expectReply(await laptop.request('/sign-out-others', { method: 'POST' }), 200, { json: { revoked: 1 } });
      expect(await meStatuses(laptop, phone)).toEqual([200, 'session_revoked']);
    });

    it('answers a request without a session as requireSession does, and a store outage with 503', async () => {
      expectReply(await scenario().request('/api/sensitive'), 401, { json: { error: 'unauthenticated' } });
      expectReply(await scenario().request('/reauthenticate', { method: 'POST' }), 401, { json: { error: 'unauthenticated' } });
      expectReply(await scenario().request('/security', { headers: NAVIGATION }), 303, { headers: { location: '/login?next=/security' } });
      const device = await scenario().signedIn('alice');
      scenario().store.failing = true;
      expectReply(await device.request('/api/sensitive'), 503, { cookies: 0 });
    });

    it('"keep me signed in" unticked sets a session-only cookie; the session lasts as long on the server', async () => {
      const device = scenario().device(BROWSERS.chromeMac);
      const reply = await device.signIn('alice', {}, '&remember=0');
      expect(reply.status).toBe(200);
      const attributes = reply.cookies[0]?.attributes ?? {};
      expect([attributes['max-age'], attributes['expires'], attributes['httponly'], attributes['path']]).toEqual([undefined, undefined, '', '/']);
      const [view] = await scenario().sessions.list('alice');
      expect(view!.expiresAt - view!.createdAt).toBe(30 * 24 * 60 * 60 * 1000);
      scenario().advance(29 * 24 * 60 * 60 * 1000);
      expect((await device.request('/api/me')).status).toBe(200);
    });
  });
}
