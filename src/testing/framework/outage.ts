import { BROWSERS, FORM_POST, NAVIGATION, NOT_SNIFFED, NOT_STORED } from './client.js';
import type { FrameworkSuiteContext } from './context.js';

const RETRY_AFTER = { 'retry-after': /^\d+$/ };

/** A store outage: 503 with Retry-After, the cookie kept, nobody let in, nothing lost. */
export function describeOutage({ describe, it, expect, scenario, expectReply }: FrameworkSuiteContext): void {
  describe('store outage', () => {
    it('gives 503 with Retry-After, keeps the cookie and lets nobody in', async () => {
      const device = await scenario().signedIn('alice');
      scenario().store.failing = true;
      expectReply(await device.request('/api/me'), 503, { headers: { ...RETRY_AFTER, ...NOT_STORED, ...NOT_SNIFFED }, cookies: 0 });
      expectReply(await device.request('/dashboard', { headers: NAVIGATION }), 503, { headers: { ...RETRY_AFTER, ...NOT_STORED, ...NOT_SNIFFED }, cookies: 0 });
      for (const [path, method] of [['/sessions', 'GET'], ['/sessions/sign-out', 'POST'], ['/sessions/sign-out-everywhere', 'POST']] as const) {
        expectReply(await device.request(path, { method }), 503, { cookies: 0 });
      }
      expectReply(await device.request('/api/public'), 200, { json: { userId: null, status: 'unavailable' } });
      scenario().store.failing = false;
      expect((await device.request('/api/me')).status).toBe(200);
    });

    it('a forged or revoked cookie is not let in either', async () => {
      const device = await scenario().signedIn('alice');
      await scenario().sessions.revokeAll('alice');
      scenario().store.failing = true;
      expect((await device.request('/api/me')).status).toBe(503);
      expect((await scenario().request('/api/me', { headers: { cookie: `session=${'A'.repeat(22)}.${'B'.repeat(43)}` } })).status).toBe(503);
    });

    it("the store failing inside the app's own sign-in gives 503, never 500, and sets no cookie", async () => {
      scenario().store.failing = true;
      const api = await scenario().device(BROWSERS.chromeMac).signIn('alice');
      expectReply(api, 503, { json: { error: 'unavailable' }, headers: { ...RETRY_AFTER, ...NOT_STORED, ...NOT_SNIFFED }, cookies: 0 });
      const form = await scenario().request('/login?user=alice', { method: 'POST', headers: FORM_POST, body: 'user=alice', browser: true });
      expectReply(form, 503, { headers: { 'content-type': /^text\/plain/, ...NOT_STORED, ...NOT_SNIFFED }, cookies: 0 });
      scenario().store.failing = false;
      expect(await scenario().sessions.list('alice')).toEqual([]);
    });

    const outages = [
      ['failing', 'a signed-in device signing in again during an outage keeps its cookie and its session'],
      ['failingCreate', 'a sign-in whose write fails while reads work signs nobody out: 503, and the old cookie still works'],
    ] as const;
    for (const [flag, name] of outages) {
      it(name, async () => {
        const device = await scenario().signedIn('alice');
        const before = device.token;
        scenario().store[flag] = true;
        expectReply(await device.signIn('alice'), 503, { cookies: 0 });
        scenario().store[flag] = false;
        expect(device.token).toBe(before);
        expectReply(await device.request('/api/me'), 200, { json: { userId: 'alice', sessionId: device.sessionId } });
        expect(await scenario().sessions.list('alice')).toHaveLength(1);
      });
    }

    it('a store that hangs gives 503 after the storeTimeout, keeps the cookie and lets nobody in', async () => {
      const device = await scenario().signedIn('alice');
      scenario().store.hanging = true;
      const started = Date.now();
      expectReply(await device.request('/api/me'), 503, { cookies: 0 });
      // Bounded: the deadline, plus the sweep's quarter and scheduling slack on a loaded machine.
      expect(Date.now() - started).toBeLessThan(10_000);
      expectReply(await device.request('/dashboard', { headers: NAVIGATION }), 503, { cookies: 0 });
      scenario().store.hanging = false;
      expect((await device.request('/api/me')).status).toBe(200);
    });

    it('an anonymous API call still gets 401 (no store needed to know that)', async () => {
      scenario().store.failing = true;
      expect((await scenario().request('/api/me')).status).toBe(401);
    });
  });
}
