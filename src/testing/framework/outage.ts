import { BROWSERS, FORM_POST, NAVIGATION } from './client.js';
import type { FrameworkSuiteContext } from './context.js';

/** A store outage: 503 with Retry-After, the cookie kept, nobody let in, nothing lost. */
export function describeOutage({ runner, scenario }: FrameworkSuiteContext): void {
  const { describe, it, expect } = runner;
  describe('store outage', () => {
    it('gives 503 with Retry-After, keeps the cookie and lets nobody in', async () => {
      const device = scenario().device(BROWSERS.chromeMac);
      await device.signIn('alice');
      scenario().store.failing = true;
      const api = await device.request('/api/me');
      expect(api.status).toBe(503);
      expect(api.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(api.cookies).toHaveLength(0);
      const page = await device.request('/dashboard', { headers: NAVIGATION });
      expect(page.status).toBe(503);
      expect(page.cookies).toHaveLength(0);
      for (const [path, method] of [['/sessions', 'GET'], ['/sessions/sign-out', 'POST'], ['/sessions/sign-out-everywhere', 'POST']] as const) {
        const reply = await device.request(path, { method });
        expect(reply.status).toBe(503);
        expect(reply.cookies).toHaveLength(0);
      }
      const open = await device.request('/api/public');
      expect(open.status).toBe(200);
      expect(open.json).toEqual({ userId: null, status: 'unavailable' });
      scenario().store.failing = false;
      expect((await device.request('/api/me')).status).toBe(200);
    });

    it('a forged or revoked cookie is not let in either', async () => {
      const device = scenario().device(BROWSERS.chromeMac);
      await device.signIn('alice');
      await scenario().sessions.revokeAll('alice');
      scenario().store.failing = true;
      expect((await device.request('/api/me')).status).toBe(503);
      const forged = await scenario().request('/api/me', { headers: { cookie: `session=${'A'.repeat(22)}.${'B'.repeat(43)}` } });
      expect(forged.status).toBe(503);
    });

    it("the store failing inside the app's own sign-in gives 503, never 500, and sets no cookie", async () => {
      scenario().store.failing = true;
      const api = await scenario().device(BROWSERS.chromeMac).signIn('alice');
      expect(api.status).toBe(503);
      expect(api.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(api.headers.get('cache-control')).toBe('no-store');
      expect(api.json).toEqual({ error: 'unavailable' });
      expect(api.cookies).toHaveLength(0);
      const form = await scenario().request('/login?user=alice', { method: 'POST', headers: FORM_POST, body: 'user=alice', browser: true });
      expect(form.status).toBe(503);
      expect(form.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(form.cookies).toHaveLength(0);
      scenario().store.failing = false;
      expect(await scenario().sessions.list('alice')).toEqual([]);
    });

    it('a signed-in device signing in again during an outage keeps its cookie and its session', async () => {
      const device = scenario().device(BROWSERS.chromeMac);
      await device.signIn('alice');
      const before = device.token;
      scenario().store.failing = true;
      const reply = await device.signIn('alice');
      expect(reply.status).toBe(503);
      expect(reply.cookies).toHaveLength(0);
      scenario().store.failing = false;
      expect(device.token).toBe(before);
      expect((await device.request('/api/me')).status).toBe(200);
    });

    it('a sign-in whose write fails while reads work signs nobody out: 503, and the old cookie still works', async () => {
      const device = scenario().device(BROWSERS.chromeMac);
      await device.signIn('alice');
      const before = device.token;
      scenario().store.failingCreate = true;
      const reply = await device.signIn('alice');
      expect(reply.status).toBe(503);
      expect(reply.cookies).toHaveLength(0);
      scenario().store.failingCreate = false;
      expect(device.token).toBe(before);
      const me = await device.request('/api/me');
      expect(me.status).toBe(200);
      expect((me.json as { readonly userId?: unknown }).userId).toBe('alice');
      expect(await scenario().sessions.list('alice')).toHaveLength(1);
    });

    it('a store that hangs gives 503 after the storeTimeout, keeps the cookie and lets nobody in', async () => {
      const device = scenario().device(BROWSERS.chromeMac);
      await device.signIn('alice');
      scenario().store.hanging = true;
      const started = Date.now();
      const api = await device.request('/api/me');
      expect(api.status).toBe(503);
      expect(api.cookies).toHaveLength(0);
      // Bounded: the deadline, plus the sweep's quarter and scheduling slack on a loaded machine.
      expect(Date.now() - started).toBeLessThan(10_000);
      const page = await device.request('/dashboard', { headers: NAVIGATION });
      expect(page.status).toBe(503);
      expect(page.cookies).toHaveLength(0);
      scenario().store.hanging = false;
      expect((await device.request('/api/me')).status).toBe(200);
    });

    it('an anonymous API call still gets 401 (no store needed to know that)', async () => {
      scenario().store.failing = true;
      expect((await scenario().request('/api/me')).status).toBe(401);
    });
  });
}
