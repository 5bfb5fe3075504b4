import { appCookieNames, BROWSERS, NAVIGATION, NOT_STORED, sessionSetCookies, type Device } from './client.js';
import type { FrameworkSuiteContext } from './context.js';

/** The suite manager's rotation of `remember` sessions (ms); the sign-in route's `browser` sessions never rotate. */
export const SUITE_ROTATION = { rotateAfter: 60 * 60 * 1000, rotationGrace: 60_000 } as const;

const HTTPS = { 'x-forwarded-proto': 'https' };

/** Rotation through the wrapper: the sign-in cookie's name and attributes, the grace, and reuse after it. */
export function describeRotation({ describe, it, expect, scenario, expectReply }: FrameworkSuiteContext): void {
  // A remember-me session (the suite's sign-in route makes browser sessions) and its first token.
  const remembered = async (cookieName?: string): Promise<{ device: Device; old: string }> => {
    const device = await scenario().deviceWith({ userId: 'alice', kind: 'remember', userAgent: BROWSERS.chromeMac }, cookieName);
    return { device, old: device.token! };
  };

  describe('rotation with reuse detection', () => {
    for (const https of [false, true]) {
      it(`a rotated cookie keeps the sign-in cookie's name and attributes${https ? ' (HTTPS, __Host-session)' : ''}`, async () => {
        const headers = https ? HTTPS : {};
        const name = https ? '__Host-session' : 'session';
        const [signInCookie] = (await scenario().device(BROWSERS.firefoxWindows, name).signIn('bob', headers)).cookies;
        const { device, old } = await remembered(name);
        expect(sessionSetCookies((await device.request('/api/me', { headers })).headers)).toEqual([]);
        scenario().advance(SUITE_ROTATION.rotateAfter);
        const reply = await device.request('/api/me', { headers });
        expectReply(reply, 200, { headers: NOT_STORED, cookies: 1 });
        const [cookie] = reply.cookies;
        expect(cookie?.name).toBe(signInCookie?.name);
        expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
        expect(cookie?.value.split('.')[0]).toBe(old.split('.')[0]);
        expect(cookie?.value).not.toBe(old);
        const { 'max-age': maxAge, ...attributes } = cookie?.attributes ?? {};
        const { 'max-age': signInMaxAge, ...signInAttributes } = signInCookie?.attributes ?? {};
        expect(attributes).toEqual(signInAttributes);
        // As long as the sign-in's, counted from the rotation: the session's expiry does not move.
        expect(Number(maxAge)).toBe(Number(signInMaxAge) - SUITE_ROTATION.rotateAfter / 1000);
        device.holdToken(cookie!.value);
        const next = await device.request('/api/me', { headers });
        expect([next.status, sessionSetCookies(next.headers)]).toEqual([200, []]);
      });
    }

    it('a remember-me token sent as a Bearer is refused, due or not, and rotates nothing: rotation lives in the cookie', async () => {
      const { device, old } = await remembered();
      const api = scenario().device('curl/8.0');
      for (const wait of [0, SUITE_ROTATION.rotateAfter]) {
        scenario().advance(wait);
        expectReply(await api.request('/api/me', { headers: { authorization: `Bearer ${old}` } }), 401, { json: { error: 'unauthenticated' }, cookies: 0 });
      }
      expectReply(await device.request('/api/me'), 200, { cookies: 1 });
    });

    it('a navigation another site sent (Sec-Fetch-Site: cross-site) rotates nothing; the next request from the site itself does', async () => {
      const { device, old } = await remembered();
      scenario().advance(SUITE_ROTATION.rotateAfter);
      expectReply(await device.request('/dashboard', { headers: { ...NAVIGATION, 'sec-fetch-site': 'cross-site' } }), 200, { cookies: 0 });
      const own = await device.request('/api/me', { headers: { 'sec-fetch-site': 'same-origin' } });
      expectReply(own, 200, { cookies: 1 });
      expect(own.cookies[0]?.value.split('.')[0]).toBe(old.split('.')[0]);
    });

    it("the new cookie rides on a guard's refusal, and beside a sign-out's clearing cookie, each Set-Cookie its own header", async () => {
      const { device, old } = await remembered();
      scenario().advance(SUITE_ROTATION.rotateAfter);
      const refused = await device.request('/api/sensitive');
      expectReply(refused, 403, { cookies: 1 });
      expect(refused.cookies[0]?.value.split('.')[0]).toBe(old.split('.')[0]);
      expect((await device.request('/sessions/sign-out', { method: 'POST' })).cookies.map((cookie) => cookie.value === '')).toEqual([false, true]);
    });

    it("a page that sets the app's own cookie still delivers the new one: both arrive, and it works after the grace", async () => {
      const { device, old } = await remembered();
      scenario().advance(SUITE_ROTATION.rotateAfter);
      const reply = await device.request('/api/theme');
      // Never cached either: a shared cache would hand the new cookie to the next visitor of the page.
      expectReply(reply, 200, { json: { theme: 'dark' }, headers: NOT_STORED, cookies: 1 });
      // The app's theme cookie arrives once beside the new session cookie (a setter that replaces, as Koa's `ctx.set`, may end the app's
      // other cookie: the app's own doing; the sign-in test checks the wrapper keeps that one).
      expect(appCookieNames(reply.headers).filter((name) => name === 'theme')).toEqual(['theme']);
      expect(reply.cookies[0]?.value.split('.')[0]).toBe(old.split('.')[0]);
      device.holdToken(reply.cookies[0]!.value);
      scenario().advance(SUITE_ROTATION.rotationGrace);
      expectReply(await device.request('/api/me'), 200, { json: { userId: 'alice', sessionId: device.sessionId }, cookies: 0 });
    });

    it('the previous cookie inside the grace gets the same new Set-Cookie', async () => {
      const { device: tab, old } = await remembered();
      scenario().advance(SUITE_ROTATION.rotateAfter);
      const first = await tab.request('/api/me');
      scenario().advance(SUITE_ROTATION.rotationGrace - 1);
      const late = await tab.request('/api/me', { headers: { cookie: `session=${old}` } });
      expect([first.status, late.status]).toEqual([200, 200]);
      expect(sessionSetCookies(first.headers)).toHaveLength(1);
      expect(sessionSetCookies(late.headers)).toEqual(sessionSetCookies(first.headers));
    });

    it('the previous cookie after the grace gets 401 "session_reused", cleared, and the new one is refused as reused too', async () => {
      const { device, old } = await remembered();
      scenario().advance(SUITE_ROTATION.rotateAfter);
      const [rotated] = (await device.request('/api/me')).cookies;
      scenario().advance(SUITE_ROTATION.rotationGrace);
      expectReply(await device.request('/api/me'), 401, { json: { error: 'session_reused' }, clearsCookie: true });
      device.holdToken(rotated!.value);
      expectReply(await device.request('/api/me'), 401, { json: { error: 'session_reused' }, clearsCookie: true });
      expect(old).not.toBe(rotated!.value);
    });

    it('a handler that throws on the request that rotates the cookie: the 500 carries the new cookie, which still works after the grace', async () => {
      const { device, old } = await remembered();
      scenario().advance(SUITE_ROTATION.rotateAfter);
      const failed = await device.request('/api/fail');
      expectReply(failed, 500, { headers: { 'cache-control': 'no-store' }, cookies: 1 });
      expect(failed.cookies[0]?.value.split('.')[0]).toBe(old.split('.')[0]);
      device.holdToken(failed.cookies[0]!.value);
      scenario().advance(SUITE_ROTATION.rotationGrace);
      expectReply(await device.request('/api/me'), 200, { json: { userId: 'alice', sessionId: old.split('.')[0] }, cookies: 0 });
    });

    it("a rotation whose write fails gives 503 without a new cookie or a cleared one, and the cookie kept works once the store is back, after the grace too", async () => {
      const { device, old } = await remembered();
      scenario().advance(SUITE_ROTATION.rotateAfter);
      scenario().store.failingCreate = true;
      expectReply(await device.request('/api/me'), 503, { cookies: 0 });
      scenario().store.failingCreate = false;
      scenario().advance(SUITE_ROTATION.rotationGrace);
      const back = await device.request('/api/me');
      expectReply(back, 200, { json: { userId: 'alice', sessionId: old.split('.')[0] }, cookies: 1 });
    });

    it('the previous cookie after the grace loading a page is sent to the login page with reason=session_reused', async () => {
      const { device } = await remembered();
      scenario().advance(SUITE_ROTATION.rotateAfter);
      expect((await device.request('/dashboard', { headers: NAVIGATION })).status).toBe(200);
      scenario().advance(SUITE_ROTATION.rotationGrace);
      expectReply(await device.request('/dashboard', { headers: NAVIGATION }), 303, { headers: { location: '/login?next=/dashboard&reason=session_reused' }, clearsCookie: true });
    });
  });
}
